package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Resource names of the test deployment.
const (
	hubGroup     = "clouds/azure/resourceGroups/hub-rg"
	stackGroup   = "clouds/azure-stack-hub/resourceGroups/stack-rg"
	hubVnet      = hubGroup + "/virtualNetworks/hub-vnet"
	stackVnet    = stackGroup + "/virtualNetworks/stack-vnet"
	hubIP        = hubGroup + "/publicIPAddresses/hub-gw-ip"
	hubGateway   = hubGroup + "/virtualNetworkGateways/hub-gw"
	stackGateway = stackGroup + "/virtualNetworkGateways/stack-gw"
	hubLocal     = hubGroup + "/localNetworkGateways/hub-to-stack"
	stackLocal   = stackGroup + "/localNetworkGateways/stack-to-hub"
	hubConn      = hubGroup + "/connections/hub-to-stack"
	stackConn    = stackGroup + "/connections/stack-to-hub"
)

// ready is long enough for any apply of the test deployment to end.
const ready = 4 * time.Hour

// dependencies returns, by step name, the steps each step of in's graph depends on.
func dependencies(in Input) map[string][]string {
	deps := map[string][]string{"verify": {"hub/connection", "stack/connection"}}
	for _, site := range in.Spec.GetSites() {
		s := site.GetName()
		var group []string
		if !site.GetExistingResourceGroup() {
			deps[s+"/resource-group"] = nil
			group = []string{s + "/resource-group"}
		}
		deps[s+"/virtual-network"] = group
		deps[s+"/public-ip"] = group
		deps[s+"/vpn-gateway"] = []string{s + "/virtual-network", s + "/public-ip"}
		for _, vm := range site.GetVirtualMachines() {
			deps[s+"/network-interface/"+vm.GetName()] = []string{s + "/virtual-network"}
			deps[s+"/virtual-machine/"+vm.GetName()] = []string{s + "/network-interface/" + vm.GetName()}
		}
		deps[s+"/local-network-gateway"] = []string{"hub/vpn-gateway", "stack/vpn-gateway"}
		deps[s+"/connection"] = []string{s + "/vpn-gateway", s + "/local-network-gateway"}
	}
	return deps
}

// activityOf returns the activity of a step, by its name.
func activityOf(step string) string {
	kind := step[strings.Index(step, "/")+1:]
	if step == "verify" {
		return VerifyConnections
	}
	kind, _, _ = strings.Cut(kind, "/")
	return map[string]string{
		kindResourceGroup: EnsureResourceGroup, kindVirtualNetwork: EnsureVirtualNetwork,
		kindPublicIP: EnsurePublicIPAddress, kindGateway: EnsureVirtualNetworkGateway,
		kindNetworkInterface: EnsureNetworkInterface, kindVirtualMachine: EnsureVirtualMachine,
		kindLocalGateway: EnsureLocalNetworkGateway, kindConnection: EnsureConnection,
	}[kind]
}

// TestGraphOrderAndParallelism checks that every step starts exactly when the last step it
// depends on ends (so never before, and never later: everything that can run at once
// does), that both gateways and the VMs run together, and that the deployment takes the
// graph's critical path.
func TestGraphOrderAndParallelism(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		// together: both sites reach their gateway at the same time.
		together bool
	}{
		{"new resource groups", input(), true},
		{"existing resource group", input(existingStackGroup), false},
		{"no VMs", input(func(s *orchestratorv1.DeploymentSpec) {
			s.Sites[0].VirtualMachines, s.Sites[1].VirtualMachines = nil, nil
		}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			begin := f.env.Now()
			d := f.run(t, tc.in, ready)
			if got := d.GetStatus().GetState(); got != orchestratorv1.DeploymentStatus_STATE_READY {
				t.Fatalf("state %v, error %q; want READY", got, d.GetStatus().GetError())
			}
			deps, byName := dependencies(tc.in), steps(d)
			if len(byName) != len(deps) || len(d.GetStatus().GetSteps()) != len(deps) {
				t.Fatalf("steps %v, want one for each of %v", keys(byName), deps)
			}
			// want is when each step should end: its latency after the last of its dependencies.
			want := map[string]time.Time{}
			var end func(string) time.Time
			end = func(step string) time.Time {
				if e, ok := want[step]; ok {
					return e
				}
				start := begin
				for _, dep := range deps[step] {
					if e := end(dep); e.After(start) {
						start = e
					}
				}
				want[step] = start.Add(latencies[activityOf(step)])
				return want[step]
			}
			var last time.Time
			for name := range deps {
				s := byName[name]
				if s == nil {
					t.Fatalf("no step %s", name)
				}
				key := s.GetResource()
				if name == "verify" {
					key = verifyKey
				}
				runs := f.attempts(key)
				if len(runs) != 1 {
					t.Fatalf("%s ran %d times, want once", name, len(runs))
				}
				if got, want := slices.Sorted(slices.Values(s.GetDependsOn())), slices.Sorted(slices.Values(deps[name])); !slices.Equal(got, want) {
					t.Errorf("%s depends on %v, want %v", name, got, want)
				}
				wantEnd := end(name)
				wantStart := wantEnd.Add(-latencies[activityOf(name)])
				if !runs[0].start.Equal(wantStart) || !runs[0].end.Equal(wantEnd) {
					t.Errorf("%s ran %s-%s, want %s-%s (after %v)", name,
						runs[0].start.Sub(begin), runs[0].end.Sub(begin), wantStart.Sub(begin), wantEnd.Sub(begin), deps[name])
				}
				if s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED || s.GetAttempts() != 1 ||
					!s.GetStartTime().AsTime().Equal(runs[0].start) || !s.GetEndTime().AsTime().Equal(runs[0].end) {
					t.Errorf("step %s is %v", name, s)
				}
				if runs[0].end.After(last) {
					last = runs[0].end
				}
			}
			if got := last.Sub(begin); got != criticalPath {
				t.Errorf("the deployment took %s, want the critical path %s", got, criticalPath)
			}
			hub, stack := f.attempts(hubGateway)[0], f.attempts(stackGateway)[0]
			if tc.together && !hub.start.Equal(stack.start) {
				t.Errorf("gateways started at %s and %s, want together", hub.start.Sub(begin), stack.start.Sub(begin))
			}
			for name, s := range byName {
				if strings.Contains(name, "/virtual-machine/") && !s.GetStartTime().AsTime().Before(hub.end) {
					t.Errorf("%s started at %s, after the gateways", name, s.GetStartTime().AsTime().Sub(begin))
				}
			}
		})
	}
}

