// Command scale measures hybridlink under many concurrent deployments: it builds and starts
// armsim, a Temporal dev server, the three resource services and the orchestrator as
// separate processes on free loopback ports, applies one deployment alone (its wall time is
// the critical path), then N at once through the orchestrator's gRPC API, and prints one line:
//
//	scale: N=<n> ready=<r> failed=<f> wall/bound=<x> arm_requests_per_deployment=<y> read429=<a> write429=<b> retried_steps=<s> get_timeouts=<g> api_retries=<t> orchestrator_rss_mb=<m>
//
// and then, with the N deployments present, GetDeployment under a steady load (-read-rps,
// -read-for) over gRPC with ghz's runner and over REST with vegeta:
//
//	reads: N=<n> grpc rps=<r> p50_ms=<a> p99_ms=<b> requests=<c> failures=<d> rest rps=...
//
// retried_steps counts steps that needed a second attempt, get_timeouts the GetDeployment
// calls of a reader running beside (one every 10 ms) that took over 2 s, api_retries the
// create and wait calls the clients had to make again (DEADLINE_EXCEEDED, UNAVAILABLE).
//
// bound is the larger of the critical path and each cloud's write-budget bound (its writes at
// the orchestrator's pace, 90% of the budget's rate: Temporal's task-queue limit has no
// burst). By default armsim runs time-compressed (-time-scale 0.01: a 38.5-minute gateway in
// 23 s) with each cloud's ARM budgets scaled by 1/time-scale (-budgets scaled: public Azure's
// token buckets, reads 250 + 25/s and writes 200 + 10/s, and on the Azure Stack Hub stamp
// ARM's hourly 12,000 reads and 1,200 writes), so the run keeps real proportions between
// operation times and budgets; -budgets real keeps ARM's figures as they are (which a
// compressed run exceeds at once), -budgets off throttles nothing. Every operation takes the
// mean of armsim's distribution for its type (-latencies fixed), so that one deployment's
// critical path bounds every other's; -latencies drawn gives armsim's spread instead.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/bench/internal/harness"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/temporaldev"
)

