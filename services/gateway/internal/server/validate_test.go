package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestValidation: bad input is refused before any ARM write, naming the field, and a bad
// shared key is never quoted.
func TestValidation(t *testing.T) {
	st, c := gateway.Start(t, armsim.Config{})
	const badKey = "Bad-Key-\x01-5e0d"
	const spacesKey = "   "
	longKey := strings.Repeat("k", 129)
	pip := func(cloud string, f func(*gatewayv1.PublicIPAddress)) func() error {
		return func() error {
			r := pipRequest(cloud)
			f(r.PublicIpAddress)
			_, err := c.API.CreatePublicIPAddress(ctx, r)
			return err
		}
	}
	gw := func(cloud string, f func(*gatewayv1.VirtualNetworkGateway)) func() error {
		return func() error {
			r := gatewayRequest(cloud)
			f(r.VirtualNetworkGateway)
			_, err := c.API.CreateVirtualNetworkGateway(ctx, r)
			return err
		}
	}
	lng := func(f func(*gatewayv1.LocalNetworkGateway)) func() error {
		return func() error {
			r := localRequest("azure", "198.19.0.1")
			f(r.LocalNetworkGateway)
			_, err := c.API.CreateLocalNetworkGateway(ctx, r)
			return err
		}
	}
	conn := func(cloud string, f func(*gatewayv1.Connection)) func() error {
		return func() error {
			r := connectionRequest(cloud, "key")
			f(r.Connection)
			_, err := c.API.CreateConnection(ctx, r)
			return err
		}
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"unknown cloud", func() error {
			_, err := c.API.CreatePublicIPAddress(ctx, &gatewayv1.CreatePublicIPAddressRequest{Parent: "clouds/gcp/resourceGroups/rg", PublicIpAddressId: "ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}})
			return err
		}, "parent"},
		{"bad public IP id", func() error {
			_, err := c.API.CreatePublicIPAddress(ctx, &gatewayv1.CreatePublicIPAddressRequest{Parent: rg("azure"), PublicIpAddressId: "-ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}})
			return err
		}, "public_ip_address_id"},
		{"standard IP on Azure Stack Hub", pip("azure-stack-hub", func(p *gatewayv1.PublicIPAddress) { p.Sku = gatewayv1.PublicIPAddress_SKU_STANDARD }), "public_ip_address.sku"},
		{"dynamic standard IP", pip("azure", func(p *gatewayv1.PublicIPAddress) {
			p.AllocationMethod = gatewayv1.PublicIPAddress_ALLOCATION_METHOD_DYNAMIC
		}), "public_ip_address.allocation_method"},
		{"no gateway SKU", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Sku = "" }), "virtual_network_gateway.sku"},
		{"Azure Stack Hub SKU on Azure", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Sku = "HighPerformance" }), "virtual_network_gateway.sku"},
		{"Azure SKU on Azure Stack Hub", gw("azure-stack-hub", func(g *gatewayv1.VirtualNetworkGateway) { g.Sku = "VpnGw4" }), "virtual_network_gateway.sku"},
		{"policy-based on Azure Stack Hub", gw("azure-stack-hub", func(g *gatewayv1.VirtualNetworkGateway) {
			g.VpnType = gatewayv1.VirtualNetworkGateway_VPN_TYPE_POLICY_BASED
		}), "virtual_network_gateway.vpn_type"},
		{"subnet not GatewaySubnet", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) {
			g.Subnet = rg("azure") + "/virtualNetworks/vnet/subnets/gatewaysubnet"
		}), "virtual_network_gateway.subnet"},
		{"subnet on another cloud", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) {
			g.Subnet = rg("azure-stack-hub") + "/virtualNetworks/vnet/subnets/GatewaySubnet"
		}), "virtual_network_gateway.subnet"},
		{"subnet not a subnet name", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Subnet = "GatewaySubnet" }), "virtual_network_gateway.subnet"},
		{"bad public IP name", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.PublicIpAddress = "gw-ip" }), "virtual_network_gateway.public_ip_address"},
		{"BGP on Basic", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Sku, g.EnableBgp = "Basic", true }), "virtual_network_gateway.enable_bgp"},
		{"ASN without BGP", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.BgpAsn = 65010 }), "virtual_network_gateway.bgp_asn"},
		{"private remote IP", lng(func(l *gatewayv1.LocalNetworkGateway) { l.GatewayIpAddress = "10.0.0.1" }), "local_network_gateway.gateway_ip_address"},
		{"remote IP not an address", lng(func(l *gatewayv1.LocalNetworkGateway) { l.GatewayIpAddress = "vpn.example.com" }), "local_network_gateway.gateway_ip_address"},
		{"prefix with host bits", lng(func(l *gatewayv1.LocalNetworkGateway) { l.AddressPrefixes = []string{"10.2.0.1/16"} }), "local_network_gateway.address_prefixes[0]"},
		{"no prefixes without BGP", lng(func(l *gatewayv1.LocalNetworkGateway) { l.AddressPrefixes = nil }), "local_network_gateway.address_prefixes"},
		{"missing shared key", conn("azure", func(c *gatewayv1.Connection) { c.SharedKey = "" }), "connection.shared_key"},
		{"long shared key", conn("azure", func(c *gatewayv1.Connection) { c.SharedKey = longKey }), "connection.shared_key"},
		{"unprintable shared key", conn("azure", func(c *gatewayv1.Connection) { c.SharedKey = badKey }), "connection.shared_key"},
		{"shared key of three spaces", conn("azure", func(c *gatewayv1.Connection) { c.SharedKey = spacesKey }), "connection.shared_key"},
		{"shared key with a leading space", conn("azure", func(c *gatewayv1.Connection) { c.SharedKey = " Shared-Key-5e0d" }), "connection.shared_key"},
		{"shared key with a trailing space", conn("azure-stack-hub", func(c *gatewayv1.Connection) { c.SharedKey = "Shared-Key-5e0d " }), "connection.shared_key"},
		{"shared key with a line break", conn("azure", func(c *gatewayv1.Connection) { c.SharedKey = "Shared-Key-5e0d\n" }), "connection.shared_key"},
		{"IKEv1 on Azure Stack Hub", conn("azure-stack-hub", func(c *gatewayv1.Connection) { c.Protocol = gatewayv1.Connection_PROTOCOL_IKEV1 }), "connection.protocol"},
		{"GCM IKE on Azure Stack Hub", conn("azure-stack-hub", func(c *gatewayv1.Connection) {
			c.IpsecPolicy = documentedPolicy()
			c.IpsecPolicy.IkeEncryption = "GCMAES256"
		}), "connection.ipsec_policy.ike_encryption"},
		{"unknown DH group", conn("azure", func(c *gatewayv1.Connection) { c.IpsecPolicy.DhGroup = "ECP521" }), "connection.ipsec_policy.dh_group"},
		{"GCM without GCM integrity", conn("azure", func(c *gatewayv1.Connection) { c.IpsecPolicy.IpsecIntegrity = "SHA256" }), "connection.ipsec_policy.ipsec_integrity"},
		{"short SA lifetime", conn("azure", func(c *gatewayv1.Connection) { c.IpsecPolicy.SaLifetimeSeconds = 299 }), "connection.ipsec_policy.sa_lifetime_seconds"},
		{"long SA lifetime", conn("azure", func(c *gatewayv1.Connection) { c.IpsecPolicy.SaLifetimeSeconds = 172800 }), "connection.ipsec_policy.sa_lifetime_seconds"},
		{"small SA data size", conn("azure", func(c *gatewayv1.Connection) { c.IpsecPolicy.SaDataSizeKilobytes = 1023 }), "connection.ipsec_policy.sa_data_size_kilobytes"},
		{"remote site on another cloud", conn("azure", func(c *gatewayv1.Connection) {
			c.LocalNetworkGateway = rg("azure-stack-hub") + "/localNetworkGateways/remote"
		}), "connection.local_network_gateway"},
		{"set an unprintable key", func() error {
			_, err := c.API.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: rg("azure") + "/connections/tunnel", SharedKey: badKey})
			return err
		}, "shared_key"},
		{"a SKU of a megabyte", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Sku = huge }), "virtual_network_gateway.sku"},
		{"a subnet name of a megabyte", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Subnet = huge }), "virtual_network_gateway.subnet"},
		{"a gateway of 51 tags", gw("azure", func(g *gatewayv1.VirtualNetworkGateway) { g.Tags = tags(51) }), "virtual_network_gateway.tags"},
		{"a public IP location of a megabyte", pip("azure", func(p *gatewayv1.PublicIPAddress) { p.Location = huge }), "public_ip_address.location"},
		{"a remote IP of a megabyte", lng(func(l *gatewayv1.LocalNetworkGateway) { l.GatewayIpAddress = huge }), "local_network_gateway.gateway_ip_address"},
		{"1001 remote prefixes", lng(func(l *gatewayv1.LocalNetworkGateway) {
			l.AddressPrefixes = nil
			for i := range 1001 {
				l.AddressPrefixes = append(l.AddressPrefixes, fmt.Sprintf("10.%d.%d.0/24", i/256, i%256))
			}
		}), "local_network_gateway.address_prefixes"},
		{"a remote prefix of a megabyte", lng(func(l *gatewayv1.LocalNetworkGateway) { l.AddressPrefixes = []string{huge} }), "local_network_gateway.address_prefixes[0]"},
		{"a DH group of a megabyte", conn("azure", func(c *gatewayv1.Connection) { c.IpsecPolicy.DhGroup = huge }), "connection.ipsec_policy.dh_group"},
		{"a connection id of a megabyte", func() error {
			r := connectionRequest("azure", "key")
			r.ConnectionId = huge
			_, err := c.API.CreateConnection(ctx, r)
			return err
		}, "connection_id"},
		{"set a key on a name of a megabyte", func() error {
			_, err := c.API.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: huge, SharedKey: "key"})
			return err
		}, "name"},
		{"set a key of three spaces", func() error {
			_, err := c.API.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: rg("azure") + "/connections/tunnel", SharedKey: spacesKey})
			return err
		}, "shared_key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			servicetest.CheckInvalid(t, err, tc.field)
			if msg := fmt.Sprint(status.Convert(err).Proto()); strings.Contains(msg, badKey) || strings.Contains(msg, longKey) || strings.Contains(msg, spacesKey) || strings.Contains(msg, huge[:64]) {
				t.Fatalf("the error quotes the shared key: %s", msg)
			}
		})
	}
	if n := servicetest.Writes(t, st.Sim); n != 0 {
		t.Fatalf("invalid requests wrote %d times to ARM", n)
	}
}

