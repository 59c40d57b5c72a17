package rules

import (
	"slices"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

func deployment(name string) *orchestratorv1.Deployment {
	site := func(name, cloud, prefix string) *orchestratorv1.Site {
		return &orchestratorv1.Site{Name: name, Cloud: cloud, ResourceGroup: name + "-rg", AddressPrefixes: []string{prefix + ".0.0/16"},
			WorkloadSubnetPrefix: prefix + ".1.0/24", GatewaySubnetPrefix: prefix + ".255.0/27"}
	}
	return &orchestratorv1.Deployment{Name: name, Spec: &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{
		site("hub", "azure", "10.1"), site("stack", "azure-stack-hub", "10.2"),
	}}}
}

func TestValidate(t *testing.T) {
	clouds := cloud.Default("").Clouds
	for _, tc := range []struct {
		name   string
		edit   func(*orchestratorv1.Deployment)
		fields []string
	}{
		{"valid", func(*orchestratorv1.Deployment) {}, nil},
		{"bad id, named by the name", func(d *orchestratorv1.Deployment) { d.Name = "deployments/Bad_ID" }, []string{"deployment.name"}},
		{"every finding", func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[1].GatewaySku = "VpnGw5"
			d.Spec.Sites[1].Cloud = "nowhere"
			d.Spec.Sites[0].GatewaySubnetPrefix = "10.1.255.0/30"
		}, []string{"deployment.spec.sites[0].gateway_subnet_prefix", "deployment.spec.sites[1].cloud"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deployment("deployments/demo")
			tc.edit(d)
			got := Validate(d, clouds)
			for _, f := range tc.fields {
				if !slices.ContainsFunc(got, func(v apierr.Violation) bool { return v.Field == f }) {
					t.Errorf("no finding on %s: %v", f, got)
				}
			}
			if len(tc.fields) == 0 && len(got) > 0 {
				t.Errorf("findings on a valid deployment: %v", got)
			}
		})
	}
}
