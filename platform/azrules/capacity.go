package azrules

import (
	"strings"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// GatewayTunnels is the most site-to-site connections one VPN gateway holds, per kind of
// cloud and SKU (SKU names compared case-insensitively through Tunnels).
//   - Azure: "About VPN Gateway configuration settings", Gateway SKUs by tunnel, connection
//     and throughput: Basic 10, VpnGw1-3 and VpnGw1AZ-3AZ 30, VpnGw4-5 and VpnGw4AZ-5AZ 100.
//   - Azure Stack Hub: "Configure VPN gateway settings for Azure Stack Hub", Gateway SKUs:
//     Basic 20, Standard 20, High Performance 10 IPsec tunnels per gateway. Microsoft
//     documents no per-gateway figure for the VPN Fast Path SKUs VpnGw1-3: the stamp's
//     totals below (StampTunnels) bound them instead.
var GatewayTunnels = map[cloud.Kind]map[string]int{
	cloud.Azure: {
		"Basic":  10,
		"VpnGw1": 30, "VpnGw2": 30, "VpnGw3": 30, "VpnGw1AZ": 30, "VpnGw2AZ": 30, "VpnGw3AZ": 30,
		"VpnGw4": 100, "VpnGw5": 100, "VpnGw4AZ": 100, "VpnGw5AZ": 100,
	},
	cloud.AzureStackHub: {"Basic": 20, "Standard": 20, "HighPerformance": 10},
}

// StampTunnels is how many tunnels of one SKU fill an Azure Stack Hub stamp, counted across
// every tenant of the stamp: its gateway pool is shared. Without VPN Fast Path ("Configure
// VPN gateway settings for Azure Stack Hub": "You can have 10 high performance gateways or
// 20 basic and standard before you reach the maximum capacity") 20 Basic or Standard, or 10
// HighPerformance; with Fast Path ("Azure Stack Hub VPN Fast Path", capacity per stamp) 50
// Basic or Standard, 24 HighPerformance, 6 VpnGw1, or 4 VpnGw2 or VpnGw3. Tunnels of
// different SKUs share the pool in proportion: a HighPerformance tunnel takes the room of
// two Standard ones. The suite cannot see other tenants' tunnels, so it checks only its
// own deployment's against the pool; the stamp refuses the rest.
var StampTunnels = map[bool]map[string]int{
	false: {"Basic": 20, "Standard": 20, "HighPerformance": 10},
	true:  {"Basic": 50, "Standard": 50, "HighPerformance": 24, "VpnGw1": 6, "VpnGw2": 4, "VpnGw3": 4},
}

// Tunnels returns the most site-to-site connections a gateway of sku holds on kind k, and
// false when the table has no figure for the SKU.
func Tunnels(k cloud.Kind, sku string) (int, bool) {
	for name, n := range GatewayTunnels[k] {
		if strings.EqualFold(name, sku) {
			return n, true
		}
	}
	return 0, false
}

// FastPath reports whether a stamp gateway SKU exists only with VPN Fast Path (VpnGw1-3).
func FastPath(sku string) bool {
	return strings.HasPrefix(strings.ToLower(sku), "vpngw")
}

// StampPool is a stamp's gateway pool in units: the least common multiple of the counts in
// StampTunnels, so that a tunnel of any SKU takes a whole number of units
// (StampPool/StampTunnels[fastPath][sku]).
const StampPool = 600

// StampUse returns the units of a stamp's gateway pool (of StampPool) that tunnels take:
// tunnels maps a SKU to how many tunnels of it there are; fastPath picks the Fast Path
// column of StampTunnels. SKUs the table does not list take no units.
func StampUse(tunnels map[string]int, fastPath bool) int {
	used := 0
	for sku, n := range tunnels {
		for name, max := range StampTunnels[fastPath] {
			if strings.EqualFold(name, sku) {
				used += n * (StampPool / max)
			}
		}
	}
	return used
}
