package workflow

import (
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Activity time-outs.
const (
	// gatewayStartToClose bounds one attempt of ensuring or deleting a VPN gateway: a VPN
	// gateway takes 30-45 minutes on Azure, and sometimes more than an hour.
	gatewayStartToClose = 2 * time.Hour
	// stepStartToClose bounds one attempt of any other activity.
	stepStartToClose = 30 * time.Minute
	// DefaultHeartbeatTimeout is how long an activity may go without heart-beating before
	// Temporal retries it on another worker, where it resumes the same ARM operation: how
	// soon a crashed worker's steps move on. Activities heart-beat every third of it (at
	// most every 10 s), waiting for a write token included.
	DefaultHeartbeatTimeout = 30 * time.Second
)

// DefaultCheckInterval is how often a READY deployment checks itself for drift.
const DefaultCheckInterval = 15 * time.Minute

// Config is what a worker runs deployments with; the zero value is the defaults.
type Config struct {
	// HeartbeatTimeout is the steps' heartbeat time-out (DefaultHeartbeatTimeout).
	HeartbeatTimeout time.Duration
	// CheckInterval is how often a READY deployment checks itself for drift
	// (DefaultCheckInterval); negative turns the periodic check off.
	CheckInterval time.Duration
}

type configKey struct{}

// Deployment is the deployment workflow (the package's Deployment) run with c.
func (c Config) Deployment(ctx workflow.Context, in Input) (*orchestratorv1.Deployment, error) {
	return Deployment(workflow.WithValue(ctx, configKey{}, c), in)
}

// checkInterval is the drift check interval of the worker's Config in ctx; 0 when off.
func checkInterval(ctx workflow.Context) time.Duration {
	c, _ := ctx.Value(configKey{}).(Config)
	switch {
	case c.CheckInterval < 0:
		return 0
	case c.CheckInterval == 0:
		return DefaultCheckInterval
	}
	return c.CheckInterval
}

// heartbeatTimeout is the heartbeat time-out of the worker's Config in ctx.
func heartbeatTimeout(ctx workflow.Context) time.Duration {
	if c, ok := ctx.Value(configKey{}).(Config); ok && c.HeartbeatTimeout > 0 {
		return c.HeartbeatTimeout
	}
	return DefaultHeartbeatTimeout
}

// retryPolicy backs off from 1 s to 1 min between attempts and never retries permanent
// failures. Retries are Temporal's, not the workflow's, so that a retried attempt gets the
// last heartbeat details and resumes the operation the failed attempt started.
var retryPolicy = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        time.Minute,
	NonRetryableErrorTypes: NonRetryableErrorTypes,
}

// writeQueuesChange names the change that moved the steps that write to their cloud's
// WriteQueue, so that histories from before it replay with their steps where they were.
const writeQueuesChange = "write-queues"

// withActivityOptions returns ctx with the options of step's activity: the step's name as
// its activity ID, its task queue (its cloud's WriteQueue for a step that writes a
// resource; a step that reads an adopted one stays on the deployment's queue), its
// time-outs (a gateway's creation and deletion are the long ones), heartbeat time-out and
// retry policy. Cancellation waits for the activity to stop, so that the status records
// where it stopped.
func withActivityOptions(ctx workflow.Context, s *step) workflow.Context {
	timeout := stepStartToClose
	if s.kind == kindGateway {
		timeout = gatewayStartToClose
	}
	opts := workflow.ActivityOptions{
		ActivityID:          s.status.GetName(),
		StartToCloseTimeout: timeout,
		HeartbeatTimeout:    heartbeatTimeout(ctx),
		RetryPolicy:         retryPolicy,
		WaitForCancellation: true,
	}
	if cloud := CloudOf(s.status.GetResource()); cloud != "" && !s.status.GetAdopted() && workflow.GetVersion(ctx, writeQueuesChange, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		opts.TaskQueue = WriteQueue(workflow.GetInfo(ctx).TaskQueueName, cloud)
		opts.Priority = temporal.Priority{PriorityKey: priorityOf(s.kind)}
	}
	return workflow.WithActivityOptions(ctx, opts)
}

// priorityOf orders the writes a cloud's budget holds back in its write queue (Temporal's
// task priority, 1 first; the server applies it with matching.useNewMatcher and keeps its
// queues in order of arrival without): a gateway's PUT first, since its 30 to 45 minutes are
// most of a deployment's time and start only once the PUT is out; every other step in order
// of arrival, so that new deployments never hold back the rest of those under way. In order
// of arrival alone, under a budget that binds, the last deployments' gateways waited behind
// every earlier deployment's short writes. (Giving the gateway's own dependencies the same
// priority let a burst's new groups and networks hold back the VMs the probe needs, which
// then became the longest path.)
func priorityOf(kind string) int {
	if kind == kindGateway {
		return 1
	}
	return 2
}

// CloudOf returns the cloud of a resource service name or parent, clouds/{cloud}/...; ""
// for none.
func CloudOf(resource string) string {
	rest, ok := strings.CutPrefix(resource, "clouds/")
	if !ok {
		return ""
	}
	cloud, _, _ := strings.Cut(rest, "/")
	return cloud
}
