package server

import (
	"testing"

	"google.golang.org/protobuf/proto"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
)

// TestLimitsCoverEveryField: every string, repeated and map field a Create request can set
// has its limit, so a field added to the API cannot go unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	for _, req := range []proto.Message{&computev1.CreateNetworkInterfaceRequest{}, &computev1.CreateVirtualMachineRequest{}} {
		if missing := limits.Unbounded("", req.ProtoReflect().Descriptor()); len(missing) > 0 {
			t.Errorf("%s: fields without a limit: %v", req.ProtoReflect().Descriptor().Name(), missing)
		}
	}
}
