// Package service exports the GatewayService as its command runs it, so that other modules
// (the orchestrator's tests and development stack) can run it in process.
package service

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/gateway/internal/server"
)

// Name is the service's full name, for health checks, logs and its operation handles.
const Name = server.ServiceName

// Service builds the GatewayService from its environment, as its command does.
func Service(env serve.Env) (serve.Service, error) { return server.Service(env) }
