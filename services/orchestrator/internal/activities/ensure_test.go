package activities_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
)

// TestResume: the first attempt of EnsureVirtualNetworkGateway starts the gateway and
// heart-beats its operation, then loses the service; the retry, given that heartbeat,
// resumes the operation: one Create call and one PUT in ARM in all.
func TestResume(t *testing.T) {
	h := start(t, armsim.Config{})
	h.network(t, "azure", "1")

	first, beats := h.env()
	h.calls.failPoll.Store(true)
	err := execute(t, first, h.acts.EnsureVirtualNetworkGateway, gatewayRequest("azure", "VpnGw1"), nil)
	if ae := appError(t, err); ae.NonRetryable() || ae.Type() != "Unavailable" {
		t.Fatalf("a lost service must fail the attempt retryably, got %v", err)
	}
	names := slices.Compact(beats.all())
	if len(names) != 1 || !strings.HasPrefix(names[0], "operations/") {
		t.Fatalf("the first attempt must heart-beat its operation's name, and only that, got %q", names)
	}

	retry, _ := h.env()
	retry.SetHeartbeatDetails(names[0])
	var gw gatewayv1.VirtualNetworkGateway
	must(t, retry, h.acts.EnsureVirtualNetworkGateway, gatewayRequest("azure", "VpnGw1"), &gw)
	if gw.GetGatewayIpAddress() == "" {
		t.Fatalf("resumed gateway: %v", &gw)
	}
	if n := h.calls.count("CreateVirtualNetworkGateway"); n != 1 {
		t.Fatalf("the retry must resume, not create: %d CreateVirtualNetworkGateway calls", n)
	}
	if n, err := h.sim.Admin.Count(ctx, "azure", http.MethodPut, "Microsoft.Network/virtualNetworkGateways"); err != nil || n != 1 {
		t.Fatalf("one gateway creation must reach ARM once, counted %d PUTs (%v)", n, err)
	}
}

