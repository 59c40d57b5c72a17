package armsim_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// sameAddresses returns the default clouds listening where sim listens, for a restart.
func sameAddresses(sim *armsim.Sim) []armsim.CloudConfig {
	clouds := armsim.DefaultClouds()
	for i := range clouds {
		clouds[i].Addr = strings.TrimPrefix(sim.Endpoints[clouds[i].ID], "https://")
	}
	return clouds
}

// stackGatewayPrereqs is azureGatewayPrereqs on Azure Stack Hub: a Basic dynamic public IP.
func stackGatewayPrereqs(t testing.TB, c stackClients, rg string) (gwSubnet, pipID *string) {
	t.Helper()
	ashGroup(t, c, rg)
	vnet := ashVnet(t, c, rg, "vnet", "10.2.0.0/16", map[string]string{"GatewaySubnet": "10.2.255.0/27"})
	pip, err := done(c.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, rg, "gw-pip", ashnetwork.PublicIPAddress{
		Location:   to("local"),
		Properties: &ashnetwork.PublicIPAddressPropertiesFormat{PublicIPAllocationMethod: to(ashnetwork.IPAllocationMethodDynamic)},
	}, nil))
	must(t, err)
	return stackSubnetID(vnet.Properties.Subnets, "GatewaySubnet"), pip.ID
}

// gatewayPUTs counts the PUTs to virtual network gateways a cloud of sim has answered.
func gatewayPUTs(t testing.TB, sim *armsim.Sim, cloudID string) int64 {
	t.Helper()
	n, err := sim.Admin.Count(ctx, cloudID, http.MethodPut, "Microsoft.Network/virtualNetworkGateways")
	must(t, err)
	return n
}

