package workflow

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	sdkworkflow "go.temporal.io/sdk/workflow"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Latencies of the fake cloud, in workflow time.
var latencies = map[string]time.Duration{
	EnsureResourceGroup:         time.Minute,
	EnsureVirtualNetwork:        2 * time.Minute,
	EnsurePublicIPAddress:       time.Minute,
	EnsureVirtualNetworkGateway: 45 * time.Minute,
	EnsureNetworkInterface:      time.Minute,
	EnsureVirtualMachine:        5 * time.Minute,
	EnsureLocalNetworkGateway:   time.Minute,
	EnsureConnection:            2 * time.Minute,
	VerifyConnections:           3 * time.Minute,
	DeleteResource:              time.Minute,
	ReadVirtualNetwork:          time.Second,
	ReadVirtualNetworkGateway:   time.Second,
	SetSharedKey:                30 * time.Second,
	CheckResources:              10 * time.Second,
	ProbeVM:                     30 * time.Second,
}

// criticalPath is the graph's critical path with these latencies: resource group, virtual
// network, gateway, local network gateway, connection, verify, and the probe after it.
const criticalPath = (1+2+45+1+2+3)*time.Minute + 30*time.Second

// verifyKey and checkKey are the keys verify's and the drift checks' runs are recorded under.
const verifyKey, checkKey = "verify", "check"

// span is one attempt of an activity on one resource, in workflow time.
type span struct {
	start, end time.Time
}

// fake is a cloud behind mocked activities: it records every attempt, request and
// deletion, answers with resources as the resource services would, and fails the
// attempts a test asks it to.
type fake struct {
	env *testsuite.TestWorkflowEnvironment

	mu sync.Mutex
	// runs holds each resource's attempts, by resource name (verifyKey for verify).
	runs map[string][]span
	// requests holds each resource's last request, by resource name.
	requests map[string]any
	// deletes lists deleted resources in the order their deletions started.
	deletes []string
	// down are the private IPs the probe cannot reach.
	down map[string]bool
	// drifted is what the next drift checks find.
	drifted []*orchestratorv1.Drift
	// failures holds, by resource name (or deletion(name)), the errors of the next
	// attempts (nil: succeed).
	failures map[string][]error
}

