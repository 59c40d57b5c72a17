package arm

import (
	"fmt"
	"net/netip"
	"strings"
)

// The data plane armsim models, for hybridlink's probe: whether a packet from one VM reaches
// an address and comes back, decided from the same resources and tunnel model that give a
// connection its connectionStatus. A target is reachable only when
//
//   - the source VM runs (instance view PowerState/running);
//   - the route from the source's virtual network reaches a network holding the target:
//     the source's own network when its address space holds the target, else through the
//     network's VPN gateway over a Connected connection whose local network gateway's
//     prefixes cover the target, to the peer gateway's network; from there on, when that
//     network does not hold the target either, only through an Azure RouteBased gateway
//     (transit), over another of its Connected connections whose local network gateway
//     covers the target;
//   - the target is the private IP of a NIC, in that network, of a VM that runs;
//   - the route back from the target's network to the source's address, by the same
//     rules, reaches the source's network.
//
// RTT is fixed: 0.5 ms within a network, plus 10 ms for each tunnel crossed each way
// (20 ms per site-to-site hop, there and back).

// rttBase and rttPerTunnel are the probe's round-trip figures, in milliseconds.
const (
	rttBase      = 0.5
	rttPerTunnel = 10.0
)

// Reach is the data plane's answer for one source VM and target address, and why.
type Reach struct {
	Source    string `json:"source"`
	SourceIP  string `json:"sourceIP,omitempty"`
	Target    string `json:"target"`
	Reachable bool   `json:"reachable"`
	// Forward and Return are the connections crossed each way, as cloud:id.
	Forward []string `json:"forward,omitempty"`
	Return  []string `json:"return,omitempty"`
	// TargetVM is the VM that holds the target address, when one was found.
	TargetVM string  `json:"targetVM,omitempty"`
	RTTms    float64 `json:"rttMs,omitempty"`
	Reason   string  `json:"reason,omitempty"`
}

// reach decides whether target answers the VM vm.
func (e *Engine) reach(vm *entry, target netip.Addr) Reach {
	r := Reach{Source: vm.Cloud + ":" + vm.id(), Target: target.String()}
	if vm.Power != powerRunning {
		r.Reason = fmt.Sprintf("the source VM is %s, not running", vm.Power)
		return r
	}
	srcIP, srcNet := e.vmAddress(vm)
	if srcNet == nil {
		r.Reason = "the source VM has no private IP address in a virtual network"
		return r
	}
	r.SourceIP = srcIP.String()
	dest, fwd, why := e.routeTo(srcNet, target, nil, map[string]bool{})
	if dest == nil {
		r.Reason = "no route to " + target.String() + ": " + why
		return r
	}
	r.Forward = fwd
	tvm, why := e.vmAt(dest, target)
	if tvm == nil {
		r.Reason = why
		return r
	}
	r.TargetVM = tvm.Cloud + ":" + tvm.id()
	back, ret, why := e.routeTo(dest, srcIP, nil, map[string]bool{})
	if back == nil || back.key() != srcNet.key() {
		if back != nil {
			why = fmt.Sprintf("the route back leads to virtual network %s, not the source's", back.id())
		}
		r.Reason = "no route back to " + srcIP.String() + ": " + why
		return r
	}
	r.Return, r.Reachable = ret, true
	r.RTTms = rttBase + rttPerTunnel*float64(len(fwd)+len(ret))
	return r
}

// vmAddress returns the primary private IP of a VM's first NIC and its virtual network.
func (e *Engine) vmAddress(vm *entry) (netip.Addr, *entry) {
	for _, k := range vm.Refs {
		nic := e.entries[k]
		if nic == nil || nic.Kind != "networkinterfaces" {
			continue
		}
		cfgs := nic.Res.(*NetworkInterface).Properties.IPConfigurations
		for _, c := range cfgs {
			if c.Properties.Primary != nil && *c.Properties.Primary || len(cfgs) == 1 {
				if a, err := netip.ParseAddr(c.Properties.PrivateIPAddress); err == nil {
					return a, e.subnetNetwork(nic.Cloud, c.Properties.Subnet)
				}
			}
		}
		if a, err := netip.ParseAddr(cfgs[0].Properties.PrivateIPAddress); err == nil {
			return a, e.subnetNetwork(nic.Cloud, cfgs[0].Properties.Subnet)
		}
	}
	return netip.Addr{}, nil
}

// subnetNetwork returns the virtual network of a subnet reference.
func (e *Engine) subnetNetwork(cloud string, r *ref) *entry {
	sub := e.lookup(cloud, r)
	if sub == nil {
		return nil
	}
	return e.entries[sub.Parent]
}

