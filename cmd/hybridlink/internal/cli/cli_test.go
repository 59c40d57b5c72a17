package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/stack"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// asMain makes the test binary run as the hybridlink command, for dev --detach.
const asMain = "HYBRIDLINK_CLI_TEST_AS_MAIN"

// theStack is the stack every test but the demo's talks to: real armsim (with stamps
// stamp1..stamp4), Temporal dev server, services and orchestrator, in process, on free ports.
var theStack *stack.Stack

func TestMain(m *testing.M) {
	// dev --detach starts this binary again: then it is the hybridlink command.
	if os.Getenv(asMain) == "1" {
		ctx, stop := NotifyContext(context.Background())
		code := Run(ctx, os.Args[1:], StdIO())
		stop()
		os.Exit(code)
	}
	dir, err := os.MkdirTemp("", "hybridlink-cli-test-")
	if err != nil {
		panic(err)
	}
	// The CLI finds the stack's credential as a user's finds a dev stack's: by its state folder.
	os.Setenv("HYBRIDLINK_STATE", dir)
	theStack, err = stack.Start(context.Background(), stack.Options{StateDir: dir, TimeScale: 0.0005, Stamps: 4})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the stack:", err)
		os.Exit(1)
	}
	code := m.Run()
	theStack.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the CLI against theStack as a script would (no terminal) and returns its exit
// code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runIO(t, IO{In: strings.NewReader("")}, args...)
}

