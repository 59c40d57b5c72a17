package server

import (
	"testing"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestLimitsCoverEveryField: every string, repeated and map field a Create request can set
// has its limit, so a field added to the API cannot go unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	servicetest.CheckLimits(t, limits, &computev1.CreateNetworkInterfaceRequest{}, &computev1.CreateVirtualMachineRequest{})
}
