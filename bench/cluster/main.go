// Command cluster checks hybridlink as production runs it, every part its own process: a
// Temporal server (temporal-server, not the dev server) on PostgreSQL with the configuration
// of deploy/temporal, two orchestrator workers on one task queue, two API replicas
// (-worker=false), the network, gateway and compute services and armsim. It applies one
// deployment alone (what one deployment PUTs, by cloud and resource type), then N at once,
// created through the two replicas in turn and each awaited through the other; once a few
// VPN gateways are being created it kills worker-1 with SIGKILL, as a crash would. It
// requires every deployment READY (asked of both replicas), steps in flight on worker-1 when
// it died, and exactly N times the lone deployment's PUTs of each resource type on each
// cloud: a step taken over must resume its ARM operation, not PUT again. armsim throttles
// with ARM's budgets scaled to the time scale and bursts of 10 writes, and no write may be
// throttled: the two workers' writes together stay within each cloud's budget. It prints one line
// and exits non-zero on any failure:
//
//	cluster: N=<n> ready=<r> failed=<f> killed=worker-1 in_flight_on_killed=<k> puts=<p> expected_puts=<e> puts_per_resource=<x> write429=<w> api_retries=<t> wall=<s>
//
// PostgreSQL is Debian's (-pg-bin), in a data folder of its own under the run's temporary
// folder, on a free port; as root it runs as the postgres user. Temporal's databases are made
// by deploy/temporal/schema.sh with temporal-sql-tool and the server module's schemas
// (-schema). make cluster-test builds the server and passes these.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/bench/internal/harness"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// namespace is the Temporal namespace the orchestrators use (their default).
const namespace = "default"

func main() {
	var o options
	flag.IntVar(&o.n, "n", 20, "concurrent deployments")
	flag.Float64Var(&o.timeScale, "time-scale", 0.005, "armsim latency scale (0.005: a 35-minute VPN gateway in 10.5 s)")
	flag.DurationVar(&o.heartbeat, "heartbeat-timeout", 5*time.Second, "the orchestrators' -heartbeat-timeout: how soon worker-2 takes over worker-1's steps")
	flag.StringVar(&o.server, "temporal-server", ".cache/bin/temporal-server", "temporal-server binary (make temporal-server)")
	flag.StringVar(&o.sqlTool, "sql-tool", ".cache/bin/temporal-sql-tool", "temporal-sql-tool binary (make temporal-server)")
	flag.StringVar(&o.schema, "schema", "", "the server module's schema/postgresql/v12 folder (required)")
	flag.StringVar(&o.pgBin, "pg-bin", "/usr/lib/postgresql/15/bin", "PostgreSQL's binaries (Debian's postgresql package)")
	flag.DurationVar(&o.timeout, "timeout", 15*time.Minute, "fail when the whole check takes longer")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's folder (logs of every process, PostgreSQL's data)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

type options struct {
	n                              int
	timeScale                      float64
	heartbeat, timeout             time.Duration
	server, sqlTool, schema, pgBin string
	keep                           bool
}

