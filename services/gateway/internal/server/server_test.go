package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	stacknetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	stackresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/gateway/service"
)

var ctx = context.Background()

type clients struct {
	gw  gatewayv1.GatewayServiceClient
	ops longrunningpb.OperationsClient
}

func clientsOf(conn grpc.ClientConnInterface) clients {
	return clients{gatewayv1.NewGatewayServiceClient(conn), longrunningpb.NewOperationsClient(conn)}
}

func start(t *testing.T, cfg armsim.Config) (*servicetest.Stack, clients) {
	t.Helper()
	st := servicetest.Start(t, service.Name, cfg, service.Service)
	return st, clientsOf(st.Conn)
}

// sites are the two ends of the tunnel: each cloud's virtual network address space.
var sites = map[string]string{"azure": "10.1.0.0/16", "azure-stack-hub": "10.2.0.0/16"}

// site creates a resource group "rg" and a virtual network "vnet" with a /27 GatewaySubnet
// directly in ARM with the cloud's SDK, as the network service would.
func site(t *testing.T, st *servicetest.Stack, cloud string) {
	t.Helper()
	conn, err := st.Env.Clouds.Get(cloud)
	if err != nil {
		t.Fatal(err)
	}
	space := sites[cloud]
	gatewayPrefix := strings.Replace(space, ".0.0/16", ".255.0/27", 1)
	poll := &runtime.PollUntilDoneOptions{Frequency: time.Second}
	switch cloud {
	case "azure":
		rgs, err := armresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rgs.CreateOrUpdate(ctx, "rg", armresources.ResourceGroup{Location: to.Ptr(conn.Location)}, nil); err != nil {
			t.Fatal(err)
		}
		vnets, err := armnetwork.NewVirtualNetworksClient(conn.Subscription, conn.Credential, conn.Options)
		if err != nil {
			t.Fatal(err)
		}
		p, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", armnetwork.VirtualNetwork{Location: to.Ptr(conn.Location),
			Properties: &armnetwork.VirtualNetworkPropertiesFormat{
				AddressSpace: &armnetwork.AddressSpace{AddressPrefixes: to.SliceOfPtrs(space)},
				Subnets: []*armnetwork.Subnet{{Name: to.Ptr("GatewaySubnet"),
					Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr(gatewayPrefix)}}},
			}}, nil)
		if err == nil {
			_, err = p.PollUntilDone(ctx, poll)
		}
		if err != nil {
			t.Fatal(err)
		}
	default:
		rgs, err := stackresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rgs.CreateOrUpdate(ctx, "rg", stackresources.ResourceGroup{Location: to.Ptr(conn.Location)}, nil); err != nil {
			t.Fatal(err)
		}
		vnets, err := stacknetwork.NewVirtualNetworksClient(conn.Subscription, conn.Credential, conn.Options)
		if err != nil {
			t.Fatal(err)
		}
		p, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", stacknetwork.VirtualNetwork{Location: to.Ptr(conn.Location),
			Properties: &stacknetwork.VirtualNetworkPropertiesFormat{
				AddressSpace: &stacknetwork.AddressSpace{AddressPrefixes: to.SliceOfPtrs(space)},
				Subnets: []*stacknetwork.Subnet{{Name: to.Ptr("GatewaySubnet"),
					Properties: &stacknetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr(gatewayPrefix)}}},
			}}, nil)
		if err == nil {
			_, err = p.PollUntilDone(ctx, poll)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func rg(cloud string) string { return "clouds/" + cloud + "/resourceGroups/rg" }

func pipRequest(cloud string) *gatewayv1.CreatePublicIPAddressRequest {
	return &gatewayv1.CreatePublicIPAddressRequest{Parent: rg(cloud), PublicIpAddressId: "gw-ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}}
}

// gatewaySKUs are the gateway SKUs the tunnel test uses on each cloud.
var gatewaySKUs = map[string]string{"azure": "VpnGw1", "azure-stack-hub": "Standard"}

func gatewayRequest(cloud string) *gatewayv1.CreateVirtualNetworkGatewayRequest {
	return &gatewayv1.CreateVirtualNetworkGatewayRequest{Parent: rg(cloud), VirtualNetworkGatewayId: "gw",
		VirtualNetworkGateway: &gatewayv1.VirtualNetworkGateway{
			Sku:             gatewaySKUs[cloud],
			Subnet:          rg(cloud) + "/virtualNetworks/vnet/subnets/GatewaySubnet",
			PublicIpAddress: rg(cloud) + "/publicIPAddresses/gw-ip",
		}}
}

// peer is the other end of the tunnel.
func peer(cloud string) string {
	if cloud == "azure" {
		return "azure-stack-hub"
	}
	return "azure"
}

func localRequest(cloud, remoteIP string) *gatewayv1.CreateLocalNetworkGatewayRequest {
	return &gatewayv1.CreateLocalNetworkGatewayRequest{Parent: rg(cloud), LocalNetworkGatewayId: "remote",
		LocalNetworkGateway: &gatewayv1.LocalNetworkGateway{GatewayIpAddress: remoteIP, AddressPrefixes: []string{sites[peer(cloud)]}}}
}

// documentedPolicy is Microsoft's custom policy for the Azure side of an Azure <-> Azure
// Stack Hub tunnel: Azure Stack Hub's one default proposal.
func documentedPolicy() *gatewayv1.IpsecPolicy {
	return &gatewayv1.IpsecPolicy{IkeEncryption: "AES256", IkeIntegrity: "SHA384", DhGroup: "ECP384",
		IpsecEncryption: "GCMAES256", IpsecIntegrity: "GCMAES256", PfsGroup: "ECP384",
		SaLifetimeSeconds: 27000, SaDataSizeKilobytes: 102400000}
}

func connectionRequest(cloud, key string) *gatewayv1.CreateConnectionRequest {
	c := &gatewayv1.Connection{VirtualNetworkGateway: rg(cloud) + "/virtualNetworkGateways/gw",
		LocalNetworkGateway: rg(cloud) + "/localNetworkGateways/remote", SharedKey: key}
	if cloud == "azure" {
		c.IpsecPolicy = documentedPolicy()
	}
	return &gatewayv1.CreateConnectionRequest{Parent: rg(cloud), ConnectionId: "tunnel", Connection: c}
}

// recorder keeps every response and error the service answered, to search them for secrets.
type recorder struct {
	mu  sync.Mutex
	out []string
}

func (r *recorder) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		b, _ := protojson.Marshal(status.Convert(err).Proto())
		r.out = append(r.out, string(b))
	} else if m, ok := reply.(proto.Message); ok {
		b, _ := protojson.Marshal(m)
		r.out = append(r.out, string(b))
	}
	return err
}

