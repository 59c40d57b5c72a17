package azrules

import (
	"net/netip"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// GatewaySubnet is the name Azure requires for a VPN gateway's subnet.
const GatewaySubnet = "GatewaySubnet"

// MaxSubnetBits makes /29 the smallest subnet the suite plans: Azure keeps five addresses of
// each subnet, and a GatewaySubnet needs at least a /29 (/27 or larger is recommended).
const MaxSubnetBits = 29

// ReservedPerSubnet is how many addresses Azure keeps in every subnet: the network
// address, the default gateway, two for DNS and the broadcast address.
const ReservedPerSubnet = 5

// CheckPrefix parses a canonical IPv4 CIDR prefix, reporting on field why s is not one.
func CheckPrefix(v *apierr.Violations, field, s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !p.Addr().Is4():
		v.Add(field, "%q is not an IPv4 CIDR prefix such as 10.1.0.0/16", s)
		return p, false
	case p.Masked() != p:
		v.Add(field, "%q has host bits set; the prefix is %s", s, p.Masked())
		return p, false
	}
	return p, true
}

// ParsePrefix parses a canonical IPv4 CIDR prefix without reporting.
func ParsePrefix(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p, err == nil && p.Addr().Is4() && p.Masked() == p
}
