package activities

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"

	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// Attributes the activities set on their span, the Temporal tracing interceptor's
// RunActivity span of the step. None holds a secret.
const (
	// AttrCloud is the cloud the step writes to.
	AttrCloud = "hybridlink.cloud"
	// AttrResource is the resource service name the step works on: a create's parent, or
	// the name of what a delete deletes.
	AttrResource = "hybridlink.resource"
	// AttrAttempt is the activity's attempt, from 1.
	AttrAttempt = "hybridlink.attempt"
	// AttrOperation is the name of the resource service's operation the step waits for,
	// once there is one.
	AttrOperation = "hybridlink.operation"
)

// annotate sets the activity's attempt on its span and, for a step on one resource
// (a create's parent, a delete's name), that resource and its cloud, which it also gives the
// step's metrics (Metrics).
func annotate(ctx context.Context, resource string) {
	attrs := []attribute.KeyValue{attribute.Int(AttrAttempt, int(activity.GetInfo(ctx).Attempt))}
	if resource != "" {
		cloud := workflow.CloudOf(resource)
		attrs = append(attrs, attribute.String(AttrCloud, cloud), attribute.String(AttrResource, resource))
		if st, ok := ctx.Value(stepKey{}).(*step); ok {
			st.cloud = cloud
		}
	}
	trace.SpanFromContext(ctx).SetAttributes(attrs...)
}
