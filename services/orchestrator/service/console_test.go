package service_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// TestConsoleServed checks how the REST port serves the console: its pages to anyone, a
// timeline only to a caller with a token, read as that caller.
func TestConsoleServed(t *testing.T) {
	s := start(t, armsim.Config{TimeScale: 0.0005}, "console-served")
	viewer := s.orch.HTTPAs(t, auth.Viewer)
	for _, tc := range []struct {
		name   string
		client *http.Client
		path   string
		status int
		holds  string
	}{
		{"the page, without a token", http.DefaultClient, "/ui/", http.StatusOK, `src="console.js"`},
		{"a timeline, without a token", http.DefaultClient, "/ui/deployments/nope/timeline.svg", http.StatusUnauthorized, "credential"},
		{"a timeline of no deployment, as a viewer", viewer, "/ui/deployments/nope/timeline.svg", http.StatusNotFound, "deployments/nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := get(t, tc.client, s.orch.REST+tc.path)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.holds) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, b, tc.status, tc.holds)
			}
		})
	}
}

// browserEnv, set, runs TestConsoleBrowser; make browser-test sets it.
const browserEnv = "HYBRIDLINK_BROWSER_TEST"

// screenshotEnv, set to a path, has TestConsoleBrowser save the READY deployment's page
// there as PNG (make browser-test SCREENSHOT=docs/console.png).
const screenshotEnv = "HYBRIDLINK_CONSOLE_SCREENSHOT"

// pageState is what the deployment's page shows, as pageScript reads it.
type pageState struct {
	State, Trace, Error string
	Live                bool
	Tunnels             map[string]string // hub-spoke: status
	GatewayIPs          []string
	Probes, ProbesOK    int
	Bars                int
	StepErrors          string
}

const pageScript = `(() => {
  const q = (sel) => [...document.querySelectorAll(sel)];
  return {
    State: document.querySelector('h1 .state')?.dataset.state || '',
    Live: !!document.getElementById('live') && !document.getElementById('live').hidden,
    Trace: document.getElementById('trace')?.getAttribute('href') || '',
    Error: document.getElementById('error')?.textContent || '',
    Tunnels: Object.fromEntries(q('#topology .tunnel').map((g) => [g.dataset.tunnel, g.dataset.status])),
    GatewayIPs: q('#topology .gateway').map((g) => g.dataset.gatewayIp).filter(Boolean),
    Probes: q('#topology .probe').length,
    ProbesOK: q('#topology .probe[data-ok="true"]').length,
    Bars: q('#timeline rect.bar').length,
    StepErrors: document.getElementById('step-errors')?.textContent || '',
  };
})()`

// TestConsoleBrowser opens the console in headless Chromium against the whole stack, signs
// in with a viewer's token (after a refused one), and follows a deployment from APPLYING to
// READY on one page load, live from the watch stream: then its topology shows both
// gateways' public IPs, the tunnel Connected and every probe answered, its timeline a bar
// per step, its trace linked through -trace-url; the list shows it READY.
func TestConsoleBrowser(t *testing.T) {
	if os.Getenv(browserEnv) == "" {
		t.Skip("the console's browser test runs with make browser-test (" + browserEnv + "=1), which needs Chromium")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("%s is set but Chromium is not installed (apt-get install chromium; .ci/run installs it): %v", browserEnv, err)
	}
	const traceURL = "http://jaeger.example:16686/trace/{trace_id}"
	s := start(t, armsim.Config{TimeScale: 0.005}, "console-browser", func(o *service.Options) { o.TraceURL = traceURL })

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.WindowSize(1400, 1000))...)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx, chromedp.WithBrowserOption(chromedp.WithConsolef(t.Logf)))
	defer cancel()
	signIn := func(token string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#token")), chromedp.SetValue(chromedp.CSS("#token"), token),
			chromedp.Click(chromedp.CSS("#signin"))); err != nil {
			t.Fatal(err)
		}
	}
	poll := func(expr string, timeout time.Duration) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("waiting for %s: %v; the page shows:\n%s", expr, err, page)
		}
	}
	// goTo shows another page of the console, as its links do: within the page loaded.
	goTo := func(hash string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.loadedOnce = true; location.hash = '`+hash+`'; true`)); err != nil {
			t.Fatal(err)
		}
	}
	read := func() pageState {
		t.Helper()
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](pageScript))
		if err != nil {
			t.Fatal(err)
		}
		var p pageState
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(s.orch.REST+"/ui/")); err != nil {
		t.Fatal(err)
	}
	signIn("not-a-token")
	poll(`document.getElementById('error')?.textContent.includes('refused')`, 30*time.Second)
	signIn(s.orch.Token(t, auth.Viewer))
	poll(`!!document.getElementById('empty')`, 30*time.Second)

	op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "hybrid",
		Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}})
	if err != nil {
		t.Fatal(err)
	}
	goTo("#/deployments/hybrid")
	// Applying, the page is live and its timeline has the steps started so far.
	poll(`document.querySelector('h1 .state')?.dataset.state === 'APPLYING' && !document.getElementById('live').hidden &&
		document.querySelectorAll('#timeline rect.bar').length > 0`, time.Minute)
	// One snapshot, so that its state and tunnel are of the same moment.
	if p := read(); p.Error != "" || p.State == "APPLYING" && p.Tunnels["hub-stack"] == "CONNECTED" {
		t.Fatalf("while APPLYING the page shows %+v, want the tunnel not yet Connected", p)
	}
	wait(t, s, op, nil)
	d := getDeployment(t, s, "hybrid")
	// What the page must come to show of the READY deployment, from the API.
	want := pageState{State: "READY", Trace: strings.ReplaceAll(traceURL, "{trace_id}", d.GetStatus().GetTraceId()),
		Tunnels: map[string]string{"hub-stack": "CONNECTED"}, StepErrors: "No step has failed an attempt.",
		Probes: len(d.GetStatus().GetOutputs().GetProbes()), ProbesOK: len(d.GetStatus().GetOutputs().GetProbes())}
	for _, so := range d.GetStatus().GetOutputs().GetSites() {
		want.GatewayIPs = append(want.GatewayIPs, so.GetGatewayIpAddress())
	}
	for _, st := range d.GetStatus().GetSteps() {
		if st.GetStartTime() != nil {
			want.Bars++
		}
	}
	if want.Probes == 0 || want.Bars == 0 || len(want.GatewayIPs) != 2 {
		t.Fatalf("the READY deployment has %d probes, %d started steps and gateway IPs %v", want.Probes, want.Bars, want.GatewayIPs)
	}
	// The page gets there from the watch stream and its reads; each draw is one snapshot.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		p := read()
		if jsonOf(p) == jsonOf(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page of the READY deployment shows\n%s\nwant\n%s", jsonOf(p), jsonOf(want))
		}
	}
	if loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.loadedOnce === true`)); err != nil || !loaded {
		t.Fatalf("the page was loaded again on its way to READY (%v): it did not follow the deployment live", err)
	}
	if path := os.Getenv(screenshotEnv); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	goTo("#/")
	poll(`document.querySelector('tr[data-name="deployments/hybrid"] .state')?.dataset.state === 'READY'`, 30*time.Second)
}

// jsonOf is v as JSON, to compare values of different Go types by what they hold.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
