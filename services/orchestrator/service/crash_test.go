package service_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// TestWorkerCrash stops the orchestrator (worker and API) while both VPN gateways are being
// created, starts a fresh instance, and checks that the deployment still reaches READY
// with exactly one gateway creation request per gateway reaching ARM: the retried
// activities resumed the operations whose names they had heart-beaten.
func TestWorkerCrash(t *testing.T) {
	ctx := context.Background()
	// a gateway takes 30 to 45 minutes, scaled to 1.8-2.7 s; everything else stays quick
	cfg := armsim.Config{TimeScale: 0.001, Latencies: map[string]armsim.Latency{
		"virtualmachines": armsim.Fixed(10 * time.Second), "connections": armsim.Fixed(5 * time.Second)}}
	var o service.Options
	s := start(t, cfg, "e2e-crash", func(x *service.Options) { o = *x })

	op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "crash",
		Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}})
	if err != nil {
		t.Fatal(err)
	}
	gatewaysInFlight(t, s)
	// the worker stops mid-gateway; a new instance takes over
	s.orch.Restart(t, func(env serve.Env) (serve.Service, error) { return service.Service(env, o) })
	s.connect()

	op = wait(t, s, op, nil)
	if e := op.GetError(); e != nil {
		t.Fatalf("deployment failed after the restart: %s", e.GetMessage())
	}
	n, err := s.sim.Admin.Count(ctx, "", http.MethodPut, "Microsoft.Network/virtualNetworkGateways")
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("ARM received %d gateway creations for 2 gateways: a restarted step started a second one", n)
	}
}