// TestResumeGatewayCreationAcrossRestart: a client that crashed while a gateway was being
// created resumes its poller, with a new SDK client, against an armsim restarted on the
// same state file, and the gateway is created exactly once.
func TestResumeGatewayCreationAcrossRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "armsim-state.json")
	// a 35-minute gateway takes about 1 s
	cfg := armsim.Config{StateFile: state, TimeScale: 0.0005,
		Latencies: map[string]armsim.Latency{"virtualnetworkgateways": armsim.Fixed(35 * time.Minute)}}
	first := startSim(t, cfg)
	az, st := newAzure(t, first, "azure"), newStack(t, first, "azure-stack-hub")

	azSubnet, azPIP := azureGatewayPrereqs(t, az, "rg-resume")
	stSubnet, stPIP := stackGatewayPrereqs(t, st, "rg-resume")
	pa, err := az.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-resume", "gw", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, azSubnet, azPIP), nil)
	must(t, err)
	pb, err := st.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-resume", "gw", ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameStandard, stSubnet, stPIP), nil)
	must(t, err)
	if pa.Done() || pb.Done() {
		t.Fatal("a 35-minute gateway is not done right away")
	}
	tokenA, err := pa.ResumeToken()
	must(t, err)
	tokenB, err := pb.ResumeToken()
	must(t, err)
	if n := gatewayPUTs(t, first, "azure"); n != 1 {
		t.Fatalf("the first armsim answered %d gateway PUTs on azure, want 1", n)
	}
	if n := gatewayPUTs(t, first, "azure-stack-hub"); n != 1 {
		t.Fatalf("the first armsim answered %d gateway PUTs on azure-stack-hub, want 1", n)
	}

	// the "crash": armsim goes away with the operations in flight, and so do the clients
	must(t, first.Close())
	cfg.Clouds = sameAddresses(first)
	second := startSim(t, cfg)
	az2, st2 := newAzure(t, second, "azure"), newStack(t, second, "azure-stack-hub")

	resA, err := done(az2.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-resume", "gw", armnetwork.VirtualNetworkGateway{},
		&armnetwork.VirtualNetworkGatewaysClientBeginCreateOrUpdateOptions{ResumeToken: tokenA}))
	must(t, err)
	resB, err := done(st2.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-resume", "gw", ashnetwork.VirtualNetworkGateway{},
		&ashnetwork.VirtualNetworkGatewaysClientBeginCreateOrUpdateOptions{ResumeToken: tokenB}))
	must(t, err)
	if *resA.Properties.ProvisioningState != armnetwork.ProvisioningStateSucceeded || resA.ID == nil {
		t.Fatalf("resumed Azure gateway: %+v", resA.Properties)
	}
	if *resB.Properties.ProvisioningState != "Succeeded" || resB.ID == nil {
		t.Fatalf("resumed Azure Stack Hub gateway: %+v", resB.Properties)
	}
	for _, c := range []string{"azure", "azure-stack-hub"} {
		if n := gatewayPUTs(t, second, c); n != 0 {
			t.Fatalf("resuming must not create the gateway again: the second armsim answered %d gateway PUTs on %s", n, c)
		}
	}
	pip, err := st2.net.NewPublicIPAddressesClient().Get(ctx, "rg-resume", "gw-pip", nil)
	must(t, err)
	if pip.Properties.IPAddress == nil {
		t.Fatal("the stack gateway's dynamic public IP gets its address when the resumed creation completes")
	}

	// the state file is whole JSON, and a third armsim started on it serves what was built
	must(t, second.Close())
	b, err := os.ReadFile(state)
	must(t, err)
	if !json.Valid(b) {
		t.Fatalf("the state file is not valid JSON: %.200s", b)
	}
	cfg.Clouds = nil
	third := startSim(t, cfg)
	az3, st3 := newAzure(t, third, "azure"), newStack(t, third, "azure-stack-hub")
	var gws []string
	for p := az3.net.NewVirtualNetworkGatewaysClient().NewListPager("rg-resume", nil); p.More(); {
		page, err := p.NextPage(ctx)
		must(t, err)
		for _, g := range page.Value {
			gws = append(gws, *g.Name+"="+string(*g.Properties.ProvisioningState))
		}
	}
	if strings.Join(gws, ",") != "gw=Succeeded" {
		t.Fatalf("the restarted armsim lists Azure gateways %v", gws)
	}
	if n := len(namesOf(t, st3.net.NewVirtualNetworkGatewaysClient().NewListPager("rg-resume", nil))); n != 1 {
		t.Fatalf("the restarted armsim lists %d Azure Stack Hub gateways, want 1", n)
	}
	pip3, err := st3.net.NewPublicIPAddressesClient().Get(ctx, "rg-resume", "gw-pip", nil)
	must(t, err)
	if pip3.Properties.IPAddress == nil || *pip3.Properties.IPAddress != *pip.Properties.IPAddress {
		t.Fatalf("the gateway's public IP keeps its address across restarts: %v then %v", pip.Properties.IPAddress, pip3.Properties.IPAddress)
	}
	// the restored emulated internet knows whose address that is: a new static IP does not take it
	np, err := done(az3.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, "rg-resume", "another-pip", armnetwork.PublicIPAddress{
		Location: to("eastus"), SKU: &armnetwork.PublicIPAddressSKU{Name: to(armnetwork.PublicIPAddressSKUNameStandard)},
	}, nil))
	must(t, err)
	old, err := az3.net.NewPublicIPAddressesClient().Get(ctx, "rg-resume", "gw-pip", nil)
	must(t, err)
	if *np.Properties.IPAddress == *old.Properties.IPAddress {
		t.Fatalf("a new public IP was given %s, the address of an existing one", *np.Properties.IPAddress)
	}
	left, err := third.Admin.Resources(ctx)
	must(t, err)
	if len(left) != 2*(1+1+1+1+1)+1 { // per cloud: group, vnet, subnet, public IP, gateway; plus the new IP
		t.Fatalf("the restarted armsim holds %d resources: %+v", len(left), left)
	}
}