// huge is a megabyte, sent where a few bytes are expected.
var huge = strings.Repeat("h", 1<<20)

// tags returns n tags.
func tags(n int) map[string]string {
	out := map[string]string{}
	for i := range n {
		out[fmt.Sprintf("tag%d", i)] = "v"
	}
	return out
}

// TestGatewayRules: the rules that depend on what is in ARM. The gateway's public IP must
// suit the cloud (read before any write), and VpnGw1-3 on Azure Stack Hub are left to ARM,
// which knows whether the stamp has VPN Fast Path.
func TestGatewayRules(t *testing.T) {
	st, c := gateway.Start(t, armsim.Config{})
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		site(t, st, cloud)
	}
	basic := pipRequest("azure")
	basic.PublicIpAddress.Sku = gatewayv1.PublicIPAddress_SKU_BASIC
	op, err := c.API.CreatePublicIPAddress(ctx, basic)
	servicetest.Wait(t, c.Ops, op, err)
	static := pipRequest("azure-stack-hub")
	static.PublicIpAddress.AllocationMethod = gatewayv1.PublicIPAddress_ALLOCATION_METHOD_STATIC
	op, err = c.API.CreatePublicIPAddress(ctx, static)
	servicetest.Wait(t, c.Ops, op, err)
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		_, err := c.API.CreateVirtualNetworkGateway(ctx, gatewayRequest(cloud))
		if !servicetest.HasViolation(err, "virtual_network_gateway.public_ip_address") {
			t.Fatalf("%s: the wrong kind of public IP is a violation on the gateway's public_ip_address: %v", cloud, err)
		}
	}
	if n, _ := st.Sim.Admin.Count(ctx, "", http.MethodPut, "Microsoft.Network/virtualNetworkGateways"); n != 0 {
		t.Fatalf("a gateway with the wrong public IP reached ARM %d times", n)
	}

	dynamic := pipRequest("azure-stack-hub")
	dynamic.PublicIpAddressId = "fast-ip"
	op, err = c.API.CreatePublicIPAddress(ctx, dynamic)
	servicetest.Wait(t, c.Ops, op, err)
	req := gatewayRequest("azure-stack-hub")
	req.VirtualNetworkGateway.Sku, req.VirtualNetworkGateway.PublicIpAddress = "VpnGw1", rg("azure-stack-hub")+"/publicIPAddresses/fast-ip"
	_, err = c.API.CreateVirtualNetworkGateway(ctx, req)
	if status.Code(err) != codes.InvalidArgument || servicetest.Reason(err) != "InvalidGatewaySize" {
		t.Fatalf("VpnGw1 on a stamp without VPN Fast Path: want ARM's InvalidGatewaySize as InvalidArgument, got %v", err)
	}
}