// keys returns a map's keys, sorted.
func keys[V any](m map[string]V) []string {
	var k []string
	for name := range m {
		k = append(k, name)
	}
	slices.Sort(k)
	return k
}

// TestRequestsAndWiring checks the requests built from the spec: fixed names per site, the
// gateway's subnet and public IP, each local network gateway pointing at the other site's
// gateway IP and prefixes, the shared key and each site's IPsec policy on its connection,
// and the outputs.
func TestRequestsAndWiring(t *testing.T) {
	f := newFake(t)
	in := input()
	d := f.run(t, in, ready)

	vnet := f.request(hubVnet).(*networkv1.CreateVirtualNetworkRequest)
	if got := vnet.GetVirtualNetwork().GetSubnets(); len(got) != 2 ||
		got[0].GetName() != "workload" || got[0].GetAddressPrefix() != "10.1.1.0/24" ||
		got[1].GetName() != "GatewaySubnet" || got[1].GetAddressPrefix() != "10.1.255.0/27" {
		t.Errorf("hub subnets %v", got)
	}
	ip := f.request(hubIP).(*gatewayv1.CreatePublicIPAddressRequest).GetPublicIpAddress()
	if ip.GetSku() != gatewayv1.PublicIPAddress_SKU_UNSPECIFIED || ip.GetAllocationMethod() != gatewayv1.PublicIPAddress_ALLOCATION_METHOD_UNSPECIFIED {
		t.Errorf("public IP %v, want SKU and allocation left to the gateway service", ip)
	}
	for _, tc := range []struct {
		gateway, vnet, ip, sku string
		bgp                    bool
	}{
		{hubGateway, hubVnet, hubIP, "VpnGw1", true},
		{stackGateway, stackVnet, stackGroup + "/publicIPAddresses/stack-gw-ip", "Standard", false},
	} {
		gw := f.request(tc.gateway).(*gatewayv1.CreateVirtualNetworkGatewayRequest).GetVirtualNetworkGateway()
		if gw.GetSubnet() != tc.vnet+"/subnets/GatewaySubnet" || gw.GetPublicIpAddress() != tc.ip ||
			gw.GetSku() != tc.sku || gw.GetEnableBgp() != tc.bgp || gw.GetVpnType() != gatewayv1.VirtualNetworkGateway_VPN_TYPE_ROUTE_BASED {
			t.Errorf("gateway %s: %v", tc.gateway, gw)
		}
	}
	for _, tc := range []struct {
		local, conn, gateway, peerIP string
		peerPrefixes                 []string
		policy                       *gatewayv1.IpsecPolicy
	}{
		{hubLocal, hubConn, hubGateway, gatewayIP(stackGateway), []string{"10.2.0.0/16", "10.3.0.0/16"}, azurePolicy},
		{stackLocal, stackConn, stackGateway, gatewayIP(hubGateway), []string{"10.1.0.0/16"}, nil},
	} {
		lgw := f.request(tc.local).(*gatewayv1.CreateLocalNetworkGatewayRequest).GetLocalNetworkGateway()
		if lgw.GetGatewayIpAddress() != tc.peerIP || !slices.Equal(lgw.GetAddressPrefixes(), tc.peerPrefixes) || lgw.GetBgpAsn() != 0 {
			t.Errorf("%s: %v, want the other site's IP %s and prefixes %v, no BGP (one side has none)", tc.local, lgw, tc.peerIP, tc.peerPrefixes)
		}
		c := f.request(tc.conn).(*gatewayv1.CreateConnectionRequest).GetConnection()
		if c.GetSharedKey() != sharedKey || !proto.Equal(c.GetIpsecPolicy(), tc.policy) ||
			c.GetVirtualNetworkGateway() != tc.gateway || c.GetLocalNetworkGateway() != tc.local ||
			c.GetProtocol() != gatewayv1.Connection_PROTOCOL_IKEV2 || c.GetEnableBgp() {
			t.Errorf("%s: %v", tc.conn, c)
		}
	}
	vm := f.request(stackGroup + "/virtualMachines/stack-vm2").(*computev1.CreateVirtualMachineRequest).GetVirtualMachine()
	if !slices.Equal(vm.GetNetworkInterfaces(), []string{stackGroup + "/networkInterfaces/stack-vm2-nic"}) ||
		!slices.Equal(vm.GetSshPublicKeys(), []string{"ssh-ed25519 AAAA"}) || vm.GetImage().GetOffer() != "ubuntu" {
		t.Errorf("stack-vm2: %v", vm)
	}
	if got := f.request(hubGroup + "/virtualMachines/hub-vm1").(*computev1.CreateVirtualMachineRequest); got.GetVirtualMachine().GetAdminPassword() != hubPassword {
		t.Errorf("hub-vm1 got password %q", got.GetVirtualMachine().GetAdminPassword())
	}
	if got := f.request(stackGroup + "/networkInterfaces/stack-vm1-nic").(*computev1.CreateNetworkInterfaceRequest); got.GetNetworkInterface().GetSubnet() != stackVnet+"/subnets/workload" {
		t.Errorf("stack-vm1's NIC: %v", got)
	}

	want := &orchestratorv1.Outputs{Sites: []*orchestratorv1.SiteOutputs{
		{Site: "hub", GatewayIpAddress: gatewayIP(hubGateway), VmPrivateIps: map[string]string{"hub-vm1": "10.1.1.4"},
			ConnectionStatus: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: 1000, EgressBytes: 2000},
		{Site: "stack", GatewayIpAddress: gatewayIP(stackGateway), VmPrivateIps: map[string]string{"stack-vm1": "10.2.1.4", "stack-vm2": "10.2.1.5"},
			ConnectionStatus: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: 2000, EgressBytes: 4000},
	}}
	if !proto.Equal(d.GetStatus().GetOutputs(), want) {
		t.Errorf("outputs\n%v\nwant\n%v", d.GetStatus().GetOutputs(), want)
	}
}

