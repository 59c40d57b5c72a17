package armsim_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// patientAzure is newAzure with more retries, for tests that inject faults on purpose.
func patientAzure(t testing.TB, sim *armsim.Sim) azureClients {
	t.Helper()
	opts := clientOptions(sim, "azure")
	opts.Retry = policy.RetryOptions{MaxRetries: 12, RetryDelay: time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}
	return azureClientsWith(t, opts)
}

// countStatus sums the counters with the given HTTP status.
func countStatus(t testing.TB, sim *armsim.Sim, status int) int64 {
	t.Helper()
	cs, err := sim.Admin.Counters(ctx)
	must(t, err)
	var n int64
	for _, c := range cs {
		if c.Status == status {
			n += c.Count
		}
	}
	return n
}

// vnetRoundTrip creates a resource group and a virtual network with two subnets, reads
// them back and lists them: the calls the fault tests make through azcore's retries.
func vnetRoundTrip(t testing.TB, c azureClients, rg string) {
	t.Helper()
	azGroup(t, c, rg)
	azVnet(t, c, rg, "vnet", "10.1.0.0/16", map[string]string{"workload": "10.1.1.0/24", "GatewaySubnet": "10.1.255.0/27"})
	got, err := c.net.NewVirtualNetworksClient().Get(ctx, rg, "vnet", nil)
	must(t, err)
	if len(got.Properties.Subnets) != 2 || *got.Properties.ProvisioningState != armnetwork.ProvisioningStateSucceeded {
		t.Fatalf("virtual network read back: %+v", got.Properties)
	}
	sub, err := c.net.NewSubnetsClient().Get(ctx, rg, "vnet", "workload", nil)
	must(t, err)
	if *sub.Properties.AddressPrefix != "10.1.1.0/24" {
		t.Fatalf("subnet read back: %s", *sub.Properties.AddressPrefix)
	}
	if n := len(namesOf(t, c.net.NewSubnetsClient().NewListPager(rg, "vnet", nil))); n != 2 {
		t.Fatalf("want 2 subnets listed, got %d", n)
	}
}

// TestThrottledBurstSucceeds: with a tiny token bucket a burst of SDK calls is throttled
// with 429 and Retry-After, and azcore's retries carry every call through.
func TestThrottledBurstSucceeds(t *testing.T) {
	sim := startSim(t, armsim.Config{Throttle: armsim.Throttle{Enabled: true, ReadBurst: 2, ReadRate: 50, WriteBurst: 2, WriteRate: 50}})
	az := patientAzure(t, sim)
	vnetRoundTrip(t, az, "rg-burst")
	for i := range 6 {
		_, err := done(az.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, "rg-burst", fmt.Sprintf("pip-%d", i), armnetwork.PublicIPAddress{
			Location: to("eastus"), SKU: &armnetwork.PublicIPAddressSKU{Name: to(armnetwork.PublicIPAddressSKUNameStandard)},
		}, nil))
		must(t, err)
	}
	for range 20 {
		_, err := az.groups.Get(ctx, "rg-burst", nil)
		must(t, err)
	}
	throttled := countStatus(t, sim, http.StatusTooManyRequests)
	if throttled == 0 {
		t.Fatal("a burst over a 2-token bucket should have been throttled at least once")
	}
	cs, err := sim.Admin.Counters(ctx)
	must(t, err)
	t.Logf("%d requests throttled: %+v", throttled, cs)

	// the published limits let the same burst through untouched
	must(t, sim.Admin.SetThrottle(ctx, armsim.Throttle{Enabled: true}))
	must(t, sim.Admin.ResetCounters(ctx))
	for range 20 {
		_, err := az.groups.Get(ctx, "rg-burst", nil)
		must(t, err)
	}
	if n := countStatus(t, sim, http.StatusTooManyRequests); n != 0 {
		t.Fatalf("ARM's default limits (250 reads) do not throttle 20 reads, got %d 429s", n)
	}
}

