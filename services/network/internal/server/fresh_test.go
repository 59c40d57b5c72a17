package server_test

import (
	"net/http"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestFreshResourceGroup: CreateResourceGroup says created only when it created the group;
// a Create with fresh_resource_group writes without reading the resource first (no GET in
// ARM before its PUT), one without reads first, on both clouds.
func TestFreshResourceGroup(t *testing.T) {
	st, c := start(t, armsim.Config{})
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		t.Run(cloud, func(t *testing.T) {
			create := &networkv1.CreateResourceGroupRequest{Parent: "clouds/" + cloud, ResourceGroupId: "fresh", ResourceGroup: &networkv1.ResourceGroup{}}
			for i, want := range []bool{true, false} {
				rg, err := c.net.CreateResourceGroup(ctx, create)
				if err != nil || rg.GetCreated() != want {
					t.Fatalf("create %d: created %v (%v), want %v", i+1, rg.GetCreated(), err, want)
				}
			}
			for _, fresh := range []bool{true, false} {
				if err := st.Sim.Admin.ResetCounters(ctx); err != nil {
					t.Fatal(err)
				}
				req := vnetRequest(cloud)
				req.Parent, req.FreshResourceGroup = "clouds/"+cloud+"/resourceGroups/fresh", fresh
				req.VirtualNetworkId = map[bool]string{true: "first", false: "second"}[fresh]
				op, err := c.net.CreateVirtualNetwork(ctx, req)
				servicetest.Wait(t, c.ops, op, err)
				counters, err := st.Sim.Admin.Counters(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var gets, puts int64
				for _, cv := range counters {
					if cv.Type != "Microsoft.Network/virtualNetworks" {
						continue
					}
					switch cv.Method {
					case http.MethodGet:
						gets += cv.Count
					case http.MethodPut:
						puts += cv.Count
					}
				}
				// one GET is the operation's final read of the network, as the SDK makes it
				if wantGets := map[bool]int64{true: 1, false: 2}[fresh]; gets != wantGets || puts != 1 {
					t.Errorf("fresh %v: %d GETs and %d PUTs of the network, want %d and 1", fresh, gets, puts, wantGets)
				}
			}
		})
	}
}
