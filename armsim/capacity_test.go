package armsim_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// otherSub is a second subscription (tenant) of the same stamp.
const otherSub = "00000000-0000-0000-0000-0000000000bb"

// ashGateway builds, in a resource group (created if need be), a virtual network of the
// given space with a GatewaySubnet, a dynamic public IP and a running gateway of the SKU;
// it returns the gateway and its public IP address.
func ashGateway(t testing.TB, c stackClients, rg, name, space string, sku ashnetwork.VirtualNetworkGatewaySKUName) (ashnetwork.VirtualNetworkGateway, string) {
	t.Helper()
	ashGroup(t, c, rg)
	gwSubnet := strings.Replace(space, ".0.0/16", ".255.0/27", 1)
	v := ashVnet(t, c, rg, "vnet-"+name, space, map[string]string{"GatewaySubnet": gwSubnet})
	pip := ashPIP(t, c, rg, "pip-"+name, ashnetwork.IPAllocationMethodDynamic)
	gw, err := done(c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, name,
		ashGatewayBody(sku, stackSubnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID), nil))
	must(t, err)
	got, err := c.net.NewPublicIPAddressesClient().Get(ctx, rg, "pip-"+name, nil)
	must(t, err)
	return gw.VirtualNetworkGateway, *got.Properties.IPAddress
}

// ashSpoke creates a local network gateway at ip and a connection through it on gw, both
// named after name, and waits for the connection.
func ashSpoke(t testing.TB, c stackClients, rg, name, ip, prefix string, gw *string) error {
	t.Helper()
	lng, err := done(c.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "lng-"+name, ashLNGBody(ip, prefix), nil))
	must(t, err)
	_, err = done(c.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, rg, name, ashConnBody(gw, lng.ID), nil))
	return err
}

func ashConnBody(gw, lng *string) ashnetwork.VirtualNetworkGatewayConnection {
	return ashnetwork.VirtualNetworkGatewayConnection{Location: to("local"), Properties: &ashnetwork.VirtualNetworkGatewayConnectionPropertiesFormat{
		ConnectionType:         to(ashnetwork.VirtualNetworkGatewayConnectionTypeIPsec),
		VirtualNetworkGateway1: &ashnetwork.VirtualNetworkGateway{ID: gw},
		LocalNetworkGateway2:   &ashnetwork.LocalNetworkGateway{ID: lng},
		SharedKey:              to(sharedKey),
	}}
}

// spokeIP and spokePrefix are the address and address space of remote site i.
func spokeIP(i int) string     { return "203.0.113." + strconv.Itoa(i) }
func spokePrefix(i int) string { return "10." + strconv.Itoa(100+i) + ".0.0/16" }

// TestGatewayConnectionLimit: a Basic Azure gateway holds 10 site-to-site connections; the
// 11th is refused and stored nowhere, and a PUT of an existing connection is not counted.
func TestGatewayConnectionLimit(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	c := newAzure(t, sim, "azure")
	const rg = "rg-hub"
	gw := azHubGateway(t, c, nil, rg, armnetwork.VirtualNetworkGatewaySKUNameBasic)
	conns := c.net.NewVirtualNetworkGatewayConnectionsClient()
	lngs := make([]*string, 11)
	for i := range lngs {
		lngs[i] = azSpokeLNG(t, c, rg, i)
	}
	for i := range 10 {
		_, err := done(conns.BeginCreateOrUpdate(ctx, rg, "conn-"+strconv.Itoa(i), azConnBody(gw.ID, lngs[i], sharedKey, nil), nil))
		must(t, err)
	}
	runRules(t, sim, []ruleCase{
		{name: "EleventhOnBasic", code: "VirtualNetworkGatewayConnectionLimitReached", status: http.StatusBadRequest,
			target: "properties.virtualNetworkGateway1.id", do: func() error {
				_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-10", azConnBody(gw.ID, lngs[10], sharedKey, nil), nil)
				return err
			}, check: func(t *testing.T, err error) {
				if m := armBody(t, err).Message; !strings.Contains(m, "has 10 site-to-site connections, the most a Basic gateway supports") {
					t.Errorf("message: %s", m)
				}
			}},
	})
	// an update of a connection the gateway holds is no new tunnel
	_, err := done(conns.BeginCreateOrUpdate(ctx, rg, "conn-9", azConnBody(gw.ID, lngs[9], "an0ther-key", nil), nil))
	must(t, err)
}

