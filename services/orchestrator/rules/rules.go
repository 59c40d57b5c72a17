// Package rules opens the orchestrator's deployment rules to its clients, so that the CLI's
// validate finds offline, with no orchestrator, what the API refuses: Validate is the check
// CreateDeployment, UpdateDeployment and PlanDeployment run first, before they read any cloud
// (internal/deployrules, which stays internal: its defaults and policies are the workflow's
// business, not a client's).
package rules

import (
	"strings"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// Validate checks deployment d against the configured clouds as CreateDeployment does
// (deployrules.Validate), its id taken from its name (deployments/{id}): every finding names
// its field by its request path, deployment.spec.sites[1].gateway_sku; one about the id names
// deployment.name, where a deployment file holds it. It reads no cloud: what the clouds offer
// (locations, sizes, images) and what a site adopts are the API's to check, in a plan.
func Validate(d *orchestratorv1.Deployment, clouds []cloud.Cloud) apierr.Violations {
	v := deployrules.Validate(d, strings.TrimPrefix(d.GetName(), "deployments/"), clouds)
	for i := range v {
		if v[i].Field == "deployment_id" {
			v[i].Field = "deployment.name"
		}
	}
	return v
}
