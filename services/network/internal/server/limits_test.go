package server

import (
	"testing"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestLimitsCoverEveryField: every string, repeated and map field a Create request can set
// has its limit, so a field added to the API cannot go unbounded.
func TestLimitsCoverEveryField(t *testing.T) {
	servicetest.CheckLimits(t, limits, &networkv1.CreateResourceGroupRequest{}, &networkv1.CreateVirtualNetworkRequest{}, &networkv1.CreateSubnetRequest{})
}
