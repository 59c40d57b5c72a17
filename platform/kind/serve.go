package kind

import (
	"context"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	"github.com/hybridlink/hybridlink/platform/serve"
)

// Serve is the resource service svc describes, on every cloud env configures, as serve
// runs it (serve.Resources): api makes its API of the clouds' clients, register puts the
// API on gRPC, gateway registers its REST handlers, openAPI is its document.
func Serve[C, S any](env serve.Env, svc Service[C], api func(Clouds[C]) S, register func(grpc.ServiceRegistrar, S),
	gateway func(context.Context, *gwruntime.ServeMux, *grpc.ClientConn) error, openAPI []byte) (serve.Service, error) {
	clouds, err := Build(env.Clouds, env.Sealer, svc)
	if err != nil {
		return serve.Service{}, err
	}
	s := api(clouds)
	return serve.Resources(func(g *grpc.Server) { register(g, s) }, clouds.Operations, gateway, openAPI), nil
}
