package workflow

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestCancel cancels during the gateways' creation: the workflow stops them, records them
// canceled and what depends on them skipped, and ends canceled.
func TestCancel(t *testing.T) {
	f := newFake(t)
	f.env.RegisterDelayedCallback(f.env.CancelWorkflow, 20*time.Minute)
	f.env.ExecuteWorkflow(Name, input())
	if err := f.env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		t.Fatalf("workflow error %v, want canceled", err)
	}
	d := f.query(t)
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.HasPrefix(d.GetStatus().GetError(), "canceled") {
		t.Errorf("status %v, want FAILED, canceled", d.GetStatus())
	}
	byName := steps(d)
	for _, name := range []string{"hub/vpn-gateway", "stack/vpn-gateway"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_FAILED || s.GetLastError().GetCode() != "Canceled" || s.GetEndTime() == nil {
			t.Errorf("%s: %v, want FAILED, Canceled", name, s)
		}
	}
	for _, name := range []string{"hub/local-network-gateway", "stack/connection", "verify"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_SKIPPED {
			t.Errorf("%s: %v, want SKIPPED", name, s.GetState())
		}
	}
	if s := byName["stack/virtual-machine/stack-vm1"]; s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
		t.Errorf("stack-vm1: %v, want SUCCEEDED before the cancel", s.GetState())
	}
}

// TestReapply checks UpdateApply after an apply: an unchanged deployment re-runs every
// Ensure and is READY again; one that failed succeeds once the cause is gone; one with a
// new VM gets it; nothing is deleted.
func TestReapply(t *testing.T) {
	extraVM := func(s *orchestratorv1.DeploymentSpec) {
		s.Sites[1].VirtualMachines = append(s.Sites[1].VirtualMachines, &orchestratorv1.VirtualMachineSpec{
			Name: "stack-extra", Size: "Standard_A2_v2", ImagePublisher: "Canonical", ImageOffer: "ubuntu",
			ImageSku: "server", AdminUsername: "stackuser", SshPublicKeys: []string{"ssh-ed25519 BBBB"},
		})
	}
	for _, tc := range []struct {
		name      string
		fail      string
		next      Input
		firstWant orchestratorv1.DeploymentStatus_State
		newVM     bool
	}{
		{"unchanged", "", input(), orchestratorv1.DeploymentStatus_STATE_READY, false},
		{"after a failure", hubGateway, input(), orchestratorv1.DeploymentStatus_STATE_FAILED, false},
		{"a VM more", "", input(extraVM), orchestratorv1.DeploymentStatus_STATE_READY, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			if tc.fail != "" {
				f.fail(tc.fail, temporal.NewNonRetryableApplicationError("quota", "ResourceExhausted", nil))
			}
			var first *orchestratorv1.Deployment
			var reapply func() (*orchestratorv1.Deployment, error)
			f.env.RegisterDelayedCallback(func() {
				first = f.query(t)
				reapply = f.update(t, UpdateApply, tc.next)
			}, ready)
			f.run(t, input(), 2*ready)
			if first.GetStatus().GetState() != tc.firstWant {
				t.Fatalf("first apply: %v", first.GetStatus())
			}
			d, err := reapply()
			if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
				t.Fatalf("re-apply: %v, %v", d.GetStatus(), err)
			}
			if d.GetSpec().GetConnection().GetSharedKey() != "" {
				t.Error("the update's result shows the shared key")
			}
			if got := len(f.attempts(hubIP)); got != 2 {
				t.Errorf("the public IP was ensured %d times, want twice", got)
			}
			if got := len(f.attempts(stackGroup + "/virtualMachines/stack-extra")); got != map[bool]int{true: 1}[tc.newVM] {
				t.Errorf("the extra VM was ensured %d times", got)
			}
			if n := len(f.deleted()); n != 0 {
				t.Errorf("a re-apply deleted %d resources", n)
			}
		})
	}
}

