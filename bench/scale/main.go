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
	"maps"
	"net/http"
	"os"
	"os/exec"
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
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"sigs.k8s.io/yaml"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/serve"
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
	flag.IntVar(&readRPS, "read-rps", 1000, "GetDeployment calls a second once the deployments are done, over gRPC (ghz) then REST (vegeta); 0 skips")
	flag.DurationVar(&readFor, "read-for", 10*time.Second, "how long each -read-rps load lasts")
	flag.Parse()
	if err := run(*n, *timeScale, *budgets, *writeRate, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// readRPS and readFor are the read load once the deployments are done.
var (
	readRPS int
	readFor time.Duration
)

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
	bin := filepath.Join(dir, "bin")
	fmt.Fprintln(os.Stderr, "building armsim and the services...")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./armsim/cmd/armsim", "./services/network/cmd/network",
		"./services/gateway/cmd/gateway", "./services/compute/cmd/compute", "./services/orchestrator/cmd/orchestrator")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build (run from the repository's root): %w", err)
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

	var procs processes
	defer procs.stop()
	ports, err := freePorts(10)
	if err != nil {
		return err
	}
	addr := func(i int) string { return "127.0.0.1:" + strconv.Itoa(ports[i]) }
	ca := filepath.Join(dir, "armsim-ca.pem")
	if err := procs.start(ctx, dir, filepath.Join(bin, "armsim"), "armsim", "-azure-addr", addr(0), "-stack-addr", addr(1),
		"-time-scale", fmt.Sprint(timeScale), "-ca-out", ca); err != nil {
		return err
	}
	endpoints := map[string]string{"azure": "https://" + addr(0), "azure-stack-hub": "https://" + addr(1)}
	var sim *armsim.AdminClient
	if err := eventually(ctx, 30*time.Second, func() error {
		hc, err := armsimClient(ca)
		if err != nil {
			return err
		}
		sim = armsim.NewAdminClient(endpoints["azure"], hc)
		return sim.ResetCounters(ctx)
	}); err != nil {
		return fmt.Errorf("armsim did not start: %w", err)
	}
	if err := sim.SetThrottle(ctx, armsim.Throttle{Enabled: throttle, ReadBurst: b.readBurst, ReadRate: b.readRate,
		WriteBurst: b.writeBurst, WriteRate: b.writeRate}); err != nil {
		return err
	}
	clouds, err := yaml.Marshal(cloud.Armsim(ca, endpoints))
	if err != nil {
		return err
	}
	cloudsFile := filepath.Join(dir, "clouds.yaml")
	if err := os.WriteFile(cloudsFile, clouds, 0o600); err != nil {
		return err
	}
	state := filepath.Join(dir, "state")
	common := []string{"-clouds", cloudsFile, "-state-dir", state}
	for i, svc := range []string{"network", "gateway", "compute"} {
		args := append([]string{"-grpc-addr", addr(3 + i), "-http-addr", addr(6 + i)}, common...)
		if err := procs.start(ctx, dir, filepath.Join(bin, svc), svc, args...); err != nil {
			return err
		}
	}
	orch := append([]string{"-grpc-addr", addr(2), "-http-addr", addr(9), "-temporal", tmp.Address, "-task-queue", "scale",
		"-network-addr", addr(3), "-gateway-addr", addr(4), "-compute-addr", addr(5),
		"-expect-time-scale", fmt.Sprint(timeScale),
		"-payload-key-file", filepath.Join(state, "payload.key"),
		"-arm-writes-per-second", fmt.Sprint(0.9 * b.writeRate), "-arm-write-burst", fmt.Sprint(int(0.9 * b.writeBurst))}, common...)
	for _, i := range []int{3, 4, 5} {
		if err := healthy(ctx, addr(i)); err != nil {
			return err
		}
	}
	if err := procs.start(ctx, dir, filepath.Join(bin, "orchestrator"), "orchestrator", orch...); err != nil {
		return err
	}
	if err := healthy(ctx, addr(2)); err != nil {
		return err
	}
	conn, err := grpc.NewClient(addr(2), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(serve.BearerToken{File: filepath.Join(state, auth.DevFolder, "admin.token"), Insecure: true}))
	if err != nil {
		return err
	}
	defer conn.Close()
	api := orchestratorv1.NewOrchestratorServiceClient(conn)
	ops := longrunningpb.NewOperationsClient(conn)

	fmt.Fprintln(os.Stderr, "one deployment alone, for the critical path...")
	start := time.Now()
	var retries atomic.Int64
	if err := apply(ctx, api, ops, "alone", &retries); err != nil {
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
			if err := apply(ctx, api, ops, fmt.Sprintf("scale-%d", i), &retries); err != nil {
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
	for _, c := range counters {
		total += c.Count
		byKind[c.Method+" "+c.Type] += c.Count
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
		n, ready.Load(), failed.Load(), wall.Seconds()/bound.Seconds(), total/int64(n), read429, write429, retried, timeouts.Load(), retries.Load(), procs.peakRSS("orchestrator"))
	if readRPS > 0 {
		fmt.Fprintf(os.Stderr, "GetDeployment at %d/s for %s over gRPC, then REST...\n", readRPS, readFor)
		token, err := os.ReadFile(filepath.Join(state, auth.DevFolder, "admin.token"))
		if err != nil {
			return err
		}
		tok := strings.TrimSpace(string(token))
		g, err := grpcReads(addr(2), tok, n, readRPS, readFor)
		if err != nil {
			return fmt.Errorf("gRPC reads: %w", err)
		}
		r := restReads("http://"+addr(9), tok, n, readRPS, readFor)
		fmt.Printf("reads: N=%d grpc %s rest %s\n", n, g, r)
	}
	fmt.Fprintln(os.Stderr, "ARM requests per deployment by method and type:")
	kinds := slices.Sorted(maps.Keys(byKind))
	for _, k := range kinds {
		fmt.Fprintf(os.Stderr, "  %-60s %8.1f\n", k, float64(byKind[k])/float64(n))
	}
	fmt.Fprintf(os.Stderr, "wall %s, bound %s (critical path %s, write-budget bound %s), budgets %s at time scale %g\n",
		wall.Round(time.Millisecond), bound.Round(time.Millisecond), critical.Round(time.Millisecond), writeBound.Round(time.Millisecond), mode, timeScale)
	return nil
}

// apply creates a deployment and waits until its operation is done. A call that times out
// or finds the API unavailable is tried again, as a client would (a create is idempotent),
// and counted in retries.
func apply(ctx context.Context, api orchestratorv1.OrchestratorServiceClient, ops longrunningpb.OperationsClient, id string, retries *atomic.Int64) error {
	var op *longrunningpb.Operation
	err := again(ctx, retries, func() (err error) {
		op, err = api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id,
			Deployment: &orchestratorv1.Deployment{Spec: spec(id)}})
		return err
	})
	for err == nil && !op.GetDone() {
		name := op.GetName()
		err = again(ctx, retries, func() (err error) {
			op, err = ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(30 * time.Second)})
			return err
		})
	}
	switch {
	case err != nil:
		return err
	case op.GetError() != nil:
		return errors.New(op.GetError().GetMessage())
	}
	return nil
}

