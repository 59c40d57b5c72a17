package armsim_test

import (
	"context"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestServerSpansJoinCallerTrace checks that each ARM request gets a server span named after
// its method and resource type, in the trace of the caller's traceparent header.
func TestServerSpansJoinCallerTrace(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	sim := startSim(t, armsim.Config{TracerProvider: tp})

	parent, span := tp.Tracer("test").Start(context.Background(), "deployment")
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(parent, carrier)
	opts := clientOptions(sim, "azure")
	opts.PerCallPolicies = append(opts.PerCallPolicies, traceparentPolicy(carrier["traceparent"]))
	groups, err := armresources.NewResourceGroupsClient(sub, cred, opts)
	must(t, err)
	_, err = groups.CreateOrUpdate(parent, "rg-traced", armresources.ResourceGroup{Location: to("eastus")}, nil)
	must(t, err)
	span.End()

	want := span.SpanContext().TraceID()
	var found bool
	for _, s := range rec.Ended() {
		if s.Name() == "ARM PUT Microsoft.Resources/resourceGroups" {
			found = true
			if s.SpanContext().TraceID() != want || s.SpanKind() != trace.SpanKindServer {
				t.Fatalf("span %s: trace %s kind %s, want trace %s kind server", s.Name(), s.SpanContext().TraceID(), s.SpanKind(), want)
			}
		}
	}
	if !found {
		t.Fatalf("no server span for the PUT among %d spans", len(rec.Ended()))
	}
}
