// Command scale measures hybridlink under many concurrent deployments: it builds and starts
// armsim, a Temporal dev server, the three resource services and the orchestrator as
// separate processes on free loopback ports, applies one deployment alone (its wall time is
// the critical path), then N at once through the orchestrator's gRPC API, and prints one line:
//
//	scale: N=<n> ready=<r> failed=<f> wall/bound=<x> arm_requests_per_deployment=<y> read429=<a> write429=<b> retried_steps=<s> get_timeouts=<g> api_retries=<t> orchestrator_rss_mb=<m>
//
// retried_steps counts steps that needed a second attempt, get_timeouts the GetDeployment
// calls of a reader running beside (one every 10 ms) that took over 2 s, api_retries the
// create and wait calls the clients had to make again (DEADLINE_EXCEEDED, UNAVAILABLE).
//
// bound is the larger of the critical path and each cloud's write-budget bound (its writes
// beyond the burst at the budget's rate). By default armsim runs time-compressed
// (-time-scale 0.01: a 35-minute gateway in 21 s) with ARM's budgets scaled by 1/time-scale
// (-budgets scaled), so the run keeps real proportions between operation times and budgets;
// -budgets real keeps ARM's figures as they are (reads 250 + 25/s, writes 200 + 10/s per
// subscription, which a compressed run exceeds at once), -budgets off throttles nothing. The
// orchestrator's write limiter gets 90% of the write budget, as in production.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/bench/internal/harness"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/temporaldev"
)

// writesPerDeployment is what one deployment writes on each cloud: resource group, virtual
// network, public IP, gateway, NIC, VM, local network gateway, connection.
const writesPerDeployment = 8

