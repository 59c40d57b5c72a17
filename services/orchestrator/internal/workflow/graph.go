package workflow

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// Step kinds: a step's name is {site}/{kind}, and verify's is just "verify".
const (
	kindResourceGroup    = "resource-group"
	kindVirtualNetwork   = "virtual-network"
	kindPublicIP         = "public-ip"
	kindGateway          = "vpn-gateway"
	kindLocalGateway     = "local-network-gateway"
	kindConnection       = "connection"
	kindNetworkInterface = "network-interface"
	kindVirtualMachine   = "virtual-machine"
	kindVerify           = "verify"
)

// verifyTimeout bounds the wait for both connections to be Connected, in workflow time.
const verifyTimeout = 15 * time.Minute

// step is one node of the dataflow graph: one activity for one resource, run once the
// steps it depends on have succeeded.
type step struct {
	// status is the step's entry in the deployment's status.
	status *orchestratorv1.Step
	// kind is the step's kind, with the VM's name for VM steps (virtual-machine/vm1).
	kind string
	// activity is the activity's name.
	activity string
	// deps are the steps that must succeed first.
	deps []*step
	// request builds the activity's argument once deps have succeeded; an error fails the
	// step without running the activity.
	request func() (any, error)
	// result points at where the activity's result is decoded.
	result any
	// record copies what the deployment's outputs need from result; nil when nothing.
	record func()
	// gateway is set on a connection step whose gateway takes other connections of this
	// deployment (a hub's): the gateway's name, which the step holds while it runs, since ARM
	// runs one operation at a time on a gateway and refuses the others.
	gateway string
	// done is ready once the step has ended, set through end; apply and remove make it.
	done workflow.Future
	// settle makes done ready.
	settle workflow.Settable
}

// succeeded reports whether the step has ended and succeeded.
func (s *step) succeeded() bool {
	return s.status.GetState() == orchestratorv1.Step_STATE_SUCCEEDED
}

// creates reports whether the step creates a resource, which teardown deletes: not verify,
// and not a step that reads an adopted resource.
func (s *step) creates() bool { return s.kind != kindVerify && !s.status.GetAdopted() }

// graph is the dataflow of a deployment: its steps in status order (per site the resource
// group, network, public IP, gateway and VMs, then per tunnel end the local network gateway
// and connection, then verify), each after those it depends on. A graph built for a plan
// (planning) is never run: its requests are built without the results they would wait for.
type graph struct {
	steps    []*step
	planning bool
	// fresh says, by site name, whether this apply created the site's resource group
	// (addSite).
	fresh map[string]func() bool
}

// add appends a step; nil deps (a resource group that exists already) are left out.
func (g *graph) add(site, kind, resource, activity string, result any, request func() (any, error), deps ...*step) *step {
	name := kind
	if site != "" {
		name = site + "/" + kind
	}
	s := &step{
		status:   &orchestratorv1.Step{Name: name, Site: site, Resource: resource, State: orchestratorv1.Step_STATE_PENDING},
		kind:     kind,
		activity: activity,
		request:  request,
		result:   result,
	}
	for _, d := range deps {
		if d != nil {
			s.deps = append(s.deps, d)
			s.status.DependsOn = append(s.status.DependsOn, d.status.GetName())
		}
	}
	g.steps = append(g.steps, s)
	return s
}

// adopt appends a step that reads an adopted resource: it never creates it.
func (g *graph) adopt(site, kind, resource, activity string, result any, request func() (any, error)) *step {
	s := g.add(site, kind, resource, activity, result, request)
	s.status.Adopted = true
	return s
}

// build returns the graph that applies in, writing each site's outputs into outputs
// (one SiteOutputs per site, in the spec's order) as steps succeed. Each site's steps
// wait only for their own site's, and a tunnel end for the two gateways, so that the
// spokes build in parallel and the deployment takes one gateway's time, not one per spoke.
// A site's end of a tunnel is named {site}/{kind} when it has one tunnel, and
// {site}/{kind}/{peer} when it has several (a hub).
func build(in Input, outputs []*orchestratorv1.SiteOutputs, planning bool) *graph {
	g := &graph{planning: planning, fresh: map[string]func() bool{}}
	spec := in.Spec
	sites := spec.GetSites()
	n := make([]names, len(sites))
	gateways := make([]*step, len(sites))
	for i, site := range sites {
		n[i] = siteNames(site)
		gateways[i], g.fresh[site.GetName()] = g.addSite(site, n[i], outputs[i])
	}
	peerings := deployrules.Peerings(spec)
	ends := map[int]int{}
	for _, p := range peerings {
		ends[p.Site]++
	}
	var connections []*step
	var names []string
	for k, p := range peerings {
		site, peer := sites[p.Site], sites[p.Peer]
		ni, out, fresh := n[p.Site], outputs[p.Site], g.fresh[site.GetName()]
		label, suffix := site.GetName(), ""
		if ends[p.Site] > 1 {
			suffix = "/" + peer.GetName()
		}
		peerGateway := gateways[p.Peer]
		prefixes := deployrules.Transit(spec, p)
		first, second := gateways[min(p.Site, p.Peer)], gateways[max(p.Site, p.Peer)]
		lgw := g.add(label, kindLocalGateway+suffix, ni.localGateway(label, peer.GetName()), EnsureLocalNetworkGateway, &gatewayv1.LocalNetworkGateway{},
			func() (any, error) {
				gw := peerGateway.result.(*gatewayv1.VirtualNetworkGateway)
				if gw.GetGatewayIpAddress() == "" && !g.planning {
					return nil, temporal.NewNonRetryableApplicationError(
						fmt.Sprintf("site %s's gateway %s has no public IP address", peer.GetName(), gw.GetName()), "FailedPrecondition", nil)
				}
				return localGatewayRequest(site, peer, ni, prefixes, gw, fresh()), nil
			},
			first, second)
		var policy *gatewayv1.IpsecPolicy
		if k < len(in.Policies) {
			policy = in.Policies[k]
		}
		conn := &gatewayv1.Connection{}
		end := g.add(label, kindConnection+suffix, ni.connection(label, peer.GetName()), EnsureConnection, conn,
			func() (any, error) {
				return connectionRequest(site, peer, ni, spec.GetConnection().GetSharedKey(), policy, fresh()), nil
			},
			gateways[p.Site], lgw)
		peerName := peer.GetName()
		end.record = func() { recordConnection(out, peerName, conn) }
		if ends[p.Site] > 1 {
			end.gateway = ni.gateway
		}
		connections = append(connections, end)
		names = append(names, end.status.GetResource())
	}
	conns := &[]*gatewayv1.Connection{}
	verify := g.add("", kindVerify, "", VerifyConnections, conns,
		func() (any, error) {
			return VerifyRequest{Connections: names, Timeout: verifyTimeout}, nil
		},
		connections...)
	verify.record = func() {
		for _, c := range *conns {
			for k, p := range peerings {
				if c.GetName() == names[k] {
					recordConnection(outputs[p.Site], sites[p.Peer].GetName(), c)
				}
			}
		}
	}
	return g
}

