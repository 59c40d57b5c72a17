package activities

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// flaky is a step on an Azure resource group that fails its first attempt.
func flaky(ctx context.Context) error {
	annotate(ctx, "clouds/azure/resourceGroups/rg")
	if activity.GetInfo(ctx).Attempt == 1 {
		return errors.New("first attempt fails")
	}
	return nil
}

// TestMetrics runs a step that fails once under the interceptor, and reads its attempts
// from the Prometheus registry: two durations (one failed, one succeeded) and one retry,
// with the cloud annotate gave.
func TestMetrics(t *testing.T) {
	tel, err := telemetry.Setup(t.Context(), "activitiestest", telemetry.Options{LogOutput: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := Metrics(tel.Meter.Meter("test"))
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{steps}})
	env.RegisterActivityWithOptions(flaky, activity.RegisterOptions{Name: "Flaky"})
	env.ExecuteWorkflow(func(ctx workflow.Context) error {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
			RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Millisecond, MaximumAttempts: 2}})
		return workflow.ExecuteActivity(ctx, "Flaky").Get(ctx, nil)
	})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	families, err := tel.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	var names []string
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "hybridlink_") {
			continue
		}
		names = append(names, f.GetName())
		for _, m := range f.GetMetric() {
			key := f.GetName() // the labels come sorted by name
			for _, l := range m.GetLabel() {
				if l.GetName() == "step" || l.GetName() == "cloud" || l.GetName() == "outcome" {
					key += " " + l.GetName() + "=" + l.GetValue()
				}
			}
			got[key] += value(m)
		}
	}
	if want := slices.Sorted(slices.Values(MetricFamilies)); !slices.Equal(names, want) {
		t.Errorf("families on /metrics %v, MetricFamilies %v", names, want)
	}
	for key, want := range map[string]float64{
		"hybridlink_step_duration_seconds cloud=azure outcome=failed step=Flaky":    1,
		"hybridlink_step_duration_seconds cloud=azure outcome=succeeded step=Flaky": 1,
		"hybridlink_step_retries_total cloud=azure step=Flaky":                      1,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v (have %v)", key, got[key], want, got)
		}
	}
}

// value is a counter's value or a histogram's count.
func value(m *dto.Metric) float64 {
	return m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
}
