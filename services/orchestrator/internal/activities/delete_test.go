package activities_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// TestDeleteMissing: deleting what does not exist is done, in every collection of every
// service; a name of no deletable collection is refused non-retryably.
func TestDeleteMissing(t *testing.T) {
	h := start(t, armsim.Config{})
	tests := []struct {
		resource string
		refused  bool
	}{
		{resource: rg("azure")},
		{resource: rg("azure") + "/virtualNetworks/vnet"},
		{resource: rg("azure") + "/publicIPAddresses/ip"},
		{resource: rg("azure-stack-hub") + "/virtualNetworkGateways/gw"},
		{resource: rg("azure") + "/localNetworkGateways/remote"},
		{resource: rg("azure-stack-hub") + "/connections/tunnel"},
		{resource: rg("azure") + "/networkInterfaces/nic"},
		{resource: rg("azure-stack-hub") + "/virtualMachines/vm"},
		{resource: rg("azure") + "/virtualNetworks/vnet/subnets/workload", refused: true},
		{resource: rg("azure") + "/storageAccounts/sa", refused: true},
		{resource: "clouds/azure", refused: true},
	}
	for _, tc := range tests {
		t.Run(tc.resource, func(t *testing.T) {
			env, _ := h.env()
			err := execute(t, env, h.acts.DeleteResource, workflow.DeleteRequest{Resource: tc.resource}, nil)
			switch {
			case !tc.refused && err != nil:
				t.Fatalf("deleting a missing resource must be done: %v", err)
			case tc.refused:
				if ae := appError(t, err); ae.Type() != "InvalidArgument" || !ae.NonRetryable() {
					t.Fatalf("want a non-retryable InvalidArgument, got %v", err)
				}
			}
		})
	}
}