// TestInjectedFaultsAreRetried: injected 500s, 503s and dropped connections are carried
// through by azcore's retries, on creates, reads, lists and polls alike.
func TestInjectedFaultsAreRetried(t *testing.T) {
	cases := []struct {
		name   string
		faults armsim.Faults
		status int // a status the counters must show: 0 for a dropped connection, -1 for none
	}{
		{"500", armsim.Faults{Rate500: 0.3}, http.StatusInternalServerError},
		{"503", armsim.Faults{Rate503: 0.3}, http.StatusServiceUnavailable},
		{"429", armsim.Faults{Rate429: 0.3}, http.StatusTooManyRequests},
		{"dropped connections", armsim.Faults{RateDrop: 0.3}, 0},
		{"all at once", armsim.Faults{Rate500: 0.1, Rate503: 0.1, RateDrop: 0.1}, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := startSim(t, armsim.Config{})
			az := patientAzure(t, sim)
			must(t, sim.Admin.SetFaults(ctx, tc.faults))
			for i := range 3 {
				vnetRoundTrip(t, az, fmt.Sprintf("rg-%d", i))
			}
			if tc.status >= 0 && countStatus(t, sim, tc.status) == 0 {
				t.Fatalf("the counters show no request answered %d (0: dropped) in all those calls", tc.status)
			}
			must(t, sim.Admin.SetFaults(ctx, armsim.Faults{}))
			// exactly what the SDK created is there, once
			left, err := sim.Admin.Resources(ctx)
			must(t, err)
			if len(left) != 3*4 { // resource group, virtual network, two subnets
				t.Fatalf("want 12 resources, got %d: %+v", len(left), left)
			}
		})
	}
}

// TestFailProvisioning: a FailProvisioning rule makes the gateway's operation end Failed
// with the rule's code; the SDK's poller returns that error and the gateway says Failed.
func TestFailProvisioning(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	az := newAzure(t, sim, "azure")
	must(t, sim.Admin.SetFaults(ctx, armsim.Faults{FailProvisioning: []armsim.FailRule{
		{Type: "virtualnetworkgateways", Code: "GatewayAllocationFailed", Message: "Allocation failed (injected)."},
	}}))
	gwSubnet, pipID := azureGatewayPrereqs(t, az, "rg-fail")
	must(t, sim.Admin.ResetCounters(ctx))
	gws := az.net.NewVirtualNetworkGatewaysClient()
	_, err := done(gws.BeginCreateOrUpdate(ctx, "rg-fail", "gw", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, gwSubnet, pipID), nil))
	if err == nil {
		t.Fatal("the gateway's creation should fail")
	}
	wantCode(t, err, "GatewayAllocationFailed", 0)
	got, err := gws.Get(ctx, "rg-fail", "gw", nil)
	must(t, err)
	if s := *got.Properties.ProvisioningState; s != armnetwork.ProvisioningStateFailed {
		t.Fatalf("want provisioningState Failed, got %s", s)
	}
	n, err := sim.Admin.Count(ctx, "azure", http.MethodPut, "Microsoft.Network/virtualNetworkGateways")
	must(t, err)
	if n != 1 {
		t.Fatalf("one gateway creation is one PUT, counters say %d", n)
	}

	// other resources are not affected, and once the rule is lifted a retry succeeds
	_, err = done(az.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, "rg-fail", "other-pip", armnetwork.PublicIPAddress{
		Location: to("eastus"), SKU: &armnetwork.PublicIPAddressSKU{Name: to(armnetwork.PublicIPAddressSKUNameStandard)},
	}, nil))
	must(t, err)
	must(t, sim.Admin.SetFaults(ctx, armsim.Faults{}))
	gw, err := done(gws.BeginCreateOrUpdate(ctx, "rg-fail", "gw", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, gwSubnet, pipID), nil))
	must(t, err)
	if *gw.Properties.ProvisioningState != armnetwork.ProvisioningStateSucceeded {
		t.Fatalf("the retried gateway: %s", *gw.Properties.ProvisioningState)
	}
	if n, _ := sim.Admin.Count(ctx, "azure", http.MethodPut, "Microsoft.Network/virtualNetworkGateways"); n != 2 {
		t.Fatalf("two gateway PUTs in all, counters say %d", n)
	}
}

// azureGatewayPrereqs creates a resource group with a virtual network (GatewaySubnet) and
// a Standard static public IP, and returns the subnet's and the public IP's IDs.
func azureGatewayPrereqs(t testing.TB, c azureClients, rg string) (gwSubnet, pipID *string) {
	t.Helper()
	azGroup(t, c, rg)
	vnet := azVnet(t, c, rg, "vnet", "10.1.0.0/16", map[string]string{"GatewaySubnet": "10.1.255.0/27"})
	pip := azPIP(t, c, rg, "gw-pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	return subnetID(vnet.Properties.Subnets, "GatewaySubnet"), pip.ID
}
