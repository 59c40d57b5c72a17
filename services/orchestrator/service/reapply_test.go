package service_test

import (
	"context"

	"net/http"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestReapply re-applies a READY deployment through UpdateDeployment: unchanged (and
// without its shared key, which the deployment keeps) it writes nothing in ARM and stays
// READY; with one VM resized, that VM alone is written.
func TestReapply(t *testing.T) {
	ctx := context.Background()
	s := deployed(t, "e2e-reapply", "again")
	unchanged := hybridSpec()
	unchanged.Connection.SharedKey = ""
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	op, err := s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/again", Spec: unchanged}})
	if e := wait(t, s, op, err).GetError(); e != nil {
		t.Fatalf("re-apply failed: %s", e.GetMessage())
	}
	if n := armWrites(t, s); n != 0 {
		t.Fatalf("re-applying an unchanged deployment wrote %d times to ARM", n)
	}
	resized := hybridSpec()
	resized.Sites[1].VirtualMachines[0].Size = "Standard_A4_v2"
	op, err = s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/again", Spec: resized}})
	if e := wait(t, s, op, err).GetError(); e != nil {
		t.Fatalf("re-apply with a resized VM failed: %s", e.GetMessage())
	}
	if n, _ := s.sim.Admin.Count(ctx, "", http.MethodPut, "Microsoft.Compute/virtualMachines"); n != 1 {
		t.Fatalf("the resize wrote the VMs %d times, want 1", n)
	}
	if n := armWrites(t, s); n != 1 {
		t.Fatalf("the resize wrote %d times to ARM, want 1", n)
	}
	d, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/again"})
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("after the re-apply: %v %v", d.GetStatus().GetState(), err)
	}
	ops, err := s.ops.ListOperations(ctx, &longrunningpb.ListOperationsRequest{Name: "operations"})
	if err != nil || len(ops.GetOperations()) != 1 || ops.GetOperations()[0].GetName() != "operations/deployments/again/create" || !ops.GetOperations()[0].GetDone() {
		t.Fatalf("ListOperations: %v %v", ops, err)
	}
}