// TestFreshResourceGroup: what an apply writes in a resource group it created is asked for
// with fresh_resource_group (no read before the write), the probe's extension too; not in
// an existing group, nor in a re-apply, which finds its groups there.
func TestFreshResourceGroup(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      Input
		reapply bool
		fresh   map[string]bool
	}{
		{"created groups", input(), false, map[string]bool{hubGroup: true, stackGroup: true}},
		{"an existing group", input(existingStackGroup), false, map[string]bool{hubGroup: true, stackGroup: false}},
		{"a re-apply", input(), true, map[string]bool{hubGroup: false, stackGroup: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var reapply func() (*orchestratorv1.Deployment, error)
			if tc.reapply {
				f.env.RegisterDelayedCallback(func() { reapply = f.update(t, UpdateApply, tc.in) }, ready)
			}
			f.run(t, tc.in, 2*ready)
			if reapply != nil {
				if d, err := reapply(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
					t.Fatalf("re-apply: %v, %v", d.GetStatus(), err)
				}
			}
			for group, want := range tc.fresh {
				n := 0
				for name, req := range f.requests {
					var fresh bool
					switch r := req.(type) {
					case interface{ GetFreshResourceGroup() bool }:
						fresh = r.GetFreshResourceGroup()
					case ProbeRequest:
						fresh, name = r.FreshResourceGroup, r.Resource+" (probe)"
					default:
						continue
					}
					if !strings.HasPrefix(name, group+"/") {
						continue
					}
					n++
					if fresh != want {
						t.Errorf("%s: fresh_resource_group %v, want %v", name, fresh, want)
					}
				}
				if n < 8 { // the network, public IP, gateway, local network gateway, connection, a NIC, a VM and its probe at least
					t.Errorf("%d Create requests in %s", n, group)
				}
			}
		})
	}
}

// TestReapplyRefusesAnotherDeployment checks the apply validator.
func TestReapplyRefusesAnotherDeployment(t *testing.T) {
	f := newFake(t)
	other := input()
	other.Name = "deployments/other"
	oneSite := input(func(s *orchestratorv1.DeploymentSpec) { s.Sites = s.Sites[:1] })
	var results []func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() {
		results = append(results, f.update(t, UpdateApply, other), f.update(t, UpdateApply, oneSite))
	}, ready)
	f.run(t, input(), 2*ready)
	for i, r := range results {
		if _, err := r(); err == nil {
			t.Errorf("update %d accepted", i)
		}
	}
	if got := len(f.attempts(hubIP)); got != 1 {
		t.Errorf("the public IP was ensured %d times, want once", got)
	}
}

// TestContinueAsNew checks that an idle deployment continues as new when Temporal suggests
// it, carrying its input, status and what it created; and that the next run does not
// apply again but answers queries and tears down what the first run created.
func TestContinueAsNew(t *testing.T) {
	_, can, next := continued(t, input())
	if can.WorkflowType.Name != Name || next.Name != "deployments/d1" || next.Spec.GetConnection().GetSharedKey() != sharedKey ||
		!proto.Equal(next.Policies[0], azurePolicy) {
		t.Errorf("next input %v", next)
	}
	if next.Status.GetState() != orchestratorv1.DeploymentStatus_STATE_READY || len(next.Status.GetSteps()) != 22 { // 19 and 3 probes
		t.Errorf("carried status %v", next.Status)
	}
	if len(next.Created) != 18 || next.Created[0] != (Resource{Site: "hub", Kind: kindResourceGroup, Name: hubGroup}) {
		t.Errorf("carried %d created resources: %v", len(next.Created), next.Created)
	}

	g := newFake(t)
	var d *orchestratorv1.Deployment
	var teardown func() (*orchestratorv1.Deployment, error)
	g.env.RegisterDelayedCallback(func() {
		d = g.query(t)
		teardown = g.update(t, UpdateTeardown)
	}, time.Minute)
	g.env.ExecuteWorkflow(Name, next)
	if err := g.env.GetWorkflowError(); err != nil {
		t.Fatalf("next run: %v", err)
	}
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY || len(g.attempts(hubIP)) != 0 {
		t.Errorf("next run: %v, public IP ensured %d times; want READY without applying", d.GetStatus(), len(g.attempts(hubIP)))
	}
	if r, err := teardown(); err != nil || r.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
		t.Errorf("teardown: %v, %v", r.GetStatus(), err)
	}
	if got := g.deleted(); len(got) != 18 {
		t.Errorf("the next run deleted %d resources, want 18", len(got))
	}
}

// vms makes the hub site n copies of its VM.
func vms(n int) func(*orchestratorv1.DeploymentSpec) {
	return func(s *orchestratorv1.DeploymentSpec) {
		vm := s.Sites[0].VirtualMachines[0]
		s.Sites[0].VirtualMachines = nil
		for i := range n {
			c := proto.Clone(vm).(*orchestratorv1.VirtualMachineSpec)
			c.Name = fmt.Sprintf("vm%d", i)
			s.Sites[0].VirtualMachines = append(s.Sites[0].VirtualMachines, c)
		}
	}
}

