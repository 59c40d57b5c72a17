package specfile

import "testing"

func TestFieldPath(t *testing.T) {
	for _, tc := range []struct{ api, want string }{
		{"deployment.spec.sites[1].address_prefixes[0]", "spec.sites[1].addressPrefixes[0]"},
		{"deployment.spec.sites[0].virtual_machines[1].admin_password", "spec.sites[0].virtualMachines[1].adminPassword"},
		{"deployment.spec.sites[*].virtual_machines[*].admin_password", "spec.sites[*].virtualMachines[*].adminPassword"},
		{"deployment.spec.connection.ipsec_policy.sa_lifetime_seconds", "spec.connection.ipsecPolicy.saLifetimeSeconds"},
		{"deployment.spec.sites[0].existing.vpn_gateway", "spec.sites[0].existing.vpnGateway"},
		{"deployment.name", "name"},
		{"name", "name"},             // GetDeploymentRequest's
		{"page_token", "page_token"}, // not a Deployment's field: as it is
		{"deployment.spec.no_such.sub_field", "spec.no_such.sub_field"}, // from the first unknown name on
		{"deployment.spec.sites[0].name.x", "spec.sites[0].name.x"},     // past a scalar
	} {
		if got := FieldPath(tc.api); got != tc.want {
			t.Errorf("FieldPath(%q) = %q, want %q", tc.api, got, tc.want)
		}
	}
}

func TestFieldText(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"required unless ssh_public_keys are given", "required unless sshPublicKeys are given"},
		{"SSH keys are for Linux images; a Windows image needs admin_password", "SSH keys are for Linux images; a Windows image needs adminPassword"},
		{"invalid request: deployment.spec.sites[1].gateway_sku: VpnGw5 is not offered; deployment.name: bad",
			"invalid request: spec.sites[1].gatewaySku: VpnGw5 is not offered; name: bad"},
		{"page_token and snake_case words that are no field stay", "page_token and snake_case words that are no field stay"},
		{"the deployment. Then", "the deployment. Then"},
	} {
		if got := FieldText(tc.text); got != tc.want {
			t.Errorf("FieldText(%q)\n = %q\nwant %q", tc.text, got, tc.want)
		}
	}
}
