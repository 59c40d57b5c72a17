package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, creating a public IP and a VPN gateway still succeeds through azcore's
// retries.
func TestFaultsAbsorbed(t *testing.T) {
	servicetest.Absorbed(t, gateway, func(t *testing.T, st *servicetest.Stack, c clients) {
		site(t, st, "azure")
		op, err := c.API.CreatePublicIPAddress(ctx, pipRequest("azure"))
		servicetest.Wait(t, c.Ops, op, err)
		op, err = c.API.CreateVirtualNetworkGateway(ctx, gatewayRequest("azure"))
		servicetest.Wait(t, c.Ops, op, err)
	})
}