// TestRefusesInputItCannotRun starts deployments whose graph the workflow cannot run (had
// they not come through validation): each ends its first apply FAILED with the reason
// before any step, runs no activity, stays, refuses a re-apply of the same, and is torn
// down at once, having created nothing.
func TestRefusesInputItCannotRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		want string
	}{
		{"one site", input(func(s *orchestratorv1.DeploymentSpec) { s.Sites = s.Sites[:1] }), "2-16 sites (a hub and its spokes), not 1"},
		{"no spec", Input{Name: "deployments/d1"}, "2-16 sites (a hub and its spokes), not 0"},
		{"a site of 101 VMs", input(vms(101)), "101 virtual machines"},
		{"a site of 2000 VMs", input(vms(2000)), "2000 virtual machines"},
		{"seventeen sites", input(spokes(15)), "2-16 sites (a hub and its spokes), not 17"},
		{"a hub that names no site", input(func(s *orchestratorv1.DeploymentSpec) { s.Hub = "core" }), `hub "core" names no site`},
		{"201 VMs in all", input(vms(100), spokes(1), func(s *orchestratorv1.DeploymentSpec) {
			s.Sites[1].VirtualMachines = s.Sites[0].VirtualMachines
			s.Sites[2].VirtualMachines = s.Sites[0].VirtualMachines[:1]
		}), "201 virtual machines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var refused *orchestratorv1.Deployment
			var reapply, teardown func() (*orchestratorv1.Deployment, error)
			f.env.RegisterDelayedCallback(func() {
				refused = f.query(t)
				reapply = f.update(t, UpdateApply, tc.in)
				teardown = f.update(t, UpdateTeardown)
			}, time.Minute)
			f.env.ExecuteWorkflow(Name, tc.in)
			if err := f.env.GetWorkflowError(); err != nil {
				t.Fatalf("workflow error %v; want it to end once torn down", err)
			}
			if st := refused.GetStatus(); st.GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.Contains(st.GetError(), tc.want) || len(st.GetSteps()) != 0 {
				t.Fatalf("status %v; want FAILED, %q, no step", st, tc.want)
			}
			if _, err := reapply(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("re-apply: %v; want refused, %q", err, tc.want)
			}
			if d, err := teardown(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
				t.Errorf("teardown: %v %v; want DELETED", d.GetStatus(), err)
			}
			if len(f.runs) != 0 || len(f.deleted()) != 0 {
				t.Errorf("%d resources ensured and %d deleted; want none", len(f.runs), len(f.deleted()))
			}
		})
	}
}

// TestStop stops the apply during the gateways' creation: the gateways, already started,
// finish; nothing after them starts; the deployment is FAILED "stopped" and the workflow
// stays, so a re-apply then makes it READY.
func TestStop(t *testing.T) {
	f := newFake(t)
	var stopped, reapplied, idleStop func() (*orchestratorv1.Deployment, error)
	var afterStop *orchestratorv1.Deployment
	f.env.RegisterDelayedCallback(func() { stopped = f.update(t, UpdateStop) }, 20*time.Minute)
	f.env.RegisterDelayedCallback(func() { idleStop = f.update(t, UpdateStop) }, 5*time.Hour)
	f.env.RegisterDelayedCallback(func() {
		afterStop = f.query(t)
		reapplied = f.update(t, UpdateApply, input())
	}, 2*time.Hour)
	d := f.run(t, input(), 6*time.Hour)
	if _, err := stopped(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if afterStop.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.HasPrefix(afterStop.GetStatus().GetError(), "stopped") {
		t.Fatalf("after the stop: %v, want FAILED, stopped", afterStop.GetStatus())
	}
	byName := steps(afterStop)
	for _, name := range []string{"hub/vpn-gateway", "stack/vpn-gateway"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
			t.Errorf("%s: %v, want SUCCEEDED: a started step finishes", name, s.GetState())
		}
	}
	for _, name := range []string{"hub/local-network-gateway", "stack/connection", "verify"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_SKIPPED {
			t.Errorf("%s: %v, want SKIPPED", name, s.GetState())
		}
	}
	if got, err := reapplied(); err != nil || got.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("re-apply after the stop: %v %v", got.GetStatus().GetState(), err)
	}
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("final state %s", d.GetStatus().GetState())
	}
	if _, err := idleStop(); err == nil || !strings.Contains(err.Error(), errNotApplying.Error()) {
		t.Fatalf("a stop with no apply running: %v, want refused", err)
	}
}

// continued runs in on a fake that Temporal asks to continue as new, and returns the fake,
// the workflow's continue-as-new and the input the next run starts with.
func continued(t *testing.T, in Input) (*fake, *sdkworkflow.ContinueAsNewError, Input) {
	t.Helper()
	f := newFake(t)
	f.env.SetContinueAsNewSuggested(true)
	f.env.ExecuteWorkflow(Name, in)
	var can *sdkworkflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error %v, want continue-as-new", err)
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	return f, can, next
}
