package service_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	compute "github.com/hybridlink/hybridlink/services/compute/service"
	gateway "github.com/hybridlink/hybridlink/services/gateway/service"
	network "github.com/hybridlink/hybridlink/services/network/service"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// TestMutualTLS runs the suite as docker-compose.yml does: every service serving TLS and
// requiring client certificates, the orchestrator dialing the resource services with
// -services-tls-ca/-cert/-key. A plan (the API's connections) and a deployment to READY
// (the worker's) go through, and so does the orchestrator's REST API; an orchestrator
// without the client certificate reaches no resource service.
func TestMutualTLS(t *testing.T) {
	net := servicetest.StartTLS(t, network.Name, scaled, network.Service)
	gw := net.Add(t, gateway.Name, gateway.Service)
	cmp := net.Add(t, compute.Name, compute.Service)
	options := func(taskQueue string, tls serve.ClientTLSConfig) service.Options {
		return service.Options{Temporal: temporal.Address, Namespace: "default", TaskQueue: taskQueue, Worker: true,
			Network: net.Conn.Target(), Gateway: gw.Conn.Target(), Compute: cmp.Conn.Target(), ServicesTLS: tls,
			PayloadKeyFile: filepath.Join(t.TempDir(), "payload.key"), Writes: service.Writes{"azure": 100, "azure-stack-hub": 100},
			TimeScale: net.TimeScale}
	}
	o := options("e2e-mtls", net.ClientTLS())
	orch := net.Add(t, service.Name, func(env serve.Env) (serve.Service, error) { return service.Service(env, o) })
	s := stack{sim: net.Sim, orch: orch}
	s.connect()
	ctx := context.Background()

	p, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{
		Deployment: &orchestratorv1.Deployment{Name: "deployments/mtls", Spec: hybridSpec()}})
	if err != nil || len(p.GetFindings()) != 0 || len(p.GetChanges()) != 16 {
		t.Fatalf("plan over mTLS: %v %v", p, err)
	}
	deploy(t, s, "mtls", hybridSpec())
	resp, body := get(t, orch.HTTP, orch.REST+"/v1/deployments/mtls")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "STATE_READY") {
		t.Fatalf("REST over mTLS: %s %s", resp.Status, body)
	}
	op, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/mtls"})
	wait(t, s, op, err)

	// The CA alone verifies the services but is no client certificate: they refuse.
	caOnly := options("e2e-mtls-refused", serve.ClientTLSConfig{CAFile: net.ClientTLS().CAFile})
	caOnly.Worker = false
	refused := net.Add(t, service.Name, func(env serve.Env) (serve.Service, error) { return service.Service(env, caOnly) })
	_, err = orchestratorv1.NewOrchestratorServiceClient(refused.Conn).PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{
		Deployment: &orchestratorv1.Deployment{Name: "deployments/refused", Spec: hybridSpec()}})
	if err == nil {
		t.Fatal("an orchestrator without a client certificate planned through the resource services")
	}
	t.Logf("without a client certificate: %v", err)
}
