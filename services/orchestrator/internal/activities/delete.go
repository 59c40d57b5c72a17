package activities

import (
	"context"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// DeleteResource deletes one resource through the service that owns its collection, waits
// for the operation like an Ensure activity (heart-beating, resuming on a retry), and
// treats NotFound as done.
func (a *Activities) DeleteResource(ctx context.Context, req workflow.DeleteRequest) error {
	ops, start := a.deleter(req.Resource)
	if start == nil {
		return temporal.NewNonRetryableApplicationError("cannot delete "+req.Resource+
			": not a resource group, virtual network, public IP address, virtual network gateway, local network gateway, connection, network interface or virtual machine name",
			codes.InvalidArgument.String(), nil)
	}
	annotate(ctx, req.Resource)
	_, err := a.operate(ctx, ops, workflow.CloudOf(req.Resource), start)
	if err == nil || status.Code(err) == codes.NotFound {
		return nil
	}
	return fail(ctx, err)
}

// deleter returns the Operations client and the Delete call of the service owning the
// named resource's collection, or a nil call when the name is none of theirs.
func (a *Activities) deleter(name string) (longrunningpb.OperationsClient, begin) {
	parts := strings.Split(name, "/")
	if (len(parts) != 4 && len(parts) != 6) || parts[0] != "clouds" || parts[2] != "resourceGroups" {
		return nil, nil
	}
	collection := parts[2]
	if len(parts) == 6 {
		collection = parts[4]
	}
	switch collection {
	case "resourceGroups":
		return a.NetworkOperations, starting(a.Network.DeleteResourceGroup, &networkv1.DeleteResourceGroupRequest{Name: name})
	case "virtualNetworks":
		return a.NetworkOperations, starting(a.Network.DeleteVirtualNetwork, &networkv1.DeleteVirtualNetworkRequest{Name: name})
	case "publicIPAddresses":
		return a.GatewayOperations, starting(a.Gateway.DeletePublicIPAddress, &gatewayv1.DeletePublicIPAddressRequest{Name: name})
	case "virtualNetworkGateways":
		return a.GatewayOperations, starting(a.Gateway.DeleteVirtualNetworkGateway, &gatewayv1.DeleteVirtualNetworkGatewayRequest{Name: name})
	case "localNetworkGateways":
		return a.GatewayOperations, starting(a.Gateway.DeleteLocalNetworkGateway, &gatewayv1.DeleteLocalNetworkGatewayRequest{Name: name})
	case "connections":
		return a.GatewayOperations, starting(a.Gateway.DeleteConnection, &gatewayv1.DeleteConnectionRequest{Name: name})
	case "networkInterfaces":
		return a.ComputeOperations, starting(a.Compute.DeleteNetworkInterface, &computev1.DeleteNetworkInterfaceRequest{Name: name})
	case "virtualMachines":
		return a.ComputeOperations, starting(a.Compute.DeleteVirtualMachine, &computev1.DeleteVirtualMachineRequest{Name: name})
	}
	return nil, nil
}
