package serve

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	"github.com/hybridlink/hybridlink/platform/auth"
)

// Resources is a resource service as its command, its tests and the development stack run
// it: register puts its API on gRPC beside ops, its long-running operations; gateway
// registers its REST handlers; openAPI is its document. Only the orchestrator and admins
// may call it (auth.Resources).
func Resources(register func(*grpc.Server), ops longrunningpb.OperationsServer,
	gateway func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error, openAPI []byte) Service {
	return Service{
		Policy: auth.Resources,
		Register: func(g *grpc.Server) {
			register(g)
			longrunningpb.RegisterOperationsServer(g, ops)
		},
		Gateway: gateway,
		OpenAPI: openAPI,
	}
}