// TestBGPWiring checks that with BGP on both sides each local network gateway gets the
// other gateway's BGP speaker and the connections run BGP.
func TestBGPWiring(t *testing.T) {
	f := newFake(t)
	f.run(t, input(func(s *orchestratorv1.DeploymentSpec) { s.Sites[1].EnableBgp = true }), ready)
	lgw := f.request(hubLocal).(*gatewayv1.CreateLocalNetworkGatewayRequest).GetLocalNetworkGateway()
	if lgw.GetBgpAsn() != 65515 || lgw.GetBgpPeeringAddress() != "bgp-of-"+stackGateway {
		t.Errorf("hub's local network gateway %v, want the stack gateway's BGP speaker", lgw)
	}
	if c := f.request(stackConn).(*gatewayv1.CreateConnectionRequest).GetConnection(); !c.GetEnableBgp() {
		t.Errorf("stack's connection %v, want BGP", c)
	}
}

// TestFailures checks retryable failures (retried by Temporal with back-off) against
// permanent ones (the step FAILED with its code, message and ARM code, the steps after it
// SKIPPED, the others run to the end, the deployment FAILED).
func TestFailures(t *testing.T) {
	afterGateways := []string{"hub/local-network-gateway", "stack/local-network-gateway", "hub/connection", "verify"}
	for _, tc := range []struct {
		name      string
		resource  string
		errs      []error
		attempts  int
		backoff   []time.Duration
		failed    string
		wantError *orchestratorv1.StepError
		skipped   []string
	}{
		{
			name:     "retryable twice then success",
			resource: hubGateway,
			errs:     []error{temporal.NewApplicationError("throttled", "Unavailable"), temporal.NewApplicationError("throttled", "Unavailable")},
			attempts: 3,
			backoff:  []time.Duration{time.Second, 2 * time.Second},
		},
		{
			name:      "non-retryable",
			resource:  hubGateway,
			errs:      []error{temporal.NewNonRetryableApplicationError("SKU VpnGw9 is not offered here", "InvalidArgument", nil, "InvalidGatewaySku")},
			attempts:  1,
			failed:    "hub/vpn-gateway",
			wantError: &orchestratorv1.StepError{Code: "InvalidArgument", ArmCode: "InvalidGatewaySku", Message: "SKU VpnGw9 is not offered here"},
			skipped:   append([]string{"stack/connection"}, afterGateways...),
		},
		{
			name:      "permanent code in the retry policy",
			resource:  stackGroup + "/networkInterfaces/stack-vm1-nic",
			errs:      []error{temporal.NewApplicationError("no more cores", "ResourceExhausted")},
			attempts:  1,
			failed:    "stack/network-interface/stack-vm1",
			wantError: &orchestratorv1.StepError{Code: "ResourceExhausted", Message: "no more cores"},
			skipped:   []string{"stack/virtual-machine/stack-vm1"},
		},
		{
			name:      "verify times out",
			resource:  verifyKey,
			errs:      []error{temporal.NewNonRetryableApplicationError("hub-to-stack: NOT_CONNECTED", ErrorVerifyTimeout, nil)},
			attempts:  1,
			failed:    "verify",
			wantError: &orchestratorv1.StepError{Code: "VerifyTimeout", Message: "hub-to-stack: NOT_CONNECTED"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.fail(tc.resource, tc.errs...)
			d := f.run(t, input(), ready)
			runs := f.attempts(tc.resource)
			if len(runs) != tc.attempts {
				t.Fatalf("%d attempts, want %d", len(runs), tc.attempts)
			}
			for i, b := range tc.backoff {
				if got := runs[i+1].start.Sub(runs[i].end); got != b {
					t.Errorf("back-off before attempt %d: %s, want %s", i+2, got, b)
				}
			}
			byName := steps(d)
			if tc.failed == "" {
				if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
					t.Fatalf("state %v (%s), want READY", d.GetStatus().GetState(), d.GetStatus().GetError())
				}
				s := byName["hub/vpn-gateway"]
				if got := s.GetEndTime().AsTime().Sub(s.GetStartTime().AsTime()); got != runs[len(runs)-1].end.Sub(runs[0].start) {
					t.Errorf("the step took %s, want all its attempts and back-offs", got)
				}
				return
			}
			if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED {
				t.Fatalf("state %v, want FAILED", d.GetStatus().GetState())
			}
			failed := byName[tc.failed]
			if failed.GetState() != orchestratorv1.Step_STATE_FAILED || !proto.Equal(failed.GetLastError(), tc.wantError) {
				t.Errorf("%s: %v, want FAILED with %v", tc.failed, failed, tc.wantError)
			}
			if want := tc.failed + ": " + tc.wantError.GetCode() + ": " + tc.wantError.GetMessage(); d.GetStatus().GetError() != want {
				t.Errorf("error %q, want %q", d.GetStatus().GetError(), want)
			}
			for name, s := range byName {
				want := orchestratorv1.Step_STATE_SUCCEEDED
				switch {
				case name == tc.failed:
					continue
				case slices.Contains(tc.skipped, name):
					want = orchestratorv1.Step_STATE_SKIPPED
				}
				if s.GetState() != want {
					t.Errorf("%s is %v, want %v", name, s.GetState(), want)
				}
			}
			for _, name := range tc.skipped {
				if len(f.attempts(byName[name].GetResource())) != 0 {
					t.Errorf("skipped step %s ran", name)
				}
			}
		})
	}
}

