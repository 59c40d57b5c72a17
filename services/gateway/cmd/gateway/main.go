// Command gateway serves hybridlink.gateway.v1.GatewayService: public IP addresses, VPN
// gateways, local network gateways and site-to-site connections on Azure and Azure Stack
// Hub, over gRPC (127.0.0.1:9092) and REST (127.0.0.1:8092).
package main

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/gateway/internal/server"
)

func main() {
	serve.Main(server.ServiceName, "gateway", 9092, 8092, func(_ context.Context, env serve.Env) (serve.Service, error) {
		s, err := server.New(env.Clouds, env.Sealer)
		if err != nil {
			return serve.Service{}, err
		}
		return serve.Service{
			Register: func(g *grpc.Server) {
				gatewayv1.RegisterGatewayServiceServer(g, s)
				longrunningpb.RegisterOperationsServer(g, s.Operations)
			},
			Gateway: func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error {
				return gatewayv1.RegisterGatewayServiceHandler(ctx, mux, conn)
			},
			OpenAPI: openapi.JSON,
		}, nil
	})
}
