package server_test

import (
	"net/http"
	"slices"
	"testing"

	"google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/compute/internal/server"
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

// TestFaultsAbsorbed: with armsim failing a share of requests with 500, 503 and 429, a NIC
// and a VM are still created through azcore's retries.
func TestFaultsAbsorbed(t *testing.T) {
	st, c := start(t, armsim.Config{Faults: armsim.Faults{Rate500: 0.05, Rate503: 0.05, Rate429: 0.05}})
	s := sites[0]
	op, err := c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", network(t, st, s)))
	servicetest.Wait(t, c.ops, op, err)
	op, err = c.cmp.CreateVirtualMachine(ctx, vmRequest(s))
	servicetest.Wait(t, c.ops, op, err)
	counters, err := st.Sim.Admin.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	failed := int64(0)
	for _, cv := range counters {
		if cv.Status >= http.StatusInternalServerError || cv.Status == http.StatusTooManyRequests {
			failed += cv.Count
		}
	}
	if failed == 0 {
		t.Skip("armsim injected no fault this run; nothing was absorbed")
	}
}