// dial connects to the stack's service through the recorder.
func (r *recorder) dial(t *testing.T, st *servicetest.Stack) clients {
	t.Helper()
	conn, err := grpc.NewClient(st.Conn.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(r.intercept),
		grpc.WithPerRPCCredentials(serve.BearerToken{Token: st.Token(t, auth.Orchestrator), Insecure: true}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return clientsOf(conn)
}

func writes(t *testing.T, st *servicetest.Stack) int64 {
	t.Helper()
	var n int64
	for _, m := range []string{http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodPatch} {
		c, err := st.Sim.Admin.Count(ctx, "", m, "")
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

// TestTunnel builds the Azure <-> Azure Stack Hub tunnel through the service: public IPs,
// gateways, local network gateways pointing at each other's gateway address, and
// connections with the documented IPsec policy on the Azure side; both come up Connected.
// It then checks idempotent creates, a changed shared key, an in-use delete, and teardown,
// and that the shared key appears in no response, log line or span.
func TestTunnel(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	var rec recorder
	c := rec.dial(t, st)
	const key = "Tunnel-Key-9f2c41d7" // searched for in every response, log line and span
	const newKey = "Rotated-Key-3b8e55aa"
	clouds := []string{"azure", "azure-stack-hub"}
	for _, cloud := range clouds {
		site(t, st, cloud)
	}

	ops := map[string]*longrunningpb.Operation{}
	for _, cloud := range clouds {
		op, err := c.gw.CreatePublicIPAddress(ctx, pipRequest(cloud))
		pip := servicetest.Result(t, servicetest.Wait(t, c.ops, op, err), &gatewayv1.PublicIPAddress{})
		wantSKU, wantMethod := gatewayv1.PublicIPAddress_SKU_STANDARD, gatewayv1.PublicIPAddress_ALLOCATION_METHOD_STATIC
		if cloud == "azure-stack-hub" {
			wantSKU, wantMethod = gatewayv1.PublicIPAddress_SKU_BASIC, gatewayv1.PublicIPAddress_ALLOCATION_METHOD_DYNAMIC
		}
		if pip.GetSku() != wantSKU || pip.GetAllocationMethod() != wantMethod || pip.GetName() != rg(cloud)+"/publicIPAddresses/gw-ip" {
			t.Fatalf("%s: the cloud's default public IP is %v %v: %v", cloud, wantSKU, wantMethod, pip)
		}
		// the gateways take ARM's 35 minutes (scaled) side by side
		if ops[cloud], err = c.gw.CreateVirtualNetworkGateway(ctx, gatewayRequest(cloud)); err != nil {
			t.Fatal(err)
		}
	}
	ips := map[string]string{}
	for _, cloud := range clouds {
		gw := servicetest.Result(t, servicetest.Wait(t, c.ops, ops[cloud], nil), &gatewayv1.VirtualNetworkGateway{})
		if gw.GetGatewayIpAddress() == "" || gw.GetSubnet() != gatewayRequest(cloud).GetVirtualNetworkGateway().GetSubnet() ||
			gw.GetSku() != gatewaySKUs[cloud] || gw.GetProvisioningState() != gatewayv1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED {
			t.Fatalf("%s gateway: %v", cloud, gw)
		}
		ips[cloud] = gw.GetGatewayIpAddress()
	}
	for _, cloud := range clouds {
		op, err := c.gw.CreateLocalNetworkGateway(ctx, localRequest(cloud, ips[peer(cloud)]))
		servicetest.Wait(t, c.ops, op, err)
		op, err = c.gw.CreateConnection(ctx, connectionRequest(cloud, key))
		servicetest.Wait(t, c.ops, op, err)
	}
	connected := func(want gatewayv1.Connection_Status) {
		t.Helper()
		for _, cloud := range clouds {
			conn, err := c.gw.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: rg(cloud) + "/connections/tunnel"})
			if err != nil {
				t.Fatal(err)
			}
			if conn.GetStatus() != want || (want == gatewayv1.Connection_STATUS_CONNECTED && (conn.GetIngressBytes() == 0 || conn.GetEgressBytes() == 0)) {
				t.Fatalf("%s connection: want %v with byte counters, got %v", cloud, want, conn)
			}
		}
	}
	connected(gatewayv1.Connection_STATUS_CONNECTED)

	// creating everything again writes nothing
	before := writes(t, st)
	for _, cloud := range clouds {
		for _, create := range []func() (*longrunningpb.Operation, error){
			func() (*longrunningpb.Operation, error) { return c.gw.CreatePublicIPAddress(ctx, pipRequest(cloud)) },
			func() (*longrunningpb.Operation, error) {
				return c.gw.CreateVirtualNetworkGateway(ctx, gatewayRequest(cloud))
			},
			func() (*longrunningpb.Operation, error) {
				return c.gw.CreateLocalNetworkGateway(ctx, localRequest(cloud, ips[peer(cloud)]))
			},
			func() (*longrunningpb.Operation, error) {
				return c.gw.CreateConnection(ctx, connectionRequest(cloud, key))
			},
		} {
			op, err := create()
			if err != nil || !op.GetDone() {
				t.Fatalf("%s: an unchanged create is done at once: %v %v", cloud, op, err)
			}
		}
	}
	if after := writes(t, st); after != before {
		t.Fatalf("unchanged creates must not write to ARM: %d writes became %d", before, after)
	}

	// a changed key updates the Azure side; the tunnel is down until the other side has it
	op, err := c.gw.CreateConnection(ctx, connectionRequest("azure", newKey))
	if err == nil && op.GetDone() {
		t.Fatal("a changed shared key must update the connection")
	}
	servicetest.Wait(t, c.ops, op, err)
	connected(gatewayv1.Connection_STATUS_NOT_CONNECTED)
	op, err = c.gw.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: rg("azure-stack-hub") + "/connections/tunnel", SharedKey: newKey})
	servicetest.Result(t, servicetest.Wait(t, c.ops, op, err), &gatewayv1.Connection{})
	connected(gatewayv1.Connection_STATUS_CONNECTED)

	list, err := c.gw.ListConnections(ctx, &gatewayv1.ListConnectionsRequest{Parent: rg("azure")})
	if err != nil || len(list.GetConnections()) != 1 || list.GetConnections()[0].GetIpsecPolicy().GetIpsecEncryption() != "GCMAES256" {
		t.Fatalf("list connections: %v %v", list, err)
	}

	_, err = c.gw.DeleteVirtualNetworkGateway(ctx, &gatewayv1.DeleteVirtualNetworkGatewayRequest{Name: rg("azure") + "/virtualNetworkGateways/gw"})
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(status.Convert(err).Message(), "tunnel") {
		t.Fatalf("deleting a gateway a connection uses: want FailedPrecondition naming the connection, got %v", err)
	}

	for _, cloud := range clouds {
		for _, del := range []func() (*longrunningpb.Operation, error){
			func() (*longrunningpb.Operation, error) {
				return c.gw.DeleteConnection(ctx, &gatewayv1.DeleteConnectionRequest{Name: rg(cloud) + "/connections/tunnel"})
			},
			func() (*longrunningpb.Operation, error) {
				return c.gw.DeleteLocalNetworkGateway(ctx, &gatewayv1.DeleteLocalNetworkGatewayRequest{Name: rg(cloud) + "/localNetworkGateways/remote"})
			},
			func() (*longrunningpb.Operation, error) {
				return c.gw.DeleteVirtualNetworkGateway(ctx, &gatewayv1.DeleteVirtualNetworkGatewayRequest{Name: rg(cloud) + "/virtualNetworkGateways/gw"})
			},
			func() (*longrunningpb.Operation, error) {
				return c.gw.DeletePublicIPAddress(ctx, &gatewayv1.DeletePublicIPAddressRequest{Name: rg(cloud) + "/publicIPAddresses/gw-ip"})
			},
		} {
			op, err := del()
			servicetest.Wait(t, c.ops, op, err)
			if op, err = del(); err != nil || !op.GetDone() {
				t.Fatalf("deleting what is gone is done at once: %v %v", op, err)
			}
		}
		_, err := c.gw.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: rg(cloud) + "/connections/tunnel"})
		if status.Code(err) != codes.NotFound {
			t.Fatalf("want NotFound, got %v", err)
		}
	}

	// the key was sent in many requests and must come back in none
	for _, secret := range []string{key, newKey} {
		for _, out := range rec.out {
			if strings.Contains(out, secret) {
				t.Fatalf("a response holds the shared key: %s", out)
			}
		}
		if strings.Contains(st.Logs.String(), secret) {
			t.Fatal("the log holds the shared key")
		}
		for _, s := range st.Spans.Ended() {
			if strings.Contains(fmt.Sprint(s.Name(), s.Attributes(), s.Events(), s.Status()), secret) {
				t.Fatalf("span %s holds the shared key", s.Name())
			}
		}
	}
	if len(rec.out) < 30 || len(st.Spans.Ended()) == 0 || st.Logs.String() == "" {
		t.Fatalf("the secret search saw %d responses, %d spans and %d bytes of log", len(rec.out), len(st.Spans.Ended()), len(st.Logs.String()))
	}
}

