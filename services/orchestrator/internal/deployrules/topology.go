package deployrules

import (
	"fmt"
	"net/netip"
	"strings"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Peering is one end of a hub-spoke tunnel: site Site's connection (and local network
// gateway) to site Peer, both indexes into the spec's sites.
type Peering struct{ Site, Peer int }

// HubIndex returns the index of spec's hub: the site spec.hub names, or the first site when
// it is empty; -1 when hub names no site.
func HubIndex(spec *orchestratorv1.DeploymentSpec) int {
	if spec.GetHub() == "" {
		return 0
	}
	for i, site := range spec.GetSites() {
		if site.GetName() == spec.GetHub() {
			return i
		}
	}
	return -1
}

// Peerings returns the tunnel ends of spec, in the order the workflow builds them: site by
// site in the spec's order, the hub's connection to each spoke (in the spec's order) and a
// spoke's one to the hub. Two sites are one tunnel: site 0's end, then site 1's. Nil when
// the hub names no site.
func Peerings(spec *orchestratorv1.DeploymentSpec) []Peering {
	hub := HubIndex(spec)
	if hub < 0 {
		return nil
	}
	var out []Peering
	for i := range spec.GetSites() {
		if i == hub {
			for j := range spec.GetSites() {
				if j != hub {
					out = append(out, Peering{Site: hub, Peer: j})
				}
			}
			continue
		}
		out = append(out, Peering{Site: i, Peer: hub})
	}
	return out
}

// Transit returns the prefixes site i's local network gateway for peer lists: the peer's
// address space, and when the spec asks for transit and peer is the hub, every other
// spoke's too, since the hub's gateway routes between its connections.
func Transit(spec *orchestratorv1.DeploymentSpec, p Peering) []string {
	sites := spec.GetSites()
	out := append([]string(nil), sites[p.Peer].GetAddressPrefixes()...)
	if !spec.GetTransit() || p.Peer != HubIndex(spec) {
		return out
	}
	for j, other := range sites {
		if j != p.Site && j != p.Peer {
			out = append(out, other.GetAddressPrefixes()...)
		}
	}
	return out
}

// checkTopology checks the sites together: distinct names, address spaces apart (every
// spoke routes the hub's space, and the hub every spoke's, so no two may overlap), the hub
// named, transit only through an Azure hub, and the tunnels within what the gateways and
// stamps hold (azrules.GatewayTunnels, azrules.StampTunnels): the hub's gateway takes one
// connection per spoke, and a stamp takes a local network gateway IP once, so two spokes on
// one stamp cannot both reach the hub's gateway. kinds holds each site's kind ("" unknown).
// An adopted gateway's SKU and the connections it has already are checked once read
// (CheckAdopted).
func checkTopology(v *apierr.Violations, field string, s *orchestratorv1.DeploymentSpec, kinds []cloud.Kind) {
	sites := s.GetSites()
	hub := HubIndex(s)
	if hub < 0 {
		v.Add(field+".hub", "%q names no site; name one of the sites, or leave it empty for the first", s.GetHub())
		return
	}
	checkNamesAndSpaces(v, field, sites)
	if s.GetTransit() && kinds[hub] == cloud.AzureStackHub {
		v.Add(field+".transit", "the hub %q is on an Azure Stack Hub stamp, and Microsoft documents transit between a gateway's site-to-site connections only for Azure's route-based gateways; put the hub on Azure, or turn transit off", sites[hub].GetName())
	}
	spokesOn := map[string]int{}
	for i, site := range sites {
		if i == hub || kinds[i] != cloud.AzureStackHub || site.GetCloud() == sites[hub].GetCloud() {
			continue
		}
		if j, taken := spokesOn[site.GetCloud()]; taken {
			v.Add(fmt.Sprintf("%s.sites[%d].cloud", field, i),
				"sites %q and %q are both spokes on stamp %s: a stamp takes the hub gateway's IP address in one local network gateway only, so only one connection from it to the hub; put their networks in one site, or attach this one to another hub",
				sites[j].GetName(), site.GetName(), site.GetCloud())
			continue
		}
		spokesOn[site.GetCloud()] = i
	}
	if site := sites[hub]; site.GetExisting().GetVpnGateway() == "" && kinds[hub] != "" {
		checkGatewayTunnels(v, fmt.Sprintf("%s.sites[%d].gateway_sku", field, hub), kinds[hub], gatewaySKU(site, kinds[hub]), 0, len(sites)-1)
	}
	checkStamps(v, field, s, kinds)
}

// checkNamesAndSpaces checks that site names differ and that no two address spaces overlap.
func checkNamesAndSpaces(v *apierr.Violations, field string, sites []*orchestratorv1.Site) {
	seen := map[string]int{}
	spaces := make([][]netip.Prefix, len(sites))
	for i, site := range sites {
		if j, dup := seen[site.GetName()]; dup && site.GetName() != "" {
			v.Add(fmt.Sprintf("%s.sites[%d].name", field, i), "sites %d and %d are both named %q; site names must differ", j, i, site.GetName())
		}
		seen[site.GetName()] = i
		for k, text := range site.GetAddressPrefixes() {
			q, ok := azrules.ParsePrefix(text)
			if !ok {
				continue
			}
			for j := range i {
				if p, hit := azrules.Overlap(q, spaces[j]); hit {
					v.Add(fmt.Sprintf("%s.sites[%d].address_prefixes[%d]", field, i, k),
						"%s overlaps %s of site %q: the address spaces of the sites must not overlap, or the tunnels cannot route between them", q, p, sites[j].GetName())
				}
			}
			spaces[i] = append(spaces[i], q)
		}
	}
}

// checkGatewayTunnels checks that a gateway of sku on kind k, with existing connections
// already, takes adding more: field names the gateway's SKU (or the adopted gateway).
func checkGatewayTunnels(v *apierr.Violations, field string, k cloud.Kind, sku string, existing, adding int) {
	max, known := azrules.Tunnels(k, sku)
	if !known || existing+adding <= max {
		return
	}
	if existing > 0 {
		v.Add(field, "the gateway has %d site-to-site connections already and holds at most %d (%s on %s); this deployment adds %d: free some, pick a larger SKU, or attach fewer spokes",
			existing, max, sku, k.Display(), adding)
		return
	}
	v.Add(field, "%d spokes need %d connections on the hub's gateway, and a %s gateway on %s holds at most %d; pick a larger SKU or split the spokes across deployments",
		adding, adding, sku, k.Display(), max)
}

// checkStamps checks that the deployment's own tunnels fit each Azure Stack Hub stamp's
// gateway pool (azrules.StampTunnels): a stamp counts the connections of every gateway on
// it. Other tenants' tunnels, which the suite cannot see, are the stamp's to refuse.
func checkStamps(v *apierr.Violations, field string, s *orchestratorv1.DeploymentSpec, kinds []cloud.Kind) {
	sites := s.GetSites()
	type stamp struct {
		tunnels  map[string]int
		fastPath bool
		first    int
	}
	stamps := map[string]*stamp{}
	var order []string
	for _, p := range Peerings(s) {
		site := sites[p.Site]
		if kinds[p.Site] != cloud.AzureStackHub {
			continue
		}
		st, ok := stamps[site.GetCloud()]
		if !ok {
			st = &stamp{tunnels: map[string]int{}, first: p.Site}
			stamps[site.GetCloud()] = st
			order = append(order, site.GetCloud())
		}
		sku := gatewaySKU(site, cloud.AzureStackHub)
		st.tunnels[strings.ToLower(sku)]++
		st.fastPath = st.fastPath || azrules.FastPath(sku)
	}
	for _, id := range order {
		st := stamps[id]
		if used := azrules.StampUse(st.tunnels, st.fastPath); used > azrules.StampPool {
			v.Add(fmt.Sprintf("%s.sites[%d].cloud", field, st.first),
				"the deployment's tunnels on stamp %s take %d%% of its gateway capacity (%s), which every tenant of the stamp shares; spread the spokes over more stamps or deployments",
				id, used*100/azrules.StampPool, stampCapacity(st.fastPath))
		}
	}
}

// stampCapacity describes a stamp's gateway pool for messages.
func stampCapacity(fastPath bool) string {
	if fastPath {
		return "with VPN Fast Path: 50 Basic or Standard tunnels, 24 HighPerformance, 6 VpnGw1, or 4 VpnGw2 or VpnGw3"
	}
	return "without VPN Fast Path: 20 Basic or Standard tunnels, or 10 HighPerformance"
}
