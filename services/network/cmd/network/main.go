// Command network serves hybridlink.network.v1.NetworkService: resource groups, virtual
// networks and subnets on Azure and Azure Stack Hub, over gRPC (127.0.0.1:9091) and REST
// (127.0.0.1:8091).
package main

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/network/internal/server"
)

func main() {
	serve.Main(server.ServiceName, "network", 9091, 8091, func(_ context.Context, env serve.Env) (serve.Service, error) {
		s, err := server.New(env.Clouds, env.Sealer)
		if err != nil {
			return serve.Service{}, err
		}
		return serve.Service{
			Register: func(g *grpc.Server) {
				networkv1.RegisterNetworkServiceServer(g, s)
				longrunningpb.RegisterOperationsServer(g, s.Operations)
			},
			Gateway: func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error {
				return networkv1.RegisterNetworkServiceHandler(ctx, mux, conn)
			},
			OpenAPI: openapi.JSON,
		}, nil
	})
}
