// Package service defines the GatewayService as its command, its tests, the orchestrator's tests
// and the development stack run it.
package service

import (
	"google.golang.org/grpc"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/gateway/internal/server"
)

// Name is the service's full name, for health checks, logs and its operation handles.
const Name = "hybridlink.gateway.v1.GatewayService"

// Service builds the GatewayService from its environment: the service and its operations on
// gRPC, the REST gateway, the OpenAPI document.
func Service(env serve.Env) (serve.Service, error) {
	s, err := server.New(env.Clouds, env.Sealer)
	if err != nil {
		return serve.Service{}, err
	}
	register := func(g *grpc.Server) { gatewayv1.RegisterGatewayServiceServer(g, s) }
	return serve.Resources(register, s.Operations, gatewayv1.RegisterGatewayServiceHandler, openapi.JSON), nil
}
