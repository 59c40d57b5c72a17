package server

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// subnetSpec is a validated subnet: its ARM name and prefix.
type subnetSpec struct {
	id, prefix string
}

// limits bounds every field of the Create requests, checked before anything else.
var limits = apierr.NewLimits(slices.Concat(
	kind.ResourceName.On("parent", "subnet.name"),
	kind.ARMName("resource group", 90).On("resource_group_id"),
	kind.ARMName("virtual network", 80).On("virtual_network_id"),
	kind.ARMName("subnet", 80).On("subnet_id"),
	kind.Prefix.On("virtual_network.address_prefixes[*]", "virtual_network.subnets[*].address_prefix", "subnet.address_prefix"),
	[]apierr.Limit{
		{Field: "virtual_network.address_prefixes", Max: azrules.MaxVirtualNetworkPrefixes, Why: "Azure VPN Gateway limits: 600 virtual network address prefixes per VPN gateway"},
		{Field: "virtual_network.subnets", Max: azrules.MaxSubnets, Why: "Azure networking limits: 3000 subnets per virtual network"},
		{Field: "virtual_network.subnets[*].name", Max: names.MaxName, Why: "a subnet's name or resource name"},
	},
	azrules.ResourceLimits("resource_group"),
	azrules.ResourceLimits("virtual_network"),
)...)

// validateVirtualNetwork checks a CreateVirtualNetwork request before any ARM call, naming
// every bad field.
func validateVirtualNetwork(req *networkv1.CreateVirtualNetworkRequest) (*networkv1.VirtualNetwork, []subnetSpec, error) {
	var v apierr.Violations
	want := req.GetVirtualNetwork()
	if !kind.CheckResource(&v, "virtual_network", req.GetVirtualNetworkId(), want) {
		return nil, nil, v.Err()
	}
	space := azrules.CheckSpace(&v, "virtual_network.address_prefixes", want.GetAddressPrefixes())
	var subnets []subnetSpec
	var taken []netip.Prefix
	seen := map[string]bool{}
	for i, sn := range want.GetSubnets() {
		field := fmt.Sprintf("virtual_network.subnets[%d]", i)
		id := sn.GetName()
		if strings.Contains(id, "/") {
			n, err := names.Parse(id, "virtualNetworks", "subnets")
			if err != nil || n.Path[0].ID != req.GetVirtualNetworkId() {
				v.Add(field+".name", "%q must be the subnet's name, or a subnet name of this virtual network", id)
				continue
			}
			id = n.ID()
		}
		if err := names.CheckID(id); err != nil {
			v.Add(field+".name", "%v", err)
			continue
		}
		if seen[strings.ToLower(id)] {
			v.Add(field+".name", "subnet %q is listed twice", id)
			continue
		}
		seen[strings.ToLower(id)] = true
		p, ok := checkSubnet(&v, field, id, sn.GetAddressPrefix(), space, taken)
		if ok {
			taken = append(taken, p)
			subnets = append(subnets, subnetSpec{id: id, prefix: p.String()})
		}
	}
	return want, subnets, v.Err()
}

// checkSubnet checks one subnet against its virtual network's space and its siblings, and
// Azure's GatewaySubnet rules.
func checkSubnet(v *apierr.Violations, field, id, prefix string, space, siblings []netip.Prefix) (netip.Prefix, bool) {
	if strings.EqualFold(id, azrules.GatewaySubnet) && id != azrules.GatewaySubnet {
		v.Add(field+".name", "a VPN gateway's subnet must be named exactly %q, not %q", azrules.GatewaySubnet, id)
		return netip.Prefix{}, false
	}
	p, ok := azrules.CheckPrefix(v, field+".address_prefix", prefix)
	if !ok {
		return p, false
	}
	if len(space) > 0 && !azrules.Within(p, space) {
		v.Add(field+".address_prefix", "%s is outside the virtual network's address space", p)
		return p, false
	}
	if q, ok := azrules.Overlap(p, siblings); ok {
		v.Add(field+".address_prefix", "%s overlaps subnet prefix %s", p, q)
		return p, false
	}
	if id == azrules.GatewaySubnet && p.Bits() > azrules.MaxSubnetBits {
		v.Add(field+".address_prefix", "GatewaySubnet must be /29 or larger (/27 recommended); %s is too small", p)
		return p, false
	}
	return p, true
}
