package cloud

import (
	"errors"
	"testing"
)

func TestClientsStopsAtFirstError(t *testing.T) {
	fail := errors.New("no client")
	var a, b, c int
	ran := 0
	build := func(v int, err error) func(*Conn) (int, error) {
		return func(*Conn) (int, error) { ran++; return v, err }
	}
	err := Clients(&Conn{}, Client(&a, build(1, nil)), Client(&b, build(2, fail)), Client(&c, build(3, nil)))
	if !errors.Is(err, fail) || a != 1 || b != 0 || c != 0 || ran != 2 {
		t.Fatalf("Clients = %v, a=%d b=%d c=%d after %d builds; want the first error, a=1, nothing else set, 2 builds", err, a, b, c, ran)
	}
	if err := Clients(&Conn{}, Client(&b, build(2, nil))); err != nil || b != 2 {
		t.Fatalf("Clients = %v, b=%d; want nil, b=2", err, b)
	}
}
