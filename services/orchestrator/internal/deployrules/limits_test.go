package deployrules

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
)

var update = flag.Bool("update", false, "rewrite the limits table in the README from Limits")

// readme is the README that shows Limits, between these markers.
const (
	readme      = "../../../../README.md"
	limitsBegin = "<!-- limits: rendered from services/orchestrator/internal/deployrules Limits by go test -run TestLimitsDocumented -update -->"
	limitsEnd   = "<!-- end of limits -->"
)

// field returns the descriptor of a Limit's field, or nil when the path names none.
func field(path string) protoreflect.FieldDescriptor {
	md := (&orchestratorv1.CreateDeploymentRequest{}).ProtoReflect().Descriptor()
	var fd protoreflect.FieldDescriptor
	for _, part := range strings.Split(path, ".") {
		if md == nil {
			return nil
		}
		if fd = md.Fields().ByName(protoreflect.Name(strings.TrimSuffix(part, "[*]"))); fd == nil {
			return nil
		}
		md = fd.Message()
	}
	return fd
}

// unit is what a Limit's Max counts.
func unit(l apierr.Limit) string {
	fd := field(l.Field)
	switch {
	case fd.IsList() && !strings.HasSuffix(l.Field, "[*]"):
		return "items"
	case fd.Kind() == protoreflect.MessageKind:
		return "bytes encoded"
	}
	return "bytes"
}

// TestLimitsCoverEveryField: every string and repeated field of a deployment's name and
// spec (and every string item of one) has its Limit, and every Limit names a field, so a
// field added to the API cannot go unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	md := (&orchestratorv1.Deployment{}).ProtoReflect().Descriptor()
	if missing := limits.Unbounded("deployment", md, "name", "spec"); len(missing) > 0 {
		t.Errorf("fields without a Limit: %v", missing)
	}
	for _, l := range Limits {
		if field(l.Field) == nil {
			t.Errorf("Limit %s names no field of a deployment", l.Field)
		}
		if l.Max <= 0 || l.Why == "" {
			t.Errorf("Limit %s: max %d, why %q", l.Field, l.Max, l.Why)
		}
	}
}

// set makes the field of d at a Limit's path (each [*] the first item, created when
// missing) hold n items, or n bytes, keeping the items there are.
func set(d *orchestratorv1.Deployment, path string, n int) {
	m := d.ProtoReflect()
	parts := strings.Split(strings.TrimPrefix(path, "deployment."), ".")
	for i, part := range parts {
		fd := m.Descriptor().Fields().ByName(protoreflect.Name(strings.TrimSuffix(part, "[*]")))
		last := i == len(parts)-1
		if !fd.IsList() {
			if last {
				m.Set(fd, protoreflect.ValueOfString(strings.Repeat("k", n)))
				return
			}
			m = m.Mutable(fd).Message()
			continue
		}
		list := m.Mutable(fd).List()
		if list.Len() == 0 && fd.Kind() == protoreflect.MessageKind {
			list.Append(list.NewElement())
		} else if list.Len() == 0 {
			list.Append(protoreflect.ValueOfString("x"))
		}
		switch {
		case !last:
			m = list.Get(0).Message()
		case strings.HasSuffix(part, "[*]"):
			list.Set(0, protoreflect.ValueOfString(strings.Repeat("k", n)))
		default:
			for list.Len() < n {
				list.Append(list.Get(0))
			}
			list.Truncate(n)
		}
	}
}

// TestLimits puts each field one over its limit: Validate answers that one finding, on
// the field's path, saying the limit and quoting nothing; at the limit CheckLimits has
// nothing to say.
func TestLimits(t *testing.T) {
	for _, l := range Limits {
		if l.Field == "deployment.spec" {
			continue // TestSpecSizeLimit
		}
		t.Run(l.Field, func(t *testing.T) {
			at := valid()
			set(at, l.Field, l.Max)
			if v := CheckLimits(at); len(v) != 0 {
				t.Fatalf("at the limit: %v", v)
			}
			over := valid()
			set(over, l.Field, l.Max+1)
			v := Validate(over, "demo", clouds)
			path := strings.ReplaceAll(l.Field, "[*]", "[0]")
			if len(v) != 1 || v[0].Field != path {
				t.Fatalf("want one finding on %s; got %v", path, v)
			}
			if d := v[0].Description; !strings.Contains(d, fmt.Sprintf("at most %d", l.Max)) || strings.Contains(d, strings.Repeat("k", 8)) {
				t.Errorf("the finding does not say the limit, or quotes the value: %s", d)
			}
		})
	}
}

// TestSpecSizeLimit: a spec whose fields are each within their limits but which is larger
// than MaxSpecBytes in all is refused as a whole, before any other rule.
func TestSpecSizeLimit(t *testing.T) {
	d := valid()
	keys := make([]string, 10)
	for i := range keys {
		keys[i] = "ssh-rsa " + strings.Repeat("A", 8<<10-len("ssh-rsa "))
	}
	vm := d.Spec.Sites[1].VirtualMachines[1]
	vm.SshPublicKeys = keys
	for i := range 4 {
		c := proto.Clone(vm).(*orchestratorv1.VirtualMachineSpec)
		c.Name = fmt.Sprintf("big-%d", i)
		d.Spec.Sites[1].VirtualMachines = append(d.Spec.Sites[1].VirtualMachines, c)
	}
	v := Validate(d, "demo", clouds)
	if len(v) != 1 || v[0].Field != "deployment.spec" || !strings.Contains(v[0].Description, fmt.Sprintf("at most %d", MaxSpecBytes)) {
		t.Fatalf("want one finding on deployment.spec; got %v", v)
	}
}

// TestLimitsDocumented checks that the README shows Limits as they are (-update rewrites
// it).
func TestLimitsDocumented(t *testing.T) {
	var b strings.Builder
	b.WriteString(limitsBegin + "\n\n| field | at most | of | why |\n|---|---|---|---|\n")
	for _, l := range Limits {
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s |\n", l.Field, l.Max, unit(l), l.Why)
	}
	b.WriteString("\n" + limitsEnd)
	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, found := strings.Cut(string(text), limitsBegin)
	_, after, ended := strings.Cut(rest, limitsEnd)
	if !found || !ended {
		t.Fatalf("%s has no limits table between %q and %q", readme, limitsBegin, limitsEnd)
	}
	if got := limitsBegin + rest[:len(rest)-len(after)]; got != b.String() {
		if *update {
			if err := os.WriteFile(readme, []byte(before+b.String()+after), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("the README's limits table is not Limits; run go test ./internal/deployrules -run TestLimitsDocumented -update")
	}
}
