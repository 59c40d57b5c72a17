package server_test

import (
	"slices"
	"testing"

	"google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/hybridlink/hybridlink/armsim"
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