// tierOf returns the teardown tier of a resource name, by its collection.
func tierOf(name string) int {
	parts := strings.Split(name, "/")
	if len(parts) == 4 {
		return slices.Index(teardownOrder, kindResourceGroup)
	}
	return slices.Index([]string{
		"connections", "localNetworkGateways", "virtualMachines", "networkInterfaces",
		"virtualNetworkGateways", "publicIPAddresses", "virtualNetworks",
	}, parts[4])
}

// checkReverseOrder checks that deletions started tier by tier, in teardownOrder.
func checkReverseOrder(t *testing.T, deleted []string) {
	t.Helper()
	for i := 1; i < len(deleted); i++ {
		if tierOf(deleted[i]) < tierOf(deleted[i-1]) {
			t.Errorf("%s deleted after %s", deleted[i], deleted[i-1])
		}
	}
}

// TestTeardown checks that teardown deletes everything the deployment created, in reverse
// order, but not a resource group that existed, ends DELETED and ends the workflow; and
// that it refuses a second teardown and an apply meanwhile.
func TestTeardown(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		want int
	}{
		{"new resource groups", input(), 18},
		{"existing resource group", input(existingStackGroup), 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var teardown, again, apply func() (*orchestratorv1.Deployment, error)
			f.env.RegisterDelayedCallback(func() { teardown = f.update(t, UpdateTeardown) }, ready)
			f.env.RegisterDelayedCallback(func() {
				again = f.update(t, UpdateTeardown)
				apply = f.update(t, UpdateApply, tc.in)
			}, ready+time.Second)
			f.env.ExecuteWorkflow(Name, tc.in)
			var result *orchestratorv1.Deployment
			if err := f.env.GetWorkflowResult(&result); err != nil {
				t.Fatalf("workflow: %v", err)
			}
			if result.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
				t.Errorf("result %v, want DELETED", result.GetStatus())
			}
			if d, err := teardown(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
				t.Errorf("teardown: %v, %v", d.GetStatus(), err)
			}
			if _, err := again(); err == nil {
				t.Error("a second teardown was accepted")
			}
			if _, err := apply(); err == nil {
				t.Error("an apply during teardown was accepted")
			}
			deleted := f.deleted()
			if len(deleted) != tc.want {
				t.Errorf("deleted %d resources, want %d: %v", len(deleted), tc.want, deleted)
			}
			checkReverseOrder(t, deleted)
			if slices.Contains(deleted, stackGroup) != !tc.in.Spec.GetSites()[1].GetExistingResourceGroup() {
				t.Errorf("deleted %v: the stack's resource group must go only if the deployment created it", deleted)
			}
			if !slices.Contains(deleted, hubGroup) || tierOf(deleted[len(deleted)-1]) != tierOf(hubGroup) {
				t.Errorf("deleted %v, want the resource groups last", deleted)
			}
			for _, s := range result.GetStatus().GetSteps() {
				if s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED || !strings.Contains(s.GetName(), "/delete-") {
					t.Errorf("teardown step %v", s)
				}
			}
		})
	}
}

