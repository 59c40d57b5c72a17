package workflow

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Activity time-outs.
const (
	// gatewayStartToClose bounds one attempt of ensuring or deleting a VPN gateway: a VPN
	// gateway takes 30-45 minutes on Azure, and sometimes more than an hour.
	gatewayStartToClose = 2 * time.Hour
	// stepStartToClose bounds one attempt of any other activity.
	stepStartToClose = 30 * time.Minute
	// heartbeatTimeout is how long an activity may go without heart-beating before
	// Temporal retries it on another worker, where it resumes the same ARM operation: how
	// soon a crashed worker's steps move on. Activities heart-beat at least every 10 s.
	heartbeatTimeout = 30 * time.Second
)

// retryPolicy backs off from 1 s to 1 min between attempts and never retries permanent
// failures. Retries are Temporal's, not the workflow's, so that a retried attempt gets the
// last heartbeat details and resumes the operation the failed attempt started.
var retryPolicy = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        time.Minute,
	NonRetryableErrorTypes: NonRetryableErrorTypes,
}

// withActivityOptions returns ctx with the options of step's activity: the step's name as
// its activity ID, its time-outs (a gateway's creation and deletion are the long ones),
// heartbeat time-out and retry policy. Cancellation waits for the activity to stop, so that
// the status records where it stopped.
func withActivityOptions(ctx workflow.Context, s *step) workflow.Context {
	timeout := stepStartToClose
	if s.kind == kindGateway {
		timeout = gatewayStartToClose
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		ActivityID:          s.status.GetName(),
		StartToCloseTimeout: timeout,
		HeartbeatTimeout:    heartbeatTimeout,
		RetryPolicy:         retryPolicy,
		WaitForCancellation: true,
	})
}