// TestStampTunnelPool: a stamp without VPN Fast Path holds 20 Basic or Standard tunnels
// across all its subscriptions; the 21st is refused in the subscription that asks, with a
// message that names nothing of the other's, and deleting a tunnel frees room for one
// Standard tunnel but not for a HighPerformance one, which takes two.
func TestStampTunnelPool(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	one, two := newStack(t, sim, "azure-stack-hub"), newStackIn(t, sim, "azure-stack-hub", otherSub)
	gw1, _ := ashGateway(t, one, "rg-one", "gw-one", "10.2.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	gw2, _ := ashGateway(t, two, "rg-two", "gw-two", "10.3.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	hp, _ := ashGateway(t, two, "rg-two-hp", "gw-hp", "10.4.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameHighPerformance)
	for i := range 15 {
		must(t, ashSpoke(t, one, "rg-one", "conn-"+strconv.Itoa(i), spokeIP(i), spokePrefix(i), gw1.ID))
	}
	for i := 15; i < 20; i++ {
		must(t, ashSpoke(t, two, "rg-two", "conn-"+strconv.Itoa(i), spokeIP(i), spokePrefix(i), gw2.ID))
	}
	lng, err := done(two.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-two", "lng-conn-20", ashLNGBody(spokeIP(20), spokePrefix(20)), nil))
	must(t, err)
	hpLNG, err := done(two.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-two-hp", "lng-hp", ashLNGBody(spokeIP(21), spokePrefix(21)), nil))
	must(t, err)
	twoConns := two.net.NewVirtualNetworkGatewayConnectionsClient()
	highPerformance := ruleCase{name: "HighPerformanceInOneUnit", code: "StampVpnTunnelCapacityReached", status: http.StatusBadRequest,
		target: "properties.virtualNetworkGateway1.id", do: func() error {
			_, err := twoConns.BeginCreateOrUpdate(ctx, "rg-two-hp", "conn-hp", ashConnBody(hp.ID, hpLNG.ID), nil)
			return err
		}}
	runRules(t, sim, []ruleCase{
		{name: "TwentyFirstStandard", code: "StampVpnTunnelCapacityReached", status: http.StatusBadRequest,
			target: "properties.virtualNetworkGateway1.id", do: func() error {
				_, err := twoConns.BeginCreateOrUpdate(ctx, "rg-two", "conn-20", ashConnBody(gw2.ID, lng.ID), nil)
				return err
			}, check: func(t *testing.T, err error) {
				m := armBody(t, err).Message
				if strings.Contains(m, sub) || strings.Contains(m, "rg-one") || !strings.Contains(m, "use 20 of its 20 capacity units") {
					t.Errorf("message: %s", m)
				}
			}},
	})
	_, err = done(one.net.NewVirtualNetworkGatewayConnectionsClient().BeginDelete(ctx, "rg-one", "conn-0", nil))
	must(t, err)
	runRules(t, sim, []ruleCase{highPerformance})
	_, err = done(twoConns.BeginCreateOrUpdate(ctx, "rg-two", "conn-20", ashConnBody(gw2.ID, lng.ID), nil))
	must(t, err)
}

// TestOneConnectionBetweenStamps: a stamp holds one connection to another stamp, whichever
// of its gateways either end uses and in whichever subscription; the refusal names the
// existing connection only to its own subscription.
func TestOneConnectionBetweenStamps(t *testing.T) {
	sim := startSim(t, armsim.Config{Clouds: freeClouds(armsim.CloudConfig{ID: "stamp-b", Kind: armsim.KindAzureStackHub,
		Locations: []string{"local"}, PublicIPs: "198.51.100.0/24"})})
	a1, a2, b := newStack(t, sim, "azure-stack-hub"), newStackIn(t, sim, "azure-stack-hub", otherSub), newStack(t, sim, "stamp-b")
	var bIPs []string
	for i := range 3 {
		_, ip := ashGateway(t, b, "rg-b", "gw-b"+strconv.Itoa(i), "10."+strconv.Itoa(30+i)+".0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
		bIPs = append(bIPs, ip)
	}
	gwA1, _ := ashGateway(t, a1, "rg-a", "gw-a1", "10.20.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	gwA2, _ := ashGateway(t, a2, "rg-a", "gw-a2", "10.21.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	gwA3, _ := ashGateway(t, a1, "rg-a3", "gw-a3", "10.22.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	must(t, ashSpoke(t, a1, "rg-a", "to-b", bIPs[0], "10.30.0.0/16", gwA1.ID))
	// connections to sites that are no stamp's gateway are not limited
	must(t, ashSpoke(t, a1, "rg-a", "to-branch", spokeIP(1), spokePrefix(1), gwA1.ID))

	lng2, err := done(a2.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-a", "lng-b1", ashLNGBody(bIPs[1], "10.31.0.0/16"), nil))
	must(t, err)
	lng3, err := done(a1.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-a3", "lng-b2", ashLNGBody(bIPs[2], "10.32.0.0/16"), nil))
	must(t, err)
	existing := "/subscriptions/" + sub + "/resourceGroups/rg-a/providers/Microsoft.Network/connections/to-b"
	runRules(t, sim, []ruleCase{
		{name: "FromAnotherSubscription", code: "ConnectionBetweenStampsAlreadyExists", status: http.StatusBadRequest,
			target: "properties.localNetworkGateway2.id", do: func() error {
				_, err := a2.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-a", "to-b", ashConnBody(gwA2.ID, lng2.ID), nil)
				return err
			}, check: func(t *testing.T, err error) {
				if m := armBody(t, err).Message; strings.Contains(m, sub) || !strings.Contains(m, "another subscription") {
					t.Errorf("message: %s", m)
				}
			}},
		{name: "FromTheSameSubscription", code: "ConnectionBetweenStampsAlreadyExists", status: http.StatusBadRequest,
			target: "properties.localNetworkGateway2.id", do: func() error {
				_, err := a1.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-a3", "to-b", ashConnBody(gwA3.ID, lng3.ID), nil)
				return err
			}, check: func(t *testing.T, err error) {
				if m := armBody(t, err).Message; !strings.Contains(m, existing) {
					t.Errorf("message: %s", m)
				}
			}},
	})
	// the other stamp's end is its own stamp's rule: stamp B may connect to stamp A once
	pipA1, err := a1.net.NewPublicIPAddressesClient().Get(ctx, "rg-a", "pip-gw-a1", nil)
	must(t, err)
	gwB0, err := b.net.NewVirtualNetworkGatewaysClient().Get(ctx, "rg-b", "gw-b0", nil)
	must(t, err)
	must(t, ashSpoke(t, b, "rg-b", "to-a", *pipA1.Properties.IPAddress, "10.20.0.0/16", gwB0.ID))
}

// TestStampTunnelsOverride: with Config.StampTunnels a stamp's pool holds that many
// Standard tunnels (for scale runs): 22 over two gateways are taken, the 23rd refused.
func TestStampTunnelsOverride(t *testing.T) {
	sim := startSim(t, armsim.Config{StampTunnels: 22})
	one := newStack(t, sim, "azure-stack-hub")
	gw1, _ := ashGateway(t, one, "rg-one", "gw-one", "10.2.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	gw2, _ := ashGateway(t, one, "rg-two", "gw-two", "10.3.0.0/16", ashnetwork.VirtualNetworkGatewaySKUNameStandard)
	for i := range 22 {
		gw, rg := gw1, "rg-one"
		if i%2 == 1 {
			gw, rg = gw2, "rg-two"
		}
		must(t, ashSpoke(t, one, rg, "conn-"+strconv.Itoa(i), spokeIP(i), spokePrefix(i), gw.ID))
	}
	err := ashSpoke(t, one, "rg-one", "conn-22", spokeIP(22), spokePrefix(22), gw1.ID)
	if err == nil || !strings.Contains(err.Error(), "StampVpnTunnelCapacityReached") {
		t.Fatalf("the 23rd tunnel of a pool of 22: %v", err)
	}
}