// newFake returns a test environment whose activities are the fake's, with Deployment
// registered.
func newFake(t *testing.T) *fake {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(30 * time.Second)
	env.RegisterWorkflowWithOptions(Deployment, sdkworkflow.RegisterOptions{Name: Name})
	f := &fake{env: env, runs: map[string][]span{}, requests: map[string]any{}, failures: map[string][]error{}}
	fns := map[string]any{}
	fns[EnsureResourceGroup] = (ensure(f, EnsureResourceGroup,
		child("resourceGroups", (*networkv1.CreateResourceGroupRequest).GetResourceGroupId),
		func(name string, r *networkv1.CreateResourceGroupRequest) *networkv1.ResourceGroup {
			// the fake creates a group at its first attempt: later ones find it
			return &networkv1.ResourceGroup{Name: name, Location: r.GetResourceGroup().GetLocation(), Created: len(f.runs[name]) == 1}
		}))
	fns[EnsureVirtualNetwork] = (ensure(f, EnsureVirtualNetwork,
		child("virtualNetworks", (*networkv1.CreateVirtualNetworkRequest).GetVirtualNetworkId),
		func(name string, r *networkv1.CreateVirtualNetworkRequest) *networkv1.VirtualNetwork {
			return &networkv1.VirtualNetwork{Name: name, AddressPrefixes: r.GetVirtualNetwork().GetAddressPrefixes()}
		}))
	fns[EnsurePublicIPAddress] = (ensure(f, EnsurePublicIPAddress,
		child("publicIPAddresses", (*gatewayv1.CreatePublicIPAddressRequest).GetPublicIpAddressId),
		func(name string, _ *gatewayv1.CreatePublicIPAddressRequest) *gatewayv1.PublicIPAddress {
			return &gatewayv1.PublicIPAddress{Name: name}
		}))
	fns[EnsureVirtualNetworkGateway] = (ensure(f, EnsureVirtualNetworkGateway,
		child("virtualNetworkGateways", (*gatewayv1.CreateVirtualNetworkGatewayRequest).GetVirtualNetworkGatewayId),
		func(name string, r *gatewayv1.CreateVirtualNetworkGatewayRequest) *gatewayv1.VirtualNetworkGateway {
			return &gatewayv1.VirtualNetworkGateway{
				Name: name, Sku: r.GetVirtualNetworkGateway().GetSku(),
				GatewayIpAddress: gatewayIP(name), BgpAsn: 65515, BgpPeeringAddress: "bgp-of-" + name,
			}
		}))
	fns[EnsureNetworkInterface] = (ensure(f, EnsureNetworkInterface,
		child("networkInterfaces", (*computev1.CreateNetworkInterfaceRequest).GetNetworkInterfaceId),
		func(name string, _ *computev1.CreateNetworkInterfaceRequest) *computev1.NetworkInterface {
			return &computev1.NetworkInterface{Name: name, AllocatedPrivateIpAddress: privateIP(name)}
		}))
	fns[EnsureVirtualMachine] = (ensure(f, EnsureVirtualMachine,
		child("virtualMachines", (*computev1.CreateVirtualMachineRequest).GetVirtualMachineId),
		func(name string, _ *computev1.CreateVirtualMachineRequest) *computev1.VirtualMachine {
			return &computev1.VirtualMachine{Name: name, PowerState: computev1.VirtualMachine_POWER_STATE_RUNNING}
		}))
	fns[EnsureLocalNetworkGateway] = (ensure(f, EnsureLocalNetworkGateway,
		child("localNetworkGateways", (*gatewayv1.CreateLocalNetworkGatewayRequest).GetLocalNetworkGatewayId),
		func(name string, r *gatewayv1.CreateLocalNetworkGatewayRequest) *gatewayv1.LocalNetworkGateway {
			return &gatewayv1.LocalNetworkGateway{Name: name, GatewayIpAddress: r.GetLocalNetworkGateway().GetGatewayIpAddress()}
		}))
	fns[EnsureConnection] = (ensure(f, EnsureConnection,
		child("connections", (*gatewayv1.CreateConnectionRequest).GetConnectionId),
		func(name string, _ *gatewayv1.CreateConnectionRequest) *gatewayv1.Connection {
			return &gatewayv1.Connection{Name: name, Status: gatewayv1.Connection_STATUS_CONNECTING}
		}))
	fns[VerifyConnections] = (ensure(f, VerifyConnections,
		func(VerifyRequest) string { return verifyKey },
		func(_ string, r VerifyRequest) []*gatewayv1.Connection {
			var conns []*gatewayv1.Connection
			for i, name := range r.Connections {
				conns = append(conns, &gatewayv1.Connection{
					Name: name, Status: gatewayv1.Connection_STATUS_CONNECTED,
					IngressBytes: int64(1000 * (i + 1)), EgressBytes: int64(2000 * (i + 1)),
				})
			}
			return conns
		}))
	fns[ReadVirtualNetwork] = (ensure(f, ReadVirtualNetwork,
		func(r *networkv1.GetVirtualNetworkRequest) string { return r.GetName() },
		func(name string, _ *networkv1.GetVirtualNetworkRequest) *networkv1.VirtualNetwork {
			return &networkv1.VirtualNetwork{Name: name}
		}))
	fns[ReadVirtualNetworkGateway] = (ensure(f, ReadVirtualNetworkGateway,
		func(r *gatewayv1.GetVirtualNetworkGatewayRequest) string { return r.GetName() },
		func(name string, _ *gatewayv1.GetVirtualNetworkGatewayRequest) *gatewayv1.VirtualNetworkGateway {
			return &gatewayv1.VirtualNetworkGateway{Name: name, Sku: "VpnGw2AZ", GatewayIpAddress: gatewayIP(name), BgpAsn: 65515, BgpPeeringAddress: "bgp-of-" + name}
		}))
	fns[SetSharedKey] = (ensure(f, SetSharedKey,
		func(r *gatewayv1.SetConnectionSharedKeyRequest) string { return keyOf(r.GetName()) },
		func(name string, r *gatewayv1.SetConnectionSharedKeyRequest) *gatewayv1.Connection {
			return &gatewayv1.Connection{Name: r.GetName()}
		}))
	fns[ProbeVM] = (ensure(f, ProbeVM,
		func(r ProbeRequest) string { return probeKey(r.Resource) },
		func(_ string, r ProbeRequest) []*orchestratorv1.ProbeResult {
			var out []*orchestratorv1.ProbeResult
			for _, tg := range r.Targets {
				out = append(out, &orchestratorv1.ProbeResult{SourceSite: r.Site, SourceVm: r.VM, TargetSite: tg.Site, TargetVm: tg.VM, TargetIp: tg.IP,
					Icmp: !f.unreachable(tg.IP), Tcp: !f.unreachable(tg.IP), RttMs: 20.5})
			}
			return out
		}))
	fns[CheckResources] = (ensure(f, CheckResources,
		func(CheckRequest) string { return checkKey },
		func(string, CheckRequest) []*orchestratorv1.Drift { return f.drift() }))
	fns[DeleteResource] = (func(_ context.Context, r DeleteRequest) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.deletes = append(f.deletes, r.Resource)
		return f.next(deletion(r.Resource))
	})
	// Every activity is registered before any is mocked, as the test environment requires.
	for name, fn := range fns {
		env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	for name, fn := range fns {
		env.OnActivity(name, mock.Anything, mock.Anything).After(latencies[name]).Return(fn)
	}
	return f
}

