package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, the service's calls still succeed through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	servicetest.Absorbed(t, func(t *testing.T, cfg armsim.Config) *servicetest.Stack {
		st, c := start(t, cfg)
		group(t, c, "azure")
		op, err := c.net.CreateVirtualNetwork(ctx, vnetRequest("azure"))
		servicetest.Wait(t, c.ops, op, err)
		if _, err := c.net.ListVirtualNetworks(ctx, &networkv1.ListVirtualNetworksRequest{Parent: "clouds/azure/resourceGroups/rg"}); err != nil {
			t.Fatal(err)
		}
		return st
	})
}
