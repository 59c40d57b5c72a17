package arm

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readGroups is a subscription read both clouds accept.
const readGroups = "/subscriptions/" + testSub + "/resourcegroups?api-version=2019-10-01"

// TestBudgetsPerCloud: each cloud is held to its own budget, or the common one, or its
// kind's default, and spending one cloud's budget leaves the other's whole.
func TestBudgetsPerCloud(t *testing.T) {
	for _, tc := range []struct {
		name        string
		throttle    Throttle
		azure, hub  int // reads each answers before its first 429
		azureWrites int
	}{
		{"own budgets", Throttle{Clouds: map[string]Budget{
			"azure": {ReadBurst: 3, ReadRate: 1, WriteBurst: 2, WriteRate: 1},
			"STAMP": {ReadBurst: 5, ReadRate: 1, WriteBurst: 1, WriteRate: 1}}}, 3, 5, 2},
		{"the common budget", Throttle{ReadBurst: 4, ReadRate: 1, WriteBurst: 2, WriteRate: 1}, 4, 4, 2},
		{"one cloud's own over the common one", Throttle{ReadBurst: 4, ReadRate: 1, WriteBurst: 2, WriteRate: 1,
			Clouds: map[string]Budget{"stamp": {ReadBurst: 6, ReadRate: 1}}}, 4, 6, 2},
		{"writes alone, reads by default", Throttle{Clouds: map[string]Budget{
			"azure": {WriteBurst: 3, WriteRate: 1}}}, 250, 12000, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.throttle.Enabled = true
			_, h := testEngine(t, Options{Throttle: tc.throttle})
			if n := answered(h, "azure.test", http.MethodGet); n != tc.azure {
				t.Errorf("azure answered %d reads, want %d", n, tc.azure)
			}
			if n := answered(h, "stamp.test", http.MethodGet); n != tc.hub {
				t.Errorf("the stamp answered %d reads after azure's were spent, want %d", n, tc.hub)
			}
			if n := answered(h, "azure.test", http.MethodPut); n != tc.azureWrites {
				t.Errorf("azure answered %d writes, want %d", n, tc.azureWrites)
			}
		})
	}
}

// answered sends requests to a cloud, at a stopped clock, until one is throttled, and
// returns how many were answered before it.
func answered(h http.Handler, host, method string) int {
	for n := 0; ; n++ {
		path, body := readGroups, ""
		if method == http.MethodPut {
			path, body = "/subscriptions/"+testSub+"/resourcegroups/rg"+strconv.Itoa(n)+"?api-version=2019-10-01", `{"location":"local"}`
			if host == "azure.test" {
				body = `{"location":"eastus"}`
			}
		}
		if w := sendTest(h, method, host+path, body); w.Code == http.StatusTooManyRequests {
			return n
		} else if w.Code >= 400 {
			panic(w.Body.String())
		}
	}
}

// TestStampDefaultIsHourly: without budgets, a stamp counts down ARM's hourly 12,000 reads
// and 1,200 writes and public Azure its token buckets of 250 and 200; a spent stamp budget
// answers as a stamp's ARM does, naming the limit and its interval, and an hour refills it.
func TestStampDefaultIsHourly(t *testing.T) {
	clock := &testClock{at: testStart}
	e, h := testEngine(t, Options{Throttle: Throttle{Enabled: true}, Now: clock.now})
	for _, tc := range []struct {
		host, method, header, want string
	}{
		{"stamp.test", http.MethodGet, "reads", "11999"},
		{"stamp.test", http.MethodPut, "writes", "1199"},
		{"azure.test", http.MethodGet, "reads", "249"},
		{"azure.test", http.MethodPut, "writes", "199"},
	} {
		path, body := readGroups, ""
		if tc.method == http.MethodPut {
			path, body = "/subscriptions/"+testSub+"/resourcegroups/rg?api-version=2019-10-01", `{"location":"local"}`
			if tc.host == "azure.test" {
				body = `{"location":"eastus"}`
			}
		}
		w := serveTest(t, h, tc.method, tc.host+path, body)
		if got := w.Header().Get("x-ms-ratelimit-remaining-subscription-" + tc.header); got != tc.want {
			t.Errorf("%s %s: %s left %s, want %s", tc.method, tc.host, tc.header, got, tc.want)
		}
	}
	if b := e.budget(e.clouds["stamp"]); b != (Budget{ReadBurst: 12000, ReadRate: 12000.0 / 3600, WriteBurst: 1200, WriteRate: 1200.0 / 3600}) {
		t.Errorf("the stamp's budget is %+v", b)
	}

	// 1,199 writes later the stamp's budget is spent; an hour later it is whole again.
	if n := answered(h, "stamp.test", http.MethodPut); n != 1199 {
		t.Errorf("the stamp answered %d more writes, want 1199", n)
	}
	w := sendTest(h, http.MethodPut, "stamp.test/subscriptions/"+testSub+"/resourcegroups/late?api-version=2019-10-01", `{"location":"local"}`)
	if msg := "exceeded the limit of '1200' for time interval '01:00:00'. Please try again after '3' seconds."; !strings.Contains(w.Body.String(), msg) {
		t.Errorf("the stamp's 429 says %s, want %q", w.Body, msg)
	}
	if got := w.Header().Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After %q, want 3 (a write refills in 3 s)", got)
	}
	clock.at = clock.at.Add(time.Hour)
	if n := answered(h, "stamp.test", http.MethodPut); n != 1200 {
		t.Errorf("an hour later the stamp answered %d writes, want 1200", n)
	}
}

