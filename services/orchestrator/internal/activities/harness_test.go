package activities_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	computesvc "github.com/hybridlink/hybridlink/services/compute/service"
	gatewaysvc "github.com/hybridlink/hybridlink/services/gateway/service"
	networksvc "github.com/hybridlink/hybridlink/services/network/service"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/activities"
)

var ctx = context.Background()

// Secrets the tests send and search for in every error and heartbeat.
const (
	sharedKey = "Activities-Key-7c1e93b5"
	password  = "Hl-Secr3t-9f2kQ!"
)

// harness is armsim with the three resource services on it, and the activities calling
// them through a counting interceptor.
type harness struct {
	acts  *activities.Activities
	sim   *armsim.Sim
	calls *calls
	suite testsuite.WorkflowTestSuite
}

func start(t *testing.T, cfg armsim.Config) *harness {
	t.Helper()
	network := servicetest.Start(t, networksvc.Name, cfg, networksvc.Service)
	gateway := network.Add(t, gatewaysvc.Name, gatewaysvc.Service)
	compute := network.Add(t, computesvc.Name, computesvc.Service)
	c := &calls{n: map[string]int{}}
	acts := activities.New(c.dial(t, network), c.dial(t, gateway), c.dial(t, compute))
	acts.VerifyInterval = 10 * time.Millisecond
	acts.Expect.Scale = network.TimeScale
	h := &harness{acts: acts, sim: network.Sim, calls: c}
	h.suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	return h
}

// beats holds the operation names the activities heart-beat.
type beats struct {
	mu    sync.Mutex
	names []string
}

func (b *beats) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.names...)
}

// env returns a fresh activity environment running the activities, and the operation names
// they heart-beat in it.
func (h *harness) env() (*testsuite.TestActivityEnvironment, *beats) {
	env := h.suite.NewTestActivityEnvironment()
	env.RegisterActivity(h.acts)
	b := &beats{}
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
		var name string
		if d.Get(&name) == nil {
			b.mu.Lock()
			b.names = append(b.names, name)
			b.mu.Unlock()
		}
	})
	return env, b
}

// execute runs one activity and decodes its result into out, unless out is nil.
func execute(t *testing.T, env *testsuite.TestActivityEnvironment, fn, arg, out any) error {
	t.Helper()
	v, err := env.ExecuteActivity(fn, arg)
	if err == nil && out != nil {
		if err := v.Get(out); err != nil {
			t.Fatal(err)
		}
	}
	return err
}

// must is execute failing the test when the activity fails.
func must(t *testing.T, env *testsuite.TestActivityEnvironment, fn, arg, out any) {
	t.Helper()
	if err := execute(t, env, fn, arg, out); err != nil {
		t.Fatal(err)
	}
}

// appError returns the activity's ApplicationError, failing the test when it is none.
func appError(t *testing.T, err error) *temporal.ApplicationError {
	t.Helper()
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		t.Fatalf("want an ApplicationError, got %T %v", err, err)
	}
	return ae
}

// calls counts the resource service methods the activities call, and fails the next
// GetOperation when told, as a dropped connection would.
type calls struct {
	mu       sync.Mutex
	n        map[string]int
	failPoll atomic.Bool
}

func (c *calls) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[method]
}

