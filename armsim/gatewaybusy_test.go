package armsim_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// testClock is armsim's clock in a test: wall-clock time plus the jumps the test makes, so
// an operation ends when the test says and never because the machine was slow.
type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

// jump moves the clock forward by d.
func (c *testClock) jump(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// forever is a connection's operation time in these tests, emulated: two hours of
// wall-clock time at the test time scale, so a connection's operation ends only when the
// clock jumps by ages, three hours (less than the day after which ARM forgets a finished
// operation).
const (
	forever = 100_000 * time.Hour
	ages    = 3 * time.Hour
)

// noRetryNetwork is a network client factory on a cloud that does not retry, so a test
// sees each refusal the first time.
func noRetryNetwork(t testing.TB, sim *armsim.Sim, cloudID, subscription string) *armnetwork.ClientFactory {
	t.Helper()
	opts := clientOptions(sim, cloudID)
	opts.Retry.MaxRetries = -1
	f, err := armnetwork.NewClientFactory(subscription, cred, opts)
	must(t, err)
	return f
}

// azHubGateway builds, in a new resource group, a virtual network with a GatewaySubnet, a
// Standard public IP and a VPN gateway of the SKU, and returns the gateway once it runs;
// with a clock, the clock jumps by ages to end the gateway's create.
func azHubGateway(t testing.TB, c azureClients, clk *testClock, rg string, sku armnetwork.VirtualNetworkGatewaySKUName) armnetwork.VirtualNetworkGateway {
	t.Helper()
	azGroup(t, c, rg)
	v := azVnet(t, c, rg, "vnet-hub", "10.1.0.0/16", map[string]string{"GatewaySubnet": "10.1.255.0/27"})
	pip := azPIP(t, c, rg, "pip-hub", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	p, err := c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "gw-hub",
		azGatewayBody(sku, subnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID), nil)
	must(t, err)
	if clk != nil {
		clk.jump(ages)
	}
	gw, err := done(p, nil)
	must(t, err)
	return gw.VirtualNetworkGateway
}

// azSpokeLNG creates the local network gateway of spoke i, at spokeIP(i) with spokePrefix(i).
func azSpokeLNG(t testing.TB, c azureClients, rg string, i int) *string {
	t.Helper()
	l, err := done(c.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "lng-"+strconv.Itoa(i),
		azLNGBody(spokeIP(i), spokePrefix(i)), nil))
	must(t, err)
	return l.ID
}

// wantBusyGateway checks a refusal for a busy gateway: ARM's RetryableError with the detail
// RetryableErrorDueToAnotherOperation naming the gateway and the operation, and Retry-After.
func wantBusyGateway(gatewayID string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		re := err.(*azcore.ResponseError)
		if re.RawResponse.Header.Get("Retry-After") == "" {
			t.Errorf("a refusal for a busy gateway carries Retry-After: %v", re.RawResponse.Header)
		}
		b, rerr := runtime.Payload(re.RawResponse)
		must(t, rerr)
		var env struct {
			Error struct {
				Message string
				Details []struct{ Code, Message string }
			}
		}
		must(t, json.Unmarshal(b, &env))
		if env.Error.Message != "A retryable error occurred." || len(env.Error.Details) != 1 ||
			env.Error.Details[0].Code != "RetryableErrorDueToAnotherOperation" ||
			!strings.Contains(env.Error.Details[0].Message, "is updating resource "+gatewayID+".") ||
			!strings.Contains(env.Error.Details[0].Message, "The call can be retried in ") {
			t.Errorf("busy gateway error: %s", b)
		}
	}
}

// busyCase is a write that a busy gateway refuses, as wantBusyGateway checks.
func busyCase(name, gatewayID string, do func() error) ruleCase {
	return ruleCase{name: name, code: "RetryableError", status: http.StatusTooManyRequests, check: wantBusyGateway(gatewayID), do: do}
}

// busyHub is an Azure hub gateway (VPNGw1, in rg-hub) with the local network gateways of
// its spokes, on an armsim whose clock the test moves.
type busyHub struct {
	clk  *testClock
	sim  *armsim.Sim
	c    azureClients
	nr   *armnetwork.ClientFactory // the same cloud, without retries
	gw   armnetwork.VirtualNetworkGateway
	lngs []*string
}

