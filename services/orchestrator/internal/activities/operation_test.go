package activities

import (
	"testing"

	"google.golang.org/protobuf/proto"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
)

// TestUnfresh: a retried attempt clears fresh_resource_group on every Create request that
// has it, and only that field.
func TestUnfresh(t *testing.T) {
	for _, req := range []interface {
		proto.Message
		GetFreshResourceGroup() bool
		GetParent() string
	}{
		&networkv1.CreateVirtualNetworkRequest{Parent: "p", FreshResourceGroup: true},
		&gatewayv1.CreatePublicIPAddressRequest{Parent: "p", FreshResourceGroup: true},
		&gatewayv1.CreateVirtualNetworkGatewayRequest{Parent: "p", FreshResourceGroup: true},
		&gatewayv1.CreateLocalNetworkGatewayRequest{Parent: "p", FreshResourceGroup: true},
		&gatewayv1.CreateConnectionRequest{Parent: "p", FreshResourceGroup: true},
		&computev1.CreateNetworkInterfaceRequest{Parent: "p", FreshResourceGroup: true},
		&computev1.CreateVirtualMachineRequest{Parent: "p", FreshResourceGroup: true},
		&computev1.CreateVirtualMachineExtensionRequest{Parent: "p", FreshResourceGroup: true},
	} {
		unfresh(req)
		if req.GetFreshResourceGroup() || req.GetParent() != "p" {
			t.Errorf("%T after unfresh: %v", req, req)
		}
	}
}