// TestErrors: what the services answer becomes a Temporal error of the gRPC code's name,
// non-retryable for bad input, a missing parent, quota and a VM size the location does not
// offer (also when the operation fails; said as such, naming size and location), retryable
// for an unavailable ARM, after the delay its RetryInfo asks (ARM's Retry-After) rather than
// the retry policy's back-off; ARM's code stays in the message, and no secret is in it.
func TestErrors(t *testing.T) {
	h := start(t, armsim.Config{})
	h.network(t, "azure", "1")
	badVNet := vnetRequest("azure", "1")
	badVNet.VirtualNetwork.AddressPrefixes = []string{"10.1.0.0/33"}
	badKey := connectionRequest("azure")
	badKey.Connection.SharedKey = strings.Repeat(sharedKey, 10) // longer than 128 characters
	env, _ := h.env()
	must(t, env, h.acts.EnsureNetworkInterface, nicRequest("azure"), &computev1.NetworkInterface{})
	vm := func(id, size string) *computev1.CreateVirtualMachineRequest {
		r := vmRequest("azure", size)
		r.VirtualMachineId, r.VirtualMachine.Location = id, "eastus"
		return r
	}
	notOffered := "VM size %s of clouds/azure/resourceGroups/rg/virtualMachines/%s is not offered in location eastus of cloud azure (ARM: SkuNotAvailable); pick another size"
	tests := []struct {
		name         string
		faults       armsim.Faults
		activity     any
		req          any
		typ          string
		nonRetryable bool
		message      string
		armCode      string // the error's detail, when ARM answered
	}{
		{"invalid request", armsim.Faults{}, h.acts.EnsureVirtualNetwork, badVNet, "InvalidArgument", true, "address_prefixes", ""},
		{"invalid shared key", armsim.Faults{}, h.acts.EnsureConnection, badKey, "InvalidArgument", true, "shared_key", ""},
		{"missing resource group", armsim.Faults{}, h.acts.EnsurePublicIPAddress,
			&gatewayv1.CreatePublicIPAddressRequest{Parent: "clouds/azure/resourceGroups/nope", PublicIpAddressId: "ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}},
			"FailedPrecondition", true, "does not exist", ""},
		{"operation failed on quota", armsim.Faults{FailProvisioning: []armsim.FailRule{{Type: "publicipaddresses", Code: "QuotaExceeded"}}},
			h.acts.EnsurePublicIPAddress, &gatewayv1.CreatePublicIPAddressRequest{Parent: rg("azure"), PublicIpAddressId: "ip2", PublicIpAddress: &gatewayv1.PublicIPAddress{}},
			"ResourceExhausted", true, "QuotaExceeded", "QuotaExceeded"},
		{"size refused", armsim.Faults{}, h.acts.EnsureVirtualMachine, vm("vm-m", "Standard_M128"),
			"FailedPrecondition", true, fmt.Sprintf(notOffered, "Standard_M128", "vm-m"), "SkuNotAvailable"},
		{"operation failed on size", armsim.Faults{FailProvisioning: []armsim.FailRule{{Type: "virtualmachines", Code: "SkuNotAvailable"}}},
			h.acts.EnsureVirtualMachine, vm("vm-b", "Standard_B2s"),
			"FailedPrecondition", true, fmt.Sprintf(notOffered, "Standard_B2s", "vm-b"), "SkuNotAvailable"},
		{"ARM unavailable", armsim.Faults{Rate503: 1}, h.acts.EnsureResourceGroup, rgRequest("azure"), "Unavailable", false, "ServiceUnavailable", "ServiceUnavailable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := h.sim.Admin.SetFaults(ctx, tc.faults); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = h.sim.Admin.SetFaults(ctx, armsim.Faults{}) })
			env, _ := h.env()
			ae := appError(t, execute(t, env, tc.activity, tc.req, nil))
			if ae.Type() != tc.typ || ae.NonRetryable() != tc.nonRetryable || !strings.Contains(ae.Error(), tc.message) {
				t.Fatalf("want %s (non-retryable %v) about %q, got %s (non-retryable %v): %v", tc.typ, tc.nonRetryable, tc.message, ae.Type(), ae.NonRetryable(), ae)
			}
			if retryable := !tc.nonRetryable; retryable != (ae.NextRetryDelay() > 0) {
				t.Fatalf("next retry delay %s: a retryable refusal comes back when ARM says, a permanent one never", ae.NextRetryDelay())
			}
			var armCode string
			if tc.armCode != "" && (ae.Details(&armCode) != nil || armCode != tc.armCode) {
				t.Fatalf("want ARM's code %q as the detail, got %q", tc.armCode, armCode)
			}
			if tc.armCode == "SkuNotAvailable" && strings.Contains(ae.Error(), "quota") {
				t.Fatalf("a size not offered is no quota matter: %v", ae)
			}
			if strings.Contains(ae.Error(), sharedKey) || strings.Contains(ae.Error(), password) {
				t.Fatalf("the error holds a secret: %v", ae)
			}
		})
	}
}

// TestPolling: a gateway's creation, which ARM expects to take 35 minutes and during which
// it answers every poll with Retry-After 10 s (about 210 polls), is polled when it may be
// done: half way and at its expected end, not at every Retry-After.
func TestPolling(t *testing.T) {
	h := start(t, armsim.Config{Latencies: map[string]armsim.Latency{"virtualnetworkgateways": armsim.Fixed(35 * time.Minute)}})
	h.network(t, "azure", "1")
	before, err := h.sim.Admin.Count(ctx, "azure", http.MethodGet, "operations")
	if err != nil {
		t.Fatal(err)
	}
	env, _ := h.env()
	must(t, env, h.acts.EnsureVirtualNetworkGateway, gatewayRequest("azure", "VpnGw1"), &gatewayv1.VirtualNetworkGateway{})
	after, err := h.sim.Admin.Count(ctx, "azure", http.MethodGet, "operations")
	if err != nil {
		t.Fatal(err)
	}
	if polls := after - before; polls < 1 || polls > 3 {
		t.Fatalf("the gateway's operation was polled %d times; want half way and at its expected end", polls)
	}
}