// TestTeardownFailureKeepsWhatRemains checks that a deletion failing for good leaves the
// deployment FAILED, alive, and ready for another teardown that deletes only what is left.
func TestTeardownFailureKeepsWhatRemains(t *testing.T) {
	f := newFake(t)
	f.fail(deletion(hubGateway), temporal.NewNonRetryableApplicationError("the gateway is locked", "FailedPrecondition", nil))
	var first, second func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() { first = f.update(t, UpdateTeardown) }, ready)
	f.env.RegisterDelayedCallback(func() { second = f.update(t, UpdateTeardown) }, 2*ready)
	f.env.ExecuteWorkflow(Name, input())
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	d, err := first()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED ||
		!strings.Contains(d.GetStatus().GetError(), "hub/delete-vpn-gateway: FailedPrecondition") {
		t.Fatalf("first teardown: %v, %v", d.GetStatus(), err)
	}
	if d, err := second(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
		t.Fatalf("second teardown: %v, %v", d.GetStatus(), err)
	}
	deleted := f.deleted()
	// First: 4 connections and local gateways, 3 VMs, 3 NICs, 2 gateways (one fails);
	// second: the failed gateway, then the IPs, networks and groups.
	if len(deleted) != 12+1+6 {
		t.Errorf("deleted %d: %v", len(deleted), deleted)
	}
	if deleted[12] != hubGateway {
		t.Errorf("the second teardown began with %s, want the gateway left over", deleted[12])
	}
	checkReverseOrder(t, deleted[12:])
}

// TestRollback checks that with FAILURE_POLICY_ROLLBACK a permanent failure deletes, in
// reverse order, what the apply created before and beside the failure, and nothing that
// never started nor the resource group that existed.
func TestRollback(t *testing.T) {
	f := newFake(t)
	f.fail(hubVnet, temporal.NewNonRetryableApplicationError("address space overlaps", "InvalidArgument", nil))
	d := f.run(t, input(rollback, existingStackGroup), ready)
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED ||
		!strings.HasSuffix(d.GetStatus().GetError(), "; rolled back") {
		t.Fatalf("status %v, want FAILED and rolled back", d.GetStatus())
	}
	deleted := f.deleted()
	want := []string{
		hubGroup, hubVnet, hubIP,
		stackVnet, stackGroup + "/publicIPAddresses/stack-gw-ip", stackGateway,
		stackGroup + "/networkInterfaces/stack-vm1-nic", stackGroup + "/virtualMachines/stack-vm1",
		stackGroup + "/networkInterfaces/stack-vm2-nic", stackGroup + "/virtualMachines/stack-vm2",
	}
	if !slices.Equal(sorted(deleted), sorted(want)) {
		t.Errorf("rolled back %v, want %v", sorted(deleted), sorted(want))
	}
	checkReverseOrder(t, deleted)
	rolledBack := 0
	for _, s := range d.GetStatus().GetSteps() {
		if strings.Contains(s.GetName(), "/delete-") {
			rolledBack++
			if s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
				t.Errorf("rollback step %v", s)
			}
		}
	}
	if rolledBack != len(want) || steps(d)["hub/virtual-network"].GetState() != orchestratorv1.Step_STATE_FAILED {
		t.Errorf("steps %v, want the apply's and one per deletion", d.GetStatus().GetSteps())
	}
}

