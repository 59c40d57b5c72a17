package api

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/sdk/client"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// RotateSharedKey sets a new shared key, made here with crypto/rand, on every connection of
// a READY deployment through its workflow's rotate-key update, and answers the update's
// operation once the workflow has accepted it. A deployment that is not READY, or that an
// apply or teardown is changing, is refused (FAILED_PRECONDITION, with the reason).
func (s *Server) RotateSharedKey(ctx context.Context, req *orchestratorv1.RotateSharedKeyRequest) (*longrunningpb.Operation, error) {
	name := req.GetName()
	if _, err := parseName(name, "name"); err != nil {
		return nil, err
	}
	s.cache.drop(name)
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflow.ID(name), UpdateName: workflow.UpdateRotateKey,
		Args:         []any{workflow.RotateKeyInput{Key: deployrules.GenerateKey()}},
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
