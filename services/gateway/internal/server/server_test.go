package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/gateway/service"
)

var ctx = context.Background()

// gateway is the service under test.
var gateway = servicetest.Service[gatewayv1.GatewayServiceClient]{Name: service.Name, Build: service.Service, NewAPI: gatewayv1.NewGatewayServiceClient}

// clients are the gateway service's clients.
type clients = servicetest.Clients[gatewayv1.GatewayServiceClient]

// sites are the two ends of the tunnel: each cloud's virtual network address space.
var sites = map[string]string{"azure": "10.1.0.0/16", "azure-stack-hub": "10.2.0.0/16"}

// site creates a resource group "rg" and a virtual network "vnet" with a /27 GatewaySubnet
// directly in ARM with the cloud's SDK, as the network service would.
func site(t *testing.T, st *servicetest.Stack, cloud string) {
	t.Helper()
	st.Network(t, cloud, sites[cloud], map[string]string{"GatewaySubnet": strings.Replace(sites[cloud], ".0.0/16", ".255.0/27", 1)})
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
	return gateway.Connect(st.DialAs(t, auth.Orchestrator, grpc.WithUnaryInterceptor(r.intercept)))
}

// TestTunnel builds the Azure <-> Azure Stack Hub tunnel through the service: public IPs,
// gateways, local network gateways pointing at each other's gateway address, and
// connections with the documented IPsec policy on the Azure side; both come up Connected.
// It then checks idempotent creates, a changed shared key, an in-use delete, and teardown,
// and that the shared key appears in no response, log line or span.
func TestTunnel(t *testing.T) {
	st, _ := gateway.Start(t, armsim.Config{})
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
		op, err := c.API.CreatePublicIPAddress(ctx, pipRequest(cloud))
		pip := servicetest.Result(t, servicetest.Wait(t, c.Ops, op, err), &gatewayv1.PublicIPAddress{})
		wantSKU, wantMethod := gatewayv1.PublicIPAddress_SKU_STANDARD, gatewayv1.PublicIPAddress_ALLOCATION_METHOD_STATIC
		if cloud == "azure-stack-hub" {
			wantSKU, wantMethod = gatewayv1.PublicIPAddress_SKU_BASIC, gatewayv1.PublicIPAddress_ALLOCATION_METHOD_DYNAMIC
		}
		if pip.GetSku() != wantSKU || pip.GetAllocationMethod() != wantMethod || pip.GetName() != rg(cloud)+"/publicIPAddresses/gw-ip" {
			t.Fatalf("%s: the cloud's default public IP is %v %v: %v", cloud, wantSKU, wantMethod, pip)
		}
		// the gateways take ARM's 30 to 45 minutes (scaled) side by side
		if ops[cloud], err = c.API.CreateVirtualNetworkGateway(ctx, gatewayRequest(cloud)); err != nil {
			t.Fatal(err)
		}
	}
	ips := map[string]string{}
	for _, cloud := range clouds {
		gw := servicetest.Result(t, servicetest.Wait(t, c.Ops, ops[cloud], nil), &gatewayv1.VirtualNetworkGateway{})
		if gw.GetGatewayIpAddress() == "" || gw.GetSubnet() != gatewayRequest(cloud).GetVirtualNetworkGateway().GetSubnet() ||
			gw.GetSku() != gatewaySKUs[cloud] || gw.GetProvisioningState() != gatewayv1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED {
			t.Fatalf("%s gateway: %v", cloud, gw)
		}
		ips[cloud] = gw.GetGatewayIpAddress()
	}
	for _, cloud := range clouds {
		op, err := c.API.CreateLocalNetworkGateway(ctx, localRequest(cloud, ips[peer(cloud)]))
		servicetest.Wait(t, c.Ops, op, err)
		op, err = c.API.CreateConnection(ctx, connectionRequest(cloud, key))
		servicetest.Wait(t, c.Ops, op, err)
	}
	connected := func(want gatewayv1.Connection_Status) {
		t.Helper()
		for _, cloud := range clouds {
			conn, err := c.API.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: rg(cloud) + "/connections/tunnel"})
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
	before := servicetest.Writes(t, st.Sim)
	for _, cloud := range clouds {
		for _, create := range []func() (*longrunningpb.Operation, error){
			func() (*longrunningpb.Operation, error) { return c.API.CreatePublicIPAddress(ctx, pipRequest(cloud)) },
			func() (*longrunningpb.Operation, error) {
				return c.API.CreateVirtualNetworkGateway(ctx, gatewayRequest(cloud))
			},
			func() (*longrunningpb.Operation, error) {
				return c.API.CreateLocalNetworkGateway(ctx, localRequest(cloud, ips[peer(cloud)]))
			},
			func() (*longrunningpb.Operation, error) {
				return c.API.CreateConnection(ctx, connectionRequest(cloud, key))
			},
		} {
			op, err := create()
			if err != nil || !op.GetDone() {
				t.Fatalf("%s: an unchanged create is done at once: %v %v", cloud, op, err)
			}
		}
	}
	if after := servicetest.Writes(t, st.Sim); after != before {
		t.Fatalf("unchanged creates must not write to ARM: %d writes became %d", before, after)
	}

	// a changed key updates the Azure side; the tunnel is down until the other side has it
	op, err := c.API.CreateConnection(ctx, connectionRequest("azure", newKey))
	if err == nil && op.GetDone() {
		t.Fatal("a changed shared key must update the connection")
	}
	servicetest.Wait(t, c.Ops, op, err)
	connected(gatewayv1.Connection_STATUS_NOT_CONNECTED)
	op, err = c.API.SetConnectionSharedKey(ctx, &gatewayv1.SetConnectionSharedKeyRequest{Name: rg("azure-stack-hub") + "/connections/tunnel", SharedKey: newKey})
	servicetest.Result(t, servicetest.Wait(t, c.Ops, op, err), &gatewayv1.Connection{})
	connected(gatewayv1.Connection_STATUS_CONNECTED)

	list, err := c.API.ListConnections(ctx, &gatewayv1.ListConnectionsRequest{Parent: rg("azure")})
	if err != nil || len(list.GetConnections()) != 1 || list.GetConnections()[0].GetIpsecPolicy().GetIpsecEncryption() != "GCMAES256" {
		t.Fatalf("list connections: %v %v", list, err)
	}

	_, err = c.API.DeleteVirtualNetworkGateway(ctx, &gatewayv1.DeleteVirtualNetworkGatewayRequest{Name: rg("azure") + "/virtualNetworkGateways/gw"})
	servicetest.CheckStatus(t, err, codes.FailedPrecondition, "tunnel") // deleting a gateway a connection uses names the connection

	for _, cloud := range clouds {
		for _, del := range []func() (*longrunningpb.Operation, error){
			func() (*longrunningpb.Operation, error) {
				return c.API.DeleteConnection(ctx, &gatewayv1.DeleteConnectionRequest{Name: rg(cloud) + "/connections/tunnel"})
			},
			func() (*longrunningpb.Operation, error) {
				return c.API.DeleteLocalNetworkGateway(ctx, &gatewayv1.DeleteLocalNetworkGatewayRequest{Name: rg(cloud) + "/localNetworkGateways/remote"})
			},
			func() (*longrunningpb.Operation, error) {
				return c.API.DeleteVirtualNetworkGateway(ctx, &gatewayv1.DeleteVirtualNetworkGatewayRequest{Name: rg(cloud) + "/virtualNetworkGateways/gw"})
			},
			func() (*longrunningpb.Operation, error) {
				return c.API.DeletePublicIPAddress(ctx, &gatewayv1.DeletePublicIPAddressRequest{Name: rg(cloud) + "/publicIPAddresses/gw-ip"})
			},
		} {
			op, err := del()
			servicetest.Wait(t, c.Ops, op, err)
			if op, err = del(); err != nil || !op.GetDone() {
				t.Fatalf("deleting what is gone is done at once: %v %v", op, err)
			}
		}
		_, err := c.API.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: rg(cloud) + "/connections/tunnel"})
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

// TestOpenAPI validates the gateway service's OpenAPI document and checks it against the
// routes its REST port serves.
func TestOpenAPI(t *testing.T) {
	st, _ := gateway.Start(t, armsim.Config{})
	st.CheckOpenAPI(t)
}
