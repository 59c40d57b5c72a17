package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/platform/temporaldev"
	compute "github.com/hybridlink/hybridlink/services/compute/service"
	gateway "github.com/hybridlink/hybridlink/services/gateway/service"
	network "github.com/hybridlink/hybridlink/services/network/service"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// temporal is the package's Temporal dev server, started once by TestMain.
var temporal *temporaldev.Server

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hybridlink-temporal-")
	if err != nil {
		panic(err)
	}
	temporal, err = temporaldev.Start(context.Background(), temporaldev.Options{DBFile: filepath.Join(dir, "temporal.db"), Headless: true})
	if err != nil {
		panic(err)
	}
	code := m.Run()
	temporal.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// scaled is armsim at the time scale most of these tests run at: a VPN gateway, 30 to 45
// minutes in ARM, takes 0.9 to 1.35 s.
var scaled = armsim.Config{TimeScale: 0.0005}

// stack runs armsim, the three resource services and the orchestrator (API and worker).
type stack struct {
	sim  *armsim.Sim
	orch *servicetest.Stack
	// net, gw and cmp are the network, gateway and compute services.
	net, gw, cmp *servicetest.Stack
	api          orchestratorv1.OrchestratorServiceClient
	ops          longrunningpb.OperationsClient
}

// start starts the stack, the orchestrator's options changed by opts.
func start(t testing.TB, cfg armsim.Config, taskQueue string, opts ...func(*service.Options)) stack {
	t.Helper()
	net := servicetest.Start(t, network.Name, cfg, network.Service)
	gw := net.Add(t, gateway.Name, gateway.Service)
	cmp := net.Add(t, compute.Name, compute.Service)
	o := service.Options{Temporal: temporal.Address, Namespace: "default", TaskQueue: taskQueue, Worker: true,
		Network: net.Conn.Target(), Gateway: gw.Conn.Target(), Compute: cmp.Conn.Target(),
		PayloadKeyFile: filepath.Join(t.TempDir(), "payload.key"), Writes: service.Writes{"azure": 100, "azure-stack-hub": 100},
		TimeScale: net.TimeScale}
	for _, opt := range opts {
		opt(&o)
	}
	orch := net.Add(t, service.Name, func(env serve.Env) (serve.Service, error) { return service.Service(env, o) })
	s := stack{sim: net.Sim, orch: orch, net: net, gw: gw, cmp: cmp}
	s.connect()
	return s
}

// connect (re)makes the clients of the orchestrator, after a start or a restart.
func (s *stack) connect() {
	s.api = orchestratorv1.NewOrchestratorServiceClient(s.orch.Conn)
	s.ops = longrunningpb.NewOperationsClient(s.orch.Conn)
}

// hybridSpec is an Azure hub and an Azure Stack Hub site with a VM each.
func hybridSpec() *orchestratorv1.DeploymentSpec {
	vm := func(name, size string) *orchestratorv1.VirtualMachineSpec {
		return &orchestratorv1.VirtualMachineSpec{Name: name, Size: size, ImagePublisher: "Canonical",
			ImageOffer: "0001-com-ubuntu-server-jammy", ImageSku: "22_04-lts", AdminUsername: "azureuser", AdminPassword: "Sup3r-Secret-Pw"}
	}
	return &orchestratorv1.DeploymentSpec{
		Sites: []*orchestratorv1.Site{
			{Name: "hub", Cloud: "azure", ResourceGroup: "hub-rg", AddressPrefixes: []string{"10.1.0.0/16"},
				WorkloadSubnetPrefix: "10.1.1.0/24", GatewaySubnetPrefix: "10.1.255.0/27",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("hub-vm", "Standard_B2s")}},
			{Name: "stack", Cloud: "azure-stack-hub", ResourceGroup: "stack-rg", AddressPrefixes: []string{"10.2.0.0/16"},
				WorkloadSubnetPrefix: "10.2.1.0/24", GatewaySubnetPrefix: "10.2.255.0/27",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{vm("stack-vm", "Standard_A2_v2")}},
		},
		Connection: &orchestratorv1.ConnectionSpec{SharedKey: "e2e-Shared-Key-7f3a"},
	}
}