// TestAdoptAndResume: a create while ARM is still creating the same gateway adopts that
// operation (one PUT in ARM), and a fresh service instance resumes both operations from
// their names alone.
func TestAdoptAndResume(t *testing.T) {
	st, c := start(t, armsim.Config{TimeScale: 0.0005}) // a gateway takes about a second
	site(t, st, "azure")
	op, err := c.gw.CreatePublicIPAddress(ctx, pipRequest("azure"))
	servicetest.Wait(t, c.ops, op, err)
	first, err := c.gw.CreateVirtualNetworkGateway(ctx, gatewayRequest("azure"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.gw.CreateVirtualNetworkGateway(ctx, gatewayRequest("azure"))
	if err != nil {
		t.Fatal(err)
	}
	if first.GetDone() || second.GetDone() {
		t.Skip("armsim finished before the second call; the adopt path was not exercised")
	}
	st.Restart(t, service.Service)
	c = clientsOf(st.Conn)
	for _, op := range []*longrunningpb.Operation{first, second} {
		gw := servicetest.Result(t, servicetest.Wait(t, c.ops, op, nil), &gatewayv1.VirtualNetworkGateway{})
		if gw.GetGatewayIpAddress() == "" {
			t.Fatalf("resumed gateway: %v", gw)
		}
	}
	if n, err := st.Sim.Admin.Count(ctx, "azure", http.MethodPut, "Microsoft.Network/virtualNetworkGateways"); err != nil || n != 1 {
		t.Fatalf("one gateway creation must reach ARM once, counted %d PUTs (%v)", n, err)
	}
}

// TestTamperedHandle: an altered operation name is refused with InvalidArgument.
func TestTamperedHandle(t *testing.T) {
	st, c := start(t, armsim.Config{})
	site(t, st, "azure-stack-hub")
	op, err := c.gw.CreatePublicIPAddress(ctx, pipRequest("azure-stack-hub"))
	if err != nil {
		t.Fatal(err)
	}
	name := op.GetName()
	b := []byte(name)
	b[len(b)-3] ^= 0x01
	for _, forged := range []string{string(b), "operations/abc", "operations/" + strings.Repeat("A", 100), name + "x"} {
		_, err := c.ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: forged})
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("forged name %q: want InvalidArgument, got %v", forged, err)
		}
	}
}

