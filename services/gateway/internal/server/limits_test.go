package server

import (
	"testing"

	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
)

// TestLimitsCoverEveryField: every string, repeated and map field a Create request (or
// SetConnectionSharedKey) can set has its limit, so a field added to the API cannot go
// unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	for _, req := range []proto.Message{&gatewayv1.CreatePublicIPAddressRequest{}, &gatewayv1.CreateVirtualNetworkGatewayRequest{},
		&gatewayv1.CreateLocalNetworkGatewayRequest{}, &gatewayv1.CreateConnectionRequest{}, &gatewayv1.SetConnectionSharedKeyRequest{}} {
		if missing := limits.Unbounded("", req.ProtoReflect().Descriptor()); len(missing) > 0 {
			t.Errorf("%s: fields without a limit: %v", req.ProtoReflect().Descriptor().Name(), missing)
		}
	}
}
