package arm

import (
	"bytes"
	"encoding/json"
	"strings"
)

// A resource keeps the body of its last PUT as sent, besides the typed resource armsim
// models: ARM answers with every property a client set, the ones its provider reads and the
// ones armsim does not model, merged with what it computes. Only read-only properties (a
// client doing GET-modify-PUT sends them back) and secrets are left out of what is kept.

// readOnly are the properties of every resource the provider computes.
var readOnly = []string{"id", "name", "type", "etag", "properties.provisioningState", "properties.resourceGuid"}

// keptBody decodes a PUT body into the form kept beside the typed resource, without the
// read-only and secret properties of its kind. Numbers stay as sent (json.Number).
func keptBody(k *kind, raw []byte) map[string]any {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&m) != nil || m == nil {
		return nil
	}
	for _, p := range append(readOnly, k.readOnly...) {
		deletePath(m, strings.Split(p, "."))
	}
	return m
}

// deletePath removes a dotted path from a decoded body; a segment ending in [] walks every
// element of an array: properties.ipConfigurations[].etag.
func deletePath(v any, segs []string) {
	m, ok := v.(map[string]any)
	if !ok || len(segs) == 0 {
		return
	}
	name, each := strings.CutSuffix(segs[0], "[]")
	switch {
	case len(segs) == 1:
		delete(m, name)
	case !each:
		deletePath(m[name], segs[1:])
	default:
		list, _ := m[name].([]any)
		for _, el := range list {
			deletePath(el, segs[1:])
		}
	}
}

// lookupPath returns the value at a dotted path of a decoded body, or nil.
func lookupPath(v any, path string) any {
	for _, s := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[s]
	}
	return v
}

// setDefault sets a property at a dotted path of a view when the view lacks it, creating
// the objects on the way: what ARM fills in when a client leaves a property out.
func setDefault(m map[string]any, path string, v any) {
	segs := strings.Split(path, ".")
	for _, s := range segs[:len(segs)-1] {
		next, ok := m[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[s] = next
		}
		m = next
	}
	if _, ok := m[segs[len(segs)-1]]; !ok {
		m[segs[len(segs)-1]] = v
	}
}

// toView turns a typed resource into its JSON object form.
func toView(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // typed resources always marshal
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

// merge lays the computed view of a resource over the body kept from its PUT: computed
// properties win, kept ones the computed view lacks (or leaves null) stay as sent. Arrays
// merge element by element, matched by name when the elements have one, else by position.
func merge(kept, computed any) any {
	switch c := computed.(type) {
	case nil:
		return kept
	case map[string]any:
		k, ok := kept.(map[string]any)
		if !ok {
			return c
		}
		out := make(map[string]any, len(k)+len(c))
		for n, v := range k {
			out[n] = v
		}
		for n, v := range c {
			out[n] = merge(k[n], v)
		}
		return out
	case []any:
		k, ok := kept.([]any)
		if !ok {
			return c
		}
		out := make([]any, len(c))
		for i, v := range c {
			out[i] = merge(counterpart(k, v, i, len(c)), v)
		}
		return out
	}
	return computed
}

// counterpart finds the kept element a computed array element stands for.
func counterpart(kept []any, v any, i, n int) any {
	if m, ok := v.(map[string]any); ok {
		if name, ok := m["name"].(string); ok {
			for _, el := range kept {
				if km, ok := el.(map[string]any); ok && strings.EqualFold(str(km["name"]), name) {
					return km
				}
			}
			return nil
		}
	}
	if len(kept) == n {
		return kept[i]
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// nonEmpty reports whether a kept property is set to something other than null, false, an
// empty string, array or object.
func nonEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// listAt returns the objects of the array at a dotted path of a decoded body.
func listAt(m map[string]any, path string) []map[string]any {
	list, _ := lookupPath(m, path).([]any)
	out := make([]map[string]any, 0, len(list))
	for _, el := range list {
		if o, ok := el.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// mergePatch applies a JSON merge patch (RFC 7386) to a decoded body: objects merge, null
// removes a property, anything else replaces it.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	out := map[string]any{}
	if t, ok := target.(map[string]any); ok {
		for k, v := range t {
			out[k] = v
		}
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = mergePatch(out[k], v)
		}
	}
	return out
}