// TestScaledBudgets: in scaled mode every refill rate is divided by the time scale and the
// bursts stay; so at time scale 0.01 a spent write budget of 1 refilling 1/s is whole again
// after 20 ms, which the real rate refills only after a second.
func TestScaledBudgets(t *testing.T) {
	for _, tc := range []struct {
		name     string
		scaled   bool
		scale    float64
		cloud    string
		want     Budget
		refilled bool // a write 20 ms after the budget of 1 was spent
		throttle Throttle
	}{
		{name: "azure, real", cloud: "azure", scale: 0.01,
			want: Budget{ReadBurst: 250, ReadRate: 25, WriteBurst: 200, WriteRate: 10}},
		{name: "azure, scaled", scaled: true, cloud: "azure", scale: 0.01,
			want: Budget{ReadBurst: 250, ReadRate: 2500, WriteBurst: 200, WriteRate: 1000}},
		{name: "stamp, scaled", scaled: true, cloud: "stamp", scale: 0.001,
			want: Budget{ReadBurst: 12000, ReadRate: 12000.0 / 3600 / 0.001, WriteBurst: 1200, WriteRate: 1200.0 / 3600 / 0.001}},
		{name: "own budget, real", cloud: "azure", scale: 0.01, refilled: false,
			throttle: Throttle{Clouds: map[string]Budget{"azure": {WriteBurst: 1, WriteRate: 1}}},
			want:     Budget{ReadBurst: 250, ReadRate: 25, WriteBurst: 1, WriteRate: 1}},
		{name: "own budget, scaled", scaled: true, cloud: "azure", scale: 0.01, refilled: true,
			throttle: Throttle{Clouds: map[string]Budget{"azure": {WriteBurst: 1, WriteRate: 1}}},
			want:     Budget{ReadBurst: 250, ReadRate: 2500, WriteBurst: 1, WriteRate: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			thr := tc.throttle
			thr.Enabled, thr.Scaled = true, tc.scaled
			clock := &testClock{at: testStart}
			e, h := testEngine(t, Options{Throttle: thr, TimeScale: tc.scale, Now: clock.now})
			if b := e.budget(e.clouds[tc.cloud]); !closeBudgets(b, tc.want) {
				t.Fatalf("budget %+v, want %+v", b, tc.want)
			}
			if tc.want.WriteBurst != 1 {
				return
			}
			answered(h, "azure.test", http.MethodPut)
			clock.at = clock.at.Add(20 * time.Millisecond)
			w := sendTest(h, http.MethodPut, "/subscriptions/"+testSub+"/resourcegroups/later?api-version=2019-10-01", `{"location":"eastus"}`)
			if refilled := w.Code != http.StatusTooManyRequests; refilled != tc.refilled {
				t.Errorf("20 ms after the budget was spent a write answered %d", w.Code)
			}
		})
	}
}

func closeBudgets(a, b Budget) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Abs(y) }
	return near(a.ReadBurst, b.ReadBurst) && near(a.ReadRate, b.ReadRate) &&
		near(a.WriteBurst, b.WriteBurst) && near(a.WriteRate, b.WriteRate)
}

// TestThrottleRefused: a budget that cannot be enforced, or names no configured cloud, is
// refused at start, by SetThrottle and by the admin API, which keep the one in effect.
func TestThrottleRefused(t *testing.T) {
	for name, thr := range map[string]Throttle{
		"a burst that never refills": {ReadBurst: 10},
		"a negative rate":            {WriteBurst: 10, WriteRate: -1},
		"an unknown cloud":           {Clouds: map[string]Budget{"elsewhere": {ReadBurst: 1, ReadRate: 1}}},
		"a cloud's burst alone":      {Clouds: map[string]Budget{"stamp": {WriteBurst: 1}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(Options{Clouds: testClouds(), Throttle: thr}); err == nil {
				t.Error("New accepted it")
			}
			e, h := testEngine(t, Options{Throttle: Throttle{Enabled: true}})
			if err := e.SetThrottle(thr); err == nil {
				t.Error("SetThrottle accepted it")
			}
			body, _ := json.Marshal(thr)
			if w := sendTest(h, http.MethodPut, "/_armsim/throttle", string(body)); w.Code != http.StatusBadRequest {
				t.Errorf("the admin API answered %d %s", w.Code, w.Body)
			}
			if got := e.GetThrottle(); !got.Enabled || got.ReadBurst != 0 || got.Clouds != nil {
				t.Errorf("the throttle in effect became %+v", got)
			}
		})
	}
}
