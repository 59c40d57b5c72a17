package azrules

import (
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/names"
)

// Bounds that ARM puts on fields the resource services and the orchestrator both take, or,
// where ARM documents none, the suite's own; each request is checked against them (through
// apierr.Limits) before anything else.
const (
	// MaxTags, MaxTagName and MaxTagValue: ARM takes at most 50 tags per resource, with
	// names of up to 512 characters and values of up to 256 ("Use tags to organize your
	// Azure resources", limitations).
	MaxTags, MaxTagName, MaxTagValue = 50, 512, 256
	// MaxLocation bounds an ARM location name: the longest Azure region name,
	// germanywestcentral, has 18 characters.
	MaxLocation = 40
	// MaxVirtualNetworkPrefixes: Azure VPN Gateway limits, 600 virtual network address
	// prefixes per VPN gateway (the suite's networks carry one).
	MaxVirtualNetworkPrefixes = 600
	// MaxLocalNetworkPrefixes: Azure VPN Gateway limits, 1000 address prefixes per local
	// network gateway.
	MaxLocalNetworkPrefixes = 1000
	// MaxSubnets: Azure networking limits, 3000 subnets per virtual network.
	MaxSubnets = 3000
	// MaxPrefix is the longest IPv4 CIDR prefix (255.255.255.255/32), MaxAddress the
	// longest IPv4 address.
	MaxPrefix, MaxAddress = len("255.255.255.255/32"), len("255.255.255.255")
	// MaxGatewaySKU bounds a VPN gateway SKU: the longest either cloud offers,
	// HighPerformance, has 15 characters.
	MaxGatewaySKU = 32
	// MaxIPsecValue bounds an IPsec/IKE policy value: the longest either cloud takes,
	// DHGroup2048, has 11 characters.
	MaxIPsecValue = 16
	// MaxVMName: Azure VM names have at most 64 characters (15 on Windows), and so do Linux
	// computer names.
	MaxVMName = 64
	// MaxVMSize bounds a VM size name: Standard_NC96ads_A100_v4 has 24 characters.
	MaxVMSize = 64
	// MaxImageName bounds an image's publisher, offer and SKU: Marketplace publisher,
	// offer and plan ids have at most 50 characters.
	MaxImageName = 64
	// MaxImageVersion bounds an image version, Major.Minor.Build: three 32-bit numbers.
	MaxImageVersion = 32
	// MaxUsername and MaxPassword: Azure takes admin user names of up to 64 characters on
	// Linux (20 on Windows) and passwords of up to 72 on Linux (123 on Windows).
	MaxUsername, MaxPassword = 64, 123
	// MaxSSHKeys and MaxSSHKey: ARM documents no count of a VM's SSH keys, so the suite
	// takes 10; an OpenSSH RSA key of 16384 bits, the longest ssh-keygen makes, has about
	// 2.8 KB, so a key may have 8 KiB.
	MaxSSHKeys, MaxSSHKey = 10, 8 << 10
	// MaxNetworkInterfaces: the most network interfaces any Azure VM size takes (the Max
	// NICs of the VM size tables) is 8.
	MaxNetworkInterfaces = 8
)

// ResourceLimits bounds what every resource message at request path field has: its name
// (an identifier, ignored on create but still bounded), location and tags.
func ResourceLimits(field string) []apierr.Limit {
	return []apierr.Limit{
		{Field: field + ".name", Max: names.MaxName, Why: "a resource name"},
		{Field: field + ".location", Max: MaxLocation, Why: "an ARM location name"},
		{Field: field + ".tags", Max: MaxTags, Why: "ARM: 50 tags per resource"},
		{Field: field + ".tags.key", Max: MaxTagName, Why: "ARM: tag names have at most 512 characters"},
		{Field: field + ".tags.value", Max: MaxTagValue, Why: "ARM: tag values have at most 256 characters"},
	}
}

// IPsecPolicyLimits bounds the values of an IPsec/IKE policy at request path field.
func IPsecPolicyLimits(field string) []apierr.Limit {
	var out []apierr.Limit
	for _, f := range []string{"ike_encryption", "ike_integrity", "dh_group", "ipsec_encryption", "ipsec_integrity", "pfs_group"} {
		out = append(out, apierr.Limit{Field: field + "." + f, Max: MaxIPsecValue, Why: "the longest value either cloud takes, DHGroup2048, has 11 characters"})
	}
	return out
}