// child returns the name of the resource a Create request makes: in its parent's
// collection, with the id that id reads from the request.
func child[Req interface{ GetParent() string }](collection string, id func(Req) string) func(Req) string {
	return func(r Req) string { return r.GetParent() + "/" + collection + "/" + id(r) }
}

// ensure returns a mocked Ensure activity: it records the attempt (it ends now and began
// the activity's latency ago) and the request under the resource's name, then fails as
// the test asked or answers with the resource.
func ensure[Req, Res any](f *fake, activity string, name func(Req) string, resource func(string, Req) Res) func(context.Context, Req) (Res, error) {
	return func(_ context.Context, req Req) (Res, error) {
		n := name(req)
		end := f.env.Now()
		f.mu.Lock()
		defer f.mu.Unlock()
		f.runs[n] = append(f.runs[n], span{start: end.Add(-latencies[activity]), end: end})
		f.requests[n] = req
		if err := f.next(n); err != nil {
			var zero Res
			return zero, err
		}
		return resource(n, req), nil
	}
}

// next pops the error of a resource's next attempt; f.mu is held.
func (f *fake) next(resource string) error {
	errs := f.failures[resource]
	if len(errs) == 0 {
		return nil
	}
	f.failures[resource] = errs[1:]
	return errs[0]
}

// fail makes the next attempts on resource fail with errs, in order.
func (f *fake) fail(resource string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[resource] = append(f.failures[resource], errs...)
}

// drift returns what a drift check finds now; f.mu is held.
func (f *fake) drift() []*orchestratorv1.Drift { return f.drifted }

// setDrift makes the next drift checks find found.
func (f *fake) setDrift(found ...*orchestratorv1.Drift) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drifted = found
}

// probeKey is the key of a VM's probes in runs, requests and failures.
func probeKey(vm string) string { return "probe " + vm }

// unreachable reports whether the probe cannot reach ip; f.mu is held.
func (f *fake) unreachable(ip string) bool { return f.down[ip] }

// keyOf is the key of a connection's shared-key settings in runs, requests and failures.
func keyOf(connection string) string { return "key " + connection }

// deletion is the key of a resource's deletions in failures: fail(deletion(name), ...)
// fails its deletion rather than its creation.
func deletion(resource string) string { return "delete " + resource }

// attempts returns the attempts on a resource.
func (f *fake) attempts(resource string) []span {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]span(nil), f.runs[resource]...)
}

// request returns the last request for a resource.
func (f *fake) request(resource string) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[resource]
}

// deleted returns the deleted resources in the order their deletions started.
func (f *fake) deleted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.deletes...)
}

// gatewayIP is the public IP address of a gateway: Azure's are 20.x, the stamp's 192.0.2.x.
func gatewayIP(gateway string) string {
	if strings.HasPrefix(gateway, "clouds/azure/") {
		return "20.50.1.10"
	}
	return "192.0.2.20"
}

// privateIP is the private IP address allocated to a network interface.
func privateIP(nic string) string {
	return map[string]string{
		"clouds/azure/resourceGroups/hub-rg/networkInterfaces/hub-vm1-nic":                 "10.1.1.4",
		"clouds/azure-stack-hub/resourceGroups/stack-rg/networkInterfaces/stack-vm1-nic":   "10.2.1.4",
		"clouds/azure-stack-hub/resourceGroups/stack-rg/networkInterfaces/stack-vm2-nic":   "10.2.1.5",
		"clouds/azure-stack-hub/resourceGroups/stack-rg/networkInterfaces/stack-extra-nic": "10.2.1.6",
	}[nic]
}

// Secrets of the test deployment, which no query may show.
const (
	sharedKey   = "s3cr3t-Shared-Key"
	hubPassword = "Hub-Passw0rd!"
)

// azurePolicy is the IPsec policy the hub's connection gets.
var azurePolicy = &gatewayv1.IpsecPolicy{
	IkeEncryption: "AES256", IkeIntegrity: "SHA384", DhGroup: "ECP384",
	IpsecEncryption: "GCMAES256", IpsecIntegrity: "GCMAES256", PfsGroup: "ECP384",
	SaLifetimeSeconds: 27000, SaDataSizeKilobytes: 102400000,
}

