package service_test

import (
	"context"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/activities"
)

// startTraced starts the stack as start does, with armsim's server spans recorded too,
// and returns it with the span recorder of each part: orchestrator, network, gateway,
// compute and armsim.
func startTraced(t *testing.T, cfg armsim.Config, taskQueue string) (stack, map[string]*tracetest.SpanRecorder) {
	t.Helper()
	sim := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sim))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	cfg.TracerProvider = tp
	s := start(t, cfg, taskQueue)
	return s, map[string]*tracetest.SpanRecorder{
		"orchestrator": s.orch.Spans, "network": s.net.Spans, "gateway": s.gw.Spans, "compute": s.cmp.Spans, "armsim": sim}
}

// TestTrace runs one deployment to READY and checks that its trace, the status's trace_id,
// holds the whole of it: the CreateDeployment call as the root, the workflow, a span per
// step with its cloud, resource and attempt, the gRPC calls into the resource services on
// both sides, the services' SDK requests to ARM and armsim's server spans, every ARM write
// among them. No span of any part, through the deployment's teardown, holds the shared key
// or a VM's password.
func TestTrace(t *testing.T) {
	s, recorders := startTraced(t, scaled, "e2e-trace")
	ctx := context.Background()
	spec := hybridSpec()
	deploy(t, s, "traced", spec)
	d := getDeployment(t, s, "traced")
	id, err := trace.TraceIDFromHex(d.GetStatus().GetTraceId())
	if err != nil {
		t.Fatalf("the deployment's trace_id %q: %v", d.GetStatus().GetTraceId(), err)
	}
	for _, st := range d.GetStatus().GetSteps() {
		if st.GetTraceId() != id.String() {
			t.Errorf("step %s is in trace %q, not the deployment's %s", st.GetName(), st.GetTraceId(), id)
		}
	}

	// the parts' spans in the deployment's trace; started ones too, as the workflow's span
	// lasts as long as the deployment
	in := map[string][]sdktrace.ReadOnlySpan{}
	for part, rec := range recorders {
		for _, sp := range rec.Started() {
			if sp.SpanContext().TraceID() == id {
				in[part] = append(in[part], sp)
			}
		}
	}
	find := func(part, name string, kind trace.SpanKind) []sdktrace.ReadOnlySpan {
		var found []sdktrace.ReadOnlySpan
		for _, sp := range in[part] {
			if sp.Name() == name && sp.SpanKind() == kind {
				found = append(found, sp)
			}
		}
		if len(found) == 0 {
			t.Errorf("no %s span %q (%s) in the deployment's trace", part, name, kind)
		}
		return found
	}
	for _, root := range find("orchestrator", "hybridlink.orchestrator.v1.OrchestratorService/CreateDeployment", trace.SpanKindServer) {
		if root.Parent().IsValid() {
			t.Errorf("the CreateDeployment span has a parent, %s: it must be the trace's root", root.Parent().SpanID())
		}
	}
	find("orchestrator", "StartWorkflow:Deployment", trace.SpanKindClient)
	find("orchestrator", "RunWorkflow:Deployment", trace.SpanKindServer)

	// a span per step: its activity's, named by the step, with the step's attributes
	clouds := map[string]string{}
	for _, site := range spec.GetSites() {
		clouds[site.GetName()] = site.GetCloud()
	}
	activitySpans := map[string]sdktrace.ReadOnlySpan{}
	for _, sp := range in["orchestrator"] {
		if strings.HasPrefix(sp.Name(), "RunActivity:") {
			activitySpans[attr(sp, "temporalActivityID")] = sp
		}
	}
	for _, st := range d.GetStatus().GetSteps() {
		sp, ok := activitySpans[st.GetName()]
		switch {
		case !ok:
			t.Errorf("step %s has no activity span in the deployment's trace", st.GetName())
			continue
		case attr(sp, activities.AttrAttempt) != "1":
			t.Errorf("step %s's span: attempt %q, want 1", st.GetName(), attr(sp, activities.AttrAttempt))
		case st.GetSite() == "":
			continue // verify: its connections are in both clouds
		case attr(sp, activities.AttrCloud) != clouds[st.GetSite()] || !strings.HasPrefix(st.GetResource(), attr(sp, activities.AttrResource)+"/"):
			t.Errorf("step %s (%s) has span attributes cloud %q resource %q", st.GetName(), st.GetResource(), attr(sp, activities.AttrCloud), attr(sp, activities.AttrResource))
		case strings.HasSuffix(st.GetName(), "/vpn-gateway") && !strings.HasPrefix(attr(sp, activities.AttrOperation), "operations/"):
			t.Errorf("step %s's span has no operation name: %q", st.GetName(), attr(sp, activities.AttrOperation))
		}
	}

	// below the steps: the gRPC calls on both sides, the SDK's requests and armsim's spans
	find("orchestrator", "hybridlink.gateway.v1.GatewayService/CreateVirtualNetworkGateway", trace.SpanKindClient)
	find("gateway", "hybridlink.gateway.v1.GatewayService/CreateVirtualNetworkGateway", trace.SpanKindServer)
	find("network", "hybridlink.network.v1.NetworkService/CreateVirtualNetwork", trace.SpanKindServer)
	find("compute", "hybridlink.compute.v1.ComputeService/CreateVirtualMachine", trace.SpanKindServer)
	for _, part := range []string{"network", "gateway", "compute"} {
		find(part, "HTTP PUT", trace.SpanKindClient)
	}
	if n := len(find("armsim", "ARM PUT Microsoft.Network/virtualNetworkGateways", trace.SpanKindServer)); n != 2 {
		t.Errorf("%d gateway PUTs in the deployment's trace, want 2", n)
	}
	find("armsim", "ARM PUT Microsoft.Compute/virtualMachines", trace.SpanKindServer)
	for _, sp := range recorders["armsim"].Ended() {
		if strings.HasPrefix(sp.Name(), "ARM PUT ") && sp.SpanContext().TraceID() != id {
			t.Errorf("ARM write %s is in trace %s, not the deployment's", sp.Name(), sp.SpanContext().TraceID())
		}
	}

	op, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/traced"})
	wait(t, s, op, err)

	// no secret in any span, of the deployment or its teardown
	secrets := []string{spec.GetConnection().GetSharedKey()}
	for _, site := range spec.GetSites() {
		for _, vm := range site.GetVirtualMachines() {
			secrets = append(secrets, vm.GetAdminPassword())
		}
	}
	for part, rec := range recorders {
		for _, sp := range rec.Started() {
			for _, secret := range secrets {
				if strings.Contains(spanText(sp), secret) {
					t.Errorf("%s span %q holds a secret", part, sp.Name())
				}
			}
		}
	}
}

// attr returns a span's attribute as text, or "" when it has none of that key.
func attr(sp sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range sp.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}

// spanText returns all of a span's text: name, status, attributes, events and their
// attributes.
func spanText(sp sdktrace.ReadOnlySpan) string {
	var b strings.Builder
	b.WriteString(sp.Name() + "\n" + sp.Status().Description + "\n")
	for _, kv := range sp.Attributes() {
		b.WriteString(string(kv.Key) + "=" + kv.Value.Emit() + "\n")
	}
	for _, ev := range sp.Events() {
		b.WriteString(ev.Name + "\n")
		for _, kv := range ev.Attributes {
			b.WriteString(string(kv.Key) + "=" + kv.Value.Emit() + "\n")
		}
	}
	return b.String()
}
