package activities_test

import (
	"net/http"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
)

// TestReadAdopted: the adopt steps read an existing network and gateway and write nothing;
// a gateway that is not there fails the step for good, as NotFound.
func TestReadAdopted(t *testing.T) {
	h := start(t, armsim.Config{})
	h.network(t, "azure", "1")
	setup, _ := h.env()
	must(t, setup, h.acts.EnsureVirtualNetworkGateway, gatewayRequest("azure", "VpnGw1"), nil)
	writes := func() int64 {
		var n int64
		for _, typ := range []string{"Microsoft.Network/virtualNetworks", "Microsoft.Network/virtualNetworkGateways"} {
			c, err := h.sim.Admin.Count(ctx, "azure", http.MethodPut, typ)
			if err != nil {
				t.Fatal(err)
			}
			n += c
		}
		return n
	}
	before := writes()

	env, _ := h.env()
	var vnet networkv1.VirtualNetwork
	must(t, env, h.acts.ReadVirtualNetwork, &networkv1.GetVirtualNetworkRequest{Name: rg("azure") + "/virtualNetworks/vnet"}, &vnet)
	if len(vnet.GetAddressPrefixes()) == 0 {
		t.Errorf("adopted network read without its address space: %v", &vnet)
	}
	var gw gatewayv1.VirtualNetworkGateway
	must(t, env, h.acts.ReadVirtualNetworkGateway, &gatewayv1.GetVirtualNetworkGatewayRequest{Name: rg("azure") + "/virtualNetworkGateways/gw"}, &gw)
	if gw.GetGatewayIpAddress() == "" {
		t.Errorf("adopted gateway read without its public IP: %v", &gw)
	}
	if after := writes(); after != before {
		t.Errorf("reading adopted resources wrote %d times to ARM", after-before)
	}

	err := execute(t, env, h.acts.ReadVirtualNetworkGateway, &gatewayv1.GetVirtualNetworkGatewayRequest{Name: rg("azure") + "/virtualNetworkGateways/gone"}, nil)
	if ae := appError(t, err); !ae.NonRetryable() || ae.Type() != "NotFound" {
		t.Errorf("a missing adopted gateway: %v, want a non-retryable NotFound", err)
	}
}
