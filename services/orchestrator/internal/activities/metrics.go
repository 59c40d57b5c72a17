package activities

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// MetricFamilies are the step metrics as the Prometheus exporter names them on /metrics
// (README: Metrics; TestMetrics checks them).
var MetricFamilies = []string{"hybridlink_step_duration_seconds", "hybridlink_step_retries_total"}

// Metrics is the worker interceptor recording every attempt of a step (an activity): its
// duration by step (the activity's name), cloud (that of the resource it works on; empty
// for the steps across clouds, such as VerifyConnections) and outcome (succeeded or
// failed), and each attempt after the first as a retry. An attempt whose worker dies
// records nothing; the attempt that takes over records its own.
func Metrics(m metric.Meter) (interceptor.WorkerInterceptor, error) {
	duration, err := m.Float64Histogram("hybridlink.step.duration", metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 2700, 3600),
		metric.WithDescription("how long an attempt of a deployment step took, by step, cloud and outcome"))
	if err != nil {
		return nil, err
	}
	retries, err := m.Int64Counter("hybridlink.step.retries", metric.WithDescription("attempts of a step after its first, by step and cloud, counted when they end"))
	if err != nil {
		return nil, err
	}
	return &stepMetrics{duration: duration, retries: retries}, nil
}

type stepMetrics struct {
	interceptor.WorkerInterceptorBase
	duration metric.Float64Histogram
	retries  metric.Int64Counter
}

func (m *stepMetrics) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &stepAttempt{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, m: m}
}

type stepAttempt struct {
	interceptor.ActivityInboundInterceptorBase
	m *stepMetrics
}

func (a *stepAttempt) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	info := activity.GetInfo(ctx)
	st := &step{}
	start := time.Now()
	out, err := a.Next.ExecuteActivity(context.WithValue(ctx, stepKey{}, st), in)
	outcome := "succeeded"
	if err != nil {
		outcome = "failed"
	}
	name, cloud := attribute.String("step", info.ActivityType.Name), attribute.String("cloud", st.cloud)
	a.m.duration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(name, cloud, attribute.String("outcome", outcome)))
	if info.Attempt > 1 {
		a.m.retries.Add(ctx, 1, metric.WithAttributes(name, cloud))
	}
	return out, err
}

// step is what a step tells the interceptor about itself, through annotate: its cloud.
type step struct{ cloud string }

type stepKey struct{}
