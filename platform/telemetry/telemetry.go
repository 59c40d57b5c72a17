// Package telemetry sets up a service's OpenTelemetry traces and metrics and its JSON logs:
// traces go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, metrics to a Prometheus
// registry, and every log line carries the trace and span ids of its context.
package telemetry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
)

// Providers are a service's telemetry pipelines.
type Providers struct {
	Tracer   trace.TracerProvider
	Meter    *sdkmetric.MeterProvider
	Logger   *slog.Logger
	Registry *prometheus.Registry
	shutdown []func(context.Context) error
}

// Options adjust Setup, mostly for tests.
type Options struct {
	// SpanProcessors receive every span, besides the OTLP exporter when configured.
	SpanProcessors []sdktrace.SpanProcessor
	// LogOutput is where JSON logs go; standard error when nil.
	LogOutput io.Writer
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
}

// Setup builds the providers of one service and installs them as the global ones, with W3C
// trace context as the propagator.
func Setup(ctx context.Context, service string, o Options) (*Providers, error) {
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(service)))
	if err != nil && !errors.Is(err, resource.ErrSchemaURLConflict) {
		return nil, err
	}
	p := &Providers{}
	topts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" {
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, err
		}
		topts = append(topts, sdktrace.WithBatcher(exp))
	}
	for _, sp := range o.SpanProcessors {
		topts = append(topts, sdktrace.WithSpanProcessor(sp))
	}
	tp := sdktrace.NewTracerProvider(topts...)
	p.Tracer = tp
	p.shutdown = append(p.shutdown, tp.Shutdown)

	p.Registry = prometheus.NewRegistry()
	p.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(p.Registry))
	if err != nil {
		return nil, err
	}
	p.Meter = sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
	p.shutdown = append(p.shutdown, p.Meter.Shutdown)

	out := o.LogOutput
	if out == nil {
		out = os.Stderr
	}
	p.Logger = slog.New(traceHandler{slog.NewJSONHandler(out, &slog.HandlerOptions{Level: o.LogLevel})}).With("service", service)

	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(p.Meter)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return p, nil
}

// MetricsHandler serves the Prometheus registry.
func (p *Providers) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(p.Registry, promhttp.HandlerOpts{})
}

// Shutdown flushes and stops the providers.
func (p *Providers) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range p.shutdown {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// traceHandler adds trace_id and span_id from the record's context to every log line.
type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(as)}
}
func (h traceHandler) WithGroup(n string) slog.Handler { return traceHandler{h.Handler.WithGroup(n)} }
