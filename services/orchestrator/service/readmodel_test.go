package service_test

import (
	"context"
	"testing"
	"time"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// TestReadsWithoutWorker: once a deployment is READY, an API replica with no worker behind
// its task queue (the worker lost, or busy) still answers GetDeployment with the whole
// status, and ListDeployments filters by state through Temporal's visibility: both read
// what the workflow published (its memo and state search attribute), not a query, which no
// worker would answer.
func TestReadsWithoutWorker(t *testing.T) {
	var o service.Options
	s := deployed(t, "e2e-reads", "reads", func(x *service.Options) { o = *x })
	ctx := context.Background()
	stateVisible(t, "e2e-reads", "deployments/reads", "READY")

	o.Worker = false
	s.orch.Restart(t, func(env serve.Env) (serve.Service, error) { return service.Service(env, o) })
	s.connect()
	// a query would wait for a worker until this deadline; the memo answers at once
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	d, err := s.api.GetDeployment(rctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/reads"})
	if err != nil {
		t.Fatalf("GetDeployment without a worker: %v", err)
	}
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY || len(d.GetStatus().GetSteps()) != 19 || d.GetEtag() == "" {
		t.Fatalf("GetDeployment without a worker answered %v", d)
	}
	for _, st := range d.GetStatus().GetSteps() {
		if st.GetState() != orchestratorv1.Step_STATE_SUCCEEDED || st.GetEndTime() == nil {
			t.Fatalf("step %s: %v", st.GetName(), st)
		}
	}
	for _, tc := range []struct {
		filter string
		want   int
	}{{"state=READY", 1}, {"state=FAILED", 0}, {"", 1}} {
		l, err := s.api.ListDeployments(rctx, &orchestratorv1.ListDeploymentsRequest{Filter: tc.filter})
		if err != nil {
			t.Fatalf("ListDeployments %q without a worker: %v", tc.filter, err)
		}
		n := 0
		for _, d := range l.GetDeployments() {
			if d.GetName() == "deployments/reads" {
				n++
				if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
					t.Fatalf("listed as %s", d.GetStatus().GetState())
				}
			}
		}
		if n != tc.want {
			t.Fatalf("ListDeployments %q lists deployments/reads %d times, want %d", tc.filter, n, tc.want)
		}
	}
}

// TestReplicasAgree: two API replicas each cache the deployments at rest; a teardown through
// one is seen by the other (which follows visibility), not its cached READY for ever, and by
// the first at once.
func TestReplicasAgree(t *testing.T) {
	var o service.Options
	a := start(t, scaled, "e2e-replicas", func(x *service.Options) { o = *x })
	o.Worker, o.FollowInterval = false, 50*time.Millisecond
	b := a
	b.orch = a.net.Add(t, service.Name, func(env serve.Env) (serve.Service, error) { return service.Service(env, o) })
	b.connect()
	ctx := context.Background()
	deploy(t, a, "replicas", hybridSpec())
	get := func(s stack) orchestratorv1.DeploymentStatus_State {
		t.Helper()
		d := getDeployment(t, s, "replicas")
		return d.GetStatus().GetState()
	}
	for _, s := range []stack{a, b} {
		if st := get(s); st != orchestratorv1.DeploymentStatus_STATE_READY {
			t.Fatalf("a replica says %s", st)
		}
	}
	if _, err := a.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/replicas"}); err != nil {
		t.Fatal(err)
	}
	if st := get(a); st == orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatal("the replica that took the teardown still says READY")
	}
	for deadline := time.Now().Add(time.Minute); get(b) == orchestratorv1.DeploymentStatus_STATE_READY; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the other replica still says READY a minute after the teardown began")
		}
	}
}
