// Package service defines the ComputeService as its command, its tests, the orchestrator's tests
// and the development stack run it.
package service

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/compute/internal/server"
)

// Name is the service's full name, for health checks, logs and its operation handles.
const Name = "hybridlink.compute.v1.ComputeService"

// Service builds the ComputeService from its environment: the service and its operations on
// gRPC, the REST gateway, the OpenAPI document.
func Service(env serve.Env) (serve.Service, error) { return server.Service(env) }
