package server_test

import (
	"net/http"
	"slices"
	"testing"

	"google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/hybridlink/hybridlink/armsim"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/services/network/internal/server"
)

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	stream, err := grpc_reflection_v1.NewServerReflectionClient(st.Conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&grpc_reflection_v1.ServerReflectionRequest{
		MessageRequest: &grpc_reflection_v1.ServerReflectionRequest_ListServices{ListServices: "*"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		got = append(got, s.GetName())
	}
	for _, want := range []string{server.ServiceName, "google.longrunning.Operations", "grpc.health.v1.Health"} {
		if !slices.Contains(got, want) {
			t.Fatalf("reflection lists %v, missing %s", got, want)
		}
	}
}

// TestFaultsAbsorbed: with armsim failing a share of requests with 500, 503 and 429, the
// service's calls still succeed through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	st, c := start(t, armsim.Config{Faults: armsim.Faults{Rate500: 0.15, Rate503: 0.15, Rate429: 0.15}})
	_, err := c.net.CreateResourceGroup(ctx, &networkv1.CreateResourceGroupRequest{Parent: "clouds/azure", ResourceGroupId: "rg", ResourceGroup: &networkv1.ResourceGroup{}})
	if err != nil {
		t.Fatal(err)
	}
	op, err := c.net.CreateVirtualNetwork(ctx, vnetRequest("azure"))
	wait(t, c.ops, op, err)
	failed := int64(0)
	counters, err := st.Sim.Admin.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cv := range counters {
		if cv.Status >= http.StatusInternalServerError || cv.Status == http.StatusTooManyRequests {
			failed += cv.Count
		}
	}
	if failed == 0 {
		t.Skip("armsim injected no fault this run; nothing was absorbed")
	}
}
