package activities

import (
	"context"

	"google.golang.org/grpc"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
)

// EnsureResourceGroup creates the resource group, or updates its tags. ARM writes resource
// groups synchronously, so there is no operation to follow.
func (a *Activities) EnsureResourceGroup(ctx context.Context, req *networkv1.CreateResourceGroupRequest) (*networkv1.ResourceGroup, error) {
	return call(ctx, req.GetParent(), a.Network.CreateResourceGroup, req)
}

// EnsureVirtualNetwork creates or updates the virtual network and its subnets.
func (a *Activities) EnsureVirtualNetwork(ctx context.Context, req *networkv1.CreateVirtualNetworkRequest) (*networkv1.VirtualNetwork, error) {
	return ensure(ctx, a, a.NetworkOperations, a.Network.CreateVirtualNetwork, req, &networkv1.VirtualNetwork{})
}

// EnsurePublicIPAddress creates or updates the public IP address.
func (a *Activities) EnsurePublicIPAddress(ctx context.Context, req *gatewayv1.CreatePublicIPAddressRequest) (*gatewayv1.PublicIPAddress, error) {
	return ensure(ctx, a, a.GatewayOperations, a.Gateway.CreatePublicIPAddress, req, &gatewayv1.PublicIPAddress{})
}

// EnsureVirtualNetworkGateway creates or updates the VPN gateway, which can take ARM well
// over half an hour.
func (a *Activities) EnsureVirtualNetworkGateway(ctx context.Context, req *gatewayv1.CreateVirtualNetworkGatewayRequest) (*gatewayv1.VirtualNetworkGateway, error) {
	return ensure(ctx, a, a.GatewayOperations, a.Gateway.CreateVirtualNetworkGateway, req, &gatewayv1.VirtualNetworkGateway{})
}

// EnsureLocalNetworkGateway creates or updates the local network gateway: the other site.
func (a *Activities) EnsureLocalNetworkGateway(ctx context.Context, req *gatewayv1.CreateLocalNetworkGatewayRequest) (*gatewayv1.LocalNetworkGateway, error) {
	return ensure(ctx, a, a.GatewayOperations, a.Gateway.CreateLocalNetworkGateway, req, &gatewayv1.LocalNetworkGateway{})
}

// EnsureConnection creates or updates the site-to-site connection. Its shared key is never
// put in an error.
func (a *Activities) EnsureConnection(ctx context.Context, req *gatewayv1.CreateConnectionRequest) (*gatewayv1.Connection, error) {
	return ensure(ctx, a, a.GatewayOperations, a.Gateway.CreateConnection, req, &gatewayv1.Connection{}, req.GetConnection().GetSharedKey())
}

// EnsureNetworkInterface creates or updates the network interface.
func (a *Activities) EnsureNetworkInterface(ctx context.Context, req *computev1.CreateNetworkInterfaceRequest) (*computev1.NetworkInterface, error) {
	return ensure(ctx, a, a.ComputeOperations, a.Compute.CreateNetworkInterface, req, &computev1.NetworkInterface{})
}

// EnsureVirtualMachine creates or updates the virtual machine. Its admin password is never
// put in an error.
func (a *Activities) EnsureVirtualMachine(ctx context.Context, req *computev1.CreateVirtualMachineRequest) (*computev1.VirtualMachine, error) {
	return ensure(ctx, a, a.ComputeOperations, a.Compute.CreateVirtualMachine, req, &computev1.VirtualMachine{}, req.GetVirtualMachine().GetAdminPassword())
}

// call is an activity that makes one call of a service that answers at once (no operation
// to follow), on the named resource.
func call[Req, Resp any](ctx context.Context, resource string, method func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req) (Resp, error) {
	annotate(ctx, resource)
	resp, err := method(ctx, req)
	if err != nil {
		var zero Resp
		return zero, fail(ctx, err)
	}
	return resp, nil
}
