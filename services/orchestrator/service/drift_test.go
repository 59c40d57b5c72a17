package service_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/api"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// TestDrift deletes a connection behind hybridlink's back, through ARM: the deployment's own
// periodic check (every 2 s here) reports it, naming the connection, and so does
// CheckDeployment; RepairDeployment repairs it, and the next check finds nothing.
func TestDrift(t *testing.T) {
	ctx := context.Background()
	s := deployed(t, "e2e-drift", "drift", func(o *service.Options) { o.CheckInterval = 2 * time.Second })
	arm(t, s, http.MethodDelete, "azure", "/resourceGroups/hub-rg/providers/Microsoft.Network/connections/hub-to-stack?api-version=2024-05-01")
	const conn = "clouds/azure/resourceGroups/hub-rg/connections/hub-to-stack"
	found := func(d *orchestratorv1.Deployment) bool {
		for _, f := range d.GetStatus().GetDrift().GetFindings() {
			if f.GetResource() == conn && strings.Contains(f.GetDescription(), "missing") {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		d, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/drift"})
		if err == nil && found(d) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no periodic check reported the deleted connection: %v, %v", d.GetStatus().GetDrift(), err)
		}
	}
	op, err := s.api.CheckDeployment(ctx, &orchestratorv1.CheckDeploymentRequest{Name: "deployments/drift"})
	op = wait(t, s, op, err)
	var checked orchestratorv1.Deployment
	if err := op.GetResponse().UnmarshalTo(&checked); err != nil || !found(&checked) {
		t.Fatalf("CheckDeployment: %v, %v", checked.GetStatus().GetDrift(), err)
	}

	op, err = s.api.RepairDeployment(ctx, &orchestratorv1.RepairDeploymentRequest{Name: "deployments/drift"})
	if e := wait(t, s, op, err).GetError(); e != nil {
		t.Fatalf("repair: %s", e.GetMessage())
	}
	// what one check costs ARM: a read of each of the 16 resources and of each connection's
	// status, no write (periodic checks may run beside it: the interval is 2 s here)
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	op, err = s.api.CheckDeployment(ctx, &orchestratorv1.CheckDeploymentRequest{Name: "deployments/drift"})
	op = wait(t, s, op, err)
	reads, err := s.sim.Admin.Count(ctx, "", http.MethodGet, "")
	if err != nil {
		t.Fatal(err)
	}
	writes, err := s.sim.Admin.Count(ctx, "", http.MethodPut, "")
	if err != nil || writes != 0 || reads < 18 {
		t.Fatalf("a check made %d reads and %d writes (%v); want at least 18 reads and no write", reads, writes, err)
	}
	t.Logf("a drift check of the example deployment: %d ARM reads (with the periodic checks beside it), 0 writes", reads)
	if err := op.GetResponse().UnmarshalTo(&checked); err != nil || len(checked.GetStatus().GetDrift().GetFindings()) != 0 {
		t.Fatalf("a check after the repair: %v, %v", checked.GetStatus().GetDrift(), err)
	}
	allConnected(t, s, 2, "after the repair")

	// the replica's metrics say the tunnel is up again, and the check found nothing
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		// a replica caches again, and so exports, a deployment it changed once it reads it
		if _, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/drift"}); err != nil {
			t.Fatal(err)
		}
		m := metricsOf(t, s.orch)
		if metricIs(m, "hybridlink_tunnel_connected", `deployment="drift"`, `site="hub"`, `peer="stack"`, "1") &&
			metricIs(m, "hybridlink_deployment_drift_findings", `deployment="drift"`, "0") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the orchestrator's metrics do not show the repaired tunnel:\n%s", m)
		}
	}

	// after a deployment, its check and repair, every deployment gauge and the steps' durations
	// are on the orchestrator's /metrics, and the ARM metrics but throttle waits (armsim
	// throttled nothing) on a resource service's
	unthrottled := slices.DeleteFunc(slices.Clone(cloud.MetricFamilies), func(f string) bool { return strings.Contains(f, "throttle") })
	for _, svc := range []struct {
		name     string
		stack    *servicetest.Stack
		families []string
	}{
		{"orchestrator", s.orch, append([]string{"hybridlink_step_duration_seconds"}, api.MetricFamilies...)},
		{"network service", s.net, unthrottled},
	} {
		m := metricsOf(t, svc.stack)
		for _, f := range svc.families {
			if !strings.Contains(m, "\n# TYPE "+f+" ") {
				t.Errorf("the %s's /metrics has no %s", svc.name, f)
			}
		}
	}
}

// metricsOf reads a service's /metrics as an admin.
func metricsOf(t *testing.T, s *servicetest.Stack) string {
	t.Helper()
	resp, b := get(t, s.HTTPAs(t, auth.Admin), s.REST+"/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	return string(b)
}

// metricIs reports whether a line of the Prometheus text m has the metric name, every label
// given (each as name="value") and, last, the value.
func metricIs(m, name string, labelsThenValue ...string) bool {
	labels, value := labelsThenValue[:len(labelsThenValue)-1], labelsThenValue[len(labelsThenValue)-1]
	for _, line := range strings.Split(m, "\n") {
		if !strings.HasPrefix(line, name+"{") || !strings.HasSuffix(line, " "+value) {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if ok {
			return true
		}
	}
	return false
}
