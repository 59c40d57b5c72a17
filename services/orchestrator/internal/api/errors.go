package api

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// transient reports whether a status read may succeed when tried again.
func transient(err error) bool {
	c := status.Code(err)
	return c == codes.Unavailable || c == codes.DeadlineExceeded
}

// temporalError maps a Temporal client error about a deployment to a status error: a
// workflow that is not there is NotFound, one stuck on a failing workflow task (Temporal's
// WorkflowNotReady) FailedPrecondition (explain says why), a request the workflow refused
// FailedPrecondition with its reason, Temporal's own errors keep their code, and only what
// did not reach Temporal is Unavailable.
func temporalError(err error, name string) error {
	var (
		nf       *serviceerror.NotFound
		deadline *serviceerror.DeadlineExceeded
		notReady *serviceerror.WorkflowNotReady
		refused  *temporal.ApplicationError
	)
	switch {
	case errors.As(err, &nf):
		return status.Errorf(codes.NotFound, "%s does not exist", name)
	case errors.As(err, &notReady):
		return status.Errorf(codes.FailedPrecondition, "%s's workflow is stuck: Temporal cannot complete its workflow task, so it neither answers nor takes requests until a worker can; see the orchestrator worker's log", name)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &deadline):
		return status.Errorf(codes.DeadlineExceeded, "Temporal did not answer about %s in time", name)
	case errors.As(err, &refused):
		return status.Errorf(codes.FailedPrecondition, "%s refused the request: %s", name, refused.Message())
	}
	switch st := serviceerror.ToStatus(err); st.Code() {
	case codes.Unavailable:
		return status.Errorf(codes.Unavailable, "Temporal could not be reached about %s: %s; check the orchestrator's -temporal address", name, st.Message())
	case codes.Unknown:
		return status.Errorf(codes.Unknown, "asking Temporal about %s: %s", name, st.Message())
	default:
		return status.Errorf(st.Code(), "Temporal refused a request about %s: %s", name, st.Message())
	}
}