// sorted returns a sorted copy.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestQueryMidFlight queries during the gateways' creation: APPLYING, gateways running,
// VMs done, cross-site steps pending; and never a secret.
func TestQueryMidFlight(t *testing.T) {
	f := newFake(t)
	var mid *orchestratorv1.Deployment
	f.env.RegisterDelayedCallback(func() { mid = f.query(t) }, 20*time.Minute)
	end := f.run(t, input(), ready)
	if mid == nil {
		t.Fatal("no query during the apply")
	}
	if mid.GetName() != "deployments/d1" || mid.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_APPLYING {
		t.Errorf("mid-flight: %s %v, want APPLYING", mid.GetName(), mid.GetStatus().GetState())
	}
	for name, want := range map[string]orchestratorv1.Step_State{
		"hub/resource-group":                orchestratorv1.Step_STATE_SUCCEEDED,
		"hub/vpn-gateway":                   orchestratorv1.Step_STATE_RUNNING,
		"stack/vpn-gateway":                 orchestratorv1.Step_STATE_RUNNING,
		"hub/virtual-machine/hub-vm1":       orchestratorv1.Step_STATE_SUCCEEDED,
		"stack/virtual-machine/stack-vm2":   orchestratorv1.Step_STATE_SUCCEEDED,
		"hub/local-network-gateway":         orchestratorv1.Step_STATE_PENDING,
		"stack/connection":                  orchestratorv1.Step_STATE_PENDING,
		"verify":                            orchestratorv1.Step_STATE_PENDING,
		"stack/network-interface/stack-vm1": orchestratorv1.Step_STATE_SUCCEEDED,
	} {
		s := steps(mid)[name]
		if s.GetState() != want {
			t.Errorf("mid-flight %s is %v, want %v", name, s.GetState(), want)
		}
		if want == orchestratorv1.Step_STATE_RUNNING && (s.GetStartTime() == nil || s.GetEndTime() != nil || s.GetAttempts() != 1) {
			t.Errorf("running step %v", s)
		}
	}
	if got := mid.GetStatus().GetOutputs().GetSites()[0].GetVmPrivateIps()["hub-vm1"]; got != "10.1.1.4" {
		t.Errorf("mid-flight outputs: hub-vm1 at %q", got)
	}
	for _, d := range []*orchestratorv1.Deployment{mid, end} {
		if d.GetSpec().GetConnection().GetSharedKey() != "" || d.GetSpec().GetSites()[0].GetVirtualMachines()[0].GetAdminPassword() != "" {
			t.Errorf("secrets in the query result: %v", d.GetSpec())
		}
		text := prototext.Format(d)
		if strings.Contains(text, sharedKey) || strings.Contains(text, hubPassword) {
			t.Errorf("a secret is in the query result:\n%s", text)
		}
		if got := d.GetSpec().GetSites()[1].GetVirtualMachines()[1].GetSshPublicKeys(); len(got) != 1 {
			t.Errorf("SSH public keys %v, want them kept", got)
		}
	}
}

// TestCancel cancels during the gateways' creation: the workflow stops them, records them
// canceled and what depends on them skipped, and ends canceled.
func TestCancel(t *testing.T) {
	f := newFake(t)
	f.env.RegisterDelayedCallback(f.env.CancelWorkflow, 20*time.Minute)
	f.env.ExecuteWorkflow(Name, input())
	if err := f.env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		t.Fatalf("workflow error %v, want canceled", err)
	}
	d := f.query(t)
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.HasPrefix(d.GetStatus().GetError(), "canceled") {
		t.Errorf("status %v, want FAILED, canceled", d.GetStatus())
	}
	byName := steps(d)
	for _, name := range []string{"hub/vpn-gateway", "stack/vpn-gateway"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_FAILED || s.GetLastError().GetCode() != "Canceled" || s.GetEndTime() == nil {
			t.Errorf("%s: %v, want FAILED, Canceled", name, s)
		}
	}
	for _, name := range []string{"hub/local-network-gateway", "stack/connection", "verify"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_SKIPPED {
			t.Errorf("%s: %v, want SKIPPED", name, s.GetState())
		}
	}
	if s := byName["stack/virtual-machine/stack-vm1"]; s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
		t.Errorf("stack-vm1: %v, want SUCCEEDED before the cancel", s.GetState())
	}
}

