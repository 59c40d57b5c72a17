package specfile

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestWriteReadsBack writes a deployment as the API returns it (no secret, a status) and
// reads the file back with the variables set: the spec is the one applied.
func TestWriteReadsBack(t *testing.T) {
	vm := func(name string, keys ...string) *orchestratorv1.VirtualMachineSpec {
		return &orchestratorv1.VirtualMachineSpec{Name: name, Size: "Standard_B2s", AdminUsername: "azureuser", SshPublicKeys: keys}
	}
	applied := &orchestratorv1.DeploymentSpec{
		Sites: []*orchestratorv1.Site{
			{Name: "hub", Cloud: "azure", ResourceGroup: "hub-rg", AddressPrefixes: []string{"10.1.0.0/16"},
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("hub-vm"), vm("keyed", "ssh-ed25519 AAAA"), vm("web.1")}},
			{Name: "edge-1", Cloud: "stamp1", ResourceGroup: "edge-rg", VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("vm")}},
			{Name: "edge", Cloud: "stamp2", ResourceGroup: "edge2-rg", VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("1-vm")}},
		},
		Connection: &orchestratorv1.ConnectionSpec{SharedKey: "Key-Never-Written", IpsecPolicy: &gatewayv1.IpsecPolicy{SaDataSizeKilobytes: 102400000}},
	}
	got := &orchestratorv1.Deployment{Name: "deployments/demo", Spec: applied, Etag: "e1",
		Status: &orchestratorv1.DeploymentStatus{State: orchestratorv1.DeploymentStatus_STATE_READY}}

	got.Spec.Sites[0].VirtualMachines[1].AdminPassword = "Password-Never-Written" // as the API never returns it
	var b bytes.Buffer
	refs, err := Write(&b, got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Never-Written") {
		t.Errorf("a secret was written:\n%s", b.String())
	}
	want := []Ref{
		{"spec.sites[0].virtualMachines[0].adminPassword", "HUB_HUB_VM_PASSWORD"},
		{"spec.sites[0].virtualMachines[2].adminPassword", "HUB_WEB_1_PASSWORD"},
		{"spec.sites[1].virtualMachines[0].adminPassword", "EDGE_1_VM_PASSWORD"},
		{"spec.sites[2].virtualMachines[0].adminPassword", "EDGE_1_VM_2_PASSWORD"}, // edge/1-vm says EDGE_1_VM too
	}
	if !slices.Equal(refs, want) {
		t.Errorf("refs %v, want %v", refs, want)
	}
	text := b.String()
	for _, line := range []string{
		"# deployments/demo as `hybridlink get -o yaml` wrote it",
		"#   HUB_HUB_VM_PASSWORD   spec.sites[0].virtualMachines[0].adminPassword\n",
		"# No sharedKey: a re-apply without one keeps the deployment's key.\n",
		"name: deployments/demo\nspec:\n  sites:\n    - name: hub\n      cloud: azure\n",
		"        - name: 1-vm\n          size: Standard_B2s\n          adminUsername: azureuser\n          adminPassword: {fromEnv: EDGE_1_VM_2_PASSWORD}\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("the file lacks %q:\n%s", line, text)
		}
	}

	if _, err := Parse("demo.yaml", b.Bytes()); err == nil || !strings.Contains(err.Error(), "HUB_HUB_VM_PASSWORD is not set") {
		t.Errorf("read back without the variables: %v", err)
	}
	for i, r := range refs {
		t.Setenv(r.Env, "Password-"+string(rune('a'+i)))
	}
	back, err := Parse("demo.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, text)
	}
	withPasswords := proto.Clone(applied).(*orchestratorv1.DeploymentSpec)
	withPasswords.Connection.SharedKey, withPasswords.Sites[0].VirtualMachines[1].AdminPassword = "", ""
	for i, vm := range []*orchestratorv1.VirtualMachineSpec{withPasswords.Sites[0].VirtualMachines[0], withPasswords.Sites[0].VirtualMachines[2],
		withPasswords.Sites[1].VirtualMachines[0], withPasswords.Sites[2].VirtualMachines[0]} {
		vm.AdminPassword = "Password-" + string(rune('a'+i))
	}
	if back.GetName() != "deployments/demo" || !proto.Equal(back.GetSpec(), withPasswords) {
		t.Errorf("read back as\n%v\nwant\n%v", back, withPasswords)
	}
}

// TestWriteNoSecrets writes a deployment whose VMs all have SSH keys: nothing to set.
func TestWriteNoSecrets(t *testing.T) {
	d := &orchestratorv1.Deployment{Name: "deployments/keys", Spec: &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{
		{Name: "hub", VirtualMachines: []*orchestratorv1.VirtualMachineSpec{{Name: "vm", SshPublicKeys: []string{"ssh-ed25519 AAAA"}}}}}}}
	var b bytes.Buffer
	refs, err := Write(&b, d)
	if err != nil || len(refs) != 0 || strings.Contains(b.String(), "environment variable") || strings.Contains(b.String(), "fromEnv") {
		t.Errorf("refs %v, %v:\n%s", refs, err, b.String())
	}
	if _, err := Parse("keys.yaml", b.Bytes()); err != nil {
		t.Errorf("read back: %v", err)
	}
}
