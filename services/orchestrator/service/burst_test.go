package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// TestBurstPaced starts a burst of deployments against an armsim that enforces a small
// write budget (a burst of 12 writes, refilling 6/s per cloud subscription): with the
// orchestrator's writes (Temporal's rate limit of each cloud's write queue) set a little under
// that budget, every deployment reaches READY and ARM never answers a write with 429. The
// burst is paced, not throttled.
func TestBurstPaced(t *testing.T) {
	ctx := context.Background()
	cfg := armsim.Config{TimeScale: 0.0005, Throttle: armsim.Throttle{Enabled: true,
		WriteBurst: 12, WriteRate: 6, ReadBurst: 100000, ReadRate: 100000}}
	s := start(t, cfg, "e2e-burst", func(o *service.Options) { o.Writes = service.Writes{"azure": 5, "azure-stack-hub": 5} })

	const n = 4 // 4 deployments x 8 writes per cloud = 32 writes against a burst of 12
	createAll(t, s, "burst", n, 0)
	counters, err := s.sim.Admin.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counters {
		if c.Status == http.StatusTooManyRequests && c.Method != http.MethodGet {
			t.Errorf("ARM throttled %d %s %s writes on %s", c.Count, c.Method, c.Type, c.Cloud)
		}
	}
}

// createAll creates deployments prefix-0 to prefix-(n-1) at once, of burstSpec(first) on,
// and waits for them all: each one that fails is an error of the test.
func createAll(t *testing.T, s stack, prefix string, n, first int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			op, err := s.api.CreateDeployment(context.Background(), &orchestratorv1.CreateDeploymentRequest{
				DeploymentId: fmt.Sprintf("%s-%d", prefix, i), Deployment: &orchestratorv1.Deployment{Spec: burstSpec(first + i)}})
			if e := wait(t, s, op, err).GetError(); e != nil {
				errs <- fmt.Errorf("%s-%d: %s", prefix, i, e.GetMessage())
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// burstSpec is hybridSpec in its own resource groups and address spaces.
func burstSpec(i int) *orchestratorv1.DeploymentSpec {
	s := hybridSpec()
	for j, site := range s.Sites {
		site.ResourceGroup = fmt.Sprintf("%s-%d", site.ResourceGroup, i)
		octet := 10 + 2*i + j
		site.AddressPrefixes = []string{fmt.Sprintf("10.%d.0.0/16", octet)}
		site.WorkloadSubnetPrefix = fmt.Sprintf("10.%d.1.0/24", octet)
		site.GatewaySubnetPrefix = fmt.Sprintf("10.%d.255.0/27", octet)
	}
	return s
}

// TestQueueDrains queues writes far longer than a step's heartbeat time-out: two
// deployments' 16 writes per cloud at one write a second, with steps that must heart-beat
// every 2 s. Every deployment reaches READY and no attempt times out: a step waits its turn
// in its cloud's write queue, before its attempt starts, so the queue drains instead of
// timing out the steps in it (which then queued again behind their own dead attempts: the
// burst live-lock an in-process limiter had).
func TestQueueDrains(t *testing.T) {
	ctx := context.Background()
	s := start(t, scaled, "e2e-queue-drains", func(o *service.Options) {
		o.Writes, o.HeartbeatTimeout = service.Writes{"azure": 1, "azure-stack-hub": 1}, 2*time.Second
	})

	const n = 2 // 16 writes per cloud at 1/s: a 16 s queue, 8 heartbeat time-outs long
	createAll(t, s, "queue", n, 20)
	tc := dialTemporal(t, client.Options{Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	for i := range n {
		it := tc.GetWorkflowHistory(ctx, fmt.Sprintf("deployments/queue-%d", i), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			// Retried attempts leave no event of their own: the attempt that ran last says
			// how many there were, and why the one before it failed.
			if a := e.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
				t.Errorf("queue-%d: a step ran %d attempts, the last but one failing: %s", i, a.GetAttempt(), a.GetLastFailure().GetMessage())
			}
		}
	}
}