func run(o options) error {
	if o.schema == "" {
		return errors.New("-schema is required (the server module's schema/postgresql/v12)")
	}
	config, err := filepath.Abs(filepath.Join("deploy", "temporal"))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	dir, done, err := harness.Prepare(ctx, "hybridlink-cluster-", o.keep)
	if err != nil {
		return err
	}
	defer done()
	var procs harness.Processes
	defer procs.Stop()

	fmt.Fprintln(os.Stderr, "PostgreSQL, Temporal's schemas and temporal-server...")
	pg, err := startPostgres(ctx, &procs, dir, o.pgBin)
	if err != nil {
		return err
	}
	frontend, err := startTemporal(ctx, &procs, dir, config, o, pg)
	if err != nil {
		return err
	}
	// the lone deployment and the n have a tunnel each on the one stamp, which holds 20 in
	// reality: this run is about the workers, so the stamp's pool takes them all
	stack, err := harness.StartStack(ctx, &procs, dir, o.timeScale, "-stamp-tunnels", fmt.Sprint(o.n+1))
	if err != nil {
		return err
	}
	// ARM's budgets scaled to the time scale, with bursts of 10 writes, so that the writes
	// of both workers together are what the budget sees: Temporal paces each cloud's write
	// queue for all workers at the orchestrators' default, 90% of the budget; two workers
	// each pacing itself would write at twice that, and draw 429s.
	if err := stack.Sim.SetThrottle(ctx, armsim.Throttle{Enabled: true, Scaled: true, Clouds: map[string]armsim.Budget{
		"azure":           {WriteBurst: 10, WriteRate: 10},            // ARM's 10/s
		"azure-stack-hub": {WriteBurst: 10, WriteRate: 1200.0 / 3600}, // a stamp's 1,200 an hour
	}}); err != nil {
		return err
	}

	// All four at once, as replicas start: they make one payload key in the shared state
	// folder between them and each registers the DeploymentState search attribute unless
	// another has.
	names := []string{"worker-1", "worker-2", "api-a", "api-b"}
	ports, err := harness.FreePorts(2 * len(names))
	if err != nil {
		return err
	}
	addrs := map[string]string{}
	for i, name := range names {
		addrs[name] = "127.0.0.1:" + strconv.Itoa(ports[2*i])
		args := []string{"-temporal", frontend, "-namespace", namespace, "-task-queue", "cluster",
			"-payload-key-file", filepath.Join(stack.State, "payload.key"), "-heartbeat-timeout", o.heartbeat.String(),
			"-worker=" + strconv.FormatBool(strings.HasPrefix(name, "worker"))}
		if err := stack.Orchestrator(ctx, name, addrs[name], "127.0.0.1:"+strconv.Itoa(ports[2*i+1]), args...); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	for _, name := range names {
		if err := harness.Healthy(ctx, addrs[name]); err != nil {
			return fmt.Errorf("%s (see %s.log): %w", name, name, err)
		}
	}
	var apis []orchestratorv1.OrchestratorServiceClient
	var ops []longrunningpb.OperationsClient
	for _, name := range []string{"api-a", "api-b"} {
		conn, err := stack.Dial(addrs[name])
		if err != nil {
			return err
		}
		defer conn.Close()
		apis, ops = append(apis, orchestratorv1.NewOrchestratorServiceClient(conn)), append(ops, longrunningpb.NewOperationsClient(conn))
	}
	tc, err := client.Dial(harness.TemporalOptions(frontend, namespace))
	if err != nil {
		return err
	}
	defer tc.Close()

	fmt.Fprintln(os.Stderr, "one deployment alone, for what it PUTs...")
	if err := stack.Sim.ResetCounters(ctx); err != nil {
		return err
	}
	var retries atomic.Int64
	if err := harness.Apply(ctx, apis[0], ops[1], "alone", &retries); err != nil {
		return fmt.Errorf("the lone deployment: %w", err)
	}
	lone, err := puts(ctx, stack.Sim)
	if err != nil {
		return err
	}
	if err := onePutPerResource(ctx, stack.Sim, lone, "alone-"); err != nil {
		return fmt.Errorf("the lone deployment: %w", err)
	}
	if err := stack.Sim.ResetCounters(ctx); err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "%d deployments at once through api-a and api-b, SIGKILL of worker-1 once gateways are being created...\n", o.n)
	var wg sync.WaitGroup
	start := time.Now()
	id := func(i int) string { return fmt.Sprintf("cluster-%d", i) }
	for i := range o.n {
		wg.Go(func() {
			if err := harness.Apply(ctx, apis[i%2], ops[(i+1)%2], id(i), &retries); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", id(i), err)
			}
		})
	}
	inFlight, err := killWhenGatewaysRun(ctx, &procs, stack.Sim, tc, o.n)
	if err != nil {
		cancel()
		wg.Wait()
		return err
	}
	wg.Wait()
	wall := time.Since(start)
	ready := 0
	for i := range o.n {
		if err := isReady(ctx, apis, id(i)); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", id(i), err)
			continue
		}
		ready++
	}

	got, err := puts(ctx, stack.Sim)
	if err != nil {
		return err
	}
	var total, expected int64
	var wrong []string
	all := maps.Clone(lone)
	maps.Copy(all, got)
	keys := slices.Sorted(maps.Keys(all))
	fmt.Fprintln(os.Stderr, "PUTs by cloud and resource type: measured (expected = N x the lone deployment's)")
	for _, k := range keys {
		want := int64(o.n) * lone[k]
		total, expected = total+got[k], expected+want
		fmt.Fprintf(os.Stderr, "  %-60s %4d (%d)\n", k, got[k], want)
		if got[k] != want {
			wrong = append(wrong, fmt.Sprintf("%s: %d PUTs, want %d", k, got[k], want))
		}
	}
	perResource := 0.0
	if expected > 0 {
		perResource = float64(total) / float64(expected)
	}
	write429, err := throttledWrites(ctx, stack.Sim)
	if err != nil {
		return err
	}
	fmt.Printf("cluster: N=%d ready=%d failed=%d killed=worker-1 in_flight_on_killed=%d puts=%d expected_puts=%d puts_per_resource=%.2f write429=%d api_retries=%d wall=%s\n",
		o.n, ready, o.n-ready, inFlight, total, expected, perResource, write429, retries.Load(), wall.Round(100*time.Millisecond))
	var problems []string
	if ready != o.n {
		problems = append(problems, fmt.Sprintf("%d of %d deployments not READY", o.n-ready, o.n))
	}
	if inFlight == 0 {
		problems = append(problems, "no step was in flight on worker-1 when it was killed: the kill proved nothing")
	}
	if write429 > 0 {
		problems = append(problems, fmt.Sprintf("ARM throttled %d writes: the workers together wrote faster than the budget", write429))
	}
	problems = append(problems, wrong...)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// killWhenGatewaysRun waits until a quarter of the n deployments' 2n VPN gateways (at least