// wait waits for an orchestrator operation to be done.
func wait(t testing.TB, s stack, op *longrunningpb.Operation, err error) *longrunningpb.Operation {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !op.GetDone() {
		if time.Now().After(deadline) {
			d, _ := s.api.GetDeployment(context.Background(), &orchestratorv1.GetDeploymentRequest{Name: strings.TrimSuffix(strings.TrimPrefix(op.GetName(), "operations/"), "/create")})
			t.Fatalf("operation %s not done: %v", op.GetName(), protojson.Format(d))
		}
		if op, err = s.ops.WaitOperation(context.Background(), &longrunningpb.WaitOperationRequest{Name: op.GetName(), Timeout: durationpb.New(20 * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	return op
}

// TestDeployment takes one deployment from CreateDeployment to READY with both connections
// Connected and the VMs running, checked in armsim's own state, then tears it down until
// armsim is empty.
func TestDeployment(t *testing.T) {
	s := deployed(t, "e2e-deployment", "hybrid")
	ctx := context.Background()
	d := getDeployment(t, s, "hybrid")
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("state %s", d.GetStatus().GetState())
	}
	if d.GetCreateTime() == nil || d.GetUpdateTime().AsTime().Before(d.GetCreateTime().AsTime()) || d.GetEtag() == "" {
		t.Fatalf("create %v, update %v, etag %q", d.GetCreateTime(), d.GetUpdateTime(), d.GetEtag())
	}
	for _, so := range d.GetStatus().GetOutputs().GetSites() {
		if so.GetConnectionStatus() != gatewayv1.Connection_STATUS_CONNECTED || so.GetGatewayIpAddress() == "" || len(so.GetVmPrivateIps()) != 1 {
			t.Fatalf("outputs of %s: %v", so.GetSite(), so)
		}
	}
	if strings.Contains(protojson.Format(d), "e2e-Shared-Key-7f3a") || strings.Contains(protojson.Format(d), "Sup3r-Secret-Pw") {
		t.Fatal("a secret is in the deployment the API returns")
	}
	res, err := s.sim.Admin.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	connections := 0
	for _, r := range res {
		if r.Type == "Microsoft.Network/connections" {
			connections++
			tn, err := s.sim.Admin.Explain(ctx, r.Cloud, r.ID)
			if err != nil || tn.Status != "Connected" {
				t.Fatalf("armsim says %s is %s: %s", r.ID, tn.Status, tn.Reason)
			}
		}
	}
	if connections != 2 {
		t.Fatalf("armsim holds %d connections, want 2", connections)
	}
	stateVisible(t, "e2e-deployment", "deployments/hybrid", "READY")

	op, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/hybrid"})
	wait(t, s, op, err)
	left, err := s.sim.Admin.Resources(ctx)
	if err != nil || len(left) != 0 {
		t.Fatalf("teardown leaves armsim empty: %v %v", left, err)
	}
	stateVisible(t, "e2e-deployment", "deployments/hybrid", "DELETED")
}

// stateVisible waits (visibility lags) until Temporal's visibility finds the deployment's
// workflow by its state, as its UI and `temporal workflow list -q` do.
func stateVisible(t *testing.T, taskQueue, id, state string) {
	t.Helper()
	tc := dialTemporal(t, client.Options{Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	q := fmt.Sprintf("TaskQueue = '%s' AND WorkflowId = '%s' AND DeploymentState = '%s'", taskQueue, id, state)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		resp, err := tc.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: q})
		if err == nil && len(resp.GetExecutions()) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("visibility finds no %s by %s: %v", id, q, err)
		}
	}
}

// deployed starts the stack, the orchestrator's options changed by opts, and deploys
// hybridSpec in it as deployment id.
func deployed(t testing.TB, taskQueue, id string, opts ...func(*service.Options)) stack {
	t.Helper()
	s := start(t, scaled, taskQueue, opts...)
	deploy(t, s, id, hybridSpec())
	return s
}

// deploy creates deployment id of spec and waits for it, failing the test when it fails.
func deploy(t testing.TB, s stack, id string, spec *orchestratorv1.DeploymentSpec) {
	t.Helper()
	op, err := s.api.CreateDeployment(context.Background(), &orchestratorv1.CreateDeploymentRequest{DeploymentId: id, Deployment: &orchestratorv1.Deployment{Spec: spec}})
	if e := wait(t, s, op, err).GetError(); e != nil {
		t.Fatalf("deployment %s failed: %s", id, e.GetMessage())
	}
}

// dialTemporal returns a client of the package's Temporal server, with o's other options,
// closed when the test ends.
func dialTemporal(t testing.TB, o client.Options) client.Client {
	t.Helper()
	o.HostPort = temporal.Address
	c, err := client.Dial(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// getDeployment gets deployment id, failing the test when it cannot.
func getDeployment(t testing.TB, s stack, id string) *orchestratorv1.Deployment {
	t.Helper()
	d, err := s.api.GetDeployment(context.Background(), &orchestratorv1.GetDeploymentRequest{Name: "deployments/" + id})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
