package deployrules

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Policies returns, per tunnel end of spec (in Peerings' order), the IPsec/IKE policy its
// connection gets; nil leaves the cloud's default offer.
//
// A policy given in the spec goes on every connection. Without one, an Azure end whose peer
// is an Azure Stack Hub stamp gets the stamp's default proposal as a custom policy, and the
// stamp keeps its default: since build 1910 a stamp offers only IKEv2 AES256/SHA384/ECP384
// with IPsec GCMAES256/GCMAES256, PFS ECP384 and a 27000 s SA, which Azure's default offer
// does not include, so with defaults on both sides the tunnel never comes up. This is the
// policy Microsoft documents in "Create a site-to-site VPN connection between two virtual
// networks in different Azure Stack Hub environments" and "Azure Stack Hub VPN gateway
// settings" (IPsec/IKE parameters). Two Azure ends, or two stamps, agree by default: both
// get nil. So does an end whose cloud is not configured.
func Policies(spec *orchestratorv1.DeploymentSpec, clouds []cloud.Cloud) []*gatewayv1.IpsecPolicy {
	sites := spec.GetSites()
	peerings := Peerings(spec)
	out := make([]*gatewayv1.IpsecPolicy, len(peerings))
	for n, p := range peerings {
		if given := spec.GetConnection().GetIpsecPolicy(); given != nil {
			out[n] = proto.Clone(given).(*gatewayv1.IpsecPolicy)
			continue
		}
		local, ok := find(clouds, sites[p.Site].GetCloud())
		peer, peerOK := find(clouds, sites[p.Peer].GetCloud())
		if ok && peerOK && local.Kind == cloud.Azure && peer.Kind == cloud.AzureStackHub {
			out[n] = stackHubPolicy()
		}
	}
	return out
}

// stackHubPolicy is an Azure Stack Hub stamp's default proposal (build 1910 and later) as a
// custom policy for its Azure peer.
func stackHubPolicy() *gatewayv1.IpsecPolicy {
	return &gatewayv1.IpsecPolicy{
		IkeEncryption:       "AES256",
		IkeIntegrity:        "SHA384",
		DhGroup:             "ECP384",
		IpsecEncryption:     "GCMAES256",
		IpsecIntegrity:      "GCMAES256",
		PfsGroup:            "ECP384",
		SaLifetimeSeconds:   27000,
		SaDataSizeKilobytes: 102400000,
	}
}

// checkConnection checks the connection, when given: the shared key, and a custom policy
// against the value lists of every kind of cloud the sites are on (both kinds when no
// site's cloud is known). kinds holds each site's kind, "" for an unknown cloud.
func checkConnection(v *apierr.Violations, field string, conn *orchestratorv1.ConnectionSpec, kinds []cloud.Kind) {
	if key := conn.GetSharedKey(); key != "" {
		checkSharedKey(v, field+".shared_key", key)
	}
	if r := conn.GetRotateEvery(); r != nil && (r.AsDuration() < MinRotateEvery || r.AsDuration() > MaxRotateEvery || !r.IsValid()) {
		v.Add(field+".rotate_every", "%s is not 1 hour to 366 days; rotating more often risks outages for little gain (each rotation takes the tunnels down for about a minute), and less often than yearly is no schedule", r.AsDuration())
	}
	p := conn.GetIpsecPolicy()
	if p == nil {
		return
	}
	var used []cloud.Kind
	for _, k := range kinds {
		if k != "" && !slices.Contains(used, k) {
			used = append(used, k)
		}
	}
	if len(used) == 0 {
		used = []cloud.Kind{cloud.Azure, cloud.AzureStackHub}
	}
	checkPolicy(v, field+".ipsec_policy", p, used)
}

// checkSharedKey checks a given pre-shared key as azrules.SharedKeyProblem wants it (an
// empty key is generated). The messages describe the key by its length and the position
// of a bad byte, never by its text.
func checkSharedKey(v *apierr.Violations, field, key string) {
	if problem := azrules.SharedKeyProblem(key); problem != "" {
		v.Add(field, "%s; or leave it empty to have one generated", problem)
	}
}

// checkPolicy checks a custom IPsec/IKE policy: each value accepted on every kind of cloud
// in kinds, GCMAES encryption paired with the same integrity, and the SA limits.
func checkPolicy(v *apierr.Violations, field string, p *gatewayv1.IpsecPolicy, kinds []cloud.Kind) {
	check := func(name, value string, list func(azrules.IPsecValues) []string) string {
		var rejecting []string
		for _, k := range kinds {
			if _, ok := canonical(list(azrules.IPsec[k]), value); !ok {
				rejecting = append(rejecting, k.Display())
			}
		}
		accepted := slices.DeleteFunc(slices.Clone(list(azrules.IPsec[kinds[0]])), func(s string) bool {
			return slices.ContainsFunc(kinds[1:], func(k cloud.Kind) bool { return !slices.Contains(list(azrules.IPsec[k]), s) })
		})
		if len(rejecting) > 0 {
			v.Add(field+"."+name, "%q is not accepted on %s; use one of %s", value, strings.Join(rejecting, " or "), strings.Join(accepted, ", "))
			return ""
		}
		c, _ := canonical(accepted, value)
		return c
	}
	check("ike_encryption", p.GetIkeEncryption(), func(t azrules.IPsecValues) []string { return t.IKEEncryption })
	check("ike_integrity", p.GetIkeIntegrity(), func(t azrules.IPsecValues) []string { return t.IKEIntegrity })
	check("dh_group", p.GetDhGroup(), func(t azrules.IPsecValues) []string { return t.DHGroup })
	enc := check("ipsec_encryption", p.GetIpsecEncryption(), func(t azrules.IPsecValues) []string { return t.IPsecEncryption })
	integ := check("ipsec_integrity", p.GetIpsecIntegrity(), func(t azrules.IPsecValues) []string { return t.IPsecIntegrity })
	check("pfs_group", p.GetPfsGroup(), func(t azrules.IPsecValues) []string { return t.PFSGroup })
	azrules.CheckIPsecPolicy(v, field, enc, integ, p.GetSaLifetimeSeconds(), p.GetSaDataSizeKilobytes())
}

// checkPolicySKUs checks that every site that gets a custom policy (given, or chosen by
// Policies) has a gateway SKU that takes one. A SKU its cloud does not offer is reported by
// checkGatewaySKU instead.
func checkPolicySKUs(v *apierr.Violations, field string, s *orchestratorv1.DeploymentSpec, clouds []cloud.Cloud) {
	given := s.GetConnection().GetIpsecPolicy() != nil
	peerings := Peerings(s)
	reported := map[int]bool{}
	for n, p := range Policies(s, clouds) {
		i := peerings[n].Site
		site := s.GetSites()[i]
		c, ok := find(clouds, site.GetCloud())
		if p == nil || !ok || reported[i] {
			continue
		}
		sku, offered := canonical(azrules.GatewaySKUs[c.Kind], gatewaySKU(site, c.Kind))
		if !offered || takesPolicy(c.Kind, sku) {
			continue
		}
		reported[i] = true
		f := fmt.Sprintf("%s.sites[%d].gateway_sku", field, i)
		if site.GetExisting().GetVpnGateway() != "" {
			f = fmt.Sprintf("%s.sites[%d].existing.vpn_gateway", field, i)
		}
		switch {
		case given:
			v.Add(f, "gateway SKU %s takes no custom IPsec/IKE policy on %s, and connection.ipsec_policy goes on every connection; use %s, or remove the policy",
				sku, c.Kind.Display(), policySKUHint(c.Kind))
		case site.GetExisting().GetVpnGateway() != "":
			v.Add(f, "adopted gateway %s is %s, which takes no custom IPsec/IKE policy, and its connection to Azure Stack Hub site %q needs one (a stamp offers only AES256/SHA384/ECP384 with GCMAES256); resize the gateway to %s outside hybridlink, or put that spoke on another hub",
				site.GetExisting().GetVpnGateway(), sku, s.GetSites()[peerings[n].Peer].GetName(), policySKUHint(c.Kind))
		default:
			v.Add(f, "gateway SKU %s takes no custom IPsec/IKE policy, and this Azure site needs one to reach its Azure Stack Hub peer, which offers only AES256/SHA384/ECP384 with GCMAES256; use %s",
				sku, policySKUHint(c.Kind))
		}
	}
}

// takesPolicy reports whether a gateway SKU takes a custom IPsec/IKE policy on kind k.
func takesPolicy(k cloud.Kind, sku string) bool {
	if allowed, limited := azrules.PolicySKUs[k]; limited {
		return slices.Contains(allowed, sku)
	}
	return sku != "Basic"
}

// policySKUHint names the SKUs that take a custom policy on kind k.
func policySKUHint(k cloud.Kind) string {
	if allowed, limited := azrules.PolicySKUs[k]; limited {
		return strings.Join(allowed, " or ")
	}
	return "VpnGw1 or larger"
}
