package harness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
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
)

// Prepare makes a run's folder (named after prefix) and builds armsim and the services into
// its bin; done removes the folder, unless keep, which names it on stderr instead.
func Prepare(ctx context.Context, prefix string, keep bool) (dir string, done func(), err error) {
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	done = func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}
	if keep {
		fmt.Fprintln(os.Stderr, "state and logs in", dir)
	}
	fmt.Fprintln(os.Stderr, "building armsim and the services...")
	if err := Build(ctx, filepath.Join(dir, "bin")); err != nil {
		done()
		return "", nil, err
	}
	return dir, done, nil
}

// Build builds armsim, the three resource services and the orchestrator into bin (run from
// the repository's root).
func Build(ctx context.Context, bin string) error {
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./armsim/cmd/armsim", "./services/network/cmd/network",
		"./services/gateway/cmd/gateway", "./services/compute/cmd/compute", "./services/orchestrator/cmd/orchestrator")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build (run from the repository's root): %w", err)
	}
	return nil
}

// Stack is armsim and the network, gateway and compute services, each its own process, for
// orchestrators to use: they take Common and the services' addresses as flags.
type Stack struct {
	// Dir holds the logs, Bin the binaries Build made, State the services' state folder
	// (keys, development credentials).
	Dir, Bin, State string
	Procs           *Processes
	// Sim is armsim's admin API.
	Sim *armsim.AdminClient
	// Common are the flags every service takes: -clouds and -state-dir.
	Common []string
	// Network, Gateway and Compute are the services' gRPC addresses.
	Network, Gateway, Compute string
	// TimeScale is armsim's, which the orchestrators are told.
	TimeScale float64
}

// StartStack starts armsim (latencies scaled by timeScale, and armsimArgs) and the resource
// services in dir, with the binaries in dir/bin, and waits until they are up.
func StartStack(ctx context.Context, procs *Processes, dir string, timeScale float64, armsimArgs ...string) (*Stack, error) {
	s := &Stack{Dir: dir, Bin: filepath.Join(dir, "bin"), State: filepath.Join(dir, "state"), Procs: procs, TimeScale: timeScale}
	ports, err := FreePorts(8)
	if err != nil {
		return nil, err
	}
	addr := func(i int) string { return "127.0.0.1:" + strconv.Itoa(ports[i]) }
	ca := filepath.Join(dir, "armsim-ca.pem")
	if err := procs.Start(ctx, dir, filepath.Join(s.Bin, "armsim"), "armsim", append([]string{"-azure-addr", addr(0), "-stack-addr", addr(1),
		"-time-scale", fmt.Sprint(timeScale), "-ca-out", ca}, armsimArgs...)...); err != nil {
		return nil, err
	}
	endpoints := map[string]string{"azure": "https://" + addr(0), "azure-stack-hub": "https://" + addr(1)}
	if err := Eventually(ctx, 30*time.Second, func() error {
		hc, err := ArmsimClient(ca)
		if err != nil {
			return err
		}
		s.Sim = armsim.NewAdminClient(endpoints["azure"], hc)
		return s.Sim.ResetCounters(ctx)
	}); err != nil {
		return nil, fmt.Errorf("armsim did not start: %w", err)
	}
	clouds, err := yaml.Marshal(cloud.Armsim(ca, endpoints, nil))
	if err != nil {
		return nil, err
	}
	cloudsFile := filepath.Join(dir, "clouds.yaml")
	if err := os.WriteFile(cloudsFile, clouds, 0o600); err != nil {
		return nil, err
	}
	s.Common = []string{"-clouds", cloudsFile, "-state-dir", s.State}
	s.Network, s.Gateway, s.Compute = addr(2), addr(3), addr(4)
	for i, svc := range []string{"network", "gateway", "compute"} {
		args := append([]string{"-grpc-addr", addr(2 + i), "-http-addr", addr(5 + i)}, s.Common...)
		if err := procs.Start(ctx, dir, filepath.Join(s.Bin, svc), svc, args...); err != nil {
			return nil, err
		}
	}
	for _, a := range []string{s.Network, s.Gateway, s.Compute} {
		if err := Healthy(ctx, a); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Orchestrator starts an orchestrator named name on the stack, its gRPC API on grpcAddr
// (and REST on httpAddr), with Common, the services' addresses, armsim's time scale (for its
// polling schedules and default write budgets), and args; Healthy(grpcAddr) waits until it serves.
func (s *Stack) Orchestrator(ctx context.Context, name, grpcAddr, httpAddr string, args ...string) error {
	args = append(append([]string{"-grpc-addr", grpcAddr, "-http-addr", httpAddr,
		"-network-addr", s.Network, "-gateway-addr", s.Gateway, "-compute-addr", s.Compute,
		"-time-scale", fmt.Sprint(s.TimeScale)}, args...), s.Common...)
	return s.Procs.Start(ctx, s.Dir, filepath.Join(s.Bin, "orchestrator"), name, args...)
}

// TemporalOptions are a Temporal client's options for the frontend at hostPort and namespace
// ("" for the default), its own logs dropped: the programs print what they measure.
func TemporalOptions(hostPort, namespace string) client.Options {
	return client.Options{HostPort: hostPort, Namespace: namespace, Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))}
}

// Dial connects to an orchestrator's API with the development admin token of the stack's
// state folder.
func (s *Stack) Dial(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(serve.BearerToken{File: filepath.Join(s.State, auth.DevFolder, "admin.token"), Insecure: true}))
}

// Apply creates the deployment id (Spec) through api and waits until its operation is done
// through ops (another API replica, or the same). A call that times out or finds the API
// unavailable is tried again, as a client would (a create is idempotent), and counted in
// retries.
func Apply(ctx context.Context, api orchestratorv1.OrchestratorServiceClient, ops longrunningpb.OperationsClient, id string, retries *atomic.Int64) error {
	var op *longrunningpb.Operation
	err := again(ctx, retries, func() (err error) {
		op, err = api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id,
			Deployment: &orchestratorv1.Deployment{Spec: Spec(id)}})
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

// Spec is a deployment of an Azure site and an Azure Stack Hub site with a VM each, in its
// own resource groups.
func Spec(id string) *orchestratorv1.DeploymentSpec {
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