// vmAt finds the running VM whose NIC in the virtual network has the address.
func (e *Engine) vmAt(vnet *entry, a netip.Addr) (*entry, string) {
	for _, nic := range e.sortedKind(vnet.Cloud, "networkinterfaces") {
		for _, c := range nic.Res.(*NetworkInterface).Properties.IPConfigurations {
			if c.Properties.PrivateIPAddress != a.String() || e.subnetNetwork(nic.Cloud, c.Properties.Subnet) != vnet {
				continue
			}
			for _, u := range e.users(nic.key()) {
				if u.Kind != "virtualmachines" {
					continue
				}
				if u.Power != powerRunning {
					return nil, fmt.Sprintf("%s is the address of VM %s on %s, which is %s, not running", a, u.id(), u.Cloud, u.Power)
				}
				return u, ""
			}
			return nil, fmt.Sprintf("%s is the address of network interface %s on %s, which no VM uses", a, nic.id(), nic.Cloud)
		}
	}
	return nil, fmt.Sprintf("no network interface in virtual network %s on %s has the address %s", vnet.id(), vnet.Cloud, a)
}

// networkGateway returns the VPN gateway of a virtual network, or nil.
func (e *Engine) networkGateway(vnet *entry) *entry {
	for _, s := range e.childrenOf(vnet.key(), "subnets") {
		for _, u := range e.users(s.key()) {
			if u.Kind == "virtualnetworkgateways" {
				return u
			}
		}
	}
	return nil
}

// inSpace reports whether a virtual network's address space holds an address.
func inSpace(vnet *entry, a netip.Addr) bool {
	return holds(vnet.Res.(*VirtualNetwork).Properties.AddressSpace, a)
}

// lngCovers reports whether a local network gateway's prefixes hold an address.
func lngCovers(lng *entry, a netip.Addr) bool {
	return holds(lng.Res.(*LocalNetworkGateway).Properties.LocalNetworkAddressSpace, a)
}

// holds reports whether one of an address space's prefixes holds an address; a missing
// space holds none.
func holds(as *AddressSpace, a netip.Addr) bool {
	if as == nil {
		return false
	}
	for _, p := range mustPrefixes(as.AddressPrefixes) {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// routeTo follows an address from a virtual network to the network that holds it: the
// connections crossed, or why there is no route. arrived is the connection a packet came in
// on when the network is a transit one (nil at the source); seen keeps loops out.
func (e *Engine) routeTo(vnet *entry, a netip.Addr, arrived *entry, seen map[string]bool) (*entry, []string, string) {
	if inSpace(vnet, a) {
		return vnet, nil, ""
	}
	seen[vnet.key()] = true
	gw := e.networkGateway(vnet)
	if gw == nil {
		return nil, nil, fmt.Sprintf("virtual network %s on %s does not hold %s and has no VPN gateway", vnet.id(), vnet.Cloud, a)
	}
	if arrived != nil {
		g := gw.Res.(*VirtualNetworkGateway)
		if e.clouds[gw.Cloud].Kind != Azure || g.Properties.VPNType != "RouteBased" {
			return nil, nil, fmt.Sprintf("%s lies beyond gateway %s on %s, which does not transit between its connections (only an Azure RouteBased gateway does)", a, gw.id(), gw.Cloud)
		}
	}
	why := fmt.Sprintf("no connection of gateway %s on %s has a local network gateway whose prefixes cover %s", gw.id(), gw.Cloud, a)
	for _, c := range e.users(gw.key()) {
		if c.Kind != "connections" || (arrived != nil && c.key() == arrived.key()) {
			continue
		}
		conn := c.Res.(*Connection)
		if !refersTo(conn.Properties.VirtualNetworkGateway1, gw) {
			continue
		}
		lng := e.lookup(c.Cloud, conn.Properties.LocalNetworkGateway2)
		if lng == nil || !lngCovers(lng, a) {
			continue
		}
		tn := e.tunnel(c)
		if tn.Status != Connected {
			why = fmt.Sprintf("connection %s on %s, whose local network gateway covers %s, is %s (%s)", c.id(), c.Cloud, a, tn.Status, tn.Reason)
			continue
		}
		peer := e.get(tn.PeerCloud, tn.Peer)
		if peer == nil {
			continue
		}
		next := e.networkOfGateway(e.lookup(peer.Cloud, peer.Res.(*Connection).Properties.VirtualNetworkGateway1))
		if next == nil || seen[next.key()] {
			continue
		}
		dest, path, w := e.routeTo(next, a, peer, seen)
		if dest != nil {
			return dest, append([]string{c.Cloud + ":" + c.id()}, path...), ""
		}
		why = w
	}
	return nil, nil, why
}

// networkOfGateway returns the virtual network a gateway's GatewaySubnet is in.
func (e *Engine) networkOfGateway(gw *entry) *entry {
	if gw == nil {
		return nil
	}
	for _, r := range gw.Refs {
		if sub := e.entries[r]; sub != nil && sub.Kind == "subnets" {
			return e.entries[sub.Parent]
		}
	}
	return nil
}

// Reach answers, for the admin API, whether a VM's probe would reach an address and why.
func (e *Engine) Reach(cloud, vmID, target string) (Reach, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settle()
	vm := e.get(cloud, vmID)
	a, err := netip.ParseAddr(strings.TrimSpace(target))
	if vm == nil || vm.Kind != "virtualmachines" || err != nil {
		return Reach{}, false
	}
	return e.reach(vm, a), true
}
