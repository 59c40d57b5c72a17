package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, a NIC and a VM are still created through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	servicetest.Absorbed(t, func(t *testing.T, cfg armsim.Config) *servicetest.Stack {
		st, c := start(t, cfg)
		s := sites[0]
		op, err := c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", network(t, st, s)))
		servicetest.Wait(t, c.ops, op, err)
		op, err = c.cmp.CreateVirtualMachine(ctx, vmRequest(s))
		servicetest.Wait(t, c.ops, op, err)
		return st
	})
}