func main() {
	n := flag.Int("n", 50, "concurrent deployments")
	timeScale := flag.Float64("time-scale", 0.01, "armsim latency scale")
	budgets := flag.String("budgets", "scaled", "ARM budgets: scaled (ARM's, rates by 1/time-scale), real (ARM's as they are) or off")
	writeRate := flag.Float64("write-rate", 0, "write budget per second per cloud, overriding -budgets (for a write-bound run)")
	flag.StringVar(&latencies, "latencies", "fixed", "armsim's operation times: fixed (each type's mean, so one deployment's critical path bounds all) or drawn (armsim's distributions, as pollers meet them)")
	keep := flag.Bool("keep", false, "keep the state folder (logs of every process)")
	flag.IntVar(&readRPS, "read-rps", 1000, "GetDeployment calls a second once the deployments are done, over gRPC (ghz) then REST (vegeta); 0 skips")
	flag.DurationVar(&readFor, "read-for", 10*time.Second, "how long each -read-rps load lasts")
	flag.Parse()
	if err := run(*n, *timeScale, *budgets, *writeRate, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// readRPS and readFor are the read load once the deployments are done; latencies is
// armsim's mode of operation times.
var (
	readRPS   int
	readFor   time.Duration
	latencies string
)

// budgets are ARM's per-subscription budgets of each cloud: public Azure's token buckets,
// and on Azure Stack Hub the hourly limits ARM had before them (12,000 reads and 1,200 writes
// an hour), as armsim models them.
var budgets = map[string]armsim.Budget{
	"azure":           {ReadBurst: 250, ReadRate: 25, WriteBurst: 200, WriteRate: 10},
	"azure-stack-hub": {ReadBurst: 12000, ReadRate: 12000.0 / 3600, WriteBurst: 1200, WriteRate: 1200.0 / 3600},
}

// budgetsOf returns each cloud's budget in a mode: scaled (rates by 1/time-scale), real, or
// off (nil); writeRate, when set, replaces every cloud's write rate.
func budgetsOf(mode string, timeScale, writeRate float64) (map[string]armsim.Budget, error) {
	scale := 1.0
	switch mode {
	case "scaled":
		scale = 1 / timeScale
	case "real":
	case "off":
		return nil, nil
	default:
		return nil, fmt.Errorf("-budgets %q: use scaled, real or off", mode)
	}
	out := map[string]armsim.Budget{}
	for id, b := range budgets {
		b.ReadRate *= scale
		b.WriteRate *= scale
		if writeRate > 0 {
			b.WriteRate = writeRate
		}
		out[id] = b
	}
	return out, nil
}

// meanLatencies are the mean unscaled times of armsim's default distributions (a gateway
// 30-45 minutes, 5% of them 45-70: 38.5 minutes), which -latencies fixed gives every
// operation, so that the critical path of one deployment bounds every other's.
var meanLatencies = []string{"virtualnetworkgateways=38m30s", "virtualmachines=2m", "connections=67s", "virtualnetworks=4500ms",
	"subnets=3500ms", "publicipaddresses=3500ms", "networkinterfaces=3500ms", "localnetworkgateways=10s", "delete=10s"}

func run(n int, timeScale float64, mode string, writeRate float64, keep bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clouds, err := budgetsOf(mode, timeScale, writeRate)
	if err != nil {
		return err
	}
	// every deployment has a tunnel on the one stamp, which holds 20 in reality: the run
	// measures ARM's budgets, so the stamp's pool is made large enough for them all
	armsimArgs := []string{"-stamp-tunnels", fmt.Sprint(n + 1)}
	switch latencies {
	case "fixed":
		for _, l := range meanLatencies {
			armsimArgs = append(armsimArgs, "-latency", l)
		}
	case "drawn":
	default:
		return fmt.Errorf("-latencies %q: use fixed or drawn", latencies)
	}
	dir, done, err := harness.Prepare(ctx, "hybridlink-scale-", keep)
	if err != nil {
		return err
	}
	defer done()
	logFile, err := os.Create(filepath.Join(dir, "temporal.log"))
	if err != nil {
		return err
	}
	tmp, err := temporaldev.Start(ctx, temporaldev.Options{Headless: true, Log: logFile})
	if err != nil {
		return err
	}
	defer tmp.Stop()

	var procs harness.Processes
	defer procs.Stop()
	stack, err := harness.StartStack(ctx, &procs, dir, timeScale, armsimArgs...)
	if err != nil {
		return err
	}
	sim := stack.Sim
	if err := sim.SetThrottle(ctx, armsim.Throttle{Enabled: clouds != nil, Clouds: clouds}); err != nil {
		return err
	}
	// the orchestrator's defaults: 90% of each budget (with -budgets off, no limit)
	writes := []string{"-arm-writes", "azure=100000", "-arm-writes", "azure-stack-hub=100000"}
	for id, b := range clouds {
		writes = append(writes, "-arm-writes", fmt.Sprintf("%s=%g", id, 0.9*b.WriteRate))
	}
	ports, err := harness.FreePorts(2)
	if err != nil {
		return err
	}
	orchAddr, orchHTTP := fmt.Sprintf("127.0.0.1:%d", ports[0]), fmt.Sprintf("127.0.0.1:%d", ports[1])
	if err := stack.Orchestrator(ctx, "orchestrator", orchAddr, orchHTTP,
		append([]string{"-temporal", tmp.Address, "-task-queue", "scale", "-payload-key-file", filepath.Join(stack.State, "payload.key")}, writes...)...); err != nil {
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
	// what one deployment writes on each cloud (group, network, public IP, gateway, NIC, VM,
	// local network gateway, connection and the probe's extension), for the write-budget bound
	perDeployment := map[string]int64{}
	for id := range clouds {
		if perDeployment[id], err = sim.Writes(ctx, id); err != nil {
			return err
		}
	}
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
	byKind := map[string]int64{}
	throttled := map[string]int64{} // 429s by cloud, method and type: which requests overran a budget
	for _, c := range counters {
		total += c.Count
		byKind[c.Method+" "+c.Type] += c.Count
		if c.Status == http.StatusTooManyRequests {
			throttled[c.Cloud+" "+c.Method+" "+c.Type] += c.Count
			if c.Method == http.MethodGet {
				read429 += c.Count
			} else {
				write429 += c.Count
			}
		}
	}
	var writeBound time.Duration // the slowest cloud's: its writes at 90% of its rate (Temporal's limit has no burst)
	for id, b := range clouds {
		writeBound = max(writeBound, time.Duration(float64(perDeployment[id]*int64(n))/(0.9*b.WriteRate)*float64(time.Second)))
	}
	bound := max(critical, writeBound)
	retried, err := retriedSteps(ctx, tmp.Address, n)
	if err != nil {
		return err
	}
	fmt.Printf("scale: N=%d ready=%d failed=%d wall/bound=%.2f arm_requests_per_deployment=%d read429=%d write429=%d retried_steps=%d get_timeouts=%d api_retries=%d orchestrator_rss_mb=%d\n",
		n, ready.Load(), failed.Load(), wall.Seconds()/bound.Seconds(), total/int64(n), read429, write429, retried, timeouts.Load(), retries.Load(), procs.PeakRSS("orchestrator"))
	if readRPS > 0 {
		fmt.Fprintf(os.Stderr, "GetDeployment at %d/s for %s over gRPC, then REST...\n", readRPS, readFor)
		token, err := os.ReadFile(filepath.Join(stack.State, auth.DevFolder, "admin.token"))
		if err != nil {
			return err
		}
		tok := strings.TrimSpace(string(token))
		g, err := grpcReads(orchAddr, tok, n, readRPS, readFor)
		if err != nil {
			return fmt.Errorf("gRPC reads: %w", err)
		}
		r := restReads("http://"+orchHTTP, tok, n, readRPS, readFor)
		fmt.Printf("reads: N=%d grpc %s rest %s\n", n, g, r)
	}
	if err := driftChecks(ctx, sim, api, ops, n); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "processor time so far: temporal %s", harness.CPU(tmp.Pid()).Round(time.Second))
	for _, name := range []string{"orchestrator", "armsim", "network", "gateway", "compute"} {
		fmt.Fprintf(os.Stderr, ", %s %s", name, procs.CPU(name).Round(time.Second))
	}
	fmt.Fprintln(os.Stderr)
	if err := compareSteps(ctx, os.Stderr, api, n); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "ARM requests per deployment by method and type:")
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		fmt.Fprintf(os.Stderr, "  %-60s %8.1f\n", k, float64(byKind[k])/float64(n))
	}
	if len(throttled) > 0 {
		fmt.Fprintln(os.Stderr, "ARM 429s by cloud, method and type:")
		for _, k := range slices.Sorted(maps.Keys(throttled)) {
			fmt.Fprintf(os.Stderr, "  %-60s %8d\n", k, throttled[k])
		}
	}
	fmt.Fprintf(os.Stderr, "wall %s, bound %s (critical path %s, write-budget bound %s), budgets %s at time scale %g\n",
		wall.Round(time.Millisecond), bound.Round(time.Millisecond), critical.Round(time.Millisecond), writeBound.Round(time.Millisecond), mode, timeScale)
	return nil
}

