package apierr

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
)

// limits bound a request carrying a BadRequest (repeated messages) at violations and an
// ErrorInfo (a map) at info, as the tests below call them.
var limits = NewLimits(
	Limit{"violations.field_violations", 2, "two at most"},
	Limit{"violations.field_violations[*].field", 8, "short fields"},
	Limit{"violations.field_violations[*].description", 16, "short descriptions"},
	Limit{"info.reason", 8, "short reasons"},
	Limit{"info.metadata", 2, "two entries"},
	Limit{"info.metadata.key", 4, "short keys"},
	Limit{"info.metadata.value", 4, "short values"},
)

func TestLimitsCheck(t *testing.T) {
	secret := strings.Repeat("s", 40)
	violation := func(field, description string) *errdetails.BadRequest_FieldViolation {
		return &errdetails.BadRequest_FieldViolation{Field: field, Description: description}
	}
	for _, tc := range []struct {
		name  string
		root  string
		msg   proto.Message
		field string // "" for none
	}{
		{"within", "violations", &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{violation("a", "b"), violation("c", "d")}}, ""},
		{"too many items", "violations", &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{violation("a", ""), violation("b", ""), violation("c", "")}}, "violations.field_violations"},
		{"a long string in an item", "violations", &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{violation("a", ""), violation("b", secret)}}, "violations.field_violations[1].description"},
		{"a long string", "info", &errdetails.ErrorInfo{Reason: secret}, "info.reason"},
		{"a map of too many entries", "info", &errdetails.ErrorInfo{Metadata: map[string]string{"a": "", "b": "", "c": ""}}, "info.metadata"},
		{"a long map key", "info", &errdetails.ErrorInfo{Metadata: map[string]string{secret: ""}}, "info.metadata"},
		{"a long map value", "info", &errdetails.ErrorInfo{Metadata: map[string]string{"k": secret}}, "info.metadata"},
		{"unbounded fields are not looked at", "info", &errdetails.ErrorInfo{Domain: secret}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v Violations
			ok := limits.Check(&v, tc.root, tc.msg.ProtoReflect())
			if tc.field == "" {
				if !ok || len(v) != 0 {
					t.Fatalf("violations within the limits: %v", v)
				}
				return
			}
			if ok || len(v) != 1 || v[0].Field != tc.field {
				t.Fatalf("want one violation on %s, got %v", tc.field, v)
			}
			if d := v[0].Description; !strings.Contains(d, "at most") || strings.Contains(d, secret[:8]) {
				t.Fatalf("the description does not give the limit, or quotes the value: %s", d)
			}
		})
	}
}

func TestLimitsCheckOnly(t *testing.T) {
	var v Violations
	long := strings.Repeat("x", 9)
	m := &errdetails.BadRequest_FieldViolation{Field: long, Description: long}
	one := NewLimits(Limit{"v.field", 8, "short"}, Limit{"v.description", 8, "short"})
	one.Check(&v, "v", m.ProtoReflect(), "description")
	if len(v) != 1 || v[0].Field != "v.description" {
		t.Fatalf("want only v.description, got %v", v)
	}
}

func TestLimitsUnbounded(t *testing.T) {
	got := limits.Unbounded("info", (&errdetails.ErrorInfo{}).ProtoReflect().Descriptor())
	if want := []string{"info.domain"}; !slices.Equal(got, want) {
		t.Fatalf("unbounded %v, want %v", got, want)
	}
	got = limits.Unbounded("violations", (&errdetails.BadRequest{}).ProtoReflect().Descriptor())
	for _, f := range got {
		if f == "violations.field_violations" || strings.HasSuffix(f, "[*].field") || strings.HasSuffix(f, "[*].description") {
			t.Errorf("%s is bounded, yet listed", f)
		}
	}
	if !slices.Contains(got, "violations.field_violations[*].reason") {
		t.Errorf("unbounded %v, want violations.field_violations[*].reason among them", got)
	}
}
