package workflow

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// tierOf returns the teardown tier of a resource name, by its collection.
func tierOf(name string) int {
	parts := strings.Split(name, "/")
	if len(parts) == 4 {
		return slices.Index(teardownOrder, kindResourceGroup)
	}
	return slices.Index([]string{
		"connections", "localNetworkGateways", "virtualMachines", "networkInterfaces",
		"virtualNetworkGateways", "publicIPAddresses", "virtualNetworks",
	}, parts[4])
}

// checkReverseOrder checks that deletions started tier by tier, in teardownOrder.
func checkReverseOrder(t *testing.T, deleted []string) {
	t.Helper()
	for i := 1; i < len(deleted); i++ {
		if tierOf(deleted[i]) < tierOf(deleted[i-1]) {
			t.Errorf("%s deleted after %s", deleted[i], deleted[i-1])
		}
	}
}

// TestTeardown checks that teardown deletes everything the deployment created, in reverse
// order, but not a resource group that existed, ends DELETED and ends the workflow; and
// that it refuses a second teardown and an apply meanwhile.
func TestTeardown(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		want int
	}{
		{"new resource groups", input(), 18},
		{"existing resource group", input(existingStackGroup), 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var teardown, again, apply func() (*orchestratorv1.Deployment, error)
			f.env.RegisterDelayedCallback(func() { teardown = f.update(t, UpdateTeardown) }, ready)
			f.env.RegisterDelayedCallback(func() {
				again = f.update(t, UpdateTeardown)
				apply = f.update(t, UpdateApply, tc.in)
			}, ready+time.Second)
			f.env.ExecuteWorkflow(Name, tc.in)
			var result *orchestratorv1.Deployment
			if err := f.env.GetWorkflowResult(&result); err != nil {
				t.Fatalf("workflow: %v", err)
			}
			if result.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
				t.Errorf("result %v, want DELETED", result.GetStatus())
			}
			if d, err := teardown(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
				t.Errorf("teardown: %v, %v", d.GetStatus(), err)
			}
			if _, err := again(); err == nil {
				t.Error("a second teardown was accepted")
			}
			if _, err := apply(); err == nil {
				t.Error("an apply during teardown was accepted")
			}
			deleted := f.deleted()
			if len(deleted) != tc.want {
				t.Errorf("deleted %d resources, want %d: %v", len(deleted), tc.want, deleted)
			}
			checkReverseOrder(t, deleted)
			if slices.Contains(deleted, stackGroup) != !tc.in.Spec.GetSites()[1].GetExistingResourceGroup() {
				t.Errorf("deleted %v: the stack's resource group must go only if the deployment created it", deleted)
			}
			if !slices.Contains(deleted, hubGroup) || tierOf(deleted[len(deleted)-1]) != tierOf(hubGroup) {
				t.Errorf("deleted %v, want the resource groups last", deleted)
			}
			for _, s := range result.GetStatus().GetSteps() {
				if s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED || !strings.Contains(s.GetName(), "/delete-") {
					t.Errorf("teardown step %v", s)
				}
			}
		})
	}
}

// TestTeardownFailureKeepsWhatRemains checks that a deletion failing for good leaves the
// deployment FAILED, alive, and ready for another teardown that deletes only what is left.
func TestTeardownFailureKeepsWhatRemains(t *testing.T) {
	f := newFake(t)
	f.fail(deletion(hubGateway), temporal.NewNonRetryableApplicationError("the gateway is locked", "FailedPrecondition", nil))
	var first, second func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() { first = f.update(t, UpdateTeardown) }, ready)
	f.env.RegisterDelayedCallback(func() { second = f.update(t, UpdateTeardown) }, 2*ready)
	f.env.ExecuteWorkflow(Name, input())
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	d, err := first()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED ||
		!strings.Contains(d.GetStatus().GetError(), "hub/delete-vpn-gateway: FailedPrecondition") {
		t.Fatalf("first teardown: %v, %v", d.GetStatus(), err)
	}
	if d, err := second(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
		t.Fatalf("second teardown: %v, %v", d.GetStatus(), err)
	}
	deleted := f.deleted()
	// First: 4 connections and local gateways, 3 VMs, 3 NICs, 2 gateways (one fails);
	// second: the failed gateway, then the IPs, networks and groups.
	if len(deleted) != 12+1+6 {
		t.Errorf("deleted %d: %v", len(deleted), deleted)
	}
	if deleted[12] != hubGateway {
		t.Errorf("the second teardown began with %s, want the gateway left over", deleted[12])
	}
	checkReverseOrder(t, deleted[12:])
}

// TestRollback checks that with FAILURE_POLICY_ROLLBACK a permanent failure deletes, in
// reverse order, what the apply created before and beside the failure, and nothing that
// never started nor the resource group that existed.
func TestRollback(t *testing.T) {
	f := newFake(t)
	f.fail(hubVnet, temporal.NewNonRetryableApplicationError("address space overlaps", "InvalidArgument", nil))
	d := f.run(t, input(rollback, existingStackGroup), ready)
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED ||
		!strings.HasSuffix(d.GetStatus().GetError(), "; rolled back") {
		t.Fatalf("status %v, want FAILED and rolled back", d.GetStatus())
	}
	deleted := f.deleted()
	want := []string{
		hubGroup, hubVnet, hubIP,
		stackVnet, stackGroup + "/publicIPAddresses/stack-gw-ip", stackGateway,
		stackGroup + "/networkInterfaces/stack-vm1-nic", stackGroup + "/virtualMachines/stack-vm1",
		stackGroup + "/networkInterfaces/stack-vm2-nic", stackGroup + "/virtualMachines/stack-vm2",
	}
	if !slices.Equal(sorted(deleted), sorted(want)) {
		t.Errorf("rolled back %v, want %v", sorted(deleted), sorted(want))
	}
	checkReverseOrder(t, deleted)
	rolledBack := 0
	for _, s := range d.GetStatus().GetSteps() {
		if strings.Contains(s.GetName(), "/delete-") {
			rolledBack++
			if s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
				t.Errorf("rollback step %v", s)
			}
		}
	}
	if rolledBack != len(want) || steps(d)["hub/virtual-network"].GetState() != orchestratorv1.Step_STATE_FAILED {
		t.Errorf("steps %v, want the apply's and one per deletion", d.GetStatus().GetSteps())
	}
}

// sorted returns a sorted copy.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
