// Command orchestrator serves hybridlink.orchestrator.v1.OrchestratorService (gRPC
// 127.0.0.1:9090, REST 127.0.0.1:8090) and, unless -worker=false, runs the Temporal worker
// that applies deployments through the network, gateway and compute services.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

func main() {
	var o service.Options
	serve.Main(serve.Command{Name: service.Name, Short: "orchestrator", GRPCPort: 9090, HTTPPort: 8090,
		Flags: o.Flags, Build: func(env serve.Env) (serve.Service, error) { return service.Service(env, o) }})
}
