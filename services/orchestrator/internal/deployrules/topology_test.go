package deployrules

import (
	"fmt"
	"slices"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// withStamps returns the default clouds and n more Azure Stack Hub stamps, stamp1..stampN.
func withStamps(n int) []cloud.Cloud {
	out := slices.Clone(clouds)
	for i := 1; i <= n; i++ {
		stamp := clouds[1]
		stamp.ID = fmt.Sprintf("stamp%d", i)
		out = append(out, stamp)
	}
	return out
}

// hubAndSpokes returns an Azure hub (10.0.0.0/16) with n spokes, spoke i on stamp i with
// 10.i.0.0/16, without VMs.
func hubAndSpokes(n int) *orchestratorv1.Deployment {
	site := func(name, cloudID string, octet int) *orchestratorv1.Site {
		return &orchestratorv1.Site{
			Name: name, Cloud: cloudID, ResourceGroup: "rg-" + name,
			AddressPrefixes:      []string{fmt.Sprintf("10.%d.0.0/16", octet)},
			WorkloadSubnetPrefix: fmt.Sprintf("10.%d.1.0/24", octet), GatewaySubnetPrefix: fmt.Sprintf("10.%d.255.0/27", octet),
		}
	}
	spec := &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{site("hub", "azure", 0)}}
	for i := 1; i <= n; i++ {
		spec.Sites = append(spec.Sites, site(fmt.Sprintf("edge%d", i), fmt.Sprintf("stamp%d", i), i))
	}
	return &orchestratorv1.Deployment{Spec: spec}
}

