package service_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestPlan plans a spec with a bad field (findings, no changes), a fresh spec (every
// resource created, no ARM write), the same spec once deployed (nothing changes), and the
// deployed spec with one VM resized (that VM updated).
func TestPlan(t *testing.T) {
	s := start(t, scaled, "e2e-plan")
	ctx := context.Background()
	plan := func(spec *orchestratorv1.DeploymentSpec) *orchestratorv1.Plan {
		t.Helper()
		p, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{
			Deployment: &orchestratorv1.Deployment{Name: "deployments/planned", Spec: spec}})
		if err != nil {
			t.Fatal(err)
		}
		if text := protojson.Format(p); strings.Contains(text, "e2e-Shared-Key-7f3a") || strings.Contains(text, "Sup3r-Secret-Pw") {
			t.Fatalf("a secret is in the plan: %s", text)
		}
		return p
	}

	bad := hybridSpec()
	bad.Sites[1].GatewaySubnetPrefix = "10.2.255.0/30"
	p := plan(bad)
	if len(p.GetFindings()) == 0 || len(p.GetChanges()) != 0 {
		t.Fatalf("plan of a bad spec: %v", p)
	}
	for _, f := range p.GetFindings() {
		if f.GetField() != "deployment.spec.sites[1].gateway_subnet_prefix" {
			t.Errorf("finding %v names another field", f)
		}
	}

	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	p = plan(hybridSpec())
	if len(p.GetFindings()) != 0 || len(p.GetChanges()) != 16 {
		t.Fatalf("plan of a fresh spec: want no findings and 16 changes, got %v", p)
	}
	for _, c := range p.GetChanges() {
		if c.GetAction() != orchestratorv1.PlannedChange_ACTION_CREATE {
			t.Errorf("fresh %s (%s): %s, want CREATE", c.GetResource(), c.GetStep(), c.GetAction())
		}
	}
	if n := servicetest.Writes(t, s.sim); n != 0 {
		t.Fatalf("planning made %d writes in ARM, want 0", n)
	}

	deploy(t, s, "planned", hybridSpec())
	d := getDeployment(t, s, "planned")
	steps := map[string]string{}
	for _, st := range d.GetStatus().GetSteps() {
		if st.GetResource() != "" && !strings.Contains(st.GetName(), "/probe/") { // a probe runs on a VM, ensures nothing
			steps[st.GetName()] = st.GetResource()
		}
	}
	p = plan(hybridSpec())
	if len(p.GetChanges()) != len(steps) {
		t.Fatalf("the plan has %d changes, the deployment %d resource steps", len(p.GetChanges()), len(steps))
	}
	for _, c := range p.GetChanges() {
		if steps[c.GetStep()] != c.GetResource() {
			t.Errorf("planned step %s ensures %s; the deployment's ensured %q", c.GetStep(), c.GetResource(), steps[c.GetStep()])
		}
		if c.GetAction() != orchestratorv1.PlannedChange_ACTION_NO_CHANGE {
			t.Errorf("deployed %s (%s): %s, want NO_CHANGE", c.GetResource(), c.GetStep(), c.GetAction())
		}
	}

	resized := hybridSpec()
	resized.Sites[1].VirtualMachines[0].Size = "Standard_A4_v2"
	p = plan(resized)
	if len(p.GetChanges()) != len(steps) {
		t.Fatalf("the plan of the resized spec has %d changes, want %d", len(p.GetChanges()), len(steps))
	}
	for _, c := range p.GetChanges() {
		want := orchestratorv1.PlannedChange_ACTION_NO_CHANGE
		if c.GetStep() == "stack/virtual-machine/stack-vm" {
			want = orchestratorv1.PlannedChange_ACTION_UPDATE
		}
		if c.GetAction() != want {
			t.Errorf("resized %s (%s): %s, want %s", c.GetResource(), c.GetStep(), c.GetAction(), want)
		}
	}

	op, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/planned"})
	wait(t, s, op, err)
}
