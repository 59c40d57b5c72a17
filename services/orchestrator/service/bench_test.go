package service_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// criticalPath is the unscaled critical path of hybridSpec's graph under armsim's default
// latencies: the virtual network (4 s; the public IP's 3 s runs beside it), the VPN gateway
// (35 min), the local network gateway (10 s) and the connection (60 s). The VMs' path
// (network interface 3 s, VM 2 min) runs beside the gateway's.
const criticalPath = 4*time.Second + 35*time.Minute + 10*time.Second + 60*time.Second

// BenchmarkDeployment runs whole deployments against armsim at a time scale where the
// critical path takes about 22 s, and reports the wall time beside the critical path and
// the ARM requests one deployment makes:
//
//	go test -run '^$' -bench Deployment -benchtime 3x ./services/orchestrator/service/
func BenchmarkDeployment(b *testing.B) {
	const scale = 0.01
	s := start(b, armsim.Config{TimeScale: scale}, "bench-deployment")
	ctx := context.Background()
	var wall time.Duration
	for i := 0; b.Loop(); i++ {
		if err := s.sim.Admin.ResetCounters(ctx); err != nil {
			b.Fatal(err)
		}
		id := fmt.Sprintf("bench-%d", i)
		began := time.Now()
		op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id,
			Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}})
		if e := wait(b, s, op, err).GetError(); e != nil {
			b.Fatalf("deployment failed: %s", e.GetMessage())
		}
		wall += time.Since(began)
		counters, err := s.sim.Admin.Counters(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var total, writes int64
		for _, c := range counters {
			total += c.Count
			if c.Method == http.MethodPut || c.Method == http.MethodPost {
				writes += c.Count
			}
		}
		b.ReportMetric(float64(total), "ARM-requests/deployment")
		b.ReportMetric(float64(writes), "ARM-writes/deployment")
		op, err = s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/" + id})
		wait(b, s, op, err)
	}
	cp := time.Duration(float64(criticalPath) * scale)
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-wall/deployment")
	b.ReportMetric(cp.Seconds(), "s-critical-path")
}
