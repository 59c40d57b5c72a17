package arm

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLatencyDraws: every default latency, and a few set by hand, draws durations within
// its bounds, the same ones again for the same seed and other ones for another seed; a
// fixed latency always draws its value.
func TestLatencyDraws(t *testing.T) {
	cases := map[string]Latency{
		"fixed":        Fixed(2 * time.Minute),
		"uniform":      {Min: time.Second, Max: 3 * time.Second},
		"fixed, tail":  {Min: time.Minute, Max: time.Minute, Tail: 0.5, TailMax: time.Hour},
		"uniform, 1ns": {Min: 0, Max: 1},
	}
	for typ, l := range DefaultLatencies {
		cases[typ] = l
	}
	const n = 2000
	for name, l := range cases {
		t.Run(name, func(t *testing.T) {
			hi := l.Max
			if l.Tail > 0 {
				hi = l.TailMax
			}
			differ := false
			for i := range n {
				key := "key|" + strconv.Itoa(i)
				d := l.draw(7, key)
				if d < l.Min || d > hi {
					t.Fatalf("draw %d: %v outside %v..%v", i, d, l.Min, hi)
				}
				if l.Min == l.Max && l.Tail == 0 && d != l.Min {
					t.Fatalf("draw %d of a fixed latency: %v, want %v", i, d, l.Min)
				}
				if again := l.draw(7, key); again != d {
					t.Fatalf("draw %d: %v, then %v for the same seed", i, d, again)
				}
				differ = differ || l.draw(8, key) != d
			}
			if spread := hi - l.Min; spread > 1 && !differ {
				t.Errorf("seeds 7 and 8 drew the same %d durations", n)
			}
		})
	}
}

// TestLatencyTail: the gateway's tail holds about its 5% of the draws, beyond 45 minutes and
// up to 70; a latency without a tail never passes its max.
func TestLatencyTail(t *testing.T) {
	for _, tc := range []struct {
		name     string
		l        Latency
		min, max int // draws beyond l.Max, of 10,000
	}{
		{"gateway", DefaultLatencies["virtualnetworkgateways"], 300, 700},
		{"a tenth", Latency{Min: time.Second, Max: 2 * time.Second, Tail: 0.1, TailMax: time.Minute}, 800, 1200},
		{"virtual machine", DefaultLatencies["virtualmachines"], 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			beyond := 0
			for i := range 10000 {
				if tc.l.draw(0, strconv.Itoa(i)) > tc.l.Max {
					beyond++
				}
			}
			if beyond < tc.min || beyond > tc.max {
				t.Errorf("%d of 10000 draws beyond %v, want %d to %d", beyond, tc.l.Max, tc.min, tc.max)
			}
		})
	}
}

// TestLatencyText: the -latency and YAML form reads back as it writes, and refuses what is
// no distribution.
func TestLatencyText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Latency
		err  bool
	}{
		{in: "2m", want: Fixed(2 * time.Minute)},
		{in: "30m..45m", want: Latency{Min: 30 * time.Minute, Max: 45 * time.Minute}},
		{in: "30m..45m,5%..70m", want: DefaultLatencies["virtualnetworkgateways"]},
		{in: "35m,2.5%..1h", want: Latency{Min: 35 * time.Minute, Max: 35 * time.Minute, Tail: 0.025, TailMax: time.Hour}},
		{in: "45m..30m", err: true},
		{in: "-1s", err: true},
		{in: "30m..45m,5%..40m", err: true},
		{in: "30m..45m,100%..70m", err: true},
		{in: "30m..45m,5", err: true},
		{in: "soon", err: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var l Latency
			err := l.UnmarshalText([]byte(tc.in))
			if tc.err {
				if err == nil {
					t.Fatalf("read as %+v, want an error", l)
				}
				return
			}
			if err != nil || l != tc.want {
				t.Fatalf("read %+v, %v; want %+v", l, err, tc.want)
			}
			var back Latency
			if err := back.UnmarshalText([]byte(l.String())); err != nil || back != l {
				t.Fatalf("%q wrote %q, which reads %+v, %v", tc.in, l.String(), back, err)
			}
		})
	}
}

