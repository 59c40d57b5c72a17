package server

import (
	"testing"

	"google.golang.org/protobuf/proto"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
)

// TestLimitsCoverEveryField: every string, repeated and map field a Create request can set
// has its limit, so a field added to the API cannot go unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	for _, req := range []proto.Message{&networkv1.CreateResourceGroupRequest{}, &networkv1.CreateVirtualNetworkRequest{}, &networkv1.CreateSubnetRequest{}} {
		if missing := limits.Unbounded("", req.ProtoReflect().Descriptor()); len(missing) > 0 {
			t.Errorf("%s: fields without a limit: %v", req.ProtoReflect().Descriptor().Name(), missing)
		}
	}
}
