package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, a NIC and a VM are still created through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	servicetest.Absorbed(t, compute, func(t *testing.T, st *servicetest.Stack, c clients) {
		s := sites[0]
		op, err := c.API.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", network(t, st, s)))
		servicetest.Wait(t, c.Ops, op, err)
		op, err = c.API.CreateVirtualMachine(ctx, vmRequest(s))
		servicetest.Wait(t, c.Ops, op, err)
	})
}
