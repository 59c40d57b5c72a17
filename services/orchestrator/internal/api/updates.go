package api

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/sdk/client"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// CheckDeployment checks a deployment for drift now through its workflow's check update,
// and answers the update's operation once the workflow has accepted it; the deployment it
// completes with has the findings in its status's drift.
func (s *Server) CheckDeployment(ctx context.Context, req *orchestratorv1.CheckDeploymentRequest) (*longrunningpb.Operation, error) {
	return s.update(ctx, req.GetName(), workflow.UpdateCheck)
}

// RotateSharedKey sets a new shared key, made here with crypto/rand, on every connection of
// a READY deployment through its workflow's rotate-key update, and answers the update's
// operation once the workflow has accepted it. A deployment that is not READY, or that an
// apply or teardown is changing, is refused (FAILED_PRECONDITION, with the reason).
func (s *Server) RotateSharedKey(ctx context.Context, req *orchestratorv1.RotateSharedKeyRequest) (*longrunningpb.Operation, error) {
	return s.update(ctx, req.GetName(), workflow.UpdateRotateKey, workflow.RotateKeyInput{Key: deployrules.GenerateKey()})
}

// RepairDeployment applies a deployment's spec again as it stands, through its workflow's
// repair update, and answers the update's operation once the workflow has accepted it.
func (s *Server) RepairDeployment(ctx context.Context, req *orchestratorv1.RepairDeploymentRequest) (*longrunningpb.Operation, error) {
	return s.update(ctx, req.GetName(), workflow.UpdateRepair)
}

// ProbeDeployment runs the data-plane probe of a READY deployment again through its
// workflow's probe update, and answers the update's operation once the workflow has
// accepted it; the deployment it completes with has the results in its outputs' probes.
func (s *Server) ProbeDeployment(ctx context.Context, req *orchestratorv1.ProbeDeploymentRequest) (*longrunningpb.Operation, error) {
	return s.update(ctx, req.GetName(), workflow.UpdateProbe)
}

// update starts the workflow update of a deployment named name and answers its operation
// once the workflow has accepted it.
func (s *Server) update(ctx context.Context, name, update string, args ...any) (*longrunningpb.Operation, error) {
	if _, err := parseName(name, "name"); err != nil {
		return nil, err
	}
	s.cache.drop(name)
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflow.ID(name), UpdateName: update, Args: args,
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		return nil, temporalError(err, name)
	}
	d, err := s.status(ctx, name)
	if err != nil {
		return nil, err
	}
	return operation(op{deployment: name, verb: "update", update: h.UpdateID()}, d, false)
}
