package azrules

import (
	"fmt"
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

// Reserved are the ranges Azure virtual networks may not use ("Azure Virtual Network
// frequently asked questions": multicast, broadcast, loopback, link-local, and the platform's
// internal DNS address).
var Reserved = []netip.Prefix{
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("168.63.129.16/32"),
}

// CheckSpace checks a virtual network's address space: at least one valid, canonical IPv4
// prefix, none overlapping another nor the Reserved ranges. It returns the valid ones.
func CheckSpace(v *apierr.Violations, field string, prefixes []string) []netip.Prefix {
	if len(prefixes) == 0 {
		v.Add(field, "at least one IPv4 CIDR prefix is required, e.g. 10.1.0.0/16")
	}
	var out []netip.Prefix
	for i, s := range prefixes {
		f := fmt.Sprintf("%s[%d]", field, i)
		p, ok := CheckPrefix(v, f, s)
		if !ok {
			continue
		}
		if r, hit := Overlap(p, Reserved); hit {
			v.Add(f, "%s overlaps %s, which Azure reserves (multicast, broadcast, loopback, link-local or the platform DNS address)", p, r)
		} else if q, hit := Overlap(p, out); hit {
			v.Add(f, "%s overlaps %s in the same address space", p, q)
		} else {
			out = append(out, p)
		}
	}
	return out
}

// Overlap returns the first prefix of list that p overlaps.
func Overlap(p netip.Prefix, list []netip.Prefix) (netip.Prefix, bool) {
	for _, q := range list {
		if q.Overlaps(p) {
			return q, true
		}
	}
	return netip.Prefix{}, false
}

// Within reports whether p lies inside one of the prefixes of space.
func Within(p netip.Prefix, space []netip.Prefix) bool {
	for _, q := range space {
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
