package cloud

import (
	"io"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// TestARMMetrics lists resource groups on an armsim whose read budget is two requests, so
// that the SDK's retry waits on 429s, and reads the ARM metrics from the service's
// Prometheus registry.
func TestARMMetrics(t *testing.T) {
	ctx := t.Context()
	cfg := startArmsim(t, armsim.Config{Throttle: armsim.Throttle{Enabled: true, ReadBurst: 2, ReadRate: 50, WriteBurst: 10, WriteRate: 10}})
	tel, err := telemetry.Setup(ctx, "cloudtest", telemetry.Options{LogOutput: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := connected(t, cfg, tel.Tracer, tel.Meter).Get("azure")
	const calls = 5
	for range calls {
		if err := listGroups(ctx, conn); err != nil {
			t.Fatalf("listing resource groups: %v", err)
		}
	}
	families, err := tel.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "hybridlink_") {
			names = append(names, f.GetName())
		}
	}
	if want := slices.Sorted(slices.Values(MetricFamilies)); !slices.Equal(names, want) {
		t.Errorf("families on /metrics %v, MetricFamilies %v", names, want)
	}
	group := map[string]string{"cloud": "azure", "resource_type": "microsoft.resources/resourcegroups", "method": "GET"}
	ok, throttled := sum(families, "hybridlink_arm_requests_total", with(group, "code", "200")), sum(families, "hybridlink_arm_requests_total", with(group, "code", "429"))
	if ok != calls || throttled == 0 {
		t.Errorf("requests: %v answered 200 (want %d), %v answered 429 (want some)", ok, calls, throttled)
	}
	if n := sum(families, "hybridlink_arm_request_duration_seconds", with(group, "code", "200")); n != calls {
		t.Errorf("durations of 200s recorded: %v, want %d", n, calls)
	}
	if n := sum(families, "hybridlink_arm_throttle_wait_seconds", map[string]string{"cloud": "azure", "resource_type": "microsoft.resources/resourcegroups"}); n != throttled {
		t.Errorf("throttle waits: %v, want one per 429 (%v)", n, throttled)
	}
	if !found(families, "hybridlink_arm_ratelimit_remaining", map[string]string{"cloud": "azure", "budget": "subscription-reads"}) {
		t.Error("no hybridlink_arm_ratelimit_remaining for subscription-reads")
	}
}

func TestResourceType(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/subscriptions/s/resourcegroups/rg", "microsoft.resources/resourcegroups"},
		{"/subscriptions/s/resourceGroups", "microsoft.resources/resourcegroups"},
		{"/subscriptions/s", "microsoft.resources/subscriptions"},
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a", "microsoft.network/virtualnetworks/subnets"},
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks", "microsoft.network/virtualnetworks"},
		{"/subscriptions/s/providers/Microsoft.Network/locations/eastus/operations/op1", "microsoft.network/locations/operations"},
	}
	for _, tt := range tests {
		if got := resourceType(tt.path); got != tt.want {
			t.Errorf("resourceType(%s) = %s, want %s", tt.path, got, tt.want)
		}
	}
}

func TestBudgets(t *testing.T) {
	tests := []struct {
		name, value string
		want        map[string]int64
	}{
		{"subscription-reads", "11999", map[string]int64{"subscription-reads": 11999}},
		{"resource", "Microsoft.Compute/GetVM3Min;239,Microsoft.Compute/GetVM30Min;1199",
			map[string]int64{"resource:Microsoft.Compute/GetVM3Min": 239, "resource:Microsoft.Compute/GetVM30Min": 1199}},
		{"subscription-writes", "many", map[string]int64{}},
	}
	for _, tt := range tests {
		got := budgets(tt.name, tt.value)
		if len(got) != len(tt.want) {
			t.Errorf("budgets(%s, %s) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("budgets(%s, %s) = %v, want %v", tt.name, tt.value, got, tt.want)
			}
		}
	}
}

// with is labels plus one more.
func with(labels map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for lk, lv := range labels {
		out[lk] = lv
	}
	return out
}

// sum adds up the family's samples whose labels include labels: counters' values,
// histograms' counts.
func sum(families []*dto.MetricFamily, name string, labels map[string]string) float64 {
	var n float64
	for _, m := range matching(families, name, labels) {
		n += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
	}
	return n
}

func found(families []*dto.MetricFamily, name string, labels map[string]string) bool {
	return len(matching(families, name, labels)) > 0
}

func matching(families []*dto.MetricFamily, name string, labels map[string]string) []*dto.Metric {
	var out []*dto.Metric
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue metrics
				}
			}
			out = append(out, m)
		}
	}
	return out
}
