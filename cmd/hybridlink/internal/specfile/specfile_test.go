package specfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

const valid = `
# a comment
name: deployments/demo
spec:
  sites:
    - name: hub
      cloud: azure
      resourceGroup: hub-rg
      addressPrefixes: [10.1.0.0/16]
      workloadSubnetPrefix: 10.1.1.0/24
      gatewaySubnetPrefix: 10.1.255.0/27
      virtualMachines:
        - name: vm1
          size: Standard_B2s
  connection:
    ipsecPolicy:
      saLifetimeSeconds: 27000
`

func TestParse(t *testing.T) {
	d, err := Parse("demo.yaml", []byte(valid+"status:\n  state: STATE_READY\netag: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.GetName() != "deployments/demo" || ID(d.GetName()) != "demo" {
		t.Errorf("name %q", d.GetName())
	}
	site := d.GetSpec().GetSites()[0]
	if site.GetResourceGroup() != "hub-rg" || site.GetVirtualMachines()[0].GetSize() != "Standard_B2s" ||
		d.GetSpec().GetConnection().GetIpsecPolicy().GetSaLifetimeSeconds() != 27000 {
		t.Errorf("spec read as %v", d.GetSpec())
	}
	if d.GetStatus() != nil || d.GetEtag() != "" {
		t.Errorf("output-only fields kept: %v", d)
	}
	// a bare ID is a name, as on the command line
	if d, err := Parse("demo.yaml", []byte(strings.Replace(valid, "deployments/demo", "demo", 1))); err != nil || d.GetName() != "deployments/demo" {
		t.Errorf("name: demo read as %q, %v", d.GetName(), err)
	}
	// proto field names are accepted as protojson accepts them
	if _, err := Parse("demo.yaml", []byte(strings.Replace(valid, "resourceGroup", "resource_group", 1))); err != nil {
		t.Errorf("proto name refused: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text, field, problem string
	}{
		{"typo in a VM", strings.Replace(valid, "size:", "sizes:", 1), "spec.sites[0].virtualMachines[0].sizes", "unknown field; did you mean size?"},
		{"typo at the top", valid + "labels: {}\n", "labels", "unknown field; the file has name, spec"},
		{"wrong type", strings.Replace(valid, "saLifetimeSeconds: 27000", "saLifetimeSeconds: forever", 1), "spec.connection.ipsecPolicy.saLifetimeSeconds", "forever is not a whole number"},
		{"list wanted", strings.Replace(valid, "  sites:\n", "  sites: hub\n  x:\n", 1), "spec.sites", "want a list"},
		{"string wanted", strings.Replace(valid, "cloud: azure\n", "cloud: 5\n", 1), "spec.sites[0].cloud", "want a string"},
		{"no name", strings.Replace(valid, "name: deployments/demo\n", "", 1), "name", "required"},
		{"no spec", "name: deployments/demo\n", "spec", "required"},
		{"not YAML", "name: [", "", "yaml"},
		{"not a mapping", "- a\n- b\n", "", "want a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("demo.yaml", []byte(tc.text))
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *specfile.Error", err)
			}
			if fe.File != "demo.yaml" || (tc.field != "" && fe.Field != tc.field) || !strings.Contains(fe.Error(), tc.problem) {
				t.Errorf("error %q (field %q), want field %q and %q", fe, fe.Field, tc.field, tc.problem)
			}
		})
	}
}

// TestExamples reads the deployment files in examples/, and checks that the emulated
// clouds' example says what the JSON spec beside it says. The CLI's TestHubExamples
// validates and applies the hub examples on the emulated clouds.
func TestExamples(t *testing.T) {
	for _, name := range []string{"hybrid-connectivity.yaml", "real-azure-and-stamp.yaml", "hub-and-spokes.yaml", "attach-to-existing-hub.yaml"} {
		if _, err := Load(filepath.Join("..", "..", "..", "..", "examples", name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	d, err := Load("../../../../examples/hybrid-connectivity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile("../../../../examples/hybrid-connectivity.json")
	if err != nil {
		t.Fatal(err)
	}
	spec := &orchestratorv1.DeploymentSpec{}
	if err := protojson.Unmarshal(js, spec); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(d.GetSpec(), spec) {
		t.Errorf("hybrid-connectivity.yaml and .json differ:\n%v\n%v", d.GetSpec(), spec)
	}
}