// again calls f until it succeeds or fails otherwise than DEADLINE_EXCEEDED or UNAVAILABLE,
// counting the tries again.
func again(ctx context.Context, retries *atomic.Int64, f func() error) error {
	for {
		err := f()
		if c := status.Code(err); c != codes.DeadlineExceeded && c != codes.Unavailable || ctx.Err() != nil {
			return err
		}
		retries.Add(1)
		time.Sleep(time.Second)
	}
}

// spec is a deployment of an Azure site and an Azure Stack Hub site with a VM each, in its
// own resource groups.
func spec(id string) *orchestratorv1.DeploymentSpec {
	vm := func(name, size string) *orchestratorv1.VirtualMachineSpec {
		return &orchestratorv1.VirtualMachineSpec{Name: name, Size: size, ImagePublisher: "Canonical",
			ImageOffer: "0001-com-ubuntu-server-jammy", ImageSku: "22_04-lts", AdminUsername: "azureuser", AdminPassword: "Scale-Bench-Pw-42"}
	}
	return &orchestratorv1.DeploymentSpec{
		Sites: []*orchestratorv1.Site{
			{Name: "hub", Cloud: "azure", ResourceGroup: id + "-hub", AddressPrefixes: []string{"10.1.0.0/16"},
				WorkloadSubnetPrefix: "10.1.1.0/24", GatewaySubnetPrefix: "10.1.255.0/27",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("hub-vm", "Standard_B2s")}},
			{Name: "stack", Cloud: "azure-stack-hub", ResourceGroup: id + "-stack", AddressPrefixes: []string{"10.2.0.0/16"},
				WorkloadSubnetPrefix: "10.2.1.0/24", GatewaySubnetPrefix: "10.2.255.0/27",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("stack-vm", "Standard_A2_v2")}},
		},
	}
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
