package arm

import (
	"sort"
	"strings"
)

// Tunnel capacity: how many site-to-site connections a gateway and an Azure Stack Hub stamp
// hold. Only a new connection is counted against it; a PUT of an existing one is not.
//
// Microsoft documents the limits and no error codes for them, so the three codes here are
// invented (in ARM's style, after the Network provider's real PublicIPCountLimitReached,
// also a 400) and marked so in README.md:
//
//   - VirtualNetworkGatewayConnectionLimitReached: the gateway's SKU holds no more tunnels.
//     Azure: Basic 10, VpnGw1-3 and VpnGw1AZ-3AZ 30, VpnGw4-5 and VpnGw4AZ-5AZ 100 ("About
//     VPN Gateway configuration settings", Gateway SKUs by tunnel). Azure Stack Hub: Basic
//     20, Standard 20, HighPerformance 10 ("Configure VPN gateway settings for Azure Stack
//     Hub"); the Fast Path SKUs VpnGw1-3 get Azure's 30, which the stamp's pool never lets a
//     gateway reach.
//   - StampVpnTunnelCapacityReached: the stamp's gateway capacity is used up, across all its
//     subscriptions and tenants. The stamp doc says "You can have 10 high performance
//     gateways or 20 basic and standard before you reach the maximum capacity"; armsim counts
//     tunnels, each SKU's tunnel taking its share of one pool (stampPool).
//   - ConnectionBetweenStampsAlreadyExists: a stamp holds one connection to any other stamp.

// gatewayTunnelLimits are the site-to-site tunnels one gateway of a SKU holds, per cloud kind.
var gatewayTunnelLimits = map[CloudKind]map[string]int{
	Azure: {"Basic": 10, "VpnGw1": 30, "VpnGw2": 30, "VpnGw3": 30, "VpnGw1AZ": 30, "VpnGw2AZ": 30, "VpnGw3AZ": 30,
		"VpnGw4": 100, "VpnGw5": 100, "VpnGw4AZ": 100, "VpnGw5AZ": 100},
	AzureStackHub: {"Basic": 20, "Standard": 20, "HighPerformance": 10, "VpnGw1": 30, "VpnGw2": 30, "VpnGw3": 30},
}

// stampTunnels are a stamp's total tunnels if all of them were of one SKU: without VPN Fast
// Path the stamp doc's 20 Basic or Standard, or 10 HighPerformance; with Fast Path the
// larger figures of the Fast Path configuration (Basic and Standard 50, HighPerformance 24,
// VpnGw1 6, VpnGw2 and VpnGw3 4).
var stampTunnels = map[bool]map[string]int{
	false: {"Basic": 20, "Standard": 20, "HighPerformance": 10},
	true:  {"Basic": 50, "Standard": 50, "HighPerformance": 24, "VpnGw1": 6, "VpnGw2": 4, "VpnGw3": 4},
}

// stampPool returns the size of a stamp's shared tunnel pool and what one tunnel of each SKU
// takes of it, in whole units: the pool is the least common multiple of the SKUs' totals, so
// a tunnel of a SKU whose total is n takes pool/n and n of them fill it. Without Fast Path
// the pool is 20 (Basic and Standard take 1, HighPerformance 2); with it 600 (Basic and
// Standard 12, HighPerformance 25, VpnGw1 100, VpnGw2-3 150). Mixed SKUs share it in
// proportion: 10 Standard tunnels leave room for 5 HighPerformance ones.
func stampPool(fastPath bool) (pool int, cost map[string]int) {
	pool = 1
	for _, n := range stampTunnels[fastPath] {
		pool = lcm(pool, n)
	}
	cost = map[string]int{}
	for sku, n := range stampTunnels[fastPath] {
		cost[sku] = pool / n
	}
	return pool, cost
}

