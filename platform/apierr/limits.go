package apierr

import (
	"fmt"
	"slices"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Limit bounds one field of a request: a repeated field's or a map's items, or a string's
// bytes (a map's keys at Field.key, its values at Field.value).
type Limit struct {
	// Field is the field's request path, with [*] for any index, e.g.
	// virtual_network.address_prefixes[*].
	Field string
	// Max is the most items, or bytes, the field may hold.
	Max int
	// Why is where Max comes from: the cloud's (or Temporal's) limit it keeps under.
	Why string
}

// Limits indexes bounds by field.
type Limits map[string]Limit

// NewLimits indexes list; it panics when a field is listed twice (a programming error).
func NewLimits(list ...Limit) Limits {
	l := make(Limits, len(list))
	for _, x := range list {
		if _, dup := l[x.Field]; dup {
			panic("apierr: limit of " + x.Field + " listed twice")
		}
		l[x.Field] = x
	}
	return l
}

// Check adds a violation for every set field of m over its limit, m being at request path
// root ("" for the request itself), and reports whether there was none. Only the fields
// named in only are looked at, when given. A value over its limit is never quoted (it may
// be a secret, or megabytes long), and nothing below it is looked at, so the violations
// stay few and short whatever is sent: check limits first, and the other rules can quote
// what they refuse.
func (l Limits) Check(v *Violations, root string, m protoreflect.Message, only ...protoreflect.Name) bool {
	n := len(*v)
	l.fields(v, root, root, m, only)
	return len(*v) == n
}

// Err returns InvalidArgument naming every field of request m over its limit, or nil: the
// first check of a request, before anything quotes one of its values.
func (l Limits) Err(m proto.Message) error {
	var v Violations
	l.Check(&v, "", m.ProtoReflect())
	return v.Err()
}

// fields checks the set fields of m; path is m's request path, pattern the same with [*]
// for its indices.
func (l Limits) fields(v *Violations, path, pattern string, m protoreflect.Message, only []protoreflect.Name) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if (len(only) > 0 && !slices.Contains(only, fd.Name())) || !m.Has(fd) {
			continue
		}
		p, pat, val := join(path, string(fd.Name())), join(pattern, string(fd.Name())), m.Get(fd)
		switch {
		case fd.IsMap():
			l.mapField(v, p, pat, fd, val.Map())
		case fd.IsList():
			list := val.List()
			if x, ok := l[pat]; ok && list.Len() > x.Max {
				v.Add(p, "%d items; at most %d are allowed (%s)", list.Len(), x.Max, x.Why)
				continue
			}
			for j := 0; j < list.Len(); j++ {
				l.value(v, fmt.Sprintf("%s[%d]", p, j), pat+"[*]", fd, list.Get(j))
			}
		default:
			l.value(v, p, pat, fd, val)
		}
	}
}

// mapField checks a map's size and each of its keys and values (strings, in our APIs).
func (l Limits) mapField(v *Violations, path, pattern string, fd protoreflect.FieldDescriptor, m protoreflect.Map) {
	if x, ok := l[pattern]; ok && m.Len() > x.Max {
		v.Add(path, "%d items; at most %d are allowed (%s)", m.Len(), x.Max, x.Why)
		return
	}
	m.Range(func(k protoreflect.MapKey, val protoreflect.Value) bool {
		if x, ok := l[pattern+".key"]; ok && len(k.String()) > x.Max {
			v.Add(path, "a key of %d bytes; at most %d are allowed (%s)", len(k.String()), x.Max, x.Why)
			return false
		}
		if x, ok := l[pattern+".value"]; ok && fd.MapValue().Kind() == protoreflect.StringKind && len(val.String()) > x.Max {
			v.Add(path, "a value of %d bytes; at most %d are allowed (%s)", len(val.String()), x.Max, x.Why)
			return false
		}
		return true
	})
}

// value checks one value of field fd: a string's length, or a message's fields.
func (l Limits) value(v *Violations, path, pattern string, fd protoreflect.FieldDescriptor, val protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		l.fields(v, path, pattern, val.Message(), nil)
	case protoreflect.StringKind:
		if x, ok := l[pattern]; ok && len(val.String()) > x.Max {
			v.Add(path, "%d bytes long; at most %d are allowed (%s)", len(val.String()), x.Max, x.Why)
		}
	case protoreflect.BytesKind:
		if x, ok := l[pattern]; ok && len(val.Bytes()) > x.Max {
			v.Add(path, "%d bytes long; at most %d are allowed (%s)", len(val.Bytes()), x.Max, x.Why)
		}
	}
}

// Unbounded lists the fields of a message at request path root (below the fields named
// in only, when given) that a request can set and l does not bound: strings, bytes,
// repeated fields, maps and their keys and values, leaving out OUTPUT_ONLY fields, which
// a service ignores in requests. It is for tests: a field added to an API fails them until
// it has its limit.
func (l Limits) Unbounded(root string, md protoreflect.MessageDescriptor, only ...protoreflect.Name) []string {
	var out []string
	var walk func(pattern string, md protoreflect.MessageDescriptor, only []protoreflect.Name, seen []protoreflect.FullName)
	walk = func(pattern string, md protoreflect.MessageDescriptor, only []protoreflect.Name, seen []protoreflect.FullName) {
		if slices.Contains(seen, md.FullName()) {
			return // a recursive message: bounded where it first appears
		}
		seen = append(seen, md.FullName())
		for i := 0; i < md.Fields().Len(); i++ {
			fd := md.Fields().Get(i)
			if (len(only) > 0 && !slices.Contains(only, fd.Name())) || HasBehavior(fd, annotations.FieldBehavior_OUTPUT_ONLY) {
				continue
			}
			p := join(pattern, string(fd.Name()))
			need := func(f string) {
				if _, ok := l[f]; !ok {
					out = append(out, f)
				}
			}
			switch {
			case fd.IsMap():
				need(p)
				need(p + ".key")
				if k := fd.MapValue().Kind(); k == protoreflect.StringKind || k == protoreflect.BytesKind {
					need(p + ".value")
				}
				continue
			case fd.IsList():
				need(p)
				p += "[*]"
			}
			switch fd.Kind() {
			case protoreflect.MessageKind, protoreflect.GroupKind:
				walk(p, fd.Message(), nil, seen)
			case protoreflect.StringKind, protoreflect.BytesKind:
				need(p)
			}
		}
	}
	walk(root, md, only, nil)
	return out
}

// HasBehavior reports whether a field is marked b with google.api.field_behavior:
// OUTPUT_ONLY (never in a request), INPUT_ONLY (a secret, never in a response).
func HasBehavior(fd protoreflect.FieldDescriptor, b annotations.FieldBehavior) bool {
	behaviors, _ := proto.GetExtension(fd.Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
	return slices.Contains(behaviors, b)
}

// join appends a field's name to a request path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
