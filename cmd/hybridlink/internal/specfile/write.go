package specfile

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Ref is a secret that a spec file Write made reads from an environment variable: Field is
// its path in the file, Env the variable.
type Ref struct {
	Field, Env string
}

// Write writes d as a YAML spec file that Parse reads back: the deployment as the API
// returns it (output-only fields included, which Parse ignores), with each secret the API
// never returns and a re-apply needs written as a fromEnv reference, and comments on top
// naming the variables to set. A VM without SSH keys needs its adminPassword, read from
// SITE_VM_PASSWORD (upper case, '_' for any other character); the connection's sharedKey
// is left out, as a re-apply without one keeps the deployment's key. It returns the
// references.
func Write(w io.Writer, d *orchestratorv1.Deployment) ([]Ref, error) {
	d = proto.Clone(d).(*orchestratorv1.Deployment)
	clearSecrets(d.ProtoReflect()) // the API returns none; none is written, whatever d holds
	js, err := protojson.Marshal(d)
	if err != nil {
		return nil, err
	}
	// YAML nodes keep the fields in protojson's order, the proto's: name before spec, a
	// site's name first.
	var doc yaml.Node
	if err := yaml.Unmarshal(js, &doc); err != nil {
		return nil, err
	}
	plain(&doc)
	refs := passwordRefs(d.GetSpec())
	out := make([]Ref, len(refs))
	for i, r := range refs {
		vm := value(value(value(doc.Content[0], "spec"), "sites").Content[r.site], "virtualMachines").Content[r.vm]
		at := max(key(vm, "adminUsername"), key(vm, "name")) + 2 // where the proto has it
		vm.Content = slices.Insert(vm.Content, at, scalar("adminPassword"),
			&yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{scalar(fromEnv), scalar(r.Env)}})
		out[i] = r.Ref
	}
	var b bytes.Buffer
	header(&b, d.GetName(), out)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	_, err = w.Write(b.Bytes())
	return out, err
}

// clearSecrets clears every input-only field of m and of the messages in it.
func clearSecrets(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case inputOnly(fd):
			m.Clear(fd)
		case fd.Message() != nil && fd.IsList():
			for i := range v.List().Len() {
				clearSecrets(v.List().Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			clearSecrets(v.Message())
		}
		return true
	})
}

// key is the index of name among mapping m's nodes (keys and values), -1 when m has no
// such key.
func key(m *yaml.Node, name string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return i
		}
	}
	return -1
}

// value is the value of key name in mapping m, which has it.
func value(m *yaml.Node, name string) *yaml.Node { return m.Content[key(m, name)+1] }

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// plain makes n and the nodes below it block style, unquoted: JSON's flow style and quotes
// go, and the encoder quotes what needs it.
func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}

// header writes the comments a written spec file starts with.
func header(b *bytes.Buffer, name string, refs []Ref) {
	fmt.Fprintf(b, "# %s as `hybridlink get -o yaml` wrote it: `hybridlink plan -f` and `apply -f` read it\n", name)
	b.WriteString("# back, ignoring status, createTime, updateTime and etag. The API never returns a secret.\n")
	if len(refs) > 0 {
		b.WriteString("# Each VM's adminPassword is read from the environment variable it names: set\n")
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, r := range refs {
			fmt.Fprintf(tw, "#   %s\t%s\n", r.Env, r.Field)
		}
		tw.Flush()
		b.WriteString("# to the VMs' passwords first.\n")
	}
	b.WriteString("# No sharedKey: a re-apply without one keeps the deployment's key.\n")
}

// vmRef is a VM's password reference with the VM's place in the spec.
type vmRef struct {
	Ref
	site, vm int
}

// passwordRefs returns a reference for the adminPassword of each VM of spec without SSH
// keys, each variable named once.
func passwordRefs(spec *orchestratorv1.DeploymentSpec) []vmRef {
	var refs []vmRef
	taken := map[string]bool{}
	for i, site := range spec.GetSites() {
		for j, vm := range site.GetVirtualMachines() {
			if len(vm.GetSshPublicKeys()) > 0 {
				continue
			}
			env := envName(site.GetName() + "_" + vm.GetName() + "_PASSWORD")
			for n := 2; taken[env]; n++ {
				env = envName(fmt.Sprintf("%s_%s_%d_PASSWORD", site.GetName(), vm.GetName(), n))
			}
			taken[env] = true
			refs = append(refs, vmRef{Ref: Ref{Field: fmt.Sprintf("spec.sites[%d].virtualMachines[%d].adminPassword", i, j), Env: env}, site: i, vm: j})
		}
	}
	return refs
}

// envName is s as an environment variable's name: upper case, '_' for any character but a
// letter or a digit.
func envName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
}
