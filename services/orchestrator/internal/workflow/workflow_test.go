package workflow

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
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
			if len(in.Spec.GetSites()[0].GetVirtualMachines()) > 0 && len(in.Spec.GetSites()[1].GetVirtualMachines()) > 0 {
				deps[s+"/probe/"+vm.GetName()] = []string{"verify"}
			}
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
		kindLocalGateway: EnsureLocalNetworkGateway, kindConnection: EnsureConnection, kindProbe: ProbeVM,
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
				switch {
				case name == "verify":
					key = verifyKey
				case strings.Contains(name, "/probe/"):
					key = probeKey(key)
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
			cp := criticalPath
			if _, probed := deps["hub/probe/hub-vm1"]; !probed {
				cp -= latencies[ProbeVM] // no VMs, no probe
			}
			if got := last.Sub(begin); got != cp {
				t.Errorf("the deployment took %s, want the critical path %s", got, cp)
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

	probe := func(src, srcVM, dst, dstVM, ip string) *orchestratorv1.ProbeResult {
		return &orchestratorv1.ProbeResult{SourceSite: src, SourceVm: srcVM, TargetSite: dst, TargetVm: dstVM, TargetIp: ip, Icmp: true, Tcp: true, RttMs: 20.5}
	}
	want := &orchestratorv1.Outputs{Probes: []*orchestratorv1.ProbeResult{
		probe("hub", "hub-vm1", "stack", "stack-vm1", "10.2.1.4"), probe("hub", "hub-vm1", "stack", "stack-vm2", "10.2.1.5"),
		probe("stack", "stack-vm1", "hub", "hub-vm1", "10.1.1.4"), probe("stack", "stack-vm2", "hub", "hub-vm1", "10.1.1.4"),
	}, Sites: []*orchestratorv1.SiteOutputs{
		{Site: "hub", GatewayIpAddress: gatewayIP(hubGateway), VmPrivateIps: map[string]string{"hub-vm1": "10.1.1.4"},
			ConnectionStatus: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: 1000, EgressBytes: 2000,
			Connections: []*orchestratorv1.ConnectionOutputs{{Peer: "stack", Connection: hubGroup + "/connections/hub-to-stack",
				Status: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: 1000, EgressBytes: 2000}}},
		{Site: "stack", GatewayIpAddress: gatewayIP(stackGateway), VmPrivateIps: map[string]string{"stack-vm1": "10.2.1.4", "stack-vm2": "10.2.1.5"},
			ConnectionStatus: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: 2000, EgressBytes: 4000,
			Connections: []*orchestratorv1.ConnectionOutputs{{Peer: "hub", Connection: stackGroup + "/connections/stack-to-hub",
				Status: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: 2000, EgressBytes: 4000}}},
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
