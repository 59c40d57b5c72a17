package deployrules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/names"
)

// checkExisting checks a site that adopts its virtual network (and maybe its gateway): the
// names of what it adopts, and the prefixes when given (they are read from the network
// otherwise). Such a site takes no virtual machines: the suite creates nothing inside a
// network it does not own.
func checkExisting(v *apierr.Violations, field string, site *orchestratorv1.Site) {
	ex := site.GetExisting()
	v.Check(field+".existing.virtual_network", names.CheckID(ex.GetVirtualNetwork()))
	if gw := ex.GetVpnGateway(); gw != "" {
		v.Check(field+".existing.vpn_gateway", names.CheckID(gw))
	}
	var space []netip.Prefix
	if len(site.GetAddressPrefixes()) > 0 {
		space = azrules.CheckSpace(v, field+".address_prefixes", site.GetAddressPrefixes())
	}
	if s := site.GetWorkloadSubnetPrefix(); s != "" {
		checkSubnet(v, field+".workload_subnet_prefix", "workload subnet", s, space, "")
	}
	if s := site.GetGatewaySubnetPrefix(); s != "" {
		checkSubnet(v, field+".gateway_subnet_prefix", azrules.GatewaySubnet, s, space, " (/27 or larger recommended)")
	}
	if len(site.GetVirtualMachines()) > 0 {
		v.Add(field+".virtual_machines", "a site whose virtual network is adopted takes no virtual machines: the deployment creates nothing inside a network it does not own; put the VMs in a spoke")
	}
}

// Adopted is what one site's adopted resources are, read from its cloud before anything
// is written.
type Adopted struct {
	// Site is the site's index in the spec.
	Site int
	// AddressPrefixes is the adopted virtual network's address space.
	AddressPrefixes []string
	// Subnets maps the network's subnet names to their prefixes.
	Subnets map[string]string
	// Gateway is the adopted VPN gateway; nil when the site adopts none.
	Gateway *AdoptedGateway
}

// AdoptedGateway is what an adopted VPN gateway is.
type AdoptedGateway struct {
	// SKU and BGP are its SKU and whether it runs BGP.
	SKU string
	BGP bool
	// RouteBased is false for a policy-based gateway.
	RouteBased bool
	// VirtualNetwork is the name (last segment) of the virtual network it is in.
	VirtualNetwork string
	// Branches are the site-to-site connections on it already, other than this
	// deployment's own.
	Branches []Branch
}

// Branch is a connection already on an adopted gateway: another branch of its network.
type Branch struct {
	// Connection and LocalNetworkGateway are resource names.
	Connection, LocalNetworkGateway string
	// AddressPrefixes are its local network gateway's prefixes: the branch's space.
	AddressPrefixes []string
}

// Adopt returns a copy of a validated, completed spec with what its sites adopt filled in
// from adopted (each site's address space and GatewaySubnet prefix, and an adopted
// gateway's SKU and BGP), and every finding about them, each naming its field: prefixes or
// a SKU given that the resources do not have, a network without a GatewaySubnet, a gateway
// that is policy-based, not in the adopted network, without room for the new connections
// (azrules.GatewayTunnels, counting the branches on it), or that cannot take the IPsec
// policy its spokes need; and any site overlapping another's space or an adopted gateway's
// branch. The spec passed in is not changed.
func Adopt(spec *orchestratorv1.DeploymentSpec, adopted []Adopted, clouds []cloud.Cloud) (*orchestratorv1.DeploymentSpec, apierr.Violations) {
	var v apierr.Violations
	const field = "deployment.spec"
	out := proto.Clone(spec).(*orchestratorv1.DeploymentSpec)
	for _, a := range adopted {
		site := out.GetSites()[a.Site]
		f := fmt.Sprintf("%s.sites[%d]", field, a.Site)
		fillNetwork(&v, f, site, a)
		if a.Gateway != nil {
			fillGateway(&v, f, site, a.Gateway)
		}
	}
	if len(v) > 0 {
		return out, v
	}
	kinds := make([]cloud.Kind, len(out.GetSites()))
	for i, site := range out.GetSites() {
		c, _ := find(clouds, site.GetCloud())
		kinds[i] = c.Kind
	}
	checkNamesAndSpaces(&v, field, out.GetSites())
	checkPolicySKUs(&v, field, out, clouds)
	for _, a := range adopted {
		if a.Gateway != nil {
			checkBranches(&v, field, out, a, kinds[a.Site])
		}
	}
	return out, v
}

