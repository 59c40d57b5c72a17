package polling_test

import (
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/services/orchestrator/internal/polling"
)

// polls runs a schedule against an operation that takes took, with ARM's hint hint on every
// answer, and returns the times of its polls: the last one sees it done.
func polls(s polling.Schedule, took, hint time.Duration) []time.Duration {
	var at []time.Duration
	now, next := time.Duration(0), s.Floor
	for len(at) < 100 {
		now += s.Next(now, next)
		at = append(at, now)
		if now >= took {
			return at
		}
		next = hint
	}
	return at
}

// TestSchedule: a gateway is polled a handful of times, not every Retry-After, whatever it
// takes within its spread and beyond; a finished operation goes unnoticed for at most a fifth
// of its expected time once it is half way (one failing at once is seen half way); no poll comes sooner than ARM asked.
func TestSchedule(t *testing.T) {
	gateway := polling.Expectations{}.For("azure", "virtualNetworkGateways", "create")
	vnet := polling.Expectations{}.For("azure", "virtualNetworks", "create")
	for _, tc := range []struct {
		name      string
		s         polling.Schedule
		took      time.Duration
		hint      time.Duration
		wantPolls int
	}{
		{"gateway on time", gateway, 35 * time.Minute, 10 * time.Second, 2},
		{"gateway fast", gateway, 30 * time.Minute, 10 * time.Second, 2},
		{"gateway slow", gateway, 45 * time.Minute, 10 * time.Second, 5},
		{"gateway an hour", gateway, 70 * time.Minute, 10 * time.Second, 9},
		{"gateway failing at once", gateway, time.Minute, 10 * time.Second, 1},
		{"vnet", vnet, 4 * time.Second, 10 * time.Second, 1},
		{"vnet slow", vnet, 25 * time.Second, 10 * time.Second, 3},
		{"a hint longer than the schedule", vnet, 30 * time.Second, time.Minute, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := polls(tc.s, tc.took, tc.hint)
			if len(at) != tc.wantPolls {
				t.Errorf("%d polls at %v, want %d", len(at), at, tc.wantPolls)
			}
			if lag := at[len(at)-1] - tc.took; tc.took >= tc.s.Expected/2 && lag > max(tc.s.Expected/5, tc.hint, tc.s.Floor) {
				t.Errorf("done at %s, seen at %s: %s late", tc.took, at[len(at)-1], lag)
			}
			for i := 1; i < len(at); i++ {
				if at[i]-at[i-1] < tc.hint {
					t.Errorf("polls at %s and %s: sooner than Retry-After %s", at[i-1], at[i], tc.hint)
				}
			}
		})
	}
}

// TestExpectations: the most specific key wins, deletes have their own times, and the scale
// shrinks every time alike.
func TestExpectations(t *testing.T) {
	var x polling.Expectations
	for _, s := range []string{"azure-stack-hub:virtualNetworkGateways=50m", "virtualMachines/delete=3m"} {
		if err := x.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		cloud, collection, verb string
		want                    time.Duration
	}{
		{"azure", "virtualNetworkGateways", "create", 35 * time.Minute},
		{"azure-stack-hub", "virtualNetworkGateways", "update", 50 * time.Minute},
		{"azure", "virtualNetworkGateways", "delete", 15 * time.Minute},
		{"azure", "virtualMachines", "delete", 3 * time.Minute},
		{"azure", "routeTables", "create", polling.Fallback},
	} {
		if got := x.For(tc.cloud, tc.collection, tc.verb).Expected; got != tc.want {
			t.Errorf("%s %s on %s: %s, want %s", tc.verb, tc.collection, tc.cloud, got, tc.want)
		}
	}
	x.Scale = 0.01
	if got := x.For("azure", "virtualNetworkGateways", "create"); got.Expected != 21*time.Second || got.Floor != 100*time.Millisecond || !got.Halfway {
		t.Errorf("scaled gateway schedule %+v", got)
	}
	for _, bad := range []string{"virtualMachines", "=1m", "virtualMachines=0s", "virtualMachines=soon"} {
		if err := x.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
