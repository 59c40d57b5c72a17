// Command orchestrator serves hybridlink.orchestrator.v1.OrchestratorService (gRPC
// 127.0.0.1:9090, REST 127.0.0.1:8090) and, unless -worker=false, runs the Temporal worker
// that applies deployments through the network, gateway and compute services.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/api"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/app"
)

func main() {
	var o app.Options
	serve.Main(serve.Command{Name: api.ServiceName, Short: "orchestrator", GRPCPort: 9090, HTTPPort: 8090,
		Flags: o.Flags, Build: func(env serve.Env) (serve.Service, error) { return app.Service(env, o) }})
}
