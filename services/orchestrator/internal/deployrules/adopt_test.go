package deployrules

import (
	"fmt"
	"slices"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// adoptingHub is hubAndSpokes(n) whose hub adopts core-vnet and core-gw, prefixes left to read.
func adoptingHub(n int) *orchestratorv1.DeploymentSpec {
	spec := hubAndSpokes(n).Spec
	hub := spec.Sites[0]
	hub.Existing = &orchestratorv1.ExistingResources{VirtualNetwork: "core-vnet", VpnGateway: "core-gw"}
	hub.AddressPrefixes, hub.WorkloadSubnetPrefix, hub.GatewaySubnetPrefix = nil, "", ""
	return spec
}

// core is what the adopted hub is: 10.0.0.0/16 with a GatewaySubnet, and a route-based
// VpnGw1AZ gateway with branches branches, the first over 192.168.0.0/16.
func core(branches int) Adopted {
	gw := &AdoptedGateway{SKU: "VpnGw1AZ", RouteBased: true, VirtualNetwork: "core-vnet"}
	for i := range branches {
		gw.Branches = append(gw.Branches, Branch{Connection: fmt.Sprintf("branch%d", i), LocalNetworkGateway: fmt.Sprintf("branch%d-lgw", i),
			AddressPrefixes: []string{fmt.Sprintf("192.168.%d.0/24", i)}})
	}
	return Adopted{Site: 0, AddressPrefixes: []string{"10.0.0.0/16"}, Subnets: map[string]string{"GatewaySubnet": "10.0.255.0/27", "apps": "10.0.1.0/24"}, Gateway: gw}
}

func TestAdopt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spokes int
		spec   func(*orchestratorv1.DeploymentSpec)
		cloud  func(*Adopted)
		field  string // "" when it may be adopted
	}{
		{"a hub with room", 3, nil, nil, ""},
		{"prefixes given as they are", 1, func(s *orchestratorv1.DeploymentSpec) { s.Sites[0].AddressPrefixes = []string{"10.0.0.0/16"} }, nil, ""},
		{"prefixes given that it has not", 1, func(s *orchestratorv1.DeploymentSpec) { s.Sites[0].AddressPrefixes = []string{"10.9.0.0/16"} }, nil,
			"deployment.spec.sites[0].address_prefixes"},
		{"a network without a GatewaySubnet", 1, nil, func(a *Adopted) { delete(a.Subnets, "GatewaySubnet") }, "deployment.spec.sites[0].existing.virtual_network"},
		{"another GatewaySubnet than given", 1, func(s *orchestratorv1.DeploymentSpec) {
			s.Sites[0].AddressPrefixes, s.Sites[0].GatewaySubnetPrefix = []string{"10.0.0.0/16"}, "10.0.254.0/27"
		}, nil, "deployment.spec.sites[0].gateway_subnet_prefix"},
		{"a policy-based gateway", 1, nil, func(a *Adopted) { a.Gateway.RouteBased = false }, "deployment.spec.sites[0].existing.vpn_gateway"},
		{"a gateway in another network", 1, nil, func(a *Adopted) { a.Gateway.VirtualNetwork = "other-vnet" }, "deployment.spec.sites[0].existing.vpn_gateway"},
		{"BGP asked of a gateway without it", 1, func(s *orchestratorv1.DeploymentSpec) { s.Sites[0].EnableBgp = true }, nil, "deployment.spec.sites[0].enable_bgp"},
		{"a gateway at its tunnel limit", 1, nil, func(a *Adopted) { *a = core(30) }, "deployment.spec.sites[0].existing.vpn_gateway"},
		{"a gateway with room for exactly the spokes", 3, nil, func(a *Adopted) { *a = core(27) }, ""},
		{"a Basic gateway that a stamp needs a policy of", 1, nil, func(a *Adopted) { a.Gateway.SKU = "Basic" }, "deployment.spec.sites[0].existing.vpn_gateway"},
		{"a spoke over another branch", 2, func(s *orchestratorv1.DeploymentSpec) {
			s.Sites[2].AddressPrefixes = []string{"192.168.0.0/23"}
			s.Sites[2].WorkloadSubnetPrefix, s.Sites[2].GatewaySubnetPrefix = "192.168.0.0/25", "192.168.1.0/27"
		}, func(a *Adopted) { *a = core(2) }, "deployment.spec.sites[2].address_prefixes[0]"},
		{"a spoke over the adopted network", 1, func(s *orchestratorv1.DeploymentSpec) {
			s.Sites[1].AddressPrefixes = []string{"10.0.128.0/17"}
			s.Sites[1].WorkloadSubnetPrefix, s.Sites[1].GatewaySubnetPrefix = "10.0.129.0/24", "10.0.200.0/27"
		}, nil, "deployment.spec.sites[1].address_prefixes[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := adoptingHub(tc.spokes)
			if tc.spec != nil {
				tc.spec(spec)
			}
			if v := Validate(&orchestratorv1.Deployment{Spec: spec}, "d1", withStamps(16)); len(v) > 0 {
				t.Fatalf("the spec is not valid before adopting: %v", v)
			}
			full, err := Complete(spec, withStamps(16))
			if err != nil {
				t.Fatal(err)
			}
			a := core(1)
			if tc.cloud != nil {
				tc.cloud(&a)
			}
			got, v := Adopt(full, []Adopted{a}, withStamps(16))
			switch {
			case tc.field == "" && len(v) > 0:
				t.Fatalf("findings on an adoptable hub: %v", v)
			case tc.field != "" && !slices.Contains(fields(v), tc.field):
				t.Fatalf("no finding on %s; findings: %v", tc.field, v)
			case tc.field == "":
				hub := got.GetSites()[0]
				if !slices.Equal(hub.GetAddressPrefixes(), []string{"10.0.0.0/16"}) || hub.GetGatewaySubnetPrefix() != "10.0.255.0/27" || hub.GetGatewaySku() != "VpnGw1AZ" || !hub.GetExistingResourceGroup() {
					t.Errorf("the adopted hub was not filled in from the cloud: %v", hub)
				}
				if len(full.GetSites()[0].GetAddressPrefixes()) > 0 && tc.spec == nil {
					t.Error("Adopt changed the spec it was given")
				}
			}
		})
	}
}
