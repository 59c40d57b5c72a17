package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, creating a public IP and a VPN gateway still succeeds through azcore's
// retries.
func TestFaultsAbsorbed(t *testing.T) {
	servicetest.Absorbed(t, func(t *testing.T, cfg armsim.Config) *servicetest.Stack {
		st, c := start(t, cfg)
		site(t, st, "azure")
		op, err := c.gw.CreatePublicIPAddress(ctx, pipRequest("azure"))
		servicetest.Wait(t, c.ops, op, err)
		op, err = c.gw.CreateVirtualNetworkGateway(ctx, gatewayRequest("azure"))
		servicetest.Wait(t, c.ops, op, err)
		return st
	})
}
