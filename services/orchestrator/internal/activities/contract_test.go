package activities_test

import (
	"reflect"
	"testing"

	"github.com/hybridlink/hybridlink/services/orchestrator/internal/activities"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// TestContract: every activity name of the workflow's contract is a method of Activities,
// and Activities has no other exported method (a worker would register it as an activity).
func TestContract(t *testing.T) {
	names := []string{
		workflow.EnsureResourceGroup, workflow.EnsureVirtualNetwork, workflow.EnsurePublicIPAddress,
		workflow.EnsureVirtualNetworkGateway, workflow.EnsureLocalNetworkGateway, workflow.EnsureConnection,
		workflow.EnsureNetworkInterface, workflow.EnsureVirtualMachine, workflow.VerifyConnections, workflow.DeleteResource,
		workflow.ReadVirtualNetwork, workflow.ReadVirtualNetworkGateway, workflow.SetSharedKey, workflow.CheckResources, workflow.ProbeVM,
	}
	typ := reflect.TypeFor[*activities.Activities]()
	for _, name := range names {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("activity %s is not a method of Activities", name)
		}
	}
	if typ.NumMethod() != len(names) {
		t.Errorf("Activities has %d exported methods, the contract %d activities", typ.NumMethod(), len(names))
	}
}
