package server_test

import (
	"net/http"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestAdoptAndResume: a create while ARM is still creating the same gateway adopts that
// operation (one PUT in ARM), and a fresh service instance resumes both operations from
// their names alone.
func TestAdoptAndResume(t *testing.T) {
	st, c := gateway.Start(t, armsim.Config{TimeScale: 0.0005}) // a gateway takes about a second
	site(t, st, "azure")
	op, err := c.API.CreatePublicIPAddress(ctx, pipRequest("azure"))
	servicetest.Wait(t, c.Ops, op, err)
	first, second := servicetest.Twice(t, func() (*longrunningpb.Operation, error) {
		return c.API.CreateVirtualNetworkGateway(ctx, gatewayRequest("azure"))
	})
	c = gateway.Restart(t, st)
	for _, op := range []*longrunningpb.Operation{first, second} {
		gw := servicetest.Result(t, servicetest.Wait(t, c.Ops, op, nil), &gatewayv1.VirtualNetworkGateway{})
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
	st, c := gateway.Start(t, armsim.Config{})
	site(t, st, "azure-stack-hub")
	op, err := c.API.CreatePublicIPAddress(ctx, pipRequest("azure-stack-hub"))
	servicetest.CheckTampered(t, c.Ops, op, err)
}