func TestPeerings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spokes int
		hub    string
		want   []Peering
	}{
		{"two sites are one tunnel, each end once", 1, "", []Peering{{0, 1}, {1, 0}}},
		{"three spokes: the hub's ends first", 3, "", []Peering{{0, 1}, {0, 2}, {0, 3}, {1, 0}, {2, 0}, {3, 0}}},
		{"a hub named in the middle", 2, "edge1", []Peering{{0, 1}, {1, 0}, {1, 2}, {2, 1}}},
		{"a hub that names no site", 2, "nowhere", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := hubAndSpokes(tc.spokes)
			d.Spec.Hub = tc.hub
			if got := Peerings(d.Spec); !slices.Equal(got, tc.want) {
				t.Errorf("Peerings = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTransit(t *testing.T) {
	d := hubAndSpokes(3)
	if got, want := Transit(d.Spec, Peering{1, 0}), []string{"10.0.0.0/16"}; !slices.Equal(got, want) {
		t.Errorf("without transit a spoke's local network gateway lists %v, want the hub's %v", got, want)
	}
	d.Spec.Transit = true
	if got, want := Transit(d.Spec, Peering{1, 0}), []string{"10.0.0.0/16", "10.2.0.0/16", "10.3.0.0/16"}; !slices.Equal(got, want) {
		t.Errorf("with transit a spoke's local network gateway lists %v, want %v", got, want)
	}
	if got, want := Transit(d.Spec, Peering{0, 2}), []string{"10.2.0.0/16"}; !slices.Equal(got, want) {
		t.Errorf("the hub's local network gateway for a spoke lists %v, want the spoke's %v", got, want)
	}
}

func TestValidateTopology(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spokes int
		mutate func(d *orchestratorv1.Deployment)
		field  string // "" when valid
	}{
		{"a hub and three stamps", 3, nil, ""},
		{"a hub and fifteen stamps", 15, nil, ""},
		{"transit through an Azure hub", 3, func(d *orchestratorv1.Deployment) { d.Spec.Transit = true }, ""},
		{"the hub named", 3, func(d *orchestratorv1.Deployment) { d.Spec.Hub = "hub" }, ""},
		{"sixteen spokes are too many", 16, nil, "deployment.spec.sites"},
		{"a hub that names no site", 2, func(d *orchestratorv1.Deployment) { d.Spec.Hub = "core" }, "deployment.spec.hub"},
		{"transit through a stamp", 2, func(d *orchestratorv1.Deployment) { d.Spec.Hub, d.Spec.Transit = "edge1", true }, "deployment.spec.transit"},
		{"spokes overlapping each other", 3, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[3].AddressPrefixes = []string{"10.2.128.0/17"}
		}, "deployment.spec.sites[3].address_prefixes[0]"},
		{"a spoke overlapping the hub", 2, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[2].AddressPrefixes = []string{"10.0.0.0/8"}
			d.Spec.Sites[2].WorkloadSubnetPrefix, d.Spec.Sites[2].GatewaySubnetPrefix = "10.2.1.0/24", "10.2.255.0/27"
		}, "deployment.spec.sites[2].address_prefixes[0]"},
		{"two spokes on one stamp", 2, func(d *orchestratorv1.Deployment) { d.Spec.Sites[2].Cloud = "stamp1" }, "deployment.spec.sites[2].cloud"},
		{"a Basic hub with eleven spokes", 11, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].GatewaySku = "Basic"
			for _, s := range d.Spec.Sites[1:] {
				s.Cloud = "azure" // Azure spokes need no custom policy, which Basic cannot take
			}
		}, "deployment.spec.sites[0].gateway_sku"},
		{"a HighPerformance stamp hub with eleven spokes", 11, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].Cloud, d.Spec.Sites[0].GatewaySku = "stamp12", "HighPerformance"
		}, "deployment.spec.sites[0].gateway_sku"},
		{"a HighPerformance stamp hub with three spokes", 3, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].Cloud, d.Spec.Sites[0].GatewaySku = "stamp1", "HighPerformance"
			d.Spec.Sites[1].Cloud = "azure"
		}, ""},
		{"an adopted gateway without its network", 1, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].Existing = &orchestratorv1.ExistingResources{VpnGateway: "hub-gw"}
		}, "deployment.spec.sites[0].existing.virtual_network"},
		{"an adopted network, prefixes left to read", 1, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].Existing = &orchestratorv1.ExistingResources{VirtualNetwork: "hub-vnet", VpnGateway: "hub-gw"}
			d.Spec.Sites[0].AddressPrefixes, d.Spec.Sites[0].WorkloadSubnetPrefix, d.Spec.Sites[0].GatewaySubnetPrefix = nil, "", ""
		}, ""},
		{"an adopted network's bad name", 1, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].Existing = &orchestratorv1.ExistingResources{VirtualNetwork: "-hub"}
		}, "deployment.spec.sites[0].existing.virtual_network"},
		{"VMs in an adopted network", 1, func(d *orchestratorv1.Deployment) {
			d.Spec.Sites[0].Existing = &orchestratorv1.ExistingResources{VirtualNetwork: "hub-vnet"}
			d.Spec.Sites[0].VirtualMachines = valid().Spec.Sites[0].VirtualMachines
		}, "deployment.spec.sites[0].virtual_machines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := hubAndSpokes(tc.spokes)
			if tc.mutate != nil {
				tc.mutate(d)
			}
			v := Validate(d, "d1", withStamps(16))
			switch {
			case tc.field == "" && len(v) > 0:
				t.Fatalf("findings on a valid deployment: %v", v)
			case tc.field != "" && !slices.Contains(fields(v), tc.field):
				t.Fatalf("no finding on %s; findings: %v", tc.field, v)
			}
		})
	}
}

func TestStampCapacity(t *testing.T) {
	// A HighPerformance hub on stamp1 with 11 Azure spokes passes the hub gateway's own
	// limit only if it is Standard (20); the stamp's pool then holds 11 Standard tunnels.
	d := hubAndSpokes(11)
	d.Spec.Sites[0].Cloud, d.Spec.Sites[0].GatewaySku = "stamp1", "Standard"
	for _, s := range d.Spec.Sites[1:] {
		s.Cloud = "azure"
	}
	if v := Validate(d, "d1", withStamps(1)); len(v) > 0 {
		t.Fatalf("11 Standard tunnels on a stamp: %v", v)
	}
	more := hubAndSpokes(15)
	more.Spec.Sites[0].Cloud, more.Spec.Sites[0].GatewaySku = "stamp1", "HighPerformance"
	for _, s := range more.Spec.Sites[1:] {
		s.Cloud = "azure"
	}
	v := Validate(more, "d1", withStamps(1))
	if !slices.Contains(fields(v), "deployment.spec.sites[0].gateway_sku") || !slices.Contains(fields(v), "deployment.spec.sites[0].cloud") {
		t.Fatalf("15 HighPerformance tunnels on one stamp: want the gateway's and the stamp's limits; findings: %v", v)
	}
}
