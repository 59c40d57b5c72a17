// Package polling decides when to look at an ARM operation again. ARM's Retry-After is a
// floor, not a schedule: an operation ARM expects to take 35 minutes answers "come back in
// 10 seconds" two hundred times. A poller that knows what it waits for asks a handful of
// times instead: once halfway through a long operation (a failure early is not left
// unnoticed for half an hour), once when it is expected to be done, and then, if it is late,
// at gaps that grow from a twentieth of the expected time to a fifth, which bounds how long
// a finished operation goes unnoticed.
package polling

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Defaults are how long ARM's operations take, unscaled, by resource collection (and
// "/delete" for deletes), from what Azure users and Microsoft's documentation report: a VPN
// gateway 30 to 45 minutes to create (35 is the usual figure), a virtual machine two
// minutes, a connection one, network resources seconds. Deleting a gateway has no published
// figure; 15 minutes is our estimate (a late guess costs a poll a fifth of it apart, an
// early one a few extra polls), and -expect corrects it.
var Defaults = map[string]time.Duration{
	"resourceGroups/delete":         time.Minute,
	"virtualNetworks":               5 * time.Second,
	"publicIPAddresses":             5 * time.Second,
	"virtualNetworkGateways":        35 * time.Minute,
	"virtualNetworkGateways/delete": 15 * time.Minute,
	"localNetworkGateways":          10 * time.Second,
	"connections":                   time.Minute,
	"networkInterfaces":             5 * time.Second,
	"virtualMachines":               2 * time.Minute,
	"virtualMachines/delete":        time.Minute,
}

// Fallback is the expected time of an operation Defaults and the configuration do not name.
const Fallback = 30 * time.Second

// RetryAfter is ARM's usual polling hint (Retry-After: 10 on an accepted write), the floor of
// an operation's first poll: the services do not pass on the hint of the write itself.
const RetryAfter = 10 * time.Second

// longOperation is the expected time from which an operation is also polled halfway.
const longOperation = 10 * time.Minute

// Expectations are the expected times of operations, by what they act on.
type Expectations struct {
	// Durations override Defaults, unscaled. A key is a collection ("virtualMachines"),
	// optionally with "/delete", optionally prefixed by a cloud id and a colon
	// ("azure-stack-hub:virtualNetworkGateways"); the most specific key wins.
	Durations map[string]time.Duration
	// Scale multiplies every time, as armsim's -time-scale does its latencies (1 when 0):
	// a time-compressed run keeps the schedule's proportions.
	Scale float64
}

// Set parses one "key=duration" override into x.Durations, for a repeatable flag.
func (x *Expectations) Set(s string) error {
	key, value, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return fmt.Errorf("%q: want [cloud:]collection[/delete]=duration, e.g. virtualNetworkGateways=40m", s)
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q: the duration must be positive, like 40m or 90s", s)
	}
	if x.Durations == nil {
		x.Durations = map[string]time.Duration{}
	}
	x.Durations[key] = d
	return nil
}

// String lists the overrides, for a flag's default.
func (x *Expectations) String() string {
	if x == nil || len(x.Durations) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(x.Durations)) {
		parts = append(parts, k+"="+x.Durations[k].String())
	}
	return strings.Join(parts, ",")
}

// For returns the schedule of an operation with verb (create, update, delete) on a resource
// of collection on cloud.
func (x Expectations) For(cloud, collection, verb string) Schedule {
	key := collection
	if verb == "delete" {
		key += "/delete"
	}
	d, ok := time.Duration(0), false
	for _, k := range []string{cloud + ":" + key, key} {
		if d, ok = x.Durations[k]; ok {
			break
		}
		if d, ok = Defaults[k]; ok {
			break
		}
	}
	if !ok {
		d = Fallback
	}
	scale := x.Scale
	if scale <= 0 {
		scale = 1
	}
	return Schedule{Expected: time.Duration(float64(d) * scale), Floor: time.Duration(float64(RetryAfter) * scale), Halfway: d >= longOperation}
}

// Schedule is when to poll one operation.
type Schedule struct {
	// Expected is how long the operation is expected to take.
	Expected time.Duration
	// Floor is the least wait before the first poll (ARM's usual Retry-After, scaled).
	Floor time.Duration
	// Halfway adds a poll at half the expected time.
	Halfway bool
}

// Next returns how long to wait before the next poll of an operation that has been running
// for elapsed, whose last poll asked to wait retryAfter (pass Floor before the first poll):
// at half the expected time when Halfway, at the expected time, then at gaps growing with
// the delay (the delay plus a twentieth of the expected time, at most a fifth of it), and
// never sooner than retryAfter.
func (s Schedule) Next(elapsed, retryAfter time.Duration) time.Duration {
	lag := max(s.Expected/20, time.Millisecond)
	var at time.Duration
	switch over := elapsed - s.Expected; {
	case s.Halfway && elapsed < s.Expected/2:
		at = s.Expected / 2
	case over < 0:
		at = s.Expected
	default:
		at = elapsed + min(over+lag, 4*lag)
	}
	return max(at-elapsed, retryAfter)
}
