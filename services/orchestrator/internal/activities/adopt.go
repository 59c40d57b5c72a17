package activities

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
)

// ReadVirtualNetwork reads a virtual network the deployment adopts. It writes nothing; a
// network that is gone fails the step for good (NotFound): the deployment was planned
// against it.
func (a *Activities) ReadVirtualNetwork(ctx context.Context, req *networkv1.GetVirtualNetworkRequest) (*networkv1.VirtualNetwork, error) {
	return call(ctx, req.GetName(), a.Network.GetVirtualNetwork, req)
}

// ReadVirtualNetworkGateway reads a VPN gateway the deployment adopts, whose public IP and
// BGP speaker the spokes' local network gateways point at. It writes nothing; a gateway
// that is gone, or has no public IP address, fails the step for good.
func (a *Activities) ReadVirtualNetworkGateway(ctx context.Context, req *gatewayv1.GetVirtualNetworkGatewayRequest) (*gatewayv1.VirtualNetworkGateway, error) {
	gw, err := call(ctx, req.GetName(), a.Gateway.GetVirtualNetworkGateway, req)
	if err != nil {
		return nil, err
	}
	if gw.GetGatewayIpAddress() == "" {
		return nil, fail(ctx, status.Error(codes.FailedPrecondition,
			fmt.Sprintf("adopted gateway %s has no public IP address yet: wait until it is provisioned, then apply again", req.GetName())))
	}
	return gw, nil
}
