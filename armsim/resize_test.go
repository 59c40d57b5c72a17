package armsim_test

import (
	"path/filepath"
	"strconv"
	"testing"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestGatewayResizeAzure: a PUT of an existing Azure gateway with another SKU resizes it in
// place, keeping its public IP, up within its generation and to AZ SKUs; downgrades, other
// generations and Basic are refused.
func TestGatewayResizeAzure(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	c := newAzure(t, sim, "azure")
	gws := c.net.NewVirtualNetworkGatewaysClient()
	for i, tc := range []struct {
		from, to string
		gen      string // the generation the gateway is created with, "" for the SKU's default
		// onlySKU: the PUT leaves vpnGatewayGeneration out, else it sends the GET's back
		onlySKU bool
		code    string // "" when the resize is allowed
	}{
		{from: "VpnGw1", to: "VpnGw2"},
		{from: "VpnGw1", to: "VpnGw3AZ"},
		{from: "VpnGw2AZ", to: "VpnGw3AZ"},
		{from: "VpnGw1", to: "VpnGw1AZ"},
		{from: "VpnGw2", to: "VpnGw5", gen: "Generation2"},
		{from: "VpnGw4", to: "VpnGw5AZ"},
		{from: "VpnGw2", to: "VpnGw1", code: "VirtualNetworkGatewaySkuDowngradeNotSupported"},
		{from: "VpnGw2AZ", to: "VpnGw2", code: "VirtualNetworkGatewaySkuDowngradeNotSupported"},
		{from: "VpnGw3", to: "VpnGw4", onlySKU: true, code: "CrossSeriesOrCrossGatewayGenenrationResizeNotSupported"},
		{from: "VpnGw4", to: "VpnGw1", onlySKU: true, code: "CrossSeriesOrCrossGatewayGenenrationResizeNotSupported"},
		{from: "VpnGw3", to: "VpnGw4", code: "VirtualNetworkGatewaySkuCannotBeCreatedForSpecifiedVmGeneration"},
		{from: "Basic", to: "VpnGw1", code: "CrossSeriesOrCrossGatewayGenenrationResizeNotSupported"},
		{from: "VpnGw1", to: "Basic", code: "CrossSeriesOrCrossGatewayGenenrationResizeNotSupported"},
	} {
		t.Run(tc.from+" to "+tc.to, func(t *testing.T) {
			rg := "rg-resize-" + strconv.Itoa(i)
			azGroup(t, c, rg)
			v := azVnet(t, c, rg, "vnet", "10."+strconv.Itoa(50+i)+".0.0/16", map[string]string{"GatewaySubnet": "10." + strconv.Itoa(50+i) + ".255.0/27"})
			pip := azPIP(t, c, rg, "pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
			body := azGatewayBody(armnetwork.VirtualNetworkGatewaySKUName(tc.from), subnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID)
			if tc.gen != "" {
				body.Properties.VPNGatewayGeneration = to(armnetwork.VPNGatewayGeneration(tc.gen))
			}
			gw, err := done(gws.BeginCreateOrUpdate(ctx, rg, "gw", body, nil))
			must(t, err)
			// GET-modify-PUT, as a client resizes
			gw.Properties.SKU = &armnetwork.VirtualNetworkGatewaySKU{Name: to(armnetwork.VirtualNetworkGatewaySKUName(tc.to)),
				Tier: to(armnetwork.VirtualNetworkGatewaySKUTier(tc.to))}
			if tc.onlySKU {
				gw.Properties.VPNGatewayGeneration = nil
			}
			resized, err := done(gws.BeginCreateOrUpdate(ctx, rg, "gw", gw.VirtualNetworkGateway, nil))
			if tc.code != "" {
				wantCode(t, err, tc.code, 400)
				return
			}
			must(t, err)
			if *resized.Properties.SKU.Name != armnetwork.VirtualNetworkGatewaySKUName(tc.to) ||
				*resized.Properties.VPNGatewayGeneration != *gw.Properties.VPNGatewayGeneration {
				t.Fatalf("resized gateway: sku %s generation %s", *resized.Properties.SKU.Name, *resized.Properties.VPNGatewayGeneration)
			}
			after, err := c.net.NewPublicIPAddressesClient().Get(ctx, rg, "pip", nil)
			must(t, err)
			if *after.Properties.IPAddress != *pip.Properties.IPAddress {
				t.Fatalf("a resize keeps the public IP: %s, then %s", *pip.Properties.IPAddress, *after.Properties.IPAddress)
			}
		})
	}
	t.Run("SKU not in the generation", func(t *testing.T) {
		azGroup(t, c, "rg-gen")
		v := azVnet(t, c, "rg-gen", "vnet", "10.90.0.0/16", map[string]string{"GatewaySubnet": "10.90.255.0/27"})
		pip := azPIP(t, c, "rg-gen", "pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
		body := azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, subnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID)
		body.Properties.VPNGatewayGeneration = to(armnetwork.VPNGatewayGenerationGeneration2)
		_, err := gws.BeginCreateOrUpdate(ctx, "rg-gen", "gw", body, nil)
		wantCode(t, err, "VirtualNetworkGatewaySkuCannotBeCreatedForSpecifiedVmGeneration", 400)
	})
}

// TestGatewayReplaceStack: a stamp refuses any SKU change of an existing gateway; the way to
// another SKU is delete and create, which gives the gateway another public IP address, also
// across a restart on the state file.
func TestGatewayReplaceStack(t *testing.T) {
	cfg := armsim.Config{StateFile: filepath.Join(t.TempDir(), "state.json")}
	sim := startSim(t, cfg)
	c := newStack(t, sim, "azure-stack-hub")
	subnet, pipID := stackGatewayPrereqs(t, c, "rg-replace")
	gws := c.net.NewVirtualNetworkGatewaysClient()
	address := func(c stackClients) string {
		p, err := c.net.NewPublicIPAddressesClient().Get(ctx, "rg-replace", "gw-pip", nil)
		must(t, err)
		if p.Properties.IPAddress == nil {
			return ""
		}
		return *p.Properties.IPAddress
	}
	gw, err := done(gws.BeginCreateOrUpdate(ctx, "rg-replace", "gw", ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameStandard, subnet, pipID), nil))
	must(t, err)
	first := address(c)
	for _, sku := range []ashnetwork.VirtualNetworkGatewaySKUName{ashnetwork.VirtualNetworkGatewaySKUNameHighPerformance,
		ashnetwork.VirtualNetworkGatewaySKUNameBasic, ashnetwork.VirtualNetworkGatewaySKUNameVPNGw1} {
		resize := gw.VirtualNetworkGateway
		resize.Properties.SKU = &ashnetwork.VirtualNetworkGatewaySKU{Name: to(sku), Tier: to(ashnetwork.VirtualNetworkGatewaySKUTier(sku))}
		_, err = gws.BeginCreateOrUpdate(ctx, "rg-replace", "gw", resize, nil)
		if sku == ashnetwork.VirtualNetworkGatewaySKUNameVPNGw1 {
			wantCode(t, err, "InvalidGatewaySize", 400) // no Fast Path on this stamp
			continue
		}
		wantCode(t, err, "VirtualNetworkGatewaySkuResizeNotSupported", 400)
	}
	// the same SKU again is no resize
	cur, err := gws.Get(ctx, "rg-replace", "gw", nil)
	must(t, err)
	if *cur.Properties.SKU.Name != ashnetwork.VirtualNetworkGatewaySKUNameStandard {
		t.Fatalf("a refused resize changes nothing: %s", *cur.Properties.SKU.Name)
	}
	_, err = done(gws.BeginCreateOrUpdate(ctx, "rg-replace", "gw", cur.VirtualNetworkGateway, nil))
	must(t, err)
	if address(c) != first {
		t.Fatal("an update keeps the gateway's address")
	}

	replace := func(c stackClients, sku ashnetwork.VirtualNetworkGatewaySKUName) string {
		_, err := done(c.net.NewVirtualNetworkGatewaysClient().BeginDelete(ctx, "rg-replace", "gw", nil))
		must(t, err)
		if a := address(c); a != "" {
			t.Fatalf("a deleted gateway's dynamic address is released, still %s", a)
		}
		_, err = done(c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-replace", "gw", ashGatewayBody(sku, subnet, pipID), nil))
		must(t, err)
		return address(c)
	}
	// a restart starts the search for a free address from the pool's first address, the
	// one the gateway has: still the gateway created again gets another
	must(t, sim.Close())
	cfg.Clouds = sameAddresses(sim)
	c = newStack(t, startSim(t, cfg), "azure-stack-hub")
	second := replace(c, ashnetwork.VirtualNetworkGatewaySKUNameHighPerformance)
	if second == "" || second == first {
		t.Fatalf("a gateway created again gets another address: %s, then %s", first, second)
	}
	if third := replace(c, ashnetwork.VirtualNetworkGatewaySKUNameStandard); third == "" || third == second {
		t.Fatalf("and again: %s, then %s", second, third)
	}
}
