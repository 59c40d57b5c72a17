// Package service exports the OrchestratorService as its command runs it, so that other
// modules (the hybridlink CLI's development stack) can run it in process.
package service

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/api"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/app"
)

// Name is the service's full name, for health checks and logs.
const Name = api.ServiceName

// Options configure the orchestrator beyond what every service takes: Temporal, the
// resource services' addresses, the payload key and the ARM write budget.
type Options = app.Options

// Service builds the orchestrator, its API and (with Options.Worker) its Temporal worker,
// as its command does.
func Service(env serve.Env, o Options) (serve.Service, error) { return app.Service(env, o) }
