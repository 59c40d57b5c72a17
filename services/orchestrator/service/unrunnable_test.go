package service_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/codec"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// withKey gives the orchestrator key as its payload key, and, unless worker, no worker.
func withKey(key []byte, worker bool) func(*service.Options) {
	return func(o *service.Options) { o.PayloadKey, o.Worker = key, worker }
}

// newKey returns a payload key.
func newKey(t *testing.T) []byte {
	key := make([]byte, codec.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestUnrunnableDeployment starts, straight through Temporal as an older or buggy caller
// could, the deployment of the drill that got stuck: 2000 VMs in a site. Its workflow
// refuses it: the deployment is FAILED with the reason, listed, and deleted, and nothing
// reaches ARM.
func TestUnrunnableDeployment(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	s := start(t, scaled, "e2e-unrunnable", withKey(key, true))
	raw := dialTemporal(t, client.Options{Namespace: "default", DataConverter: codec.NewDataConverter(key)})
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	in := hybridSpec()
	vm := in.Sites[0].VirtualMachines[0]
	in.Sites[0].VirtualMachines = nil
	for i := range 2000 {
		c := proto.Clone(vm).(*orchestratorv1.VirtualMachineSpec)
		c.Name = fmt.Sprintf("vm%d", i)
		in.Sites[0].VirtualMachines = append(in.Sites[0].VirtualMachines, c)
	}
	full, err := deployrules.Complete(in, s.orch.Env.Clouds.Clouds())
	if err != nil {
		t.Fatal(err)
	}
	const name = "deployments/huge"
	if _, err := raw.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflow.ID(name), TaskQueue: "e2e-unrunnable"}, workflow.Name,
		workflow.Input{Name: name, Spec: full, Policies: deployrules.Policies(full, s.orch.Env.Clouds.Clouds())}); err != nil {
		t.Fatal(err)
	}
	op := wait(t, s, &longrunningpb.Operation{Name: "operations/" + name + "/create"}, nil)
	if e := op.GetError(); e == nil || !strings.Contains(e.GetMessage(), "2000 virtual machines") {
		t.Fatalf("the create ended with %v; want it failed, naming the 2000 VMs", op.GetResult())
	}
	d, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: name})
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.Contains(d.GetStatus().GetError(), "split them") {
		t.Fatalf("get: %v %v; want FAILED with what to do", d.GetStatus(), err)
	}
	if l := list(t, s); l[name].GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED {
		t.Fatalf("list: %v; want %s FAILED", l, name)
	}
	del, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: name})
	if e := wait(t, s, del, err); e.GetError() != nil {
		t.Fatalf("delete: %s", e.GetError().GetMessage())
	}
	if n := armWrites(t, s); n != 0 {
		t.Fatalf("the refused deployment wrote %d times to ARM", n)
	}
}

// stuckFailure is what the workflow of a stuck deployment panics with.
const stuckFailure = "a bug the worker cannot get past"