// contains fails the test for each of want that out, what was printed, lacks; what names it.
func contains(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

func runIO(t *testing.T, std IO, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	std.Out, std.Err = &out, &errs
	code := Run(context.Background(), append([]string{"--addr", theStack.Services[0].GRPC}, args...), std)
	return code, out.String(), errs.String()
}

// spec writes a deployment file for the two emulated clouds, named id, and returns its
// path; edit changes its text first.
func spec(t *testing.T, id string, edit func(string) string) string {
	t.Helper()
	text := strings.ReplaceAll(specTemplate, "ID", id)
	if edit != nil {
		text = edit(text)
	}
	path := filepath.Join(t.TempDir(), id+".yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const specTemplate = `name: deployments/ID
spec:
  sites:
    - name: hub
      cloud: azure
      resourceGroup: ID-hub-rg
      addressPrefixes: [10.1.0.0/16]
      workloadSubnetPrefix: 10.1.1.0/24
      gatewaySubnetPrefix: 10.1.255.0/27
      virtualMachines:
        - {name: hub-vm, size: Standard_B2s, imagePublisher: Canonical, imageOffer: ubuntu-24_04-lts, imageSku: server, adminUsername: azureuser, adminPassword: Change-Me-2026!}
    - name: stack
      cloud: azure-stack-hub
      resourceGroup: ID-stack-rg
      addressPrefixes: [10.2.0.0/16]
      workloadSubnetPrefix: 10.2.1.0/24
      gatewaySubnetPrefix: 10.2.255.0/27
`

// TestLifecycle drives one deployment through every command as a script would: apply
// with plain progress, re-apply with no changes, get in each format, list, watch,
// timeline with SVG, check, repair, probe, rotate-key, destroy.
func TestLifecycle(t *testing.T) {
	file := spec(t, "life", nil)

	code, out, errs := run(t, "apply", "-f", file)
	if code != ExitInvalid || !strings.Contains(errs, "pass --yes") {
		t.Fatalf("apply without --yes and without a terminal: exit %d, %q; want 2 asking for --yes", code, errs)
	}

	code, out, errs = run(t, "apply", "-f", file, "--yes")
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errs)
	}
	contains(t, "apply's output", out,
		"Plan: 14 to create, 0 to update, 0 unchanged.",
		"+ create     stack/vpn-gateway",
		"hub/vpn-gateway                    done in",
		"deployments/life                   READY",
		"deployments/life  READY  trace ",
	)
	if strings.Contains(out, "\x1b[") {
		t.Errorf("plain progress redraws:\n%q", out)
	}
	if n := strings.Count(out, "CONNECTED"); n != 2 {
		t.Errorf("apply's outputs show %d connections CONNECTED, want 2:\n%s", n, out)
	}
	if strings.Contains(out, "Change-Me-2026!") {
		t.Error("apply printed the admin password")
	}

	if code, out, _ = run(t, "apply", "-f", file, "--yes"); code != ExitOK || !strings.Contains(out, "No changes: deployments/life matches the spec and is READY.") ||
		!strings.Contains(out, "Plan: 0 to create, 0 to update, 14 unchanged.") {
		t.Errorf("re-apply: exit %d\n%s", code, out)
	}

	code, out, _ = run(t, "get", "life")
	if code != ExitOK || !strings.Contains(out, "SITE   ROLE   CLOUD            GATEWAY IP") || !strings.Contains(out, "hub-vm 10.1.1.4") || !strings.Contains(out, "steps: 15 succeeded") {
		t.Errorf("get: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "get", "deployments/life", "-o", "json")
	d := &orchestratorv1.Deployment{}
	if err := protojson.Unmarshal([]byte(out), d); code != ExitOK || err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Errorf("get -o json: exit %d, %v:\n%s", code, err, out)
	}

	code, out, _ = run(t, "list", "--filter", "state=READY")
	if code != ExitOK || !strings.Contains(out, "NAME") || !strings.Contains(out, "life") || !strings.Contains(out, "hub (azure), stack (azure-stack-hub)") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "list", "-o", "json")
	list := &orchestratorv1.ListDeploymentsResponse{}
	if err := protojson.Unmarshal([]byte(out), list); code != ExitOK || err != nil || len(list.GetDeployments()) == 0 {
		t.Errorf("list -o json: exit %d, %v\n%s", code, err, out)
	}

	if code, out, _ = run(t, "watch", "life"); code != ExitOK || !strings.Contains(out, "deployments/life                   READY") {
		t.Errorf("watch: exit %d\n%s", code, out)
	}

	svg := filepath.Join(t.TempDir(), "life.svg")
	code, out, _ = run(t, "timeline", "life", "--svg", svg)
	if code != ExitOK || !strings.Contains(out, "critical path") || !strings.Contains(out, "trace ") {
		t.Errorf("timeline: exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(svg); err != nil || xml.Unmarshal(b, new(struct{ XMLName xml.Name })) != nil {
		t.Errorf("timeline --svg wrote no well-formed SVG: %v", err)
	}

	if code, out, errs = run(t, "check", "life"); code != ExitOK || !strings.Contains(out, "deployments/life is in sync") {
		t.Errorf("check: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs = run(t, "repair", "life"); code != ExitOK || !strings.Contains(out, "deployments/life is repaired") {
		t.Errorf("repair: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs = run(t, "probe", "life"); code != ExitOK || !strings.Contains(out, "probe: site stack has no Linux VMs") { // the demo test shows the matrix
		t.Errorf("probe: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs = run(t, "rotate-key", "life"); code != ExitOK || !strings.Contains(out, "has a new shared key on every connection") || !strings.Contains(out, "were down for") {
		t.Errorf("rotate-key: exit %d\n%s\n%s", code, out, errs)
	}

	code, out, errs = run(t, "destroy", "life", "--yes")
	if code != ExitOK || !strings.Contains(out, "deployments/life is deleted") || !strings.Contains(out, "hub/delete-vpn-gateway") {
		t.Fatalf("destroy: exit %d\n%s\n%s", code, out, errs)
	}
	if rs, err := theStack.Sim.Admin.Resources(context.Background()); err != nil || hasGroup(rs, "life-hub-rg") || hasGroup(rs, "life-stack-rg") {
		t.Errorf("destroy left resources behind (%v): %v", err, rs)
	}

	// the name of a deleted deployment is free: applying it again creates it anew
	if code, out, errs = run(t, "apply", "-f", file, "--yes"); code != ExitOK || !strings.Contains(out, "Plan: 14 to create") {
		t.Errorf("apply after destroy: exit %d\n%s\n%s", code, out, errs)
	}
	run(t, "destroy", "life", "--yes")
}

func hasGroup(rs []armsim.ResourceView, group string) bool {
	for _, r := range rs {
		if strings.Contains(strings.ToLower(r.ID), "/resourcegroups/"+strings.ToLower(group)+"/") || strings.HasSuffix(strings.ToLower(r.ID), "/resourcegroups/"+strings.ToLower(group)) {
			return true
		}
	}
	return false
}

// TestInteractive applies on a terminal: the confirmation is asked and answered, and the
// progress redraws its lines in place.
func TestInteractive(t *testing.T) {
	file := spec(t, "tty", nil)
	code, out, errs := runIO(t, IO{In: strings.NewReader("no\n"), Interactive: true}, "apply", "-f", file)
	if code != ExitFailed || !strings.Contains(out, "Apply this plan? Only 'y' or 'yes' goes on:") || !strings.Contains(errs, "nothing was changed") {
		t.Fatalf("apply answered no: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := run(t, "get", "tty"); code != ExitFailed {
		t.Fatalf("a refused apply created the deployment (get exit %d)", code)
	}
	code, out, errs = runIO(t, IO{In: strings.NewReader("yes\n"), Interactive: true}, "apply", "-f", file)
	if code != ExitOK {
		t.Fatalf("apply answered yes: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "\x1b[2K hub: hub on azure\n") || !strings.Contains(out, "\x1b[2K   ✓ vpn-gateway") || !strings.Contains(out, "A\x1b[2Kdeployments/tty  READY  15/15 steps") {
		t.Errorf("no in-place progress:\n%q", out)
	}
	t.Cleanup(func() { run(t, "destroy", "tty", "--yes") })
}

// TestInvalid checks that bad specs and bad usage exit 2 naming what is wrong, and
// write nothing.
func TestInvalid(t *testing.T) {
	before, err := theStack.Sim.Admin.Count(context.Background(), "", "PUT", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown field in the file", []string{"apply", "--yes", "-f", spec(t, "bad1", func(s string) string {
			return strings.Replace(s, "imageSku:", "imageSkew:", 1)
		})}, "spec.sites[0].virtualMachines[0].imageSkew: unknown field; did you mean imageSku?"},
		{"invalid for the cloud", []string{"apply", "--yes", "-f", spec(t, "bad2", func(s string) string {
			return strings.Replace(s, "gatewaySubnetPrefix: 10.2.255.0/27", "gatewaySubnetPrefix: 10.2.255.0/27\n      gatewaySku: VpnGw5", 1)
		})}, "spec.sites[1].gatewaySku: "},
		{"overlapping sites", []string{"plan", "-f", spec(t, "bad3", func(s string) string {
			return strings.ReplaceAll(s, "10.2.", "10.1.")
		})}, "is not valid; nothing was written"},
		{"no file", []string{"plan"}, "-f/--file: the deployment file is required"},
		{"missing file", []string{"plan", "-f", "/nonexistent.yaml"}, "no such file"},
		{"no name", []string{"get"}, "want the deployment's name"},
		{"bad output", []string{"get", "x", "-o", "xml"}, `-o "xml"`},
		{"bad flag", []string{"list", "--bogus"}, "unknown flag: --bogus"},
		{"token without TLS beyond loopback", []string{"--addr", "orchestrator.example:9090", "--token", "t", "list"}, "--token needs TLS"},
		{"bad name", []string{"get", "a/b"}, "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.args...)
			if code != ExitInvalid || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s%s", code, tc.want, out, errs)
			}
		})
	}
	if after, err := theStack.Sim.Admin.Count(context.Background(), "", "PUT", ""); err != nil || after != before {
		t.Errorf("invalid input wrote to ARM: %d PUTs before, %d after (%v)", before, after, err)
	}
}

// TestFailed checks that a deployment that fails exits 1 with the cloud's reason, and
// that an unreachable orchestrator says what to do.
func TestFailed(t *testing.T) {
	ctx := context.Background()
	if err := theStack.Sim.Admin.SetFaults(ctx, armsim.Faults{FailProvisioning: []armsim.FailRule{{Type: "virtualmachines", Name: "hub-vm", Code: "QuotaExceeded"}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = theStack.Sim.Admin.SetFaults(ctx, armsim.Faults{}) })
	code, out, errs := run(t, "apply", "--yes", "-f", spec(t, "fails", nil))
	if code != ExitFailed || !strings.Contains(out, "hub/virtual-machine/hub-vm") || !strings.Contains(out+errs, "QuotaExceeded") ||
		!strings.Contains(errs, "deployments/fails is FAILED") {
		t.Errorf("failing apply: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := run(t, "watch", "fails"); code != ExitFailed {
		t.Errorf("watch of a failed deployment: exit %d, want 1", code)
	}
	// the fault would fail the teardown too
	if err := theStack.Sim.Admin.SetFaults(ctx, armsim.Faults{}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "destroy", "fails", "--yes"); code != ExitOK {
		t.Errorf("destroy of a failed deployment: exit %d\n%s\n%s", code, out, errs)
	}

	// A failure ARM gives no known code for is tried again (ARM's advice for a Failed
	// resource), then taken as the cloud's answer.
	if err := theStack.Sim.Admin.SetFaults(ctx, armsim.Faults{FailProvisioning: []armsim.FailRule{{Type: "virtualmachines", Name: "hub-vm", Code: "OSProvisioningTimedOut"}}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "apply", "--yes", "-f", spec(t, "unknown", nil))
	if code != ExitFailed || !strings.Contains(out, "hub/virtual-machine/hub-vm") || !strings.Contains(out, "(attempt 3): ") ||
		!strings.Contains(out+errs, "OSProvisioningTimedOut") || !strings.Contains(out+errs, "failed 3 times") {
		t.Errorf("apply failing with an unknown code: exit %d\n%s\n%s", code, out, errs)
	}
	if err := theStack.Sim.Admin.SetFaults(ctx, armsim.Faults{}); err != nil {
		t.Fatal(err)
	}
	run(t, "destroy", "unknown", "--yes")

	var stdout, stderr bytes.Buffer
	code = Run(ctx, []string{"--addr", "127.0.0.1:1", "list"}, IO{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
	if code != ExitFailed || !strings.Contains(stderr.String(), "hybridlink dev") {
		t.Errorf("unreachable orchestrator: exit %d, %q", code, stderr.String())
	}
}

// TestDemo runs what `make demo` runs: the demo command on the example deployment file,
// with its own stack, until both connections are Connected.
func TestDemo(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"demo", "--free-ports", "--time-scale", "0.0005", "-f", "../../../../examples/hybrid-connectivity.yaml"},
		IO{In: strings.NewReader(""), Out: &out, Err: &errs})
	if code != ExitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	contains(t, "demo output", out.String(), "hybridlink stack:", "Plan: 16 to create", "deployments/hybrid-demo            READY",
		"\ncritical path ", "→ verify → ", "PROBE FROM \\ TO", "probe: 2 of 2 VM-to-VM probes", "Both connections are Connected.")
	if n := strings.Count(out.String(), "CONNECTED"); n != 2 {
		t.Errorf("demo shows %d connections CONNECTED, want 2:\n%s", n, out.String())
	}
}

// TestDevDetach starts a detached stack, uses it (as `make demo KEEP=1` does), and stops it.
func TestDevDetach(t *testing.T) {
	t.Setenv(asMain, "1")
	state := t.TempDir()
	var out, errs bytes.Buffer
	std := IO{In: strings.NewReader(""), Out: &out, Err: &errs}
	if code := Run(context.Background(), []string{"dev", "--detach", "--free-ports", "--state", state, "--time-scale", "0.0005"}, std); code != ExitOK {
		t.Fatalf("dev --detach: exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "Running in the background") {
		t.Errorf("dev --detach says:\n%s", out.String())
	}
	b, err := os.ReadFile(filepath.Join(state, infoFile))
	if err != nil {
		t.Fatal(err)
	}
	s := &stack.Stack{}
	if err := json.Unmarshal(b, s); err != nil {
		t.Fatal(err)
	}
	pid, err := running(state, "hybridlink")
	if err != nil {
		t.Fatal(err)
	}
	if code := Run(context.Background(), []string{"--addr", s.Services[0].GRPC, "list"}, std); code != ExitFailed || !strings.Contains(errs.String(), "$HYBRIDLINK_STATE names its state folder") {
		t.Errorf("list against the detached stack with another stack's credential: exit %d\n%s", code, errs.String())
	}
	t.Setenv("HYBRIDLINK_STATE", state)
	if code := Run(context.Background(), []string{"--addr", s.Services[0].GRPC, "list"}, std); code != ExitOK {
		t.Errorf("list against the detached stack: exit %d\n%s", code, errs.String())
	}
	if code := Run(context.Background(), []string{"demo", "--keep", "--stamps", "1", "--state", state, "-f", "../../../../examples/hybrid-connectivity.yaml"}, std); code != ExitFailed || !strings.Contains(errs.String(), "has 0 extra stamps, not 1") {
		t.Errorf("demo --keep --stamps 1 on a stack without stamps: exit %d\n%s", code, errs.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"demo", "--keep", "--state", state, "-f", "../../../../examples/hybrid-connectivity.yaml"}, std); code != ExitOK ||
		!strings.Contains(out.String(), "Using the stack already running") || !strings.Contains(out.String(), "Stop it with: hybridlink dev stop") {
		t.Errorf("demo --keep on the running stack: exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	if code := Run(context.Background(), []string{"dev", "--detach", "--state", state}, std); code != ExitFailed || !strings.Contains(errs.String(), "already runs") {
		t.Errorf("a second dev --detach on the same state: exit %d\n%s", code, errs.String())
	}
	if code := Run(context.Background(), []string{"dev", "stop", "--state", state}, std); code != ExitOK {
		t.Fatalf("dev stop: exit %d\n%s", code, errs.String())
	}
	if alive(pid) {
		t.Errorf("pid %d runs on after dev stop", pid)
	}
	out.Reset()
	if code := Run(context.Background(), []string{"dev", "stop", "--state", state}, std); code != ExitOK || !strings.Contains(out.String(), "no stack runs on "+state) ||
		!strings.Contains(out.String(), "; nothing to stop.") {
		t.Errorf("dev stop with nothing running: exit %d, want 0\n%s%s", code, out.String(), errs.String())
	}
}

// TestCancel cancels an apply while its VPN gateways are being created: cancel returns
// once the deployment has stopped, apply exits 1 saying it stopped, no connection was
// started, and the deployment can be destroyed.
func TestCancel(t *testing.T) {
	ctx := context.Background()
	count := func(typ string) int64 {
		n, err := theStack.Sim.Admin.Count(ctx, "", "PUT", typ)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	gateways, connections := count("Microsoft.Network/virtualNetworkGateways"), count("Microsoft.Network/connections")
	type result struct {
		code      int
		out, errs string
	}
	applied := make(chan result, 1)
	go func() {
		var out, errs bytes.Buffer
		code := Run(ctx, []string{"--addr", theStack.Services[0].GRPC, "apply", "--yes", "-f", spec(t, "cancelled", nil)},
			IO{In: strings.NewReader(""), Out: &out, Err: &errs})
		applied <- result{code, out.String(), errs.String()}
	}()
	for count("Microsoft.Network/virtualNetworkGateways") < gateways+2 {
		select {
		case r := <-applied:
			t.Fatalf("apply ended before its gateways started: exit %d\n%s\n%s", r.code, r.out, r.errs)
		case <-time.After(10 * time.Millisecond):
		}
	}
	code, out, errs := run(t, "cancel", "cancelled")
	if code != ExitOK || !strings.Contains(out, "deployments/cancelled is FAILED: stopped at a safe point") {
		t.Errorf("cancel: exit %d\n%s\n%s", code, out, errs)
	}
	r := <-applied
	if r.code != ExitFailed || !strings.Contains(r.errs, "stopped at a safe point") {
		t.Errorf("the cancelled apply: exit %d\n%s\n%s", r.code, r.out, r.errs)
	}
	if n := count("Microsoft.Network/connections"); n != connections {
		t.Errorf("%d connections were started after the cancel", n-connections)
	}
	if code, _, errs := run(t, "cancel", "cancelled"); code != ExitFailed || !strings.Contains(errs, "no apply in progress") {
		t.Errorf("cancel of a stopped deployment: exit %d, %s", code, errs)
	}
	if code, out, errs := run(t, "destroy", "cancelled", "--yes"); code != ExitOK {
		t.Errorf("destroy: exit %d\n%s\n%s", code, out, errs)
	}
}
