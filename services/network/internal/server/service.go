package server

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/serve"
)

// Service is the NetworkService as its command and its tests run it: the service and its
// operations on gRPC, the REST gateway, the OpenAPI document.
func Service(env serve.Env) (serve.Service, error) {
	s, err := New(env.Clouds, env.Sealer)
	if err != nil {
		return serve.Service{}, err
	}
	return serve.Service{
		Policy: auth.Resources,
		Register: func(g *grpc.Server) {
			networkv1.RegisterNetworkServiceServer(g, s)
			longrunningpb.RegisterOperationsServer(g, s.Operations)
		},
		Gateway: func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error {
			return networkv1.RegisterNetworkServiceHandler(ctx, mux, conn)
		},
		OpenAPI: openapi.JSON,
	}, nil
}
