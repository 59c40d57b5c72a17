package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/bojand/ghz/runner"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// readLoad is what GetDeployment answered under a steady load.
type readLoad struct {
	rps                float64
	p50, p99           time.Duration
	requests, failures uint64
}

func (r readLoad) String() string {
	return fmt.Sprintf("rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d failures=%d", r.rps,
		float64(r.p50)/float64(time.Millisecond), float64(r.p99)/float64(time.Millisecond), r.requests, r.failures)
}

// grpcReads calls GetDeployment over gRPC at rps requests a second for d with ghz's runner
// (it finds the method by reflection), each call naming one of the n deployments at
// random, and returns what it measured.
func grpcReads(addr, token string, n, rps int, d time.Duration) (readLoad, error) {
	md := map[string]string{"authorization": "Bearer " + token}
	rep, err := runner.Run("hybridlink.orchestrator.v1.OrchestratorService.GetDeployment", addr,
		runner.WithInsecure(true), runner.WithMetadata(md), runner.WithReflectionMetadata(md),
		runner.WithRPS(uint(rps)), runner.WithRunDuration(d), runner.WithConcurrency(50), runner.WithConnections(4),
		runner.WithDataFromJSON(`{"name": "deployments/scale-{{randomInt 0 `+strconv.Itoa(n)+`}}"}`))
	if err != nil {
		return readLoad{}, err
	}
	out := readLoad{rps: rep.Rps, requests: rep.Count}
	for _, n := range rep.ErrorDist {
		out.failures += uint64(n)
	}
	for _, l := range rep.LatencyDistribution {
		switch l.Percentage {
		case 50:
			out.p50 = l.Latency
		case 99:
			out.p99 = l.Latency
		}
	}
	return out, nil
}

// restReads calls GET /v1/deployments/{id} at rps requests a second for d with vegeta, each
// naming one of the n deployments at random, and returns what it measured.
func restReads(base, token string, n, rps int, d time.Duration) readLoad {
	header := http.Header{"Authorization": {"Bearer " + token}}
	target := func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = http.MethodGet, fmt.Sprintf("%s/v1/deployments/scale-%d", base, rand.IntN(n)), header
		return nil
	}
	var m vegeta.Metrics
	for res := range vegeta.NewAttacker().Attack(target, vegeta.Rate{Freq: rps, Per: time.Second}, d, "GetDeployment") {
		m.Add(res)
	}
	m.Close()
	return readLoad{rps: m.Throughput, p50: m.Latencies.P50, p99: m.Latencies.P99, requests: m.Requests,
		failures: m.Requests - uint64(float64(m.Requests)*m.Success+0.5)}
}
