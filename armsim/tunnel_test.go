package armsim_test

import (
	"strings"
	"testing"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// hybridRig is both sites of a hybrid deployment on one armsim (each site's network, public
// IP and VPN gateway), ready to be connected.
type hybridRig struct {
	sim *armsim.Sim
	az  azureClients
	st  stackClients
	a   azureSite
	b   stackSite
}

func newHybridRig(t *testing.T, cfg armsim.Config) hybridRig {
	t.Helper()
	sim := startSim(t, cfg)
	az, st := newAzure(t, sim, "azure"), newStack(t, sim, "azure-stack-hub")
	return hybridRig{sim: sim, az: az, st: st, a: buildAzureSite(t, az), b: buildStackSite(t, st)}
}

// statuses reads both connections' status and, for failures, the tunnel's explanation.
func (r hybridRig) statuses(t *testing.T) (azure, stack string, why armsim.Tunnel) {
	t.Helper()
	ca, cb := azureStatus(t, r.az), stackStatus(t, r.st)
	tn, err := r.sim.Admin.Explain(ctx, "azure", *ca.ID)
	must(t, err)
	return string(*ca.Properties.ConnectionStatus), string(*cb.Properties.ConnectionStatus), tn
}

// azureLNG (re)writes the Azure local network gateway that stands for the stack site.
func (r hybridRig) azureLNG(t *testing.T, ip string, prefixes ...string) *string {
	t.Helper()
	lng, err := done(r.az.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-hub", "lng-to-stack", azLNGBody(ip, prefixes...), nil))
	must(t, err)
	return lng.ID
}

// stackLNG (re)writes the Azure Stack Hub local network gateway that stands for the Azure site.
func (r hybridRig) stackLNG(t *testing.T, ip string, prefixes ...string) *string {
	t.Helper()
	lng, err := done(r.st.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-stack", "lng-to-azure", ashLNGBody(ip, prefixes...), nil))
	must(t, err)
	return lng.ID
}

// TestTunnelStatus checks that a connection reaches Connected only when both sides agree,
// and that the admin API says why not otherwise.
func TestTunnelStatus(t *testing.T) {
	const (
		connected    = string(armnetwork.VirtualNetworkGatewayConnectionStatusConnected)
		notConnected = string(armnetwork.VirtualNetworkGatewayConnectionStatusNotConnected)
	)
	cases := []struct {
		name   string
		policy *armnetwork.IPSecPolicy
		// azureKey, azureIP and azurePrefixes override what the Azure side is told; empty
		// means what connectSites would give it.
		azureKey, azureIP string
		azurePrefixes     []string
		wantAzure         string
		wantStack         string
		wantReason        string
	}{
		{name: "defaults on both sides", wantAzure: notConnected, wantStack: notConnected, wantReason: "IKE phase 1"},
		{name: "documented policy on the Azure connection", policy: documentedPolicy(), wantAzure: connected, wantStack: connected},
		{name: "different shared keys", policy: documentedPolicy(), azureKey: "not-the-" + sharedKey,
			wantAzure: notConnected, wantStack: notConnected, wantReason: "pre-shared keys"},
		{name: "local network gateway at a wrong address", policy: documentedPolicy(), azureIP: "198.19.200.200",
			wantAzure: notConnected, wantStack: notConnected, wantReason: "no VPN gateway answers at 198.19.200.200"},
		{name: "local network gateway listing wrong prefixes", policy: documentedPolicy(), azurePrefixes: []string{"10.9.0.0/16"},
			wantAzure: notConnected, wantStack: notConnected, wantReason: "traffic selectors do not match"},
		{name: "local network gateway listing part of the remote space", policy: documentedPolicy(), azurePrefixes: []string{"10.2.1.0/24"},
			wantAzure: notConnected, wantStack: notConnected, wantReason: "traffic selectors do not match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newHybridRig(t, armsim.Config{})
			key, ip, prefixes := sharedKey, *r.b.pip.Properties.IPAddress, []string{"10.2.0.0/16"}
			if tc.azureKey != "" {
				key = tc.azureKey
			}
			if tc.azureIP != "" {
				ip = tc.azureIP
			}
			if tc.azurePrefixes != nil {
				prefixes = tc.azurePrefixes
			}
			lngA := r.azureLNG(t, ip, prefixes...)
			lngB := r.stackLNG(t, *r.a.pip.Properties.IPAddress, "10.1.0.0/16")
			pa, err := r.az.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-hub", "conn-to-stack", azConnBody(r.a.gateway.ID, lngA, key, tc.policy), nil)
			must(t, err)
			pb, err := r.st.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-stack", "conn-to-azure", ashConnBody(r.b.gateway.ID, lngB), nil)
			must(t, err)
			_, err = done(pa, nil)
			must(t, err)
			_, err = done(pb, nil)
			must(t, err)

			gotA, gotB, why := r.statuses(t)
			if gotA != tc.wantAzure || gotB != tc.wantStack {
				t.Fatalf("want Azure %s and Azure Stack Hub %s, got %s and %s: %+v", tc.wantAzure, tc.wantStack, gotA, gotB, why)
			}
			if why.Status != gotA {
				t.Fatalf("explain says %s but the connection says %s", why.Status, gotA)
			}
			if !strings.Contains(why.Reason, tc.wantReason) {
				t.Fatalf("want a reason mentioning %q, got %q", tc.wantReason, why.Reason)
			}
			if gotA == connected && (why.IKE != "AES256/SHA384/ECP384" || why.Peer == "" || why.PeerCloud != "azure-stack-hub") {
				t.Fatalf("a Connected tunnel names its proposals and peer: %+v", why)
			}
		})
	}
}

// TestTunnelDefaultsExplained is the documented pitfall through connectSites itself.
func TestTunnelDefaultsExplained(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	connectSites(t, r.az, r.st, r.a, r.b, nil)
	gotA, gotB, why := r.statuses(t)
	if gotA != "NotConnected" || gotB != "NotConnected" {
		t.Fatalf("with defaults on both sides the tunnel stays down, got %s and %s", gotA, gotB)
	}
	if !strings.Contains(why.Reason, "IKE phase 1") || !strings.Contains(why.Reason, "DHGroup2") {
		t.Fatalf("the explanation names the IKE phase 1 mismatch and Azure's default offer: %q", why.Reason)
	}
}

// TestTunnelWhilePeerProvisions: a connection with no peer connection is NotConnected;
// one whose peer is still being created is Connecting; both come up once it is.
func TestTunnelWhilePeerProvisions(t *testing.T) {
	// a connection takes 20 emulated hours, 1.4 s: long enough to look at it while it runs
	r := newHybridRig(t, armsim.Config{Latencies: map[string]armsim.Latency{"connections": armsim.Fixed(20 * 3600e9)}})
	lngA := r.azureLNG(t, *r.b.pip.Properties.IPAddress, "10.2.0.0/16")
	lngB := r.stackLNG(t, *r.a.pip.Properties.IPAddress, "10.1.0.0/16")
	conns := r.az.net.NewVirtualNetworkGatewayConnectionsClient()
	pa, err := conns.BeginCreateOrUpdate(ctx, "rg-hub", "conn-to-stack", azConnBody(r.a.gateway.ID, lngA, sharedKey, documentedPolicy()), nil)
	must(t, err)
	got, err := conns.Get(ctx, "rg-hub", "conn-to-stack", nil)
	must(t, err)
	if *got.Properties.ProvisioningState != armnetwork.ProvisioningStateSucceeded &&
		*got.Properties.ConnectionStatus != armnetwork.VirtualNetworkGatewayConnectionStatusConnecting {
		t.Fatalf("a connection being provisioned is Connecting, got %s", *got.Properties.ConnectionStatus)
	}
	ca, err := done(pa, nil)
	must(t, err)
	if s := *ca.Properties.ConnectionStatus; s != armnetwork.VirtualNetworkGatewayConnectionStatusNotConnected {
		t.Fatalf("with no connection on the other side the tunnel is NotConnected, got %s", s)
	}
	why, err := r.sim.Admin.Explain(ctx, "azure", *ca.ID)
	must(t, err)
	if !strings.Contains(why.Reason, "has no connection") {
		t.Fatalf("explain: %+v", why)
	}

	peers := r.st.net.NewVirtualNetworkGatewayConnectionsClient()
	pb, err := peers.BeginCreateOrUpdate(ctx, "rg-stack", "conn-to-azure", ashConnBody(r.b.gateway.ID, lngB), nil)
	must(t, err)
	// Read the Azure side, then make sure the peer was still provisioning after that read:
	// only then must the read have seen Connecting.
	gotA := azureStatus(t, r.az)
	gotB := stackStatus(t, r.st)
	if *gotB.Properties.ProvisioningState != "Succeeded" {
		if s := *gotA.Properties.ConnectionStatus; s != armnetwork.VirtualNetworkGatewayConnectionStatusConnecting {
			t.Fatalf("while the peer connection is provisioning the tunnel is Connecting, got %s", s)
		}
		if s := *gotB.Properties.ConnectionStatus; s != ashnetwork.VirtualNetworkGatewayConnectionStatusConnecting {
			t.Fatalf("a connection being provisioned is Connecting, got %s", s)
		}
	} else {
		t.Log("the peer finished provisioning before it could be observed; skipping the Connecting check")
	}
	_, err = done(pb, nil)
	must(t, err)
	if a, b, why := r.statuses(t); a != "Connected" || b != "Connected" {
		t.Fatalf("once both connections exist the tunnel is up, got %s and %s: %+v", a, b, why)
	}
}

// TestTunnelByteCounters: a Connected tunnel's byte counters grow as emulated time passes.
func TestTunnelByteCounters(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	connectSites(t, r.az, r.st, r.a, r.b, documentedPolicy())
	first, firstB := azureStatus(t, r.az), stackStatus(t, r.st)
	// at the test time scale an emulated second is 20 µs: any later read is seconds later
	second, secondB := azureStatus(t, r.az), stackStatus(t, r.st)
	if *first.Properties.ConnectionStatus != armnetwork.VirtualNetworkGatewayConnectionStatusConnected {
		t.Fatalf("want Connected, got %s", *first.Properties.ConnectionStatus)
	}
	for _, c := range []struct {
		name          string
		before, after int64
	}{
		{"Azure ingress", *first.Properties.IngressBytesTransferred, *second.Properties.IngressBytesTransferred},
		{"Azure egress", *first.Properties.EgressBytesTransferred, *second.Properties.EgressBytesTransferred},
		{"Azure Stack Hub ingress", *firstB.Properties.IngressBytesTransferred, *secondB.Properties.IngressBytesTransferred},
		{"Azure Stack Hub egress", *firstB.Properties.EgressBytesTransferred, *secondB.Properties.EgressBytesTransferred},
	} {
		if c.before <= 0 || c.after <= c.before {
			t.Errorf("%s bytes should grow while Connected: %d then %d", c.name, c.before, c.after)
		}
	}
}

// TestTunnelSetSharedKey: changing one side's key with the SDK's SetSharedKey breaks the
// tunnel, and setting it back restores it; on either cloud.
func TestTunnelSetSharedKey(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	connectSites(t, r.az, r.st, r.a, r.b, documentedPolicy())
	azConns := r.az.net.NewVirtualNetworkGatewayConnectionsClient()
	stConns := r.st.net.NewVirtualNetworkGatewayConnectionsClient()
	// wantSet fails unless SetSharedKey succeeded and answered the key it set.
	wantSet := func(got *string, err error, key string) {
		t.Helper()
		must(t, err)
		if got == nil || *got != key {
			t.Fatalf("SetSharedKey answers the key it set, got %v", got)
		}
	}
	setAzure := func(key string) {
		t.Helper()
		res, err := done(azConns.BeginSetSharedKey(ctx, "rg-hub", "conn-to-stack", armnetwork.ConnectionSharedKey{Value: to(key)}, nil))
		wantSet(res.Value, err, key)
	}
	setStack := func(key string) {
		t.Helper()
		res, err := done(stConns.BeginSetSharedKey(ctx, "rg-stack", "conn-to-azure", ashnetwork.ConnectionSharedKey{Value: to(key)}, nil))
		wantSet(res.Value, err, key)
	}
	want := func(status string) {
		t.Helper()
		a, b, why := r.statuses(t)
		if a != status || b != status {
			t.Fatalf("want both %s, got %s and %s: %+v", status, a, b, why)
		}
		if status != "Connected" && !strings.Contains(why.Reason, "pre-shared keys") {
			t.Fatalf("the explanation names the key mismatch: %q", why.Reason)
		}
	}
	want("Connected")
	setAzure("another-key")
	want("NotConnected")
	got, err := azConns.GetSharedKey(ctx, "rg-hub", "conn-to-stack", nil)
	must(t, err)
	if *got.Value != "another-key" {
		t.Fatalf("GetSharedKey after SetSharedKey: %s", *got.Value)
	}
	setAzure(sharedKey)
	want("Connected")

	setStack("yet-another-key")
	want("NotConnected")
	setStack(sharedKey)
	want("Connected")
}