// TestValidation: bad input is refused before any ARM write, naming the field, and a bad
// shared key is never quoted.
func TestValidation(t *testing.T) {
	st, c := start(t, armsim.Config{})
	const badKey = "Bad-Key-\x01-5e0d"
	const spacesKey = "   "
	longKey := strings.Repeat("k", 129)
	pip := func(cloud string, f func(*gatewayv1.PublicIPAddress)) func() error {
		return func() error {
			r := pipRequest(cloud)
			f(r.PublicIpAddress)
			_, err := c.gw.CreatePublicIPAddress(ctx, r)
			return err
		}
	}
	gw := func(cloud string, f func(*gatewayv1.VirtualNetworkGateway)) func() error {
		return func() error {
			r := gatewayRequest(cloud)
			f(r.VirtualNetworkGateway)
			_, err := c.gw.CreateVirtualNetworkGateway(ctx, r)
			return err
		}
	}
	lng := func(f func(*gatewayv1.LocalNetworkGateway)) func() error {
		return func() error {
			r := localRequest("azure", "198.19.0.1")
			f(r.LocalNetworkGateway)
			_, err := c.gw.CreateLocalNetworkGateway(ctx, r)
			return err
		}
	}
	conn := func(cloud string, f func(*gatewayv1.Connection)) func() error {
		return func() error {
			r := connectionRequest(cloud, "key")
			f(r.Connection)
			_, err := c.gw.CreateConnection(ctx, r)
			return err
		}
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"unknown cloud", func() error {
			_, err := c.gw.CreatePublicIPAddress(ctx, &gatewayv1.CreatePublicIPAddressRequest{Parent: "clouds/gcp/resourceGroups/rg", PublicIpAddressId: "ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}})
			return err
		}, "parent"},
		{"bad public IP id", func() error {
			_, err := c.gw.CreatePublicIPAddress(ctx, &gatewayv1.CreatePublicIPAddressRequest{Parent: rg("azure"), PublicIpAddressId: "-ip", PublicIpAddress: &gatewayv1.PublicIPAddress{}})
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
			_, err := c.gw.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: rg("azure") + "/connections/tunnel", SharedKey: badKey})
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
			_, err := c.gw.CreateConnection(ctx, r)
			return err
		}, "connection_id"},
		{"set a key on a name of a megabyte", func() error {
			_, err := c.gw.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: huge, SharedKey: "key"})
			return err
		}, "name"},
		{"set a key of three spaces", func() error {
			_, err := c.gw.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: rg("azure") + "/connections/tunnel", SharedKey: spacesKey})
			return err
		}, "shared_key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("want InvalidArgument, got %v", err)
			}
			if !hasViolation(err, tc.field) {
				t.Fatalf("want a field violation on %s: %v", tc.field, err)
			}
			if msg := fmt.Sprint(status.Convert(err).Proto()); strings.Contains(msg, badKey) || strings.Contains(msg, longKey) || strings.Contains(msg, spacesKey) || strings.Contains(msg, huge[:64]) {
				t.Fatalf("the error quotes the shared key: %s", msg)
			}
		})
	}
	if n := writes(t, st); n != 0 {
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

func hasViolation(err error, field string) bool {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return true
				}
			}
		}
	}
	return false
}

