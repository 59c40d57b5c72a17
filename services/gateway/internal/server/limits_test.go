package server

import (
	"testing"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestLimitsCoverEveryField: every string, repeated and map field a Create request (or
// SetConnectionSharedKey) can set has its limit, so a field added to the API cannot go
// unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	servicetest.CheckLimits(t, limits, &gatewayv1.CreatePublicIPAddressRequest{}, &gatewayv1.CreateVirtualNetworkGatewayRequest{},
		&gatewayv1.CreateLocalNetworkGatewayRequest{}, &gatewayv1.CreateConnectionRequest{}, &gatewayv1.SetConnectionSharedKeyRequest{})
}