// addSite adds one site's steps and returns its gateway step (for an adopted network or
// gateway, a step that reads it) and whether this apply created the site's resource group,
// known once its step has run: what a step writes first in a group it created needs no read
// before (FreshResourceGroup).
func (g *graph) addSite(site *orchestratorv1.Site, n names, out *orchestratorv1.SiteOutputs) (*step, func() bool) {
	label := site.GetName()
	var group *step
	rg := &networkv1.ResourceGroup{}
	fresh := func() bool { return rg.GetCreated() }
	if !site.GetExistingResourceGroup() {
		group = g.add(label, kindResourceGroup, n.group, EnsureResourceGroup, rg,
			func() (any, error) { return resourceGroupRequest(site, n), nil })
	}
	var vnet *step
	if site.GetExisting().GetVirtualNetwork() != "" {
		vnet = g.adopt(label, kindVirtualNetwork, n.vnet, ReadVirtualNetwork, &networkv1.VirtualNetwork{},
			func() (any, error) { return readNetworkRequest(n), nil })
	} else {
		vnet = g.add(label, kindVirtualNetwork, n.vnet, EnsureVirtualNetwork, &networkv1.VirtualNetwork{},
			func() (any, error) { return virtualNetworkRequest(site, n, fresh()), nil }, group)
	}
	gw := &gatewayv1.VirtualNetworkGateway{}
	var gateway *step
	if site.GetExisting().GetVpnGateway() != "" {
		gateway = g.adopt(label, kindGateway, n.gateway, ReadVirtualNetworkGateway, gw,
			func() (any, error) { return readGatewayRequest(n), nil })
		gateway.deps, gateway.status.DependsOn = []*step{vnet}, []string{vnet.status.GetName()}
	} else {
		ip := g.add(label, kindPublicIP, n.publicIP, EnsurePublicIPAddress, &gatewayv1.PublicIPAddress{},
			func() (any, error) { return publicIPRequest(site, n, fresh()), nil }, group)
		gateway = g.add(label, kindGateway, n.gateway, EnsureVirtualNetworkGateway, gw,
			func() (any, error) { return gatewayRequest(site, n, fresh()), nil }, vnet, ip)
	}
	gateway.record = func() { out.GatewayIpAddress = gw.GetGatewayIpAddress() }
	for _, vm := range site.GetVirtualMachines() {
		nicOut := &computev1.NetworkInterface{}
		nic := g.add(label, kindNetworkInterface+"/"+vm.GetName(), n.nicName(vm.GetName()), EnsureNetworkInterface, nicOut,
			func() (any, error) { return nicRequest(site, n, vm, fresh()), nil }, vnet)
		nic.record = func() { out.VmPrivateIps[vm.GetName()] = nicOut.GetAllocatedPrivateIpAddress() }
		g.add(label, kindVirtualMachine+"/"+vm.GetName(), n.vmName(vm.GetName()), EnsureVirtualMachine, &computev1.VirtualMachine{},
			func() (any, error) { return vmRequest(site, n, vm, fresh()), nil }, nic)
	}
	return gateway, fresh
}

// recordConnection records a connection's status and byte counters among a site's
// outputs, as its connection to peer, and as the site's own when it is its only one.
func recordConnection(out *orchestratorv1.SiteOutputs, peer string, c *gatewayv1.Connection) {
	co := &orchestratorv1.ConnectionOutputs{Peer: peer, Connection: c.GetName(), Status: c.GetStatus(), IngressBytes: c.GetIngressBytes(), EgressBytes: c.GetEgressBytes()}
	i := slices.IndexFunc(out.Connections, func(x *orchestratorv1.ConnectionOutputs) bool { return x.GetPeer() == peer })
	if i < 0 {
		out.Connections = append(out.Connections, co)
	} else {
		out.Connections[i] = co
	}
	if len(out.Connections) == 1 {
		out.ConnectionStatus, out.IngressBytes, out.EgressBytes = co.GetStatus(), co.GetIngressBytes(), co.GetEgressBytes()
	} else {
		out.ConnectionStatus, out.IngressBytes, out.EgressBytes = 0, 0, 0
	}
}
