package jsonfield

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/descriptorpb"
)

var file = (&descriptorpb.FileDescriptorProto{}).ProtoReflect().Descriptor()

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, doc, field, problem string
	}{
		{"valid", `{"name":"a.proto","messageType":[{"name":"M","field":[{"name":"f","number":1,"type":"TYPE_STRING"}]}]}`, "", ""},
		{"proto names", `{"message_type":[{"name":"M"}]}`, "", ""},
		{"unknown field", `{"nme":"a"}`, "nme", "unknown field; did you mean name? the document has name, package"},
		{"unknown field, nothing near", `{"labels":{}}`, "labels", "unknown field; the document has name, package"},
		{"unknown nested field", `{"messageType":[{"feild":[]}]}`, "messageType[0].feild", "unknown field; did you mean field? messageType[0] has name, field,"},
		{"string wanted", `{"name":5}`, "name", "want a string"},
		{"nested string wanted", `{"messageType":[{"field":[{"name":true}]}]}`, "messageType[0].field[0].name", "want a string"},
		{"list wanted", `{"messageType":{"name":"M"}}`, "messageType", "want a list"},
		{"object wanted", `{"messageType":["M"]}`, "messageType[0]", "want an object"},
		{"enum", `{"messageType":[{"field":[{"type":"TYPE_STRNG"}]}]}`, "messageType[0].field[0].type", `"TYPE_STRNG" is not one of TYPE_DOUBLE`},
		{"integer", `{"messageType":[{"field":[{"number":1.5}]}]}`, "messageType[0].field[0].number", "1.5 is not a whole number"},
		{"int32 range", `{"messageType":[{"field":[{"number":4294967296}]}]}`, "messageType[0].field[0].number", "out of range"},
		{"bool", `{"options":{"javaMultipleFiles":"yes"}}`, "options.javaMultipleFiles", "want true or false"},
		{"not an object", `[1]`, "", "want a JSON object"},
		{"not JSON", `{"name":`, "", "not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Check([]byte(tc.doc), file)
			if tc.problem == "" {
				if e != nil {
					t.Fatalf("Check: %v, want none", e)
				}
				return
			}
			if e == nil || e.Field != tc.field || !strings.Contains(e.Problem, tc.problem) {
				t.Fatalf("Check: %#v, want %s: %s", e, tc.field, tc.problem)
			}
		})
	}
}

// FuzzCheck: Check never panics, never blames a document protojson accepts, and Describe
// always says something about one it refuses.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"a"}`, `{"messageType":[{"field":[{"number":"7","type":3}]}]}`,
		`{"options":{"javaMultipleFiles":true,"uninterpretedOption":[{"doubleValue":"NaN"}]}}`, `{"name":5}`, `[]`, `{"syntax":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		m := &descriptorpb.FileDescriptorProto{}
		err := protojson.Unmarshal(doc, m)
		e := Check(doc, file)
		if err == nil && e != nil {
			t.Fatalf("protojson accepts %q, Check says %v", doc, e)
		}
		if err != nil {
			if d := Describe(doc, file, err); d == nil || d.Problem == "" {
				t.Fatalf("Describe(%q) says nothing", doc)
			}
		}
	})
}
