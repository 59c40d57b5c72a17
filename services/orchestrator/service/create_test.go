package service_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/codec"
)

// TestCreateConflicts sends creates of one deployment id at once: with different specs
// (a different shared key is a different spec) exactly one starts the deployment and the
// others are refused with AlreadyExists; the same create sent again and again is one
// create, every call answering its operation. Either way the id has one workflow, and
// once the deployment is READY, further creates with other specs (over gRPC and REST)
// write nothing to ARM. A deleted deployment's id is free to create anew.
func TestCreateConflicts(t *testing.T) {
	ctx := context.Background()
	s := start(t, scaled, "e2e-conflicts")
	raw := dialTemporal(t, client.Options{Namespace: "default"})
	withKey := func(i int, key string) *orchestratorv1.DeploymentSpec {
		sp := burstSpec(i)
		sp.Connection.SharedKey = key
		return sp
	}
	for i, tc := range []struct {
		name string
		// spec is the spec of the j-th of n concurrent creates.
		spec  func(j int) *orchestratorv1.DeploymentSpec
		n, ok int
	}{
		{"ten creates with ten shared keys", func(j int) *orchestratorv1.DeploymentSpec { return withKey(0, fmt.Sprintf("Key-%d-of-ten", j)) }, 10, 1},
		{"ten creates with ten VM names", func(j int) *orchestratorv1.DeploymentSpec {
			sp := burstSpec(1)
			sp.Sites[1].VirtualMachines[0].Name = fmt.Sprintf("stack-vm-%d", j)
			return sp
		}, 10, 1},
		{"the same create ten times", func(int) *orchestratorv1.DeploymentSpec { return burstSpec(2) }, 10, 10},
		{"the same create without a shared key, twice", func(int) *orchestratorv1.DeploymentSpec { return withKey(3, "") }, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("conflict-%d", i)
			var mu sync.Mutex
			var ops []*longrunningpb.Operation
			refused, won := 0, 0
			var wg sync.WaitGroup
			for j := range tc.n {
				wg.Go(func() {
					op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id,
						Deployment: &orchestratorv1.Deployment{Spec: tc.spec(j)}})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ops, won = append(ops, op), j
					case status.Code(err) == codes.AlreadyExists:
						refused++
					default:
						t.Errorf("create %d: %v", j, err)
					}
				})
			}
			wg.Wait()
			if len(ops) != tc.ok || refused != tc.n-tc.ok {
				t.Fatalf("%d creates answered OK and %d AlreadyExists; want %d and %d", len(ops), refused, tc.ok, tc.n-tc.ok)
			}
			for _, op := range ops {
				if op.GetName() != "operations/deployments/"+id+"/create" {
					t.Errorf("operation %s, want operations/deployments/%s/create", op.GetName(), id)
				}
			}
			if e := wait(t, s, ops[0], nil).GetError(); e != nil {
				t.Fatalf("deployment failed: %s", e.GetMessage())
			}
			if runs := workflowRuns(t, raw, "deployments/"+id); runs != 1 {
				t.Fatalf("deployments/%s has %d workflow runs, want 1", id, runs)
			}

			if err := s.sim.Admin.ResetCounters(ctx); err != nil {
				t.Fatal(err)
			}
			again, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id,
				Deployment: &orchestratorv1.Deployment{Spec: tc.spec(won)}})
			if err != nil || again.GetName() != ops[0].GetName() || !again.GetDone() || again.GetError() != nil {
				t.Fatalf("the create again, once READY: %v %v; want its done operation", again, err)
			}
			other := withKey(i, "Another-Shared-Key-1")
			if _, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id,
				Deployment: &orchestratorv1.Deployment{Spec: other}}); status.Code(err) != codes.AlreadyExists {
				t.Fatalf("a create with another spec once READY: %v, want AlreadyExists", err)
			}
			body, _ := protojson.Marshal(&orchestratorv1.Deployment{Spec: other})
			resp, _ := postJSON(t, s.orch.HTTP, s.orch.REST+"/v1/deployments?deploymentId="+id, body)
			if resp.StatusCode != http.StatusConflict {
				t.Fatalf("REST create with another spec: %s, want 409 Conflict", resp.Status)
			}
			if n := armWrites(t, s); n != 0 {
				t.Fatalf("the creates after the first wrote %d times to ARM", n)
			}
			if runs := workflowRuns(t, raw, "deployments/"+id); runs != 1 {
				t.Fatalf("deployments/%s has %d workflow runs after the creates again, want 1", id, runs)
			}
		})
	}

	t.Run("a deleted deployment's id is free", func(t *testing.T) {
		name := "deployments/conflict-2"
		del, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: name})
		wait(t, s, del, err)
		op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "conflict-2",
			Deployment: &orchestratorv1.Deployment{Spec: withKey(2, "A-New-Spec-After-Delete")}})
		if e := wait(t, s, op, err).GetError(); e != nil {
			t.Fatalf("the deployment created anew failed: %s", e.GetMessage())
		}
		if runs := workflowRuns(t, raw, name); runs != 2 {
			t.Fatalf("%s has %d workflow runs, want 2: the deleted one and the new one", name, runs)
		}
		if d := list(t, s)[name]; d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
			t.Fatalf("list: %s is %v; want it once, READY", name, d.GetStatus())
		}
	})
	t.Run("the spec digest is encrypted in the memo", func(t *testing.T) {
		desc, err := raw.DescribeWorkflowExecution(ctx, "deployments/conflict-0", "")
		if err != nil {
			t.Fatal(err)
		}
		memo := desc.GetWorkflowExecutionInfo().GetMemo().GetFields()
		if len(memo) == 0 {
			t.Fatal("the workflow has no memo")
		}
		for k, p := range memo {
			if got := string(p.GetMetadata()["encoding"]); got != codec.Encoding {
				t.Errorf("memo %s is encoded %q, not encrypted", k, got)
			}
		}
	})
}

// workflowRuns counts the runs, open or closed, of the workflow with id.
func workflowRuns(t *testing.T, c client.Client, id string) int {
	t.Helper()
	resp, err := c.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId = '%s'", id)})
	if err != nil {
		t.Fatal(err)
	}
	return int(resp.GetCount())
}

// armWrites counts ARM's PUT, POST, PATCH and DELETE requests since its counters were
// reset, but the probe's runs (probeType) and logins: the writes to the resources a
// deployment manages.
func armWrites(t *testing.T, s stack) int64 {
	t.Helper()
	return servicetest.Counted(t, s.sim, func(c armsim.CounterValue) bool {
		return c.Method != http.MethodGet && c.Type != probeType && c.ARM()
	})
}

// probeType is the ARM type the data-plane probe writes to run: its CustomScript
// extension, once per VM on every apply.
const probeType = "Microsoft.Compute/virtualMachines/extensions"
