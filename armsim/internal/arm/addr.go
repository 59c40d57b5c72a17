package arm

import (
	"net/netip"
	"strings"
)

// parsePrefix checks an IPv4 address prefix as the Network provider does and returns it.
// target is the property path named in the error.
func parsePrefix(s, target, resourceID string) (netip.Prefix, *Error) {
	if strings.TrimSpace(s) == "" {
		return netip.Prefix{}, badRequest("AddressPrefixStringCannotBeNullOrEmpty", target,
			"Address prefix string for resource %s cannot be null or empty.", resourceID)
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, badRequest("InvalidAddressPrefixFormat", target,
			"Address prefix %s of resource %s is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.", s, resourceID)
	}
	if p.Masked() != p {
		return netip.Prefix{}, badRequest("InvalidCIDRNotation", target,
			"The address prefix %s in resource %s has an invalid CIDR notation. For the given prefix length, the address prefix should be %s.", s, resourceID, p.Masked())
	}
	return p, nil
}

// within reports whether inner lies entirely inside outer.
func within(inner, outer netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// withinAny reports whether p lies inside one of the prefixes.
func withinAny(p netip.Prefix, space []netip.Prefix) bool {
	for _, s := range space {
		if within(p, s) {
			return true
		}
	}
	return false
}

// overlapsAny reports whether any prefix of a overlaps any prefix of b.
func overlapsAny(a, b []netip.Prefix) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Overlaps(y) {
				return true
			}
		}
	}
	return false
}

// mustPrefixes parses prefixes already validated when they were stored.
func mustPrefixes(ss []string) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ss))
	for _, s := range ss {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// reserved reports whether Azure reserves an address of a subnet: the network address,
// the next three (gateway and DNS) and the broadcast address.
func reserved(subnet netip.Prefix, a netip.Addr) bool {
	first := subnet.Addr()
	for i := 0; i < 4; i++ {
		if a == first {
			return true
		}
		first = first.Next()
	}
	return a == lastAddr(subnet)
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// firstFree returns the lowest address of a subnet that Azure does not reserve and that is
// not in use, or false when the subnet is full.
func firstFree(subnet netip.Prefix, used map[netip.Addr]bool) (netip.Addr, bool) {
	for a := subnet.Addr(); subnet.Contains(a); a = a.Next() {
		if !reserved(subnet, a) && !used[a] {
			return a, true
		}
	}
	return netip.Addr{}, false
}
