// Package jsonfield names the field at fault in a JSON document meant for a protobuf
// message: protojson says "(line 1:25): invalid value for string field" without saying
// which field, while a caller needs "spec.sites[0].name: want a string". Check walks the
// document against the message's descriptor and returns the first problem by its path
// (JSON field names, list indexes); the REST face and the CLI's spec files both use it.
package jsonfield

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hybridlink/hybridlink/platform/spelling"
)

// wellKnown are the messages with a JSON form of their own.
var wellKnown = map[protoreflect.FullName]bool{}

func init() {
	for _, n := range []string{"Any", "Timestamp", "Duration", "Struct", "Value", "ListValue", "FieldMask", "Empty",
		"BoolValue", "BytesValue", "DoubleValue", "FloatValue", "Int32Value", "Int64Value", "StringValue", "UInt32Value", "UInt64Value"} {
		wellKnown[protoreflect.FullName("google.protobuf."+n)] = true
	}
}

// Error is a problem with one field of a document; Field is empty when the document as a
// whole is at fault.
type Error struct {
	Field, Problem string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Problem
	}
	return e.Field + ": " + e.Problem
}

// Check returns the first problem of document js for message md, or nil when the walk finds
// none (protojson may still refuse it for a reason the walk does not model, such as an
// integer out of range: Describe then cleans protojson's own message).
func Check(js []byte, md protoreflect.MessageDescriptor) *Error {
	var tree any
	d := json.NewDecoder(strings.NewReader(string(js)))
	d.UseNumber()
	if err := d.Decode(&tree); err != nil {
		return &Error{Problem: "not JSON: " + err.Error()}
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return &Error{Problem: "want a JSON object with the fields of " + string(md.Name())}
	}
	return message("", obj, md)
}

// Describe is the error for a document protojson refused with err: Check's finding when it
// has one, else protojson's message without its JSON position.
func Describe(js []byte, md protoreflect.MessageDescriptor, err error) *Error {
	if e := Check(js, md); e != nil {
		return e
	}
	msg := strings.TrimSpace(strings.TrimPrefix(err.Error(), "proto:"))
	if strings.HasPrefix(msg, "(line ") {
		if i := strings.Index(msg, "): "); i >= 0 {
			msg = msg[i+3:]
		}
	}
	return &Error{Problem: msg}
}

func message(path string, obj map[string]any, md protoreflect.MessageDescriptor) *Error {
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByTextName(key)
		}
		at := join(path, key)
		if fd == nil {
			return &Error{Field: at, Problem: "unknown field; " + didYouMean(key, md) + orRoot(path) + " has " + fieldList(md)}
		}
		v := obj[key]
		if v == nil {
			continue
		}
		switch {
		case fd.IsMap():
			m, ok := v.(map[string]any)
			if !ok {
				return &Error{Field: at, Problem: "want an object"}
			}
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if e := value(fmt.Sprintf("%s[%q]", at, k), m[k], fd.MapValue()); e != nil {
					return e
				}
			}
		case fd.IsList():
			items, ok := v.([]any)
			if !ok {
				return &Error{Field: at, Problem: "want a list"}
			}
			for i, item := range items {
				if e := value(fmt.Sprintf("%s[%d]", at, i), item, fd); e != nil {
					return e
				}
			}
		default:
			if e := value(at, v, fd); e != nil {
				return e
			}
		}
	}
	return nil
}

// value checks one value of field fd (an element, for lists and maps).
func value(at string, v any, fd protoreflect.FieldDescriptor) *Error {
	if v == nil {
		return nil
	}
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if wellKnown[fd.Message().FullName()] {
			return nil // well-known types have JSON forms of their own (strings, any value)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return &Error{Field: at, Problem: "want an object"}
		}
		return message(at, m, fd.Message())
	case protoreflect.StringKind, protoreflect.BytesKind:
		if _, ok := v.(string); !ok {
			return &Error{Field: at, Problem: "want a string"}
		}
	case protoreflect.BoolKind:
		if _, ok := v.(bool); !ok {
			return &Error{Field: at, Problem: "want true or false"}
		}
	case protoreflect.EnumKind:
		if fd.Enum().FullName() == "google.protobuf.NullValue" {
			return nil
		}
		values := fd.Enum().Values()
		switch x := v.(type) {
		case string:
			if values.ByName(protoreflect.Name(x)) == nil {
				return &Error{Field: at, Problem: fmt.Sprintf("%q is not one of %s", x, enumList(fd.Enum()))}
			}
		case json.Number:
			if e := integer(at, x, protoreflect.Int32Kind); e != nil { // open enums take unknown numbers
				return e
			}
		default:
			return &Error{Field: at, Problem: "want one of " + enumList(fd.Enum())}
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		switch v.(type) {
		case json.Number, string:
		default:
			return &Error{Field: at, Problem: "want a number"}
		}
	default: // the integer kinds
		return integer(at, v, fd.Kind())
	}
	return nil
}

// integer checks an integer field's value: a JSON number or a quoted one, whole and in range.
func integer(at string, v any, k protoreflect.Kind) *Error {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = x
	default:
		return &Error{Field: at, Problem: "want a whole number"}
	}
	f, err := json.Number(s).Float64()
	if err != nil || f != math.Trunc(f) {
		return &Error{Field: at, Problem: fmt.Sprintf("%s is not a whole number", s)}
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	switch k {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		lo, hi = math.MinInt32, math.MaxInt32
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		lo, hi = 0, math.MaxUint32
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		lo = 0
	}
	if f < lo || f > hi {
		return &Error{Field: at, Problem: fmt.Sprintf("%s is out of range (%.0f to %.0f)", s, lo, hi)}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

// didYouMean is "did you mean X? " for the field of md whose JSON name key is a likely
// misspelling of, or "".
func didYouMean(key string, md protoreflect.MessageDescriptor) string {
	if name, ok := spelling.Nearest(key, jsonNames(md)); ok {
		return "did you mean " + name + "? "
	}
	return ""
}

// jsonNames are a message's fields' JSON names.
func jsonNames(md protoreflect.MessageDescriptor) []string {
	names := make([]string, md.Fields().Len())
	for i := range names {
		names[i] = md.Fields().Get(i).JSONName()
	}
	return names
}

// fieldList lists a message's fields by their JSON names.
func fieldList(md protoreflect.MessageDescriptor) string {
	return strings.Join(jsonNames(md), ", ")
}

func enumList(ed protoreflect.EnumDescriptor) string {
	names := make([]string, ed.Values().Len())
	for i := range names {
		names[i] = string(ed.Values().Get(i).Name())
	}
	return strings.Join(names, ", ")
}
