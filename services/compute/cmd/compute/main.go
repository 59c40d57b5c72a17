// Command compute serves hybridlink.compute.v1.ComputeService: network interfaces and
// virtual machines on Azure and Azure Stack Hub, over gRPC (127.0.0.1:9093) and REST
// (127.0.0.1:8093).
package main

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/compute/internal/server"
)

func main() {
	serve.Main(server.ServiceName, "compute", 9093, 8093, func(_ context.Context, env serve.Env) (serve.Service, error) {
		s, err := server.New(env.Clouds, env.Sealer)
		if err != nil {
			return serve.Service{}, err
		}
		return serve.Service{
			Register: func(g *grpc.Server) {
				computev1.RegisterComputeServiceServer(g, s)
				longrunningpb.RegisterOperationsServer(g, s.Operations)
			},
			Gateway: func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error {
				return computev1.RegisterComputeServiceHandler(ctx, mux, conn)
			},
			OpenAPI: openapi.JSON,
		}, nil
	})
}
