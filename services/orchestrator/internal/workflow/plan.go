package workflow

import (
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
)

// PlannedResource is one resource an apply of a deployment ensures, with the Create
// request its step sends to the resource service.
type PlannedResource struct {
	// Step is the name of the step that ensures it, e.g. hub/vpn-gateway.
	Step string
	// Kind is the step's kind, e.g. vpn-gateway or virtual-machine/vm1.
	Kind string
	// Resource is its resource service name.
	Resource string
	// Request is the step's Create request (e.g. *gatewayv1.CreateVirtualNetworkGatewayRequest),
	// built by the same builders the graph uses. It carries the spec's secrets (the shared
	// key, admin passwords): never return or log it.
	Request proto.Message
}

// Plan lists the resources an apply of in ensures, in the graph's status order (per site
// the resource group unless it exists, virtual network, public IP, gateway and each VM's
// network interface and VM, then per site the local network gateway and connection), each
// with the request its step would send. The local network gateways' requests depend on the
// peer gateway, which only an apply learns: Plan builds them with an empty peer gateway, so
// their gateway IP and BGP peer are empty. in.Spec must have two sites, as the workflow
// requires.
func Plan(in Input) []PlannedResource {
	var out []PlannedResource
	add := func(site, kind, resource string, req proto.Message) {
		out = append(out, PlannedResource{Step: site + "/" + kind, Kind: kind, Resource: resource, Request: req})
	}
	sites := in.Spec.GetSites()
	n := make([]names, len(sites))
	for i, site := range sites {
		n[i] = siteNames(site, sites[1-i].GetName())
		label, ni := site.GetName(), n[i]
		if !site.GetExistingResourceGroup() {
			add(label, kindResourceGroup, ni.group, resourceGroupRequest(site, ni))
		}
		add(label, kindVirtualNetwork, ni.vnet, virtualNetworkRequest(site, ni))
		add(label, kindPublicIP, ni.publicIP, publicIPRequest(site, ni))
		add(label, kindGateway, ni.gateway, gatewayRequest(site, ni))
		for _, vm := range site.GetVirtualMachines() {
			add(label, kindNetworkInterface+"/"+vm.GetName(), ni.nicName(vm.GetName()), nicRequest(site, ni, vm))
			add(label, kindVirtualMachine+"/"+vm.GetName(), ni.vmName(vm.GetName()), vmRequest(site, ni, vm))
		}
	}
	for i, site := range sites {
		peer, label, ni := sites[1-i], site.GetName(), n[i]
		var policy *gatewayv1.IpsecPolicy
		if i < len(in.SitePolicies) {
			policy = in.SitePolicies[i]
		}
		add(label, kindLocalGateway, ni.localGateway, localGatewayRequest(site, peer, ni, &gatewayv1.VirtualNetworkGateway{}))
		add(label, kindConnection, ni.connection, connectionRequest(site, peer, ni, in.Spec.GetConnection().GetSharedKey(), policy))
	}
	return out
}