// TestReapply checks UpdateApply after an apply: an unchanged deployment re-runs every
// Ensure and is READY again; one that failed succeeds once the cause is gone; one with a
// new VM gets it; nothing is deleted.
func TestReapply(t *testing.T) {
	extraVM := func(s *orchestratorv1.DeploymentSpec) {
		s.Sites[1].VirtualMachines = append(s.Sites[1].VirtualMachines, &orchestratorv1.VirtualMachineSpec{
			Name: "stack-extra", Size: "Standard_A2_v2", ImagePublisher: "Canonical", ImageOffer: "ubuntu",
			ImageSku: "server", AdminUsername: "stackuser", SshPublicKeys: []string{"ssh-ed25519 BBBB"},
		})
	}
	for _, tc := range []struct {
		name      string
		fail      string
		next      Input
		firstWant orchestratorv1.DeploymentStatus_State
		newVM     bool
	}{
		{"unchanged", "", input(), orchestratorv1.DeploymentStatus_STATE_READY, false},
		{"after a failure", hubGateway, input(), orchestratorv1.DeploymentStatus_STATE_FAILED, false},
		{"a VM more", "", input(extraVM), orchestratorv1.DeploymentStatus_STATE_READY, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			if tc.fail != "" {
				f.fail(tc.fail, temporal.NewNonRetryableApplicationError("quota", "ResourceExhausted", nil))
			}
			var first *orchestratorv1.Deployment
			var reapply func() (*orchestratorv1.Deployment, error)
			f.env.RegisterDelayedCallback(func() {
				first = f.query(t)
				reapply = f.update(t, UpdateApply, tc.next)
			}, ready)
			f.run(t, input(), 2*ready)
			if first.GetStatus().GetState() != tc.firstWant {
				t.Fatalf("first apply: %v", first.GetStatus())
			}
			d, err := reapply()
			if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
				t.Fatalf("re-apply: %v, %v", d.GetStatus(), err)
			}
			if d.GetSpec().GetConnection().GetSharedKey() != "" {
				t.Error("the update's result shows the shared key")
			}
			if got := len(f.attempts(hubIP)); got != 2 {
				t.Errorf("the public IP was ensured %d times, want twice", got)
			}
			if got := len(f.attempts(stackGroup + "/virtualMachines/stack-extra")); got != map[bool]int{true: 1}[tc.newVM] {
				t.Errorf("the extra VM was ensured %d times", got)
			}
			if n := len(f.deleted()); n != 0 {
				t.Errorf("a re-apply deleted %d resources", n)
			}
		})
	}
}

// TestReapplyRefusesAnotherDeployment checks the apply validator.
func TestReapplyRefusesAnotherDeployment(t *testing.T) {
	f := newFake(t)
	other := input()
	other.Name = "deployments/other"
	oneSite := input(func(s *orchestratorv1.DeploymentSpec) { s.Sites = s.Sites[:1] })
	var results []func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() {
		results = append(results, f.update(t, UpdateApply, other), f.update(t, UpdateApply, oneSite))
	}, ready)
	f.run(t, input(), 2*ready)
	for i, r := range results {
		if _, err := r(); err == nil {
			t.Errorf("update %d accepted", i)
		}
	}
	if got := len(f.attempts(hubIP)); got != 1 {
		t.Errorf("the public IP was ensured %d times, want once", got)
	}
}

// TestContinueAsNew checks that an idle deployment continues as new when Temporal suggests
// it, carrying its input, status and what it created; and that the next run does not
// apply again but answers queries and tears down what the first run created.
func TestContinueAsNew(t *testing.T) {
	f := newFake(t)
	f.env.SetContinueAsNewSuggested(true)
	f.env.ExecuteWorkflow(Name, input())
	var can *sdkworkflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error %v, want continue-as-new", err)
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if can.WorkflowType.Name != Name || next.Name != "deployments/d1" || next.Spec.GetConnection().GetSharedKey() != sharedKey ||
		!proto.Equal(next.SitePolicies[0], azurePolicy) {
		t.Errorf("next input %v", next)
	}
	if next.Status.GetState() != orchestratorv1.DeploymentStatus_STATE_READY || len(next.Status.GetSteps()) != 19 {
		t.Errorf("carried status %v", next.Status)
	}
	if len(next.Created) != 18 || next.Created[0] != (Resource{Site: "hub", Kind: kindResourceGroup, Name: hubGroup}) {
		t.Errorf("carried %d created resources: %v", len(next.Created), next.Created)
	}

	g := newFake(t)
	var d *orchestratorv1.Deployment
	var teardown func() (*orchestratorv1.Deployment, error)
	g.env.RegisterDelayedCallback(func() {
		d = g.query(t)
		teardown = g.update(t, UpdateTeardown)
	}, time.Minute)
	g.env.ExecuteWorkflow(Name, next)
	if err := g.env.GetWorkflowError(); err != nil {
		t.Fatalf("next run: %v", err)
	}
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY || len(g.attempts(hubIP)) != 0 {
		t.Errorf("next run: %v, public IP ensured %d times; want READY without applying", d.GetStatus(), len(g.attempts(hubIP)))
	}
	if r, err := teardown(); err != nil || r.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
		t.Errorf("teardown: %v, %v", r.GetStatus(), err)
	}
	if got := g.deleted(); len(got) != 18 {
		t.Errorf("the next run deleted %d resources, want 18", len(got))
	}
}

