package cloud

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// MetricFamilies are the ARM metrics every SDK client of the services records, as the
// Prometheus exporter names them on /metrics (README: Metrics; TestARMMetrics checks them).
var MetricFamilies = []string{
	"hybridlink_arm_requests_total", "hybridlink_arm_request_duration_seconds",
	"hybridlink_arm_throttle_wait_seconds", "hybridlink_arm_ratelimit_remaining",
}

// ratelimitPrefix starts ARM's budget headers: x-ms-ratelimit-remaining-subscription-reads,
// -writes, -deletes, tenant-reads, and -resource (policy;count pairs).
const ratelimitPrefix = "x-ms-ratelimit-remaining-"

// armMetrics are the instruments of the metrics policy, shared by every cloud.
type armMetrics struct {
	requests  metric.Int64Counter
	duration  metric.Float64Histogram
	throttle  metric.Float64Histogram
	remaining metric.Int64Gauge
}

func newARMMetrics(mp metric.MeterProvider) (*armMetrics, error) {
	m := mp.Meter("hybridlink/platform/cloud")
	var a armMetrics
	var err error
	if a.requests, err = m.Int64Counter("hybridlink.arm.requests", metric.WithDescription("ARM requests sent, each retry one more, by cloud, resource type, method and status code (error: no answer)")); err != nil {
		return nil, err
	}
	seconds := metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
	if a.duration, err = m.Float64Histogram("hybridlink.arm.request.duration", metric.WithUnit("s"), seconds,
		metric.WithDescription("how long ARM took to answer a request, by cloud, resource type, method and status code")); err != nil {
		return nil, err
	}
	if a.throttle, err = m.Float64Histogram("hybridlink.arm.throttle.wait", metric.WithUnit("s"), seconds,
		metric.WithDescription("time the SDK's retry waited after a 429 (ARM's Retry-After) before trying again, by cloud and resource type")); err != nil {
		return nil, err
	}
	if a.remaining, err = m.Int64Gauge("hybridlink.arm.ratelimit.remaining",
		metric.WithDescription("ARM's remaining request budget from its last x-ms-ratelimit-remaining-* header, by cloud and budget")); err != nil {
		return nil, err
	}
	return &a, nil
}

// policies are the pipeline policies recording cloud's ARM requests: perCall keeps one
// call's state across its retries, perRetry measures each request.
func (a *armMetrics) policies(cloud string) (perCall, perRetry policy.Policy) {
	return callPolicy{}, requestPolicy{a, cloud}
}

// callPolicy gives each SDK call a call, which its requests share.
type callPolicy struct{}

func (callPolicy) Do(req *policy.Request) (*http.Response, error) {
	return req.WithContext(context.WithValue(req.Raw().Context(), callKey{}, &call{})).Next()
}

// requestPolicy records each request to ARM (every retry is one) of one cloud.
type requestPolicy struct {
	*armMetrics
	cloud string
}

func (p requestPolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx, raw := req.Raw().Context(), req.Raw()
	kind := resourceType(raw.URL.Path)
	c, _ := ctx.Value(callKey{}).(*call)
	start := time.Now()
	if c != nil && !c.throttledAt.IsZero() {
		p.throttle.Record(ctx, start.Sub(c.throttledAt).Seconds(), metric.WithAttributes(
			attribute.String("cloud", p.cloud), attribute.String("resource_type", kind)))
		c.throttledAt = time.Time{}
	}
	resp, err := req.Next()
	code := "error"
	if resp != nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	at := metric.WithAttributes(attribute.String("cloud", p.cloud), attribute.String("resource_type", kind),
		attribute.String("method", raw.Method), attribute.String("code", code))
	p.requests.Add(ctx, 1, at)
	p.duration.Record(ctx, time.Since(start).Seconds(), at)
	if resp == nil {
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests && c != nil {
		c.throttledAt = time.Now()
	}
	for name, values := range resp.Header {
		if budget, ok := strings.CutPrefix(strings.ToLower(name), ratelimitPrefix); ok && len(values) > 0 {
			for b, n := range budgets(budget, values[0]) {
				p.remaining.Record(ctx, n, metric.WithAttributes(attribute.String("cloud", p.cloud), attribute.String("budget", b)))
			}
		}
	}
	return resp, err
}

// call is one SDK call's state across its retries: when its last request was throttled.
type call struct{ throttledAt time.Time }

type callKey struct{}

// budgets reads one budget header: a count (subscription-reads: 11999), or for
// x-ms-ratelimit-remaining-resource, policy;count pairs (Microsoft.Compute/GetVM3Min;239,...),
// each its own budget (resource:Microsoft.Compute/GetVM3Min). Values that are neither are
// left out.
func budgets(name, value string) map[string]int64 {
	out := map[string]int64{}
	if n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil {
		out[name] = n
		return out
	}
	for pair := range strings.SplitSeq(value, ",") {
		p, count, ok := strings.Cut(strings.TrimSpace(pair), ";")
		if n, err := strconv.ParseInt(count, 10, 64); ok && err == nil {
			out[name+":"+p] = n
		}
	}
	return out
}

// resourceType is the ARM resource type a request's path addresses, lower-cased as ARM
// compares them: microsoft.network/virtualnetworks/subnets for a subnet or the list of a
// network's subnets, microsoft.network/locations/operations for an operation's status,
// microsoft.resources/resourcegroups for a resource group, microsoft.resources/subscriptions
// for a subscription's own paths.
func resourceType(path string) string {
	segs := strings.Split(strings.Trim(strings.ToLower(path), "/"), "/")
	last := -1
	for i, s := range segs {
		if s == "providers" && i+1 < len(segs) {
			last = i
		}
	}
	if last < 0 {
		// /subscriptions/{id}[/resourcegroups[/{name}]]: types at even positions
		types := []string{"microsoft.resources"}
		for i := 0; i < len(segs); i += 2 {
			types = append(types, segs[i])
		}
		if len(types) > 2 && types[1] == "subscriptions" {
			types = append(types[:1], types[2:]...) // resourcegroups under a subscription
		}
		return strings.Join(types, "/")
	}
	rest := segs[last+1:]
	types := []string{rest[0]}
	for i := 1; i < len(rest); i += 2 {
		types = append(types, rest[i])
	}
	return strings.Join(types, "/")
}