// newBusyHub starts armsim with slow's operations lasting forever and builds the hub with
// spokes local network gateways.
func newBusyHub(t *testing.T, slow string, spokes int) busyHub {
	t.Helper()
	h := busyHub{clk: &testClock{}}
	h.sim = startSim(t, armsim.Config{Now: h.clk.now, Latencies: map[string]armsim.Latency{slow: armsim.Fixed(forever)}})
	h.c = newAzure(t, h.sim, "azure")
	h.nr = noRetryNetwork(t, h.sim, "azure", sub)
	h.gw = azHubGateway(t, h.c, h.clk, "rg-hub", armnetwork.VirtualNetworkGatewaySKUNameVPNGw1)
	for i := range spokes {
		h.lngs = append(h.lngs, azSpokeLNG(t, h.c, "rg-hub", i))
	}
	return h
}

// putConn is a case's write of the hub's connection conn-i, to spoke i with key, without retries.
func (h busyHub) putConn(i int, key string) func() error {
	return func() error {
		_, err := h.nr.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-hub", "conn-"+strconv.Itoa(i),
			azConnBody(h.gw.ID, h.lngs[i], key, nil), nil)
		return err
	}
}

// deleteConn is a case's delete of the hub's connection conn-i, without retries.
func (h busyHub) deleteConn(i int) func() error {
	return func() error {
		_, err := h.nr.NewVirtualNetworkGatewayConnectionsClient().BeginDelete(ctx, "rg-hub", "conn-"+strconv.Itoa(i), nil)
		return err
	}
}

