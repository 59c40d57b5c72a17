package api

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/compare"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// planID stands in for the deployment id when the planned deployment has no name, so that
// validation only reports the spec.
const planID = "plan"

// PlanDeployment answers every validation finding of the deployment, then every location,
// VM size and image its clouds do not offer (package offer: a few list reads), and, when
// there is none, every finding about what the sites adopt (adopt), and, when there is none
// either, what an apply would do to each resource it ensures or adopts (workflow.Plan), read
// from the clouds through the resource services' Get methods: ADOPT for an adopted
// resource, CREATE when a resource does not exist, NO_CHANGE when it matches the request
// the apply would send (compare.Readers.Matches), UPDATE otherwise; and, for a deployment
// that exists, DELETE for what it created that the spec no longer has, and REPLACE, with its
// cost, for a gateway it created whose cloud cannot resize it to the SKU the spec asks for
// (an apply replaces nothing else: another's gateway plans as UPDATE, which its cloud
// refuses). It writes nothing, and the plan holds no secret.
func (s *Server) PlanDeployment(ctx context.Context, req *orchestratorv1.PlanDeploymentRequest) (*orchestratorv1.Plan, error) {
	plan := &orchestratorv1.Plan{}
	if name := req.GetDeployment().GetName(); name != "" {
		if _, err := parseName(name, "deployment.name"); err != nil {
			plan.Findings = append(plan.Findings, &orchestratorv1.Finding{Field: "deployment.name",
				Description: "must be of the form deployments/{id}, id 1-63 lower-case letters, digits and '-'"})
		}
	}
	if findings(plan, deployrules.Validate(req.GetDeployment(), planID, s.clouds)) {
		return plan, nil
	}
	in, err := s.input("", req.GetDeployment())
	if err != nil {
		return nil, err
	}
	found, err := s.offers().Check(ctx, "deployment.spec", in.Spec)
	if err != nil {
		return nil, err
	}
	if findings(plan, found) {
		return plan, nil
	}
	if in, found, err = s.adopt(ctx, in); err != nil {
		return nil, err
	}
	if findings(plan, found) {
		return plan, nil
	}
	created, err := s.created(ctx, req.GetDeployment().GetName())
	if err != nil {
		return nil, err
	}
	replace := map[string]string{}
	if len(created) > 0 {
		if replace, err = s.replacements(ctx, in); err != nil {
			return nil, err
		}
	}
	for _, r := range workflow.Plan(in) {
		if note, ok := replace[r.Resource]; ok && slices.ContainsFunc(created, func(c string) bool { return strings.EqualFold(c, r.Resource) }) {
			plan.Changes = append(plan.Changes, &orchestratorv1.PlannedChange{Resource: r.Resource, Step: r.Step, Action: orchestratorv1.PlannedChange_ACTION_REPLACE, Note: note})
			continue
		}
		if r.Adopted {
			plan.Changes = append(plan.Changes, &orchestratorv1.PlannedChange{Resource: r.Resource, Step: r.Step, Action: orchestratorv1.PlannedChange_ACTION_ADOPT})
			continue
		}
		same, err := s.readers().Matches(ctx, r)
		action := orchestratorv1.PlannedChange_ACTION_UPDATE
		switch {
		case status.Code(err) == codes.NotFound:
			action = orchestratorv1.PlannedChange_ACTION_CREATE
		case err != nil:
			return nil, reading(err, r.Resource)
		case same:
			action = orchestratorv1.PlannedChange_ACTION_NO_CHANGE
		}
		plan.Changes = append(plan.Changes, &orchestratorv1.PlannedChange{Resource: r.Resource, Step: r.Step, Action: action})
	}
	plan.Changes = append(plan.Changes, deletions(created, plan.GetChanges())...)
	return plan, nil
}

// created returns the resources the deployment name created: none when it has no name or
// does not exist. An apply replaces and prunes only those.
func (s *Server) created(ctx context.Context, name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	d, err := s.status(ctx, name)
	if status.Code(err) == codes.NotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return d.GetStatus().GetCreated(), nil
}

// deletions lists what a re-apply would delete: what its deployment created that changes,
// the planned resources, do not have.
func deletions(created []string, changes []*orchestratorv1.PlannedChange) []*orchestratorv1.PlannedChange {
	planned := map[string]bool{}
	for _, c := range changes {
		planned[strings.ToLower(c.GetResource())] = true
	}
	var out []*orchestratorv1.PlannedChange
	for _, r := range created {
		if !planned[strings.ToLower(r)] {
			out = append(out, &orchestratorv1.PlannedChange{Resource: r, Action: orchestratorv1.PlannedChange_ACTION_DELETE})
		}
	}
	return out
}

// findings adds v to the plan's findings and reports whether it has any.
func findings(plan *orchestratorv1.Plan, v apierr.Violations) bool {
	for _, x := range v {
		plan.Findings = append(plan.Findings, &orchestratorv1.Finding{Field: x.Field, Description: x.Description})
	}
	return len(plan.Findings) > 0
}

// readers reads resources through the resource services.
func (s *Server) readers() compare.Readers {
	return compare.Readers{Network: s.network, Gateway: s.gateway, Compute: s.compute}
}