// TestStuckDeployment runs a deployment whose workflow task fails for ever (its worker's
// workflow panics, as a bug would): Get, Watch, WaitOperation and Delete answer
// FailedPrecondition saying it is stuck and why, over gRPC and REST, never that Temporal
// could not be reached; ListDeployments shows it, its state unknown, with the reason.
func TestStuckDeployment(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	const queue = "e2e-stuck"
	s := start(t, scaled, queue, withKey(key, false))
	raw := dialTemporal(t, client.Options{Namespace: "default", DataConverter: codec.NewDataConverter(key)})
	w := worker.New(raw, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(func(sdkworkflow.Context, workflow.Input) (*orchestratorv1.Deployment, error) { panic(stuckFailure) },
		sdkworkflow.RegisterOptions{Name: workflow.Name})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	const name = "deployments/stuck"
	create, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "stuck", Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}})
	if err != nil {
		t.Fatal(err)
	}
	// Temporal fails the queries of a workflow whose task fails from its third attempt on;
	// before, they wait on the failing task.
	for {
		desc, err := raw.DescribeWorkflowExecution(ctx, workflow.ID(name), "")
		if err != nil {
			t.Fatal(err)
		}
		if desc.GetPendingWorkflowTask().GetAttempt() >= 3 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stuck := func(how string, err error) {
		t.Helper()
		msg := status.Convert(err).Message()
		if status.Code(err) != codes.FailedPrecondition || !strings.Contains(msg, "stuck") || strings.Contains(msg, "could not be reached") {
			t.Errorf("%s: %v; want FailedPrecondition saying it is stuck", how, err)
		}
	}
	_, err = s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: name})
	stuck("get", err)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, stuckFailure) {
		t.Errorf("get: %s; want the workflow task's failure, %q", msg, stuckFailure)
	}
	watch, err := s.api.WatchDeployment(ctx, &orchestratorv1.WatchDeploymentRequest{Name: name})
	if err == nil {
		_, err = watch.Recv()
	}
	stuck("watch", err)
	_, err = s.ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: create.GetName(), Timeout: durationpb.New(time.Second)})
	stuck("wait", err)
	_, err = s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: name})
	stuck("delete", err)

	resp, body := get(t, s.orch.HTTP, s.orch.REST+"/v1/"+name)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "stuck") {
		t.Errorf("REST get: %s %s; want 400 saying it is stuck", resp.Status, body)
	}

	d, ok := list(t, s)[name]
	if !ok || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_UNSPECIFIED || !strings.Contains(d.GetStatus().GetError(), stuckFailure) {
		t.Fatalf("list: %v (listed: %v); want it listed, its state unknown, with the reason", d, ok)
	}
}

// TestTerminatedDeployment terminates a READY deployment's workflow, as an operator (or
// Temporal past its history limits) could: the deployment is FAILED saying so, not READY,
// in Get and List; and what it says to do works: created again with its spec, it adopts
// its resources, and deleted, it removes them.
func TestTerminatedDeployment(t *testing.T) {
	ctx := context.Background()
	s := start(t, scaled, "e2e-terminated")
	raw := dialTemporal(t, client.Options{Namespace: "default"})
	const name = "deployments/terminated"
	create := func() {
		t.Helper()
		op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "terminated", Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}})
		if e := wait(t, s, op, err).GetError(); e != nil {
			t.Fatalf("create: %s", e.GetMessage())
		}
	}
	create()
	if err := raw.TerminateWorkflow(ctx, workflow.ID(name), "", "an operator's test"); err != nil {
		t.Fatal(err)
	}
	// the API's cache of deployments at rest sees the termination, made outside the API,
	// when it next follows visibility
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		d, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: name})
		if err == nil && d.GetStatus().GetState() == orchestratorv1.DeploymentStatus_STATE_FAILED && strings.Contains(d.GetStatus().GetError(), "terminated while ready") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("get: %v %v; want FAILED, terminated while READY", d.GetStatus(), err)
		}
	}
	if l := list(t, s)[name]; l.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED {
		t.Fatalf("list: %v; want FAILED", l.GetStatus())
	}
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	create()
	if n := armWrites(t, s); n != 0 {
		t.Fatalf("created again with its spec, the deployment wrote %d times to ARM; want it to adopt what it made", n)
	}
	del, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: name})
	wait(t, s, del, err)
	if left, err := s.sim.Admin.Resources(ctx); err != nil || len(left) != 0 {
		t.Fatalf("after the delete armsim holds %d resources (%v)", len(left), err)
	}
}

// list returns the deployments ListDeployments answers, by name; a deployment listed
// twice fails the test.
func list(t *testing.T, s stack) map[string]*orchestratorv1.Deployment {
	t.Helper()
	l, err := s.api.ListDeployments(context.Background(), &orchestratorv1.ListDeploymentsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*orchestratorv1.Deployment{}
	for _, d := range l.GetDeployments() {
		if _, twice := out[d.GetName()]; twice {
			t.Fatalf("%s is listed twice", d.GetName())
		}
		out[d.GetName()] = d
	}
	return out
}