// TestGatewayRules: the rules that depend on what is in ARM. The gateway's public IP must
// suit the cloud (read before any write), and VpnGw1-3 on Azure Stack Hub are left to ARM,
// which knows whether the stamp has VPN Fast Path.
func TestGatewayRules(t *testing.T) {
	st, c := start(t, armsim.Config{})
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		site(t, st, cloud)
	}
	basic := pipRequest("azure")
	basic.PublicIpAddress.Sku = gatewayv1.PublicIPAddress_SKU_BASIC
	op, err := c.gw.CreatePublicIPAddress(ctx, basic)
	servicetest.Wait(t, c.ops, op, err)
	static := pipRequest("azure-stack-hub")
	static.PublicIpAddress.AllocationMethod = gatewayv1.PublicIPAddress_ALLOCATION_METHOD_STATIC
	op, err = c.gw.CreatePublicIPAddress(ctx, static)
	servicetest.Wait(t, c.ops, op, err)
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		_, err := c.gw.CreateVirtualNetworkGateway(ctx, gatewayRequest(cloud))
		if !hasViolation(err, "virtual_network_gateway.public_ip_address") {
			t.Fatalf("%s: the wrong kind of public IP is a violation on the gateway's public_ip_address: %v", cloud, err)
		}
	}
	if n, _ := st.Sim.Admin.Count(ctx, "", http.MethodPut, "Microsoft.Network/virtualNetworkGateways"); n != 0 {
		t.Fatalf("a gateway with the wrong public IP reached ARM %d times", n)
	}

	dynamic := pipRequest("azure-stack-hub")
	dynamic.PublicIpAddressId = "fast-ip"
	op, err = c.gw.CreatePublicIPAddress(ctx, dynamic)
	servicetest.Wait(t, c.ops, op, err)
	req := gatewayRequest("azure-stack-hub")
	req.VirtualNetworkGateway.Sku, req.VirtualNetworkGateway.PublicIpAddress = "VpnGw1", rg("azure-stack-hub")+"/publicIPAddresses/fast-ip"
	_, err = c.gw.CreateVirtualNetworkGateway(ctx, req)
	var reason string
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	if status.Code(err) != codes.InvalidArgument || reason != "InvalidGatewaySize" {
		t.Fatalf("VpnGw1 on a stamp without VPN Fast Path: want ARM's InvalidGatewaySize as InvalidArgument, got %v", err)
	}
}

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	site(t, st, "azure-stack-hub")
	resp, err := st.HTTP.Post(st.REST+"/v1/clouds/azure-stack-hub/resourceGroups/rg/publicIPAddresses?publicIpAddressId=gw-ip", "application/json", strings.NewReader(`{"tags":{"site":"stack"}}`))
	if err != nil {
		t.Fatal(err)
	}
	op := servicetest.DecodeJSON(t, resp)
	for done, _ := op["done"].(bool); !done; done, _ = op["done"].(bool) {
		name, _ := op["name"].(string)
		resp, err := st.HTTP.Post(st.REST+"/v1/"+name+":wait", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		op = servicetest.DecodeJSON(t, resp)
	}
	resp, err = st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/publicIPAddresses/gw-ip")
	if err != nil {
		t.Fatal(err)
	}
	pip := servicetest.DecodeJSON(t, resp)
	if pip["sku"] != "SKU_BASIC" || pip["allocationMethod"] != "ALLOCATION_METHOD_DYNAMIC" || pip["provisioningState"] != "PROVISIONING_STATE_SUCCEEDED" {
		t.Fatalf("REST get: %v", pip)
	}
	resp, err = st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/connections/missing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("REST answers NotFound with 404, got %s", resp.Status)
	}
}

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	servicetest.CheckReflection(t, st.Conn, service.Name)
}