// TestOperationDurations: an engine draws each operation's duration when it starts, within
// the type's latency scaled; the same seed draws the same durations for the same
// operations, whichever engine runs them, in whichever order, and across a restart from the
// state file; the next operation on a resource draws anew.
func TestOperationDurations(t *testing.T) {
	const scale = 0.001
	vnet := DefaultLatencies["virtualnetworks"]
	put := func(t *testing.T, e *Engine, h http.Handler, name string) time.Duration {
		t.Helper()
		id := "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/" + name
		serveTest(t, h, http.MethodPut, id+"?api-version=2024-05-01",
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`)
		op := e.ops[e.get("azure", id).Op]
		d := op.DoneAt.Sub(op.Start)
		if lo, hi := time.Duration(float64(vnet.Min)*scale), time.Duration(float64(vnet.Max)*scale); d < lo || d > hi {
			t.Errorf("%s took %v, want %v to %v", name, d, lo, hi)
		}
		return d
	}
	clock := &testClock{at: testStart}
	names := []string{"vn0", "vn1", "vn2", "vn3", "vn4"}
	// run creates the networks in a new engine, in the order given, and returns their times.
	run := func(t *testing.T, seed uint64, state string, names []string) (*Engine, http.Handler, map[string]time.Duration) {
		e, h := testEngine(t, Options{Seed: seed, TimeScale: scale, StateFile: state, Now: clock.now})
		serveTest(t, h, http.MethodPut, "/subscriptions/"+testSub+"/resourceGroups/rg?api-version=2019-10-01", `{"location":"eastus"}`)
		out := map[string]time.Duration{}
		for _, n := range names {
			out[n] = put(t, e, h, n)
		}
		return e, h, out
	}
	_, _, first := run(t, 1, "", names)
	reversed := slices.Clone(names)
	slices.Reverse(reversed)
	_, _, same := run(t, 1, "", reversed)
	_, _, other := run(t, 2, "", names)
	if !maps.Equal(first, same) {
		t.Errorf("seed 1 drew %v, then in the other order %v", first, same)
	}
	if maps.Equal(first, other) {
		t.Errorf("seeds 1 and 2 both drew %v", first)
	}

	// A second PUT of the same network, once the first is done, in the same engine and in
	// one restarted from the state file, takes the same new draw.
	e, h, _ := run(t, 1, "", names)
	clock.at = clock.at.Add(time.Minute)
	update := put(t, e, h, "vn0")
	if update == first["vn0"] {
		t.Errorf("the update of vn0 drew its creation's %v again", update)
	}
	state := filepath.Join(t.TempDir(), "state.json")
	run(t, 1, state, names)
	clock.at = clock.at.Add(time.Minute)
	e, h = testEngine(t, Options{Seed: 1, TimeScale: scale, StateFile: state, Now: clock.now})
	if again := put(t, e, h, "vn0"); again != update {
		t.Errorf("after a restart the update of vn0 took %v, want %v", again, update)
	}
}

const testSub = "00000000-0000-0000-0000-0000000000aa"

// testClouds are an Azure cloud and an Azure Stack Hub stamp, lenient.
func testClouds() []Cloud {
	return []Cloud{
		{ID: "azure", Kind: Azure, Locations: []string{"eastus"}, PublicIPs: netip.MustParsePrefix("198.18.0.0/16")},
		{ID: "stamp", Kind: AzureStackHub, Locations: []string{"local"}, PublicIPs: netip.MustParsePrefix("198.19.0.0/16")},
	}
}

// testStart is when the tests' clocks start.
var testStart = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// testClock is a clock that moves only when a test moves it.
type testClock struct{ at time.Time }

func (c *testClock) now() time.Time { return c.at }

// testEngine returns an engine on testClouds, its clock stopped at testStart unless opts has
// one, and a handler that serves the cloud a request's host names.
func testEngine(t *testing.T, opts Options) (*Engine, http.Handler) {
	t.Helper()
	opts.Clouds = testClouds()
	if opts.Now == nil {
		opts.Now = (&testClock{at: testStart}).now
	}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.Handler(strings.TrimSuffix(r.Host, ".test")).ServeHTTP(w, r)
	})
}

// serveTest sends a request to the azure cloud, or to the cloud named by a host such as
// "stamp.test" at the start of path, and fails the test on an answer of 400 or more.
func serveTest(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	w := sendTest(h, method, path, body)
	if w.Code >= 400 {
		t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
	}
	return w
}

// sendTest sends a request as serveTest does and returns the answer, whatever it is.
func sendTest(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	host := "azure.test"
	if !strings.HasPrefix(path, "/") {
		host, path, _ = strings.Cut(path, "/")
		path = "/" + path
	}
	r := httptest.NewRequest(method, "https://"+host+path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer x")
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