func lcm(a, b int) int {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// gatewaySKU returns the SKU name of a stored gateway.
func gatewaySKU(gw *entry) string {
	if s := gw.Res.(*VirtualNetworkGateway).Properties.SKU; s != nil {
		return s.Name
	}
	return ""
}

// checkTunnelCapacity refuses a new connection on gw when the gateway, the stamp or the
// stamp pair rule has no room for it. lng is the connection's local network gateway.
func (t *txn) checkTunnelCapacity(conn *Connection, gw, lng *entry) *Error {
	c := t.cloud()
	sku := gatewaySKU(gw)
	n := 0
	for _, u := range t.users(gw.key()) {
		if u.Kind == "connections" {
			n++
		}
	}
	if limit, ok := gatewayTunnelLimits[c.Kind][sku]; ok && n >= limit {
		return badRequest("VirtualNetworkGatewayConnectionLimitReached", "properties.virtualNetworkGateway1.id",
			"Virtual network gateway %s has %d site-to-site connections, the most a %s gateway supports; connection %s cannot be added.",
			gw.id(), n, sku, conn.ID)
	}
	if c.Kind != AzureStackHub {
		return nil
	}
	pool, cost := stampPool(c.VPNFastPath)
	if n := t.opts.StampTunnels; n > 0 {
		pool = n * cost["Standard"] // a pool larger than Microsoft's, for scale runs
	}
	used := 0
	var others []*entry // the stamp's other connections, in key order
	for _, o := range t.sortedKind(c.ID, "connections") {
		others = append(others, o)
		if g := t.lookup(c.ID, o.Res.(*Connection).Properties.VirtualNetworkGateway1); g != nil {
			used += cost[gatewaySKU(g)]
		}
	}
	if used+cost[sku] > pool {
		return badRequest("StampVpnTunnelCapacityReached", "properties.virtualNetworkGateway1.id",
			"This Azure Stack Hub stamp has no VPN gateway capacity left for another %s tunnel: its tunnels use %d of its %d capacity units and a %s tunnel takes %d (the stamp holds %s).",
			sku, used, pool, sku, cost[sku], stampCapacityText(c.VPNFastPath))
	}
	return t.checkStampPair(conn, lng, others)
}

// stampCapacityText states a stamp's totals per SKU, for the capacity error.
func stampCapacityText(fastPath bool) string {
	if fastPath {
		return "50 Basic or Standard, 24 HighPerformance, 6 VpnGw1 or 4 VpnGw2 or VpnGw3 tunnels with VPN Fast Path"
	}
	return "20 Basic or Standard or 10 HighPerformance tunnels"
}

// checkStampPair refuses a second connection between this stamp and another one: the new
// connection's local network gateway points at a gateway of stamp B, and so does one of
// the stamp's other connections. The message names the other connection only when it is in
// the caller's subscription.
func (t *txn) checkStampPair(conn *Connection, lng *entry, others []*entry) *Error {
	ip := lng.Res.(*LocalNetworkGateway).Properties.GatewayIPAddress
	remote := t.stampOf(ip)
	if remote == "" {
		return nil
	}
	for _, o := range others {
		ol := t.lookup(o.Cloud, o.Res.(*Connection).Properties.LocalNetworkGateway2)
		if ol == nil || t.stampOf(ol.Res.(*LocalNetworkGateway).Properties.GatewayIPAddress) != remote {
			continue
		}
		if !strings.EqualFold(subscriptionOf(o.id()), t.rq.path.Subscription) {
			return badRequest("ConnectionBetweenStampsAlreadyExists", "properties.localNetworkGateway2.id",
				"Azure Stack Hub allows one site-to-site connection between two stamps: a connection of another subscription already connects this stamp to the stamp gateway address %s belongs to; connection %s cannot be added.",
				ip, conn.ID)
		}
		return badRequest("ConnectionBetweenStampsAlreadyExists", "properties.localNetworkGateway2.id",
			"Azure Stack Hub allows one site-to-site connection between two stamps: connection %s already connects this stamp to the stamp gateway address %s belongs to; connection %s cannot be added.",
			o.id(), ip, conn.ID)
	}
	return nil
}

// stampOf returns the id of the other Azure Stack Hub stamp whose gateway owns a public IP
// address on the emulated internet, or "" when no gateway of another stamp does.
func (t *txn) stampOf(ip string) string {
	g := t.gatewayAt(ip)
	if g == nil || g.Cloud == t.cloud().ID || t.clouds[g.Cloud].Kind != AzureStackHub {
		return ""
	}
	return g.Cloud
}

// sortedKind returns a cloud's entries of one kind, sorted by key.
func (e *Engine) sortedKind(cloud, kind string) []*entry {
	var out []*entry
	for _, en := range e.entries {
		if en.Kind == kind && en.Cloud == cloud {
			out = append(out, en)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}