func (c *calls) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	name := path.Base(method)
	c.mu.Lock()
	c.n[name]++
	c.mu.Unlock()
	if name == "GetOperation" && c.failPoll.CompareAndSwap(true, false) {
		return status.Error(codes.Unavailable, "connection to the service lost (injected by the test)")
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (c *calls) dial(t *testing.T, st *servicetest.Stack) *grpc.ClientConn {
	t.Helper()
	return st.DialAs(t, auth.Orchestrator, grpc.WithUnaryInterceptor(c.intercept))
}

// clouds are the two sites, with their address space's second octet and a VM size each offers.
var clouds = []struct{ id, octet, size, sku string }{
	{"azure", "1", "Standard_B2s", "VpnGw1"},
	{"azure-stack-hub", "2", "Standard_A2_v2", "Standard"},
}

func rg(cloud string) string { return "clouds/" + cloud + "/resourceGroups/rg" }

func space(octet string) string { return "10." + octet + ".0.0/16" }

func rgRequest(cloud string) *networkv1.CreateResourceGroupRequest {
	return &networkv1.CreateResourceGroupRequest{Parent: "clouds/" + cloud, ResourceGroupId: "rg", ResourceGroup: &networkv1.ResourceGroup{}}
}

func vnetRequest(cloud, octet string) *networkv1.CreateVirtualNetworkRequest {
	return &networkv1.CreateVirtualNetworkRequest{Parent: rg(cloud), VirtualNetworkId: "vnet", VirtualNetwork: &networkv1.VirtualNetwork{
		AddressPrefixes: []string{space(octet)},
		Subnets: []*networkv1.Subnet{
			{Name: "workload", AddressPrefix: "10." + octet + ".1.0/24"},
			{Name: "GatewaySubnet", AddressPrefix: "10." + octet + ".255.0/27"},
		},
	}}
}

func pipRequest(cloud string) *gatewayv1.CreatePublicIPAddressRequest {
	return &gatewayv1.CreatePublicIPAddressRequest{Parent: rg(cloud), PublicIpAddressId: "gw-ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}}
}

func gatewayRequest(cloud, sku string) *gatewayv1.CreateVirtualNetworkGatewayRequest {
	return &gatewayv1.CreateVirtualNetworkGatewayRequest{Parent: rg(cloud), VirtualNetworkGatewayId: "gw",
		VirtualNetworkGateway: &gatewayv1.VirtualNetworkGateway{
			Sku:             sku,
			Subnet:          rg(cloud) + "/virtualNetworks/vnet/subnets/GatewaySubnet",
			PublicIpAddress: rg(cloud) + "/publicIPAddresses/gw-ip",
		}}
}

func localRequest(cloud, remoteIP, remoteSpace string) *gatewayv1.CreateLocalNetworkGatewayRequest {
	return &gatewayv1.CreateLocalNetworkGatewayRequest{Parent: rg(cloud), LocalNetworkGatewayId: "remote",
		LocalNetworkGateway: &gatewayv1.LocalNetworkGateway{GatewayIpAddress: remoteIP, AddressPrefixes: []string{remoteSpace}}}
}

// connectionRequest is the connection of cloud's gateway to its remote site. The Azure side
// gets Azure Stack Hub's one default proposal as its custom policy.
func connectionRequest(cloud string) *gatewayv1.CreateConnectionRequest {
	c := &gatewayv1.Connection{VirtualNetworkGateway: rg(cloud) + "/virtualNetworkGateways/gw",
		LocalNetworkGateway: rg(cloud) + "/localNetworkGateways/remote", SharedKey: sharedKey}
	if cloud == "azure" {
		c.IpsecPolicy = &gatewayv1.IpsecPolicy{IkeEncryption: "AES256", IkeIntegrity: "SHA384", DhGroup: "ECP384",
			IpsecEncryption: "GCMAES256", IpsecIntegrity: "GCMAES256", PfsGroup: "ECP384",
			SaLifetimeSeconds: 27000, SaDataSizeKilobytes: 102400000}
	}
	return &gatewayv1.CreateConnectionRequest{Parent: rg(cloud), ConnectionId: "tunnel", Connection: c}
}

func nicRequest(cloud string) *computev1.CreateNetworkInterfaceRequest {
	return &computev1.CreateNetworkInterfaceRequest{Parent: rg(cloud), NetworkInterfaceId: "nic",
		NetworkInterface: &computev1.NetworkInterface{Subnet: rg(cloud) + "/virtualNetworks/vnet/subnets/workload"}}
}

// vmRequest is a VM of a generation 1 image, which both clouds offer (Azure Stack Hub
// runs no other).
func vmRequest(cloud, size string) *computev1.CreateVirtualMachineRequest {
	return &computev1.CreateVirtualMachineRequest{Parent: rg(cloud), VirtualMachineId: "vm", VirtualMachine: &computev1.VirtualMachine{
		Size:              size,
		Image:             &computev1.ImageReference{Publisher: "Canonical", Offer: "0001-com-ubuntu-server-jammy", Sku: "22_04-lts"},
		AdminUsername:     "azureuser",
		AdminPassword:     password,
		NetworkInterfaces: []string{rg(cloud) + "/networkInterfaces/nic"},
	}}
}

// network creates cloud's resource group and virtual network, and its gateway's public IP
// address, through the activities.
func (h *harness) network(t *testing.T, cloud, octet string) {
	t.Helper()
	env, _ := h.env()
	must(t, env, h.acts.EnsureResourceGroup, rgRequest(cloud), &networkv1.ResourceGroup{})
	must(t, env, h.acts.EnsureVirtualNetwork, vnetRequest(cloud, octet), &networkv1.VirtualNetwork{})
	must(t, env, h.acts.EnsurePublicIPAddress, pipRequest(cloud), &gatewayv1.PublicIPAddress{})
}
