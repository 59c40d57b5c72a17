package deployrules

import (
	"net/netip"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// The rules shared with the resource services (gateway SKUs, IPsec/IKE values, VM admin
// accounts, CIDR prefixes and the GatewaySubnet) are in platform/azrules; the ones below are the orchestrator's own.

// defaultSKUs are the gateway SKUs Complete fills in per kind of cloud.
var defaultSKUs = map[cloud.Kind]string{cloud.Azure: "VpnGw1AZ", cloud.AzureStackHub: "Standard"}

// reservedRanges are the ranges Azure virtual networks may not use ("Azure Virtual Network
// frequently asked questions": multicast, broadcast, loopback, link-local, and the platform's
// internal DNS address).
var reservedRanges = []netip.Prefix{
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("168.63.129.16/32"),
}
