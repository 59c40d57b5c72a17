package workflow

import (
	"google.golang.org/protobuf/proto"
)

// PlannedResource is one resource an apply of a deployment ensures or adopts, with the
// request its step sends to the resource service.
type PlannedResource struct {
	// Step is the name of the step that ensures it, e.g. hub/vpn-gateway.
	Step string
	// Kind is the step's kind, e.g. vpn-gateway or virtual-machine/vm1.
	Kind string
	// Resource is its resource service name.
	Resource string
	// Adopted is set for a resource the deployment adopts: Request is then the Get request
	// its step reads it with.
	Adopted bool
	// Request is the step's Create request (e.g. *gatewayv1.CreateVirtualNetworkGatewayRequest),
	// built by the same builders the graph uses. It carries the spec's secrets (the shared
	// key, admin passwords): never return or log it.
	Request proto.Message
}

// Plan lists the resources an apply of in ensures or adopts, in the graph's status order
// (per site the resource group unless it exists, virtual network, public IP, gateway and
// each VM's network interface and VM, then per tunnel end the local network gateway and
// connection), each with the request its step would send: the graph's own steps, built for
// planning. The local network gateways' requests depend on the peer gateway, which only an
// apply learns: Plan builds them with an empty peer gateway, so their gateway IP and BGP
// peer are empty. in.Spec must be one the workflow runs (checkInput).
func Plan(in Input) []PlannedResource {
	g := build(in, newOutputs(in.Spec).GetSites(), true)
	var out []PlannedResource
	for _, s := range g.steps {
		if s.kind == kindVerify {
			continue
		}
		req, _ := s.request() // a plan's requests do not fail: they wait for no result
		out = append(out, PlannedResource{Step: s.status.GetName(), Kind: s.kind, Resource: s.status.GetResource(),
			Adopted: s.status.GetAdopted(), Request: req.(proto.Message)})
	}
	return out
}
