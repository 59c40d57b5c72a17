package temporaldev

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartStop starts the dev server on free ports with an SQLite file and stops it.
func TestStartStop(t *testing.T) {
	s, err := Start(context.Background(), Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"), Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Address)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	s.Stop()
	if c, err := net.Dial("tcp", s.Address); err == nil {
		c.Close()
		t.Fatal("the server still listens after Stop")
	}
}

// TestStartExits checks that a server exiting before it listens is reported at once, not
// after the start-up time-out, and that Start tries again on new ports only when it picked
// the ports itself.
func TestStartExits(t *testing.T) {
	for _, tc := range []struct {
		name string
		port int
		runs int
	}{
		{"free ports: three tries", 0, 3},
		{"fixed port: one", freePortT(t), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			runs := filepath.Join(dir, "runs")
			bin := filepath.Join(dir, "temporal")
			script := "#!/bin/sh\necho run >> " + runs + "\nexit 3\n"
			if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			_, err := Start(context.Background(), Options{Binary: bin, Port: tc.port, Headless: true})
			var exited *exitedError
			if !errors.As(err, &exited) {
				t.Fatalf("error %v, want the server's exit", err)
			}
			b, _ := os.ReadFile(runs)
			if n := strings.Count(string(b), "run"); n != tc.runs {
				t.Errorf("started %d times, want %d", n, tc.runs)
			}
		})
	}
}

func freePortT(t *testing.T) int {
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