// fillNetwork checks an adopted network against what the site says of it and fills in its
// address space and GatewaySubnet.
func fillNetwork(v *apierr.Violations, field string, site *orchestratorv1.Site, a Adopted) {
	name := site.GetExisting().GetVirtualNetwork()
	if given := site.GetAddressPrefixes(); len(given) > 0 && !sameSet(given, a.AddressPrefixes) {
		v.Add(field+".address_prefixes", "virtual network %s has %s, not %s; leave address_prefixes empty to take the network's",
			name, strings.Join(a.AddressPrefixes, ", "), strings.Join(given, ", "))
	}
	site.AddressPrefixes = slices.Clone(a.AddressPrefixes)
	gs, ok := a.Subnets[azrules.GatewaySubnet]
	switch {
	case !ok:
		v.Add(field+".existing.virtual_network", "virtual network %s has no %s, which a VPN gateway needs; add one (/27 or larger) to the network, then apply again", name, azrules.GatewaySubnet)
	case site.GetGatewaySubnetPrefix() != "" && site.GetGatewaySubnetPrefix() != gs:
		v.Add(field+".gateway_subnet_prefix", "the %s of virtual network %s is %s, not %s; leave it empty to take the network's", azrules.GatewaySubnet, name, gs, site.GetGatewaySubnetPrefix())
	}
	site.GatewaySubnetPrefix = gs
}

// fillGateway checks an adopted gateway against what the site says of it and fills in its
// SKU and BGP.
func fillGateway(v *apierr.Violations, field string, site *orchestratorv1.Site, g *AdoptedGateway) {
	name := site.GetExisting().GetVpnGateway()
	if !g.RouteBased {
		v.Add(field+".existing.vpn_gateway", "gateway %s is policy-based: it holds one site-to-site connection with IKEv1 only, and cannot be a hub; adopt a route-based gateway", name)
	}
	if !strings.EqualFold(g.VirtualNetwork, site.GetExisting().GetVirtualNetwork()) {
		v.Add(field+".existing.vpn_gateway", "gateway %s is in virtual network %s, not %s; name its network in existing.virtual_network", name, g.VirtualNetwork, site.GetExisting().GetVirtualNetwork())
	}
	if site.GetEnableBgp() && !g.BGP {
		v.Add(field+".enable_bgp", "gateway %s does not run BGP, and an adopted gateway is never changed; turn enable_bgp off", name)
	}
	site.EnableBgp = g.BGP
	site.GatewaySku = g.SKU
}

// sameSet compares two lists of prefixes as sets.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkBranches checks the new connections against the branches already on an adopted
// gateway: room for them all, and no spoke overlapping a branch's space.
func checkBranches(v *apierr.Violations, field string, spec *orchestratorv1.DeploymentSpec, a Adopted, k cloud.Kind) {
	adding := 0
	for _, p := range Peerings(spec) {
		if p.Site == a.Site {
			adding++
		}
	}
	checkGatewayTunnels(v, fmt.Sprintf("%s.sites[%d].existing.vpn_gateway", field, a.Site), k, a.Gateway.SKU, len(a.Gateway.Branches), adding)
	for i, site := range spec.GetSites() {
		if i == a.Site {
			continue
		}
		for j, text := range site.GetAddressPrefixes() {
			q, ok := azrules.ParsePrefix(text)
			if !ok {
				continue
			}
			for _, b := range a.Gateway.Branches {
				var space []netip.Prefix
				for _, s := range b.AddressPrefixes {
					if p, ok := azrules.ParsePrefix(s); ok {
						space = append(space, p)
					}
				}
				if p, hit := azrules.Overlap(q, space); hit {
					v.Add(fmt.Sprintf("%s.sites[%d].address_prefixes[%d]", field, i, j),
						"%s overlaps %s, which gateway %s already routes to another branch through local network gateway %s; pick a free range",
						q, p, spec.GetSites()[a.Site].GetExisting().GetVpnGateway(), b.LocalNetworkGateway)
				}
			}
		}
	}
}
