package service_test

import (
	"context"
	"strings"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestGatewaySKUChange changes a READY deployment's gateway SKUs: on Azure VpnGw1AZ to
// VpnGw2AZ is a resize in place (UPDATE, the same public IP); on the stamp Standard to
// HighPerformance is a replacement (REPLACE with its cost in the plan): the gateway and its
// connection are deleted and created again, the gateway gets a new public IP, the hub's
// local network gateway is re-wired to it, and the tunnel is Connected again.
func TestGatewaySKUChange(t *testing.T) {
	ctx := context.Background()
	s := deployed(t, "e2e-replace", "resize")
	before := outputsOf(t, s, "resize")
	spec := hybridSpec()
	spec.Sites[0].GatewaySku, spec.Sites[1].GatewaySku = "VpnGw2AZ", "HighPerformance"
	plan, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/resize", Spec: spec}})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]*orchestratorv1.PlannedChange{}
	for _, c := range plan.GetChanges() {
		actions[c.GetStep()] = c
	}
	if a := actions["hub/vpn-gateway"]; a.GetAction() != orchestratorv1.PlannedChange_ACTION_UPDATE {
		t.Errorf("the Azure gateway's resize plans as %v", a)
	}
	if a := actions["stack/vpn-gateway"]; a.GetAction() != orchestratorv1.PlannedChange_ACTION_REPLACE || !strings.Contains(a.GetNote(), "new public IP") {
		t.Errorf("the stamp gateway's SKU change plans as %v", a)
	}
	// another deployment of the same spec did not create the gateway, so it would not
	// replace it: its plan says UPDATE, as its apply would try
	other, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/other", Spec: spec}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range other.GetChanges() {
		if c.GetStep() == "stack/vpn-gateway" && c.GetAction() != orchestratorv1.PlannedChange_ACTION_UPDATE {
			t.Errorf("a deployment that did not create the stamp gateway plans it as %v", c)
		}
	}
	op, err := s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/resize", Spec: spec}})
	if e := wait(t, s, op, err).GetError(); e != nil {
		t.Fatalf("changing the SKUs: %s", e.GetMessage())
	}
	after := outputsOf(t, s, "resize")
	if after["hub"] != before["hub"] {
		t.Errorf("the resized Azure gateway's IP changed: %s, then %s", before["hub"], after["hub"])
	}
	if after["stack"] == before["stack"] || after["stack"] == "" {
		t.Errorf("the replaced stamp gateway kept its IP %s", before["stack"])
	}
	allConnected(t, s, 2, "after the SKU changes")
	plan, err = s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/resize", Spec: spec}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plan.GetChanges() {
		if c.GetAction() != orchestratorv1.PlannedChange_ACTION_NO_CHANGE {
			t.Errorf("after the change, the plan still has %s %s", c.GetAction(), c.GetStep())
		}
	}
}

// outputsOf returns a deployment's gateway IPs by site.
func outputsOf(t *testing.T, s stack, id string) map[string]string {
	t.Helper()
	d := getDeployment(t, s, id)
	out := map[string]string{}
	for _, so := range d.GetStatus().GetOutputs().GetSites() {
		out[so.GetSite()] = so.GetGatewayIpAddress()
	}
	return out
}
