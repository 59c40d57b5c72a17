package server_test

import (
	"testing"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, the service's calls still succeed through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	servicetest.Absorbed(t, network, func(t *testing.T, _ *servicetest.Stack, c clients) {
		group(t, c, "azure")
		op, err := c.API.CreateVirtualNetwork(ctx, vnetRequest("azure"))
		servicetest.Wait(t, c.Ops, op, err)
		if _, err := c.API.ListVirtualNetworks(ctx, &networkv1.ListVirtualNetworksRequest{Parent: "clouds/azure/resourceGroups/rg"}); err != nil {
			t.Fatal(err)
		}
	})
}
