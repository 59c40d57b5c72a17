package service_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestCancelCreate cancels a create while the gateways are being created: the operation
// ends with the deployment FAILED "stopped", no connection was started in ARM, and the
// deployment can still be torn down.
func TestCancelCreate(t *testing.T) {
	ctx := context.Background()
	s := start(t, armsim.Config{TimeScale: 0.001}, "e2e-cancel") // a gateway takes 1.8 to 2.7 s
	op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "cancelled",
		Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}})
	if err != nil {
		t.Fatal(err)
	}
	gatewaysInFlight(t, s)
	if _, err := s.ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: op.GetName()}); err != nil {
		t.Fatal(err)
	}
	op = wait(t, s, op, nil)
	if op.GetError() == nil {
		t.Fatal("a cancelled create ends with an error")
	}
	d := getDeployment(t, s, "cancelled")
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED {
		t.Fatalf("state %s, want FAILED", d.GetStatus().GetState())
	}
	if n, _ := s.sim.Admin.Count(ctx, "", http.MethodPut, "Microsoft.Network/connections"); n != 0 {
		t.Fatalf("%d connections were started after the cancel", n)
	}
	if _, err := s.ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: op.GetName()}); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("cancelling a finished create: %v, want FailedPrecondition", err)
	}
	del, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/cancelled"})
	wait(t, s, del, err)
	if left, _ := s.sim.Admin.Resources(ctx); len(left) != 0 {
		t.Fatalf("teardown after a cancel leaves %d resources", len(left))
	}
}

// gatewaysInFlight waits until ARM has received the creations of hybridSpec's two gateways.
func gatewaysInFlight(t *testing.T, s stack) {
	t.Helper()
	for {
		n, err := s.sim.Admin.Count(context.Background(), "", http.MethodPut, "Microsoft.Network/virtualNetworkGateways")
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
