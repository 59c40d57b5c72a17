package activities_test

import (
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// TestTunnel runs every activity against the real services on armsim: both sites' networks,
// gateways (heart-beating their operations), local network gateways, connections and VMs;
// the verify step sees both connections Connected; teardown through DeleteResource leaves
// armsim empty, and deleting again is done at once. No error or heartbeat holds a secret.
func TestTunnel(t *testing.T) {
	h := start(t, armsim.Config{})
	env, beats := h.env()
	ips := map[string]string{}
	for _, c := range clouds {
		h.network(t, c.id, c.octet)
		var gw gatewayv1.VirtualNetworkGateway
		must(t, env, h.acts.EnsureVirtualNetworkGateway, gatewayRequest(c.id, c.sku), &gw)
		if gw.GetGatewayIpAddress() == "" || gw.GetProvisioningState() != gatewayv1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED {
			t.Fatalf("%s gateway: %v", c.id, &gw)
		}
		ips[c.id] = gw.GetGatewayIpAddress()
	}
	// every gateway's operation was heart-beat by name, a name its service opens
	names := beats.all()
	if len(names) < len(clouds) {
		t.Fatalf("want the gateways' operation names heart-beat, got %q", names)
	}
	for _, name := range names {
		if _, err := h.acts.GatewayOperations.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name}); err != nil {
			t.Fatalf("heart-beat %q is no gateway operation: %v", name, err)
		}
	}

	var tunnels []string
	for i, c := range clouds {
		peer := clouds[1-i]
		must(t, env, h.acts.EnsureLocalNetworkGateway, localRequest(c.id, ips[peer.id], space(peer.octet)), &gatewayv1.LocalNetworkGateway{})
		var conn gatewayv1.Connection
		must(t, env, h.acts.EnsureConnection, connectionRequest(c.id), &conn)
		if conn.GetSharedKey() != "" {
			t.Fatal("the connection came back with its shared key")
		}
		tunnels = append(tunnels, conn.GetName())
		must(t, env, h.acts.EnsureNetworkInterface, nicRequest(c.id), &computev1.NetworkInterface{})
		var vm computev1.VirtualMachine
		must(t, env, h.acts.EnsureVirtualMachine, vmRequest(c.id, c.size), &vm)
		if vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_RUNNING || vm.GetAdminPassword() != "" {
			t.Fatalf("%s VM: %v", c.id, &vm)
		}
	}
	var conns []*gatewayv1.Connection
	must(t, env, h.acts.VerifyConnections, workflow.VerifyRequest{Connections: tunnels, Timeout: time.Minute}, &conns)
	if len(conns) != 2 || conns[0].GetStatus() != gatewayv1.Connection_STATUS_CONNECTED || conns[1].GetStatus() != gatewayv1.Connection_STATUS_CONNECTED {
		t.Fatalf("verified connections: %v", conns)
	}

	for _, c := range clouds {
		for _, name := range []string{
			rg(c.id) + "/virtualMachines/vm", rg(c.id) + "/networkInterfaces/nic", rg(c.id) + "/connections/tunnel",
			rg(c.id) + "/localNetworkGateways/remote", rg(c.id) + "/virtualNetworkGateways/gw",
			rg(c.id) + "/publicIPAddresses/gw-ip", rg(c.id) + "/virtualNetworks/vnet", rg(c.id),
		} {
			for range 2 { // the second delete finds nothing: done
				must(t, env, h.acts.DeleteResource, workflow.DeleteRequest{Resource: name}, nil)
			}
		}
	}
	if left, err := h.sim.Admin.Resources(ctx); err != nil || len(left) != 0 {
		t.Fatalf("teardown left %v (%v)", left, err)
	}
	for _, name := range beats.all() {
		if !strings.HasPrefix(name, "operations/") || strings.Contains(name, sharedKey) || strings.Contains(name, password) {
			t.Fatalf("a heartbeat is not an operation name: %q", name)
		}
	}
}