// TestGatewayBusy: while a connection on a gateway is being written, every other write that
// touches the gateway is refused with 429 RetryableError and Retry-After, stores nothing and
// counts as a 429; once the operation ends the write goes through, and a template deployment
// that met the busy gateway waits and goes on by itself.
func TestGatewayBusy(t *testing.T) {
	h := newBusyHub(t, "connections", 4)
	clk, sim, gw, lngs := h.clk, h.sim, h.gw, h.lngs
	const rg = "rg-hub"
	conns, nrConns, nrGws := h.c.net.NewVirtualNetworkGatewayConnectionsClient(), h.nr.NewVirtualNetworkGatewayConnectionsClient(), h.nr.NewVirtualNetworkGatewaysClient()

	first, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-0", azConnBody(gw.ID, lngs[0], sharedKey, nil), nil)
	must(t, err)
	clk.jump(ages)
	_, err = done(first, nil)
	must(t, err)
	// conn-1's create holds the gateway for the rest of the cases
	pending, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-1", azConnBody(gw.ID, lngs[1], sharedKey, nil), nil)
	must(t, err)
	runRules(t, sim, []ruleCase{
		busyCase("AnotherConnection", *gw.ID, h.putConn(2, sharedKey)),
		busyCase("DeleteAnotherConnection", *gw.ID, h.deleteConn(0)),
		busyCase("SharedKeyOfAnotherConnection", *gw.ID, func() error {
			_, err := nrConns.BeginSetSharedKey(ctx, rg, "conn-0", armnetwork.ConnectionSharedKey{Value: to("an0ther-key")}, nil)
			return err
		}),
		busyCase("UpdateGateway", *gw.ID, func() error {
			body := gw
			body.Tags = map[string]*string{"spokes": to("3")}
			_, err := nrGws.BeginCreateOrUpdate(ctx, rg, "gw-hub", body, nil)
			return err
		}),
		busyCase("TagGateway", *gw.ID, func() error {
			_, err := nrGws.BeginUpdateTags(ctx, rg, "gw-hub", armnetwork.TagsObject{Tags: map[string]*string{"spokes": to("3")}}, nil)
			return err
		}),
		busyCase("DeleteGateway", *gw.ID, func() error {
			_, err := nrGws.BeginDelete(ctx, rg, "gw-hub", nil)
			return err
		}),
		// the connection whose operation runs keeps the resource's own 409
		{name: "RewriteTheBusyConnection", code: "AnotherOperationInProgress", status: http.StatusConflict, do: h.putConn(1, sharedKey)},
	})
	created, err := sim.Admin.Counters(ctx)
	must(t, err)
	byStatus := map[int]int64{}
	for _, cv := range created {
		if cv.Cloud == "azure" && cv.Method == http.MethodPut && cv.Type == "Microsoft.Network/connections" {
			byStatus[cv.Status] += cv.Count
		}
	}
	if byStatus[http.StatusCreated] != 2 || byStatus[http.StatusTooManyRequests] != 1 {
		t.Errorf("connection PUTs by status = %v, want 2 created (conn-0, conn-1) and 1 refused with 429", byStatus)
	}

	// a deployment attaching a spoke meanwhile is not failed: it waits for the gateway
	spoke := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
	  "resources": [{"type": "Microsoft.Network/connections", "apiVersion": "2024-05-01", "name": "conn-3", "location": "eastus",
	    "properties": {"connectionType": "IPsec", "sharedKey": "` + sharedKey + `",
	      "virtualNetworkGateway1": {"id": "` + *gw.ID + `"}, "localNetworkGateway2": {"id": "` + *lngs[3] + `"}}}]}`
	put := deploy(t, sim, rg, "spoke-3", spoke, `{}`)
	if put.status != http.StatusCreated {
		t.Fatalf("deployment PUT: %d %s", put.status, put.body)
	}
	deployment := func() string {
		var d struct {
			Properties struct{ ProvisioningState string }
		}
		r := raw(t, sim, "azure", http.MethodGet, groupPath(rg)+"/providers/Microsoft.Resources/deployments/spoke-3?api-version="+resourcesAPI, nil)
		must(t, json.Unmarshal(r.body, &d))
		return d.Properties.ProvisioningState
	}
	if st := deployment(); st != "Running" {
		t.Fatalf("the deployment meeting a busy gateway is %s, want Running", st)
	}

	// conn-1 ends: the deployment's connection goes in and holds the gateway in its turn
	clk.jump(ages)
	if _, err := done(pending, nil); err != nil {
		t.Fatal(err)
	}
	_, err = nrConns.BeginCreateOrUpdate(ctx, rg, "conn-2", azConnBody(gw.ID, lngs[2], sharedKey, nil), nil)
	wantCode(t, err, "RetryableError", http.StatusTooManyRequests)
	clk.jump(ages)
	if st := deployment(); st != "Succeeded" {
		t.Fatalf("the deployment after the gateway was free is %s, want Succeeded", st)
	}
	later, err := nrConns.BeginCreateOrUpdate(ctx, rg, "conn-2", azConnBody(gw.ID, lngs[2], sharedKey, nil), nil)
	must(t, err)
	clk.jump(ages)
	got, err := done(later, nil)
	must(t, err)
	if *got.Properties.ProvisioningState != armnetwork.ProvisioningStateSucceeded {
		t.Fatalf("conn-2 once the gateway is free: %+v", got.Properties.ProvisioningState)
	}
}

// TestGatewayBusyUpdating: while the gateway's own update runs, its connections cannot be
// written either, and they can once it ends.
func TestGatewayBusyUpdating(t *testing.T) {
	h := newBusyHub(t, "virtualnetworkgateways", 2)
	clk, sim, c, gw, lngs := h.clk, h.sim, h.c, h.gw, h.lngs
	const rg = "rg-hub"
	conns, nrConns := c.net.NewVirtualNetworkGatewayConnectionsClient(), h.nr.NewVirtualNetworkGatewayConnectionsClient()
	_, err := done(conns.BeginCreateOrUpdate(ctx, rg, "conn-0", azConnBody(gw.ID, lngs[0], sharedKey, nil), nil))
	must(t, err)
	body := gw
	body.Tags = map[string]*string{"spokes": to("2")}
	update, err := c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "gw-hub", body, nil)
	must(t, err)
	runRules(t, sim, []ruleCase{
		busyCase("NewConnection", *gw.ID, h.putConn(1, sharedKey)),
		busyCase("RewriteConnection", *gw.ID, h.putConn(0, "an0ther-key")),
		busyCase("DeleteConnection", *gw.ID, h.deleteConn(0)),
	})
	clk.jump(ages)
	_, err = done(update, nil)
	must(t, err)
	_, err = done(nrConns.BeginCreateOrUpdate(ctx, rg, "conn-1", azConnBody(gw.ID, lngs[1], sharedKey, nil), nil))
	must(t, err)
}
