package api

import (
	"context"
	"errors"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// maxFailure bounds the workflow task failure explain quotes.
const maxFailure = 512

// explain maps err as temporalError does, and, for a workflow stuck on a failing workflow
// task, adds the failure Temporal recorded: what its worker cannot get past.
func (s *Server) explain(ctx context.Context, err error, name string) error {
	var notReady *serviceerror.WorkflowNotReady
	if !errors.As(err, &notReady) {
		return temporalError(err, name)
	}
	failure := s.taskFailure(ctx, name)
	if failure == "" {
		return temporalError(err, name)
	}
	return stuck(name, failure)
}

// stuckAttempts is the attempt of a pending workflow task from which, when its history holds
// a failed workflow task, the workflow is stuck: from the third, Temporal itself fails
// queries instead of waiting.
const stuckAttempts = 3

// stuck is the error about a workflow whose workflow task keeps failing with failure.
func stuck(name, failure string) error {
	return status.Errorf(codes.FailedPrecondition, "%s's workflow is stuck: Temporal cannot complete its workflow task (%s), so it neither answers nor takes requests until a worker can; fix what the worker's log shows, or terminate the workflow, create the deployment again with its spec (which adopts what it made) and delete it",
		name, failure)
}

// taskFailure returns the last workflow task failure in the workflow's history, as its
// cause and message, or "" when there is none or the history cannot be read.
func (s *Server) taskFailure(ctx context.Context, name string) string {
	it := s.temporal.GetWorkflowHistory(ctx, workflow.ID(name), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			break
		}
		if a := e.GetWorkflowTaskFailedEventAttributes(); a != nil {
			cause := strings.TrimPrefix(a.GetCause().String(), "WORKFLOW_TASK_FAILED_CAUSE_")
			out = cause + ": " + a.GetFailure().GetMessage()
		}
	}
	if len(out) > maxFailure {
		out = out[:maxFailure] + "..."
	}
	return out
}

// ended marks FAILED a deployment whose workflow run ended without finishing, terminated
// (by an operator, or by Temporal past its history limits) or timed out: its status is
// the run's last, which would still say it applies.
func ended(d *orchestratorv1.Deployment, run enumspb.WorkflowExecutionStatus) {
	switch run {
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
	default:
		return
	}
	if d.Status == nil {
		d.Status = &orchestratorv1.DeploymentStatus{}
	}
	was := d.GetStatus().GetState()
	d.Status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
	d.Status.Error = "its workflow was " + strings.ToLower(strings.TrimPrefix(run.String(), "WORKFLOW_EXECUTION_STATUS_")) +
		" while " + strings.ToLower(strings.TrimPrefix(was.String(), "STATE_")) +
		", leaving what it created; create it again with its spec (which adopts what it made) and delete it"
}
