package workflow

import (
	"testing"
	"time"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestDriftCheck: a READY deployment checks itself every check interval; a finding shows in
// its status at the next check, an UpdateCheck finds it at once, and a re-apply (repair)
// clears it until a check finds drift again.
func TestDriftCheck(t *testing.T) {
	f := newFake(t)
	missing := &orchestratorv1.Drift{Resource: hubConn, Step: "hub/connection", Description: "missing"}
	var periodic, repaired *orchestratorv1.Deployment
	var now, repair func() (*orchestratorv1.Deployment, error)
	var checksBefore int
	f.env.RegisterDelayedCallback(func() {
		checksBefore = len(f.attempts(checkKey))
		f.setDrift(missing)
	}, ready)
	f.env.RegisterDelayedCallback(func() { periodic = f.query(t) }, ready+DefaultCheckInterval+time.Minute)
	f.env.RegisterDelayedCallback(func() { f.setDrift(); now = f.update(t, UpdateCheck) }, ready+DefaultCheckInterval+2*time.Minute)
	f.env.RegisterDelayedCallback(func() { f.setDrift(missing); repair = f.update(t, UpdateApply, input()) }, ready+DefaultCheckInterval+3*time.Minute)
	f.env.RegisterDelayedCallback(func() { repaired = f.query(t) }, 2*ready)
	f.run(t, input(), 2*ready+time.Minute)
	if checksBefore < int((ready-criticalPath)/DefaultCheckInterval)-1 {
		t.Errorf("%d checks in the first %v, want one every %v once READY", checksBefore, ready, DefaultCheckInterval)
	}
	if got := periodic.GetStatus().GetDrift().GetFindings(); len(got) != 1 || got[0].GetResource() != hubConn || periodic.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Errorf("after a periodic check: %v", periodic.GetStatus())
	}
	d, err := now()
	if err != nil || len(d.GetStatus().GetDrift().GetFindings()) != 0 || d.GetStatus().GetDrift().GetCheckTime() == nil {
		t.Errorf("a check now, in sync: %v, %v", d.GetStatus().GetDrift(), err)
	}
	if d, err := repair(); err != nil || d.GetStatus().GetDrift() != nil {
		t.Errorf("a re-apply keeps the drift it repairs: %v, %v", d.GetStatus().GetDrift(), err)
	}
	if got := repaired.GetStatus().GetDrift().GetFindings(); len(got) != 1 {
		t.Errorf("a later check after the repair: %v", repaired.GetStatus().GetDrift())
	}
}

// TestDriftRepair: with DRIFT_POLICY_REPAIR a check that finds drift re-applies the
// deployment at once, and it is READY again.
func TestDriftRepair(t *testing.T) {
	f := newFake(t)
	f.env.RegisterDelayedCallback(func() { f.setDrift(&orchestratorv1.Drift{Resource: hubConn, Description: "missing"}) }, ready)
	f.env.RegisterDelayedCallback(func() { f.setDrift() }, ready+DefaultCheckInterval+time.Minute)
	d := f.run(t, input(func(s *orchestratorv1.DeploymentSpec) {
		s.DriftPolicy = orchestratorv1.DeploymentSpec_DRIFT_POLICY_REPAIR
	}), 2*ready)
	if n := len(f.attempts(hubConn)); n != 2 {
		t.Errorf("the hub's connection was ensured %d times; want once more, by the repair", n)
	}
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Errorf("after the repair: %v", d.GetStatus())
	}
}

// TestRepairUpdate: UpdateRepair applies the deployment's last input again, with its
// secrets, and it is READY.
func TestRepairUpdate(t *testing.T) {
	f := newFake(t)
	var repair func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() { repair = f.update(t, UpdateRepair) }, ready)
	f.run(t, input(), 2*ready)
	d, err := repair()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("repair: %v, %v", d.GetStatus(), err)
	}
	if got := f.request(stackConn).(*gatewayv1.CreateConnectionRequest).GetConnection().GetSharedKey(); got != sharedKey || len(f.attempts(stackConn)) != 2 {
		t.Errorf("the repair ensured the connection %d times, with key %q", len(f.attempts(stackConn)), got)
	}
}
