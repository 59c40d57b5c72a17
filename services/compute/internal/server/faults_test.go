package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFaultsAbsorbed: with armsim failing a share of requests (500, 503, 429) or throttling
// with a tiny bucket, a NIC and a VM are still created through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	for _, tc := range servicetest.Faults {
		t.Run(tc.Name, func(t *testing.T) {
			st, c := start(t, tc.Config)
			s := sites[0]
			op, err := c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", network(t, st, s)))
			servicetest.Wait(t, c.ops, op, err)
			op, err = c.cmp.CreateVirtualMachine(ctx, vmRequest(s))
			servicetest.Wait(t, c.ops, op, err)
			st.SkipUnlessRefused(t)
		})
	}
}