// two) are being created, notes the steps in flight on worker-1, SIGKILLs it and returns how
// many steps it held.
func killWhenGatewaysRun(ctx context.Context, procs *harness.Processes, sim *armsim.AdminClient, tc client.Client, n int) (int, error) {
	want := int64(max(2, n/2))
	if err := harness.Eventually(ctx, 5*time.Minute, func() error {
		got, err := sim.Count(ctx, "", http.MethodPut, "Microsoft.Network/virtualNetworkGateways")
		if err == nil && got < want {
			err = fmt.Errorf("%d of %d gateway PUTs", got, want)
		}
		return err
	}); err != nil {
		return 0, fmt.Errorf("waiting for gateways: %w", err)
	}
	identity := fmt.Sprintf("%d@", procs.Pid("worker-1"))
	inFlight := 0
	for i := range n {
		d, err := tc.DescribeWorkflowExecution(ctx, fmt.Sprintf("deployments/cluster-%d", i), "")
		if err != nil {
			return 0, err
		}
		for _, a := range d.GetPendingActivities() {
			if a.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED && strings.HasPrefix(a.GetLastWorkerIdentity(), identity) {
				inFlight++
			}
		}
	}
	fmt.Fprintf(os.Stderr, "SIGKILL worker-1 (pid %d) with %d steps in flight\n", procs.Pid("worker-1"), inFlight)
	return inFlight, procs.Kill("worker-1")
}

// isReady asks both API replicas for the deployment id and requires it READY in each.
func isReady(ctx context.Context, apis []orchestratorv1.OrchestratorServiceClient, id string) error {
	for i, api := range apis {
		d, err := api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/" + id})
		if err != nil {
			return fmt.Errorf("api-%c: %w", 'a'+i, err)
		}
		if s := d.GetStatus().GetState(); s != orchestratorv1.DeploymentStatus_STATE_READY {
			return fmt.Errorf("api-%c: %s", 'a'+i, s)
		}
	}
	return nil
}

// throttledWrites counts the writes armsim answered 429.
func throttledWrites(ctx context.Context, sim *armsim.AdminClient) (int64, error) {
	cs, err := sim.Counters(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, c := range cs {
		if c.Method != http.MethodGet && c.Status == http.StatusTooManyRequests {
			n += c.Count
		}
	}
	return n, nil
}

// puts counts armsim's PUT requests by "cloud resource-type", whatever their status.
func puts(ctx context.Context, sim *armsim.AdminClient) (map[string]int64, error) {
	cs, err := sim.Counters(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, c := range cs {
		if c.Method == http.MethodPut {
			out[c.Cloud+" "+c.Type] += c.Count
		}
	}
	return out, nil
}

// onePutPerResource requires, for each "cloud resource-type" PUT, as many PUTs as armsim
// stores resources of that type on that cloud in the resource groups whose names start with
// prefix (a virtual network's subnets, stored but not PUT of their own, are not counted).
func onePutPerResource(ctx context.Context, sim *armsim.AdminClient, put map[string]int64, prefix string) error {
	rs, err := sim.Resources(ctx)
	if err != nil {
		return err
	}
	stored := map[string]int64{}
	for _, r := range rs {
		if strings.Contains(strings.ToLower(r.ID), "/resourcegroups/"+prefix) {
			stored[strings.ToLower(r.Cloud+" "+r.Type)]++
		}
	}
	var wrong []string
	for _, k := range slices.Sorted(maps.Keys(put)) {
		if n := stored[strings.ToLower(k)]; n != put[k] {
			wrong = append(wrong, fmt.Sprintf("%s: %d PUTs for %d resources", k, put[k], n))
		}
	}
	if len(wrong) > 0 {
		return errors.New(strings.Join(wrong, "; "))
	}
	return nil
}
