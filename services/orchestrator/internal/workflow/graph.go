package workflow

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
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
	// done is ready once the step has ended; set it through end.
	done workflow.Future
	// settle makes done ready.
	settle workflow.Settable
}

// succeeded reports whether the step has ended and succeeded.
func (s *step) succeeded() bool {
	return s.status.GetState() == orchestratorv1.Step_STATE_SUCCEEDED
}

// creates reports whether the step creates a resource, which teardown deletes.
func (s *step) creates() bool { return s.kind != kindVerify }

// graph is the dataflow of a deployment: its steps in status order (per site the
// resource group, network, public IP, gateway and VMs, then per site the local network
// gateway and connection, then verify), each after those it depends on.
type graph struct {
	steps []*step
}

// add appends a step; nil deps (a resource group that exists already) are left out.
func (g *graph) add(ctx workflow.Context, site, kind, resource, activity string, result any, request func() (any, error), deps ...*step) *step {
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
	s.done, s.settle = workflow.NewFuture(ctx)
	g.steps = append(g.steps, s)
	return s
}

// build returns the graph that applies in, writing each site's outputs into outputs
// (one SiteOutputs per site, in the spec's order) as steps succeed.
func build(ctx workflow.Context, in Input, outputs []*orchestratorv1.SiteOutputs) *graph {
	g := &graph{}
	sites := in.Spec.GetSites()
	n := make([]names, len(sites))
	gateways := make([]*step, len(sites))
	for i, site := range sites {
		peer := sites[1-i]
		n[i] = siteNames(site, peer.GetName())
		gateways[i] = g.addSite(ctx, site, n[i], outputs[i])
	}
	connections := make([]*step, len(sites))
	for i, site := range sites {
		peer, peerGateway := sites[1-i], gateways[1-i]
		label, ni, out := site.GetName(), n[i], outputs[i]
		lgw := g.add(ctx, label, kindLocalGateway, ni.localGateway, EnsureLocalNetworkGateway, &gatewayv1.LocalNetworkGateway{},
			func() (any, error) {
				gw := peerGateway.result.(*gatewayv1.VirtualNetworkGateway)
				if gw.GetGatewayIpAddress() == "" {
					return nil, temporal.NewNonRetryableApplicationError(
						fmt.Sprintf("site %s's gateway %s has no public IP address", peer.GetName(), gw.GetName()), "FailedPrecondition", nil)
				}
				return localGatewayRequest(site, peer, ni, gw), nil
			},
			gateways[0], gateways[1])
		var policy *gatewayv1.IpsecPolicy
		if i < len(in.SitePolicies) {
			policy = in.SitePolicies[i]
		}
		conn := &gatewayv1.Connection{}
		connections[i] = g.add(ctx, label, kindConnection, ni.connection, EnsureConnection, conn,
			func() (any, error) {
				return connectionRequest(site, peer, ni, in.Spec.GetConnection().GetSharedKey(), policy), nil
			},
			gateways[i], lgw)
		connections[i].record = func() { recordConnection(out, conn) }
	}
	conns := &[]*gatewayv1.Connection{}
	verify := g.add(ctx, "", kindVerify, "", VerifyConnections, conns,
		func() (any, error) {
			return VerifyRequest{Connections: []string{n[0].connection, n[1].connection}, Timeout: verifyTimeout}, nil
		},
		connections[0], connections[1])
	verify.record = func() {
		for _, c := range *conns {
			for i := range sites {
				if c.GetName() == n[i].connection {
					recordConnection(outputs[i], c)
				}
			}
		}
	}
	return g
}

// addSite adds one site's steps and returns its gateway step.
func (g *graph) addSite(ctx workflow.Context, site *orchestratorv1.Site, n names, out *orchestratorv1.SiteOutputs) *step {
	label := site.GetName()
	var group *step
	if !site.GetExistingResourceGroup() {
		group = g.add(ctx, label, kindResourceGroup, n.group, EnsureResourceGroup, &networkv1.ResourceGroup{},
			func() (any, error) { return resourceGroupRequest(site, n), nil })
	}
	vnet := g.add(ctx, label, kindVirtualNetwork, n.vnet, EnsureVirtualNetwork, &networkv1.VirtualNetwork{},
		func() (any, error) { return virtualNetworkRequest(site, n), nil }, group)
	ip := g.add(ctx, label, kindPublicIP, n.publicIP, EnsurePublicIPAddress, &gatewayv1.PublicIPAddress{},
		func() (any, error) { return publicIPRequest(site, n), nil }, group)
	gw := &gatewayv1.VirtualNetworkGateway{}
	gateway := g.add(ctx, label, kindGateway, n.gateway, EnsureVirtualNetworkGateway, gw,
		func() (any, error) { return gatewayRequest(site, n), nil }, vnet, ip)
	gateway.record = func() { out.GatewayIpAddress = gw.GetGatewayIpAddress() }
	for _, vm := range site.GetVirtualMachines() {
		nicOut := &computev1.NetworkInterface{}
		nic := g.add(ctx, label, kindNetworkInterface+"/"+vm.GetName(), n.nicName(vm.GetName()), EnsureNetworkInterface, nicOut,
			func() (any, error) { return nicRequest(site, n, vm), nil }, vnet)
		nic.record = func() { out.VmPrivateIps[vm.GetName()] = nicOut.GetAllocatedPrivateIpAddress() }
		g.add(ctx, label, kindVirtualMachine+"/"+vm.GetName(), n.vmName(vm.GetName()), EnsureVirtualMachine, &computev1.VirtualMachine{},
			func() (any, error) { return vmRequest(site, n, vm), nil }, nic)
	}
	return gateway
}

// recordConnection copies a connection's status and byte counters into a site's outputs.
func recordConnection(out *orchestratorv1.SiteOutputs, c *gatewayv1.Connection) {
	out.ConnectionStatus = c.GetStatus()
	out.IngressBytes = c.GetIngressBytes()
	out.EgressBytes = c.GetEgressBytes()
}
