package deployrules

import (
	"net/netip"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
)

// checkNetwork checks a site's virtual network: its address space, the workload subnet and
// the GatewaySubnet, each inside the space and apart from the other.
func checkNetwork(v *apierr.Violations, field string, site *orchestratorv1.Site) {
	space := azrules.CheckSpace(v, field+".address_prefixes", site.GetAddressPrefixes())
	workload, wok := checkSubnet(v, field+".workload_subnet_prefix", "workload subnet", site.GetWorkloadSubnetPrefix(), space, "")
	gateway, gok := checkSubnet(v, field+".gateway_subnet_prefix", azrules.GatewaySubnet, site.GetGatewaySubnetPrefix(), space, " (/27 or larger recommended)")
	if wok && gok && workload.Overlaps(gateway) {
		v.Add(field+".gateway_subnet_prefix", "%s overlaps the workload subnet %s; %s must be a subnet of its own", gateway, workload, azrules.GatewaySubnet)
	}
}

// checkCapacity checks that a site's virtual machines fit its workload subnet, one
// address each; a workload subnet that is not valid is reported by checkNetwork.
func checkCapacity(v *apierr.Violations, field string, site *orchestratorv1.Site) {
	p, ok := azrules.ParsePrefix(site.GetWorkloadSubnetPrefix())
	if !ok || p.Bits() > azrules.MaxSubnetBits {
		return
	}
	if n, free := len(site.GetVirtualMachines()), 1<<(32-p.Bits())-azrules.ReservedPerSubnet; n > free {
		v.Add(field+".virtual_machines", "%d virtual machines do not fit the workload subnet %s, which has %d addresses for them (Azure keeps %d of every subnet); use a larger workload_subnet_prefix or fewer VMs",
			n, p, free, azrules.ReservedPerSubnet)
	}
}

// checkSubnet checks a required subnet prefix: valid, inside the address space and no
// smaller than a /29; hint follows the size rule in its message.
func checkSubnet(v *apierr.Violations, field, what, s string, space []netip.Prefix, hint string) (netip.Prefix, bool) {
	if s == "" {
		v.Add(field, "required: the %s's IPv4 CIDR prefix, inside the site's address space", what)
		return netip.Prefix{}, false
	}
	p, ok := azrules.CheckPrefix(v, field, s)
	if !ok {
		return p, false
	}
	if len(space) > 0 && !azrules.Within(p, space) {
		v.Add(field, "%s is outside the site's address space", p)
		return p, false
	}
	if p.Bits() > azrules.MaxSubnetBits {
		v.Add(field, "the %s must be /%d or larger%s; %s is too small", what, azrules.MaxSubnetBits, hint, p)
		return p, false
	}
	return p, true
}