// input returns a deployment of an Azure hub (one VM) and an Azure Stack Hub site (two
// VMs), with opts applied to its spec.
func input(opts ...func(*orchestratorv1.DeploymentSpec)) Input {
	spec := &orchestratorv1.DeploymentSpec{
		Sites: []*orchestratorv1.Site{
			{
				Name: "hub", Cloud: "azure", Location: "westeurope", ResourceGroup: "hub-rg",
				AddressPrefixes: []string{"10.1.0.0/16"}, WorkloadSubnetPrefix: "10.1.1.0/24",
				GatewaySubnetPrefix: "10.1.255.0/27", GatewaySku: "VpnGw1", EnableBgp: true,
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{{
					Name: "hub-vm1", Size: "Standard_B2s", ImagePublisher: "Canonical", ImageOffer: "ubuntu-24_04-lts",
					ImageSku: "server", AdminUsername: "azureuser", AdminPassword: hubPassword,
				}},
			},
			{
				Name: "stack", Cloud: "azure-stack-hub", Location: "local", ResourceGroup: "stack-rg",
				AddressPrefixes: []string{"10.2.0.0/16", "10.3.0.0/16"}, WorkloadSubnetPrefix: "10.2.1.0/24",
				GatewaySubnetPrefix: "10.2.255.0/27", GatewaySku: "Standard",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{
					{
						Name: "stack-vm1", Size: "Standard_A2_v2", ImagePublisher: "Canonical", ImageOffer: "ubuntu",
						ImageSku: "server", AdminUsername: "stackuser", AdminPassword: "Stack-Passw0rd!",
					},
					{
						Name: "stack-vm2", Size: "Standard_A2_v2", ImagePublisher: "Canonical", ImageOffer: "ubuntu",
						ImageSku: "server", AdminUsername: "stackuser", SshPublicKeys: []string{"ssh-ed25519 AAAA"},
					},
				},
			},
		},
		Connection: &orchestratorv1.ConnectionSpec{SharedKey: sharedKey},
	}
	for _, o := range opts {
		o(spec)
	}
	return Input{Name: "deployments/d1", Spec: spec, Policies: []*gatewayv1.IpsecPolicy{azurePolicy, nil}}
}

// existingStackGroup makes the stack site's resource group an existing one.
func existingStackGroup(spec *orchestratorv1.DeploymentSpec) {
	spec.Sites[1].ExistingResourceGroup = true
}

// rollback sets FAILURE_POLICY_ROLLBACK.
func rollback(spec *orchestratorv1.DeploymentSpec) {
	spec.FailurePolicy = orchestratorv1.DeploymentSpec_FAILURE_POLICY_ROLLBACK
}

// query returns the deployment as QueryStatus shows it.
func (f *fake) query(t *testing.T) *orchestratorv1.Deployment {
	t.Helper()
	v, err := f.env.QueryWorkflow(QueryStatus)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var d *orchestratorv1.Deployment
	if err := v.Get(&d); err != nil {
		t.Fatalf("query result: %v", err)
	}
	return d
}

// update sends an update at the current time and returns a function that gives its
// outcome once ExecuteWorkflow has returned: the deployment, or the rejection or failure.
func (f *fake) update(t *testing.T, name string, args ...any) func() (*orchestratorv1.Deployment, error) {
	t.Helper()
	var (
		got  *orchestratorv1.Deployment
		fail error
		done bool
	)
	f.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) { fail, done = err, true },
		OnComplete: func(v any, err error) {
			done, fail = true, err
			if err != nil {
				return
			}
			switch v := v.(type) {
			case *orchestratorv1.Deployment:
				got = v
			case converter.EncodedValue:
				fail = v.Get(&got)
			}
		},
	}, args...)
	return func() (*orchestratorv1.Deployment, error) {
		if !done {
			return nil, errors.New("the update did not complete")
		}
		return got, fail
	}
}

// run executes the deployment of in and, once the workflow is idle at the end (after
// settle), queries it and cancels it; it returns what the query showed.
func (f *fake) run(t *testing.T, in Input, settle time.Duration) *orchestratorv1.Deployment {
	t.Helper()
	var d *orchestratorv1.Deployment
	f.env.RegisterDelayedCallback(func() {
		d = f.query(t)
		f.env.CancelWorkflow()
	}, settle)
	f.env.ExecuteWorkflow(Name, in)
	if d == nil {
		t.Fatalf("the workflow ended before %s: %v", settle, f.env.GetWorkflowError())
	}
	return d
}

// steps returns a deployment's steps by name.
func steps(d *orchestratorv1.Deployment) map[string]*orchestratorv1.Step {
	m := map[string]*orchestratorv1.Step{}
	for _, s := range d.GetStatus().GetSteps() {
		m[s.GetName()] = s
	}
	return m
}