// driftChecks checks every deployment for drift at once (CheckDeployment), the worst case of
// the periodic checks, which are spread over each deployment's interval, and prints what
// that cost ARM: reads per check and 429s.
func driftChecks(ctx context.Context, sim *armsim.AdminClient, api orchestratorv1.OrchestratorServiceClient, ops longrunningpb.OperationsClient, n int) error {
	if err := sim.ResetCounters(ctx); err != nil {
		return err
	}
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range n {
		wg.Go(func() {
			op, err := api.CheckDeployment(ctx, &orchestratorv1.CheckDeploymentRequest{Name: fmt.Sprintf("deployments/scale-%d", i)})
			for err == nil && !op.GetDone() {
				op, err = ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: op.GetName(), Timeout: durationpb.New(10 * time.Second)})
			}
			if err != nil || op.GetError() != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	counters, err := sim.Counters(ctx)
	if err != nil {
		return err
	}
	var reads, writes, read429 int64
	for _, c := range counters {
		switch {
		case c.Method != http.MethodGet:
			writes += c.Count
		case c.Status == http.StatusTooManyRequests:
			read429 += c.Count
		default:
			reads += c.Count
		}
	}
	fmt.Printf("drift: N=%d checks at once, failed=%d arm_reads_per_check=%.1f read429=%d writes=%d wall=%s\n",
		n, failed.Load(), float64(reads)/float64(n), read429, writes, time.Since(start).Round(time.Millisecond))
	return nil
}

// retriedSteps counts the steps of the N deployments that needed more than one attempt
// (a heartbeat time-out, a throttled or failed call): retried attempts leave no event of
// their own, the attempt that ran last says how many there were.
func retriedSteps(ctx context.Context, temporalAddr string, n int) (int, error) {
	tc, err := client.Dial(harness.TemporalOptions(temporalAddr, ""))
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
