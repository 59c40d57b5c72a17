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
			if !c.ARM() {
				continue
			}
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

// BenchmarkHubAndSpokes runs an Azure hub with N new spokes on N stamps from nothing, and
// then a deployment attaching one more spoke to that hub's gateway, adopted, at a time
// scale where a gateway takes about 21 s. It reports the wall time beside the graph's
// critical path as the steps' own durations make it (the spokes must run in parallel: one
// gateway's time, not N), and the ARM writes per spoke beside the minimum: 8 per new spoke
// (its group, network, IP, gateway, local network gateway and connection, and the hub's
// local network gateway and connection for it):
//
//	go test -run '^$' -bench HubAndSpokes -benchtime 1x ./services/orchestrator/service/
func BenchmarkHubAndSpokes(b *testing.B) {
	const scale = 0.01
	for _, n := range []int{1, 3, 8} {
		b.Run(fmt.Sprintf("spokes=%d", n), func(b *testing.B) {
			cfg := withStamps(n + 1)
			cfg.TimeScale = scale
			s := start(b, cfg, fmt.Sprintf("bench-hub-%d", n))
			ctx := context.Background()
			stamps := make([]int, n)
			for i := range stamps {
				stamps[i] = i + 1
			}
			for i := 0; b.Loop(); i++ {
				wall, cp, writes := measure(b, s, fmt.Sprintf("hub-%d", i), hubSpec(stamps...))
				b.ReportMetric(wall.Seconds(), "s-wall")
				b.ReportMetric(cp.Seconds(), "s-critical-path")
				b.ReportMetric(wall.Seconds()/cp.Seconds(), "wall/critical-path")
				b.ReportMetric(float64(writes-4)/float64(n), "ARM-writes/spoke") // the hub's own: group, network, IP, gateway
				_, _, writes = measure(b, s, fmt.Sprintf("attach-%d", i), attachSpec(n+1))
				b.ReportMetric(float64(writes), "ARM-writes/attached-spoke")
				for _, id := range []string{fmt.Sprintf("attach-%d", i), fmt.Sprintf("hub-%d", i)} {
					op, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/" + id})
					wait(b, s, op, err)
				}
			}
		})
	}
}

// measure creates a deployment of spec and returns its wall time, the critical path of its
// steps' durations and the ARM writes it made.
func measure(b *testing.B, s stack, id string, spec *orchestratorv1.DeploymentSpec) (time.Duration, time.Duration, int64) {
	ctx := context.Background()
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id, Deployment: &orchestratorv1.Deployment{Spec: spec}})
	if e := wait(b, s, op, err).GetError(); e != nil {
		b.Fatalf("%s failed: %s", id, e.GetMessage())
	}
	wall := time.Since(began)
	d := getDeployment(b, s, id)
	writes, err := s.sim.Admin.Writes(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	return wall, criticalPathOf(d.GetStatus().GetSteps()), writes
}

// criticalPathOf is the longest chain of steps through their depends_on, each step
// counting its own duration: how long the deployment takes when every step starts the
// moment the steps it waits for end.
func criticalPathOf(steps []*orchestratorv1.Step) time.Duration {
	byName := map[string]*orchestratorv1.Step{}
	for _, st := range steps {
		byName[st.GetName()] = st
	}
	memo := map[string]time.Duration{}
	var finish func(string) time.Duration
	finish = func(name string) time.Duration {
		if d, ok := memo[name]; ok {
			return d
		}
		st := byName[name]
		var start time.Duration
		for _, dep := range st.GetDependsOn() {
			start = max(start, finish(dep))
		}
		memo[name] = start + st.GetEndTime().AsTime().Sub(st.GetStartTime().AsTime())
		return memo[name]
	}
	var longest time.Duration
	for _, st := range steps {
		longest = max(longest, finish(st.GetName()))
	}
	return longest
}

// BenchmarkGetDeployment reads a READY deployment over gRPC, with a bearer token, as the
// API's callers do: the cost of one read of a deployment at rest (from the API's cache),
// client and server together, in time and allocations:
//
//	go test -run '^$' -bench GetDeployment -benchtime 2000x ./services/orchestrator/service/
func BenchmarkGetDeployment(b *testing.B) {
	s := start(b, scaled, "bench-get")
	id := fmt.Sprintf("read-%d", time.Now().UnixNano()) // the Temporal server outlives a run of the benchmark
	deploy(b, s, id, hybridSpec())
	ctx := context.Background()
	req := &orchestratorv1.GetDeploymentRequest{Name: "deployments/" + id}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.api.GetDeployment(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
