package cloud

import (
	"strings"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/names"
)

// PerCloud holds one value per configured cloud, such as a service's SDK clients, and
// resolves the cloud ids and resource names callers send to it.
type PerCloud[C any] struct {
	byID map[string]C
	ids  []string
}

// Build makes the value of every configured cloud.
func Build[C any](reg *Registry, build func(*Conn) (C, error)) (*PerCloud[C], error) {
	p := &PerCloud[C]{byID: map[string]C{}, ids: reg.IDs()}
	for _, id := range p.ids {
		conn, _ := reg.Get(id)
		v, err := build(conn)
		if err != nil {
			return nil, err
		}
		p.byID[id] = v
	}
	return p, nil
}

// Lookup returns a cloud's value.
func (p *PerCloud[C]) Lookup(id string) (C, bool) {
	v, ok := p.byID[id]
	return v, ok
}

// Get returns a cloud's value, or InvalidArgument naming field and the configured clouds.
func (p *PerCloud[C]) Get(id, field string) (C, error) {
	v, ok := p.byID[id]
	if !ok {
		return v, apierr.Invalid(field, "cloud %q is not configured; configured clouds: %s", id, strings.Join(p.ids, ", "))
	}
	return v, nil
}

// Parse parses a resource name of the given shape (see names.Parse) and returns its cloud's
// value, with InvalidArgument naming field when either is wrong.
func (p *PerCloud[C]) Parse(name, field string, collections ...string) (names.Name, C, error) {
	n, err := names.Parse(name, collections...)
	if err != nil {
		var zero C
		return n, zero, apierr.Invalid(field, "%v", err)
	}
	v, err := p.Get(n.Cloud, field)
	return n, v, err
}

// Client is a step of Clients: it builds one client on a cloud and stores it in *to.
func Client[T any](to *T, build func(*Conn) (T, error)) func(*Conn) error {
	return func(conn *Conn) error {
		v, err := build(conn)
		if err != nil {
			return err
		}
		*to = v
		return nil
	}
}

// Clients runs the steps that build a service's clients on conn, in order, and stops at the
// first that fails.
func Clients(conn *Conn, steps ...func(*Conn) error) error {
	for _, step := range steps {
		if err := step(conn); err != nil {
			return err
		}
	}
	return nil
}