// vms makes the hub site n copies of its VM.
func vms(n int) func(*orchestratorv1.DeploymentSpec) {
	return func(s *orchestratorv1.DeploymentSpec) {
		vm := s.Sites[0].VirtualMachines[0]
		s.Sites[0].VirtualMachines = nil
		for i := range n {
			c := proto.Clone(vm).(*orchestratorv1.VirtualMachineSpec)
			c.Name = fmt.Sprintf("vm%d", i)
			s.Sites[0].VirtualMachines = append(s.Sites[0].VirtualMachines, c)
		}
	}
}

// TestRefusesInputItCannotRun starts deployments whose graph the workflow cannot run (had
// they not come through validation): each ends its first apply FAILED with the reason
// before any step, runs no activity, stays, refuses a re-apply of the same, and is torn
// down at once, having created nothing.
func TestRefusesInputItCannotRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		want string
	}{
		{"one site", input(func(s *orchestratorv1.DeploymentSpec) { s.Sites = s.Sites[:1] }), "exactly two sites, not 1"},
		{"no spec", Input{Name: "deployments/d1"}, "exactly two sites, not 0"},
		{"a site of 101 VMs", input(vms(101)), "101 virtual machines"},
		{"a site of 2000 VMs", input(vms(2000)), "2000 virtual machines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var refused *orchestratorv1.Deployment
			var reapply, teardown func() (*orchestratorv1.Deployment, error)
			f.env.RegisterDelayedCallback(func() {
				refused = f.query(t)
				reapply = f.update(t, UpdateApply, tc.in)
				teardown = f.update(t, UpdateTeardown)
			}, time.Minute)
			f.env.ExecuteWorkflow(Name, tc.in)
			if err := f.env.GetWorkflowError(); err != nil {
				t.Fatalf("workflow error %v; want it to end once torn down", err)
			}
			if st := refused.GetStatus(); st.GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.Contains(st.GetError(), tc.want) || len(st.GetSteps()) != 0 {
				t.Fatalf("status %v; want FAILED, %q, no step", st, tc.want)
			}
			if _, err := reapply(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("re-apply: %v; want refused, %q", err, tc.want)
			}
			if d, err := teardown(); err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
				t.Errorf("teardown: %v %v; want DELETED", d.GetStatus(), err)
			}
			if len(f.runs) != 0 || len(f.deleted()) != 0 {
				t.Errorf("%d resources ensured and %d deleted; want none", len(f.runs), len(f.deleted()))
			}
		})
	}
}

// TestStop stops the apply during the gateways' creation: the gateways, already started,
// finish; nothing after them starts; the deployment is FAILED "stopped" and the workflow
// stays, so a re-apply then makes it READY.
func TestStop(t *testing.T) {
	f := newFake(t)
	var stopped, reapplied, idleStop func() (*orchestratorv1.Deployment, error)
	var afterStop *orchestratorv1.Deployment
	f.env.RegisterDelayedCallback(func() { stopped = f.update(t, UpdateStop) }, 20*time.Minute)
	f.env.RegisterDelayedCallback(func() { idleStop = f.update(t, UpdateStop) }, 5*time.Hour)
	f.env.RegisterDelayedCallback(func() {
		afterStop = f.query(t)
		reapplied = f.update(t, UpdateApply, input())
	}, 2*time.Hour)
	d := f.run(t, input(), 6*time.Hour)
	if _, err := stopped(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if afterStop.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.HasPrefix(afterStop.GetStatus().GetError(), "stopped") {
		t.Fatalf("after the stop: %v, want FAILED, stopped", afterStop.GetStatus())
	}
	byName := steps(afterStop)
	for _, name := range []string{"hub/vpn-gateway", "stack/vpn-gateway"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
			t.Errorf("%s: %v, want SUCCEEDED: a started step finishes", name, s.GetState())
		}
	}
	for _, name := range []string{"hub/local-network-gateway", "stack/connection", "verify"} {
		if s := byName[name]; s.GetState() != orchestratorv1.Step_STATE_SKIPPED {
			t.Errorf("%s: %v, want SKIPPED", name, s.GetState())
		}
	}
	if got, err := reapplied(); err != nil || got.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("re-apply after the stop: %v %v", got.GetStatus().GetState(), err)
	}
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("final state %s", d.GetStatus().GetState())
	}
	if _, err := idleStop(); err == nil || !strings.Contains(err.Error(), errNotApplying.Error()) {
		t.Fatalf("a stop with no apply running: %v, want refused", err)
	}
}