func main() {
	n := flag.Int("n", 50, "concurrent deployments")
	timeScale := flag.Float64("time-scale", 0.01, "armsim latency scale")
	budgets := flag.String("budgets", "scaled", "ARM budgets: scaled (ARM's, rates by 1/time-scale), real (ARM's as they are) or off")
	writeRate := flag.Float64("write-rate", 0, "write budget per second per cloud, overriding -budgets (for a write-bound run)")
	keep := flag.Bool("keep", false, "keep the state folder (logs of every process)")
	flag.Parse()
	if err := run(*n, *timeScale, *budgets, *writeRate, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// budget is one cloud subscription's ARM budget.
type budget struct{ readBurst, readRate, writeBurst, writeRate float64 }

func budgetOf(mode string, timeScale, writeRate float64) (budget, bool, error) {
	real := budget{readBurst: 250, readRate: 25, writeBurst: 200, writeRate: 10}
	var b budget
	switch mode {
	case "real":
		b = real
	case "scaled":
		b = budget{real.readBurst, real.readRate / timeScale, real.writeBurst, real.writeRate / timeScale}
	case "off":
		return budget{writeRate: 1e6, writeBurst: 1e6}, false, nil
	default:
		return b, false, fmt.Errorf("-budgets %q: use scaled, real or off", mode)
	}
	if writeRate > 0 {
		b.writeRate = writeRate
	}
	return b, true, nil
}

func run(n int, timeScale float64, mode string, writeRate float64, keep bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, throttle, err := budgetOf(mode, timeScale, writeRate)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hybridlink-scale-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "state and logs in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	fmt.Fprintln(os.Stderr, "building armsim and the services...")
	if err := harness.Build(ctx, filepath.Join(dir, "bin")); err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(dir, "temporal.log"))
	if err != nil {
		return err
	}
	tmp, err := temporaldev.Start(ctx, temporaldev.Options{DBFile: filepath.Join(dir, "temporal.db"), Headless: true, Log: logFile})
	if err != nil {
		return err
	}
	defer tmp.Stop()

	var procs harness.Processes
	defer procs.Stop()
	stack, err := harness.StartStack(ctx, &procs, dir, timeScale)
	if err != nil {
		return err
	}
	sim := stack.Sim
	if err := sim.SetThrottle(ctx, armsim.Throttle{Enabled: throttle, ReadBurst: b.readBurst, ReadRate: b.readRate,
		WriteBurst: b.writeBurst, WriteRate: b.writeRate}); err != nil {
		return err
	}
	ports, err := harness.FreePorts(2)
	if err != nil {
		return err
	}
	orchAddr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	if err := stack.Orchestrator(ctx, "orchestrator", orchAddr, fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"-temporal", tmp.Address, "-task-queue", "scale", "-payload-key-file", filepath.Join(stack.State, "payload.key"),
		"-arm-writes-per-second", fmt.Sprint(0.9*b.writeRate), "-arm-write-burst", fmt.Sprint(int(0.9*b.writeBurst))); err != nil {
		return err
	}
	if err := harness.Healthy(ctx, orchAddr); err != nil {
		return err
	}
	conn, err := stack.Dial(orchAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	api := orchestratorv1.NewOrchestratorServiceClient(conn)
	ops := longrunningpb.NewOperationsClient(conn)

	fmt.Fprintln(os.Stderr, "one deployment alone, for the critical path...")
	start := time.Now()
	var retries atomic.Int64
	if err := harness.Apply(ctx, api, ops, "alone", &retries); err != nil {
		return fmt.Errorf("the lone deployment: %w", err)
	}
	critical := time.Since(start)
	if err := sim.ResetCounters(ctx); err != nil {
		return err
	}
	retries.Store(0)

	fmt.Fprintf(os.Stderr, "%d deployments at once (critical path %s)...\n", n, critical.Round(time.Millisecond))
	var (
		wg                      sync.WaitGroup
		ready, failed, timeouts atomic.Int64
	)
	stopReads := make(chan struct{})
	go func() { // a reader, as an operator's dashboard: GetDeployment of each, in turn
		for i := 0; ; i = (i + 1) % n {
			select {
			case <-stopReads:
				return
			default:
			}
			rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := api.GetDeployment(rctx, &orchestratorv1.GetDeploymentRequest{Name: fmt.Sprintf("deployments/scale-%d", i)})
			if errors.Is(rctx.Err(), context.DeadlineExceeded) {
				timeouts.Add(1)
			}
			cancel()
			_ = err
			time.Sleep(10 * time.Millisecond)
		}
	}()
	start = time.Now()
	for i := range n {
		wg.Go(func() {
			if err := harness.Apply(ctx, api, ops, fmt.Sprintf("scale-%d", i), &retries); err != nil {
				failed.Add(1)
				fmt.Fprintf(os.Stderr, "scale-%d: %v\n", i, err)
				return
			}
			ready.Add(1)
		})
	}
	wg.Wait()
	wall := time.Since(start)
	close(stopReads)

	counters, err := sim.Counters(ctx)
	if err != nil {
		return err
	}
	var total, read429, write429 int64
	for _, c := range counters {
		total += c.Count
		if c.Status == http.StatusTooManyRequests {
			if c.Method == http.MethodGet {
				read429 += c.Count
			} else {
				write429 += c.Count
			}
		}
	}
	writeBound := time.Duration(max(0, float64(writesPerDeployment*n)-b.writeBurst) / b.writeRate * float64(time.Second))
	bound := max(critical, writeBound)
	retried, err := retriedSteps(ctx, tmp.Address, n)
	if err != nil {
		return err
	}
	fmt.Printf("scale: N=%d ready=%d failed=%d wall/bound=%.2f arm_requests_per_deployment=%d read429=%d write429=%d retried_steps=%d get_timeouts=%d api_retries=%d orchestrator_rss_mb=%d\n",
		n, ready.Load(), failed.Load(), wall.Seconds()/bound.Seconds(), total/int64(n), read429, write429, retried, timeouts.Load(), retries.Load(), procs.PeakRSS("orchestrator"))
	fmt.Fprintf(os.Stderr, "wall %s, bound %s (critical path %s, write-budget bound %s), budgets %s at time scale %g\n",
		wall.Round(time.Millisecond), bound.Round(time.Millisecond), critical.Round(time.Millisecond), writeBound.Round(time.Millisecond), mode, timeScale)
	return nil
}

// retriedSteps counts the steps of the N deployments that needed more than one attempt
// (a heartbeat time-out, a throttled or failed call): retried attempts leave no event of
// their own, the attempt that ran last says how many there were.
func retriedSteps(ctx context.Context, temporalAddr string, n int) (int, error) {
	tc, err := client.Dial(client.Options{HostPort: temporalAddr, Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return 0, err
	}
	defer tc.Close()
	retried := 0
	for i := range n {
		it := tc.GetWorkflowHistory(ctx, fmt.Sprintf("deployments/scale-%d", i), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				return 0, err
			}
			if a := e.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
				retried++
			}
		}
	}
	return retried, nil
}
