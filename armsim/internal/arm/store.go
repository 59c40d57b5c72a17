package arm

import (
	"sort"
	"strings"
	"time"
)

// Meta holds the envelope every ARM resource carries.
type Meta struct {
	ID       string            `json:"id,omitempty"`
	Name     string            `json:"name,omitempty"`
	Type     string            `json:"type,omitempty"`
	Location string            `json:"location,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	Etag     string            `json:"etag,omitempty"`
}

// resource is a stored resource body of any type.
type resource interface {
	meta() *Meta
	// state points at properties.provisioningState.
	state() *string
}

func (m *Meta) meta() *Meta { return m }

// ref is a reference to another resource by ID, as ARM writes it: {"id": "..."}.
type ref struct {
	ID string `json:"id"`
}

// entry is one stored resource with armsim's bookkeeping around it.
type entry struct {
	Cloud string   `json:"cloud"`
	Kind  string   `json:"kind"`
	Res   resource `json:"-"`
	// Body is the body of the resource's last PUT as sent, without read-only properties and
	// secrets: what armsim returns of the properties it does not model.
	Body   map[string]any `json:"body,omitempty"`
	Op     string         `json:"op,omitempty"`
	Parent string         `json:"parent,omitempty"`
	Refs   []string       `json:"refs,omitempty"`
	// Power is a VM's power state (running, stopped, deallocated, or a transition).
	Power string `json:"power,omitempty"`
	// Released is the address a dynamic public IP gave back when its gateway was deleted:
	// the next one it gets is another (allocateAddress).
	Released string `json:"released,omitempty"`
	// SucceededAt is when the last operation on the resource succeeded.
	SucceededAt time.Time `json:"succeededAt"`
}

func (en *entry) id() string { return en.Res.meta().ID }

func (en *entry) key() string { return key(en.Cloud, en.id()) }

func (en *entry) provisioningState() string { return *en.Res.state() }

// get returns the entry stored under the resource ID on a cloud, or nil.
func (e *Engine) get(cloud, id string) *entry { return e.entries[key(cloud, id)] }

// put stores an entry under its parent and records what it references.
func (e *Engine) put(en *entry, refs []string) {
	e.dirty = true
	k := en.key()
	if old, ok := e.entries[k]; ok {
		e.unlinkRefs(k, old.Refs)
	}
	e.entries[k] = en
	if en.Parent != "" {
		if e.children[en.Parent] == nil {
			e.children[en.Parent] = map[string]struct{}{}
		}
		e.children[en.Parent][k] = struct{}{}
	}
	en.Refs = nil
	for _, r := range refs {
		rk := key(en.Cloud, r)
		en.Refs = append(en.Refs, rk)
		if e.refs[rk] == nil {
			e.refs[rk] = map[string]struct{}{}
		}
		e.refs[rk][k] = struct{}{}
	}
}

// remove deletes an entry and, recursively, its children.
func (e *Engine) remove(k string) {
	en, ok := e.entries[k]
	if !ok {
		return
	}
	e.dirty = true
	for c := range e.children[k] {
		e.remove(c)
	}
	delete(e.children, k)
	if en.Parent != "" {
		delete(e.children[en.Parent], k)
	}
	e.unlinkRefs(k, en.Refs)
	if kind := kinds[en.Kind]; kind.onRemove != nil {
		kind.onRemove(e, en)
	}
	delete(e.entries, k)
}

func (e *Engine) unlinkRefs(k string, refs []string) {
	for _, rk := range refs {
		delete(e.refs[rk], k)
		if len(e.refs[rk]) == 0 {
			delete(e.refs, rk)
		}
	}
}

// users returns the entries that reference k, sorted by key.
func (e *Engine) users(k string) []*entry {
	var out []*entry
	for u := range e.refs[k] {
		if en, ok := e.entries[u]; ok {
			out = append(out, en)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// childrenOf returns the children of k of one kind, sorted by key.
func (e *Engine) childrenOf(k, kind string) []*entry {
	var out []*entry
	for c := range e.children[k] {
		if en := e.entries[c]; en != nil && (kind == "" || en.Kind == kind) {
			out = append(out, en)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// lookup returns the entry a reference names on a cloud, or nil.
func (e *Engine) lookup(cloud string, r *ref) *entry {
	if r == nil || r.ID == "" {
		return nil
	}
	return e.get(cloud, r.ID)
}

// busy reports the pending operation that blocks a write to en: its own, its parent's or a child's.
func (e *Engine) busy(en *entry) *operation {
	if op := e.ops[en.Op]; en.Op != "" && op != nil {
		return op
	}
	if p := e.entries[en.Parent]; p != nil && p.Op != "" && kinds[p.Kind].lockChildren {
		return e.ops[p.Op]
	}
	for c := range e.children[en.key()] {
		if ch := e.entries[c]; ch != nil && ch.Op != "" && kinds[en.Kind].lockChildren {
			return e.ops[ch.Op]
		}
	}
	return nil
}

// isType reports whether an ID names a resource of the given namespace/type.
func isType(id, namespace, typ string) bool {
	p, ok := parsePath(id)
	if !ok || p.isCollection() || !strings.EqualFold(p.Namespace, namespace) {
		return false
	}
	return strings.EqualFold(strings.Join(p.Types, "/"), typ)
}
