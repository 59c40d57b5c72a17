package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestProgress renders a deployment's snapshots as a script sees them (a line per change)
// and as a terminal does (redrawn in place under a line per site, cut to the width).
func TestProgress(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	at := func(s float64) *timestamppb.Timestamp {
		return timestamppb.New(t0.Add(time.Duration(s * float64(time.Second))))
	}
	snapshot := func(gw *orchestratorv1.Step, state orchestratorv1.DeploymentStatus_State) *orchestratorv1.Deployment {
		return &orchestratorv1.Deployment{Name: "deployments/p", Spec: &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{{Name: "hub", Cloud: "azure"}}},
			Status: &orchestratorv1.DeploymentStatus{State: state, Steps: []*orchestratorv1.Step{
				{Name: "hub/resource-group", Site: "hub", State: orchestratorv1.Step_STATE_SUCCEEDED, StartTime: at(0), EndTime: at(0.5), Attempts: 1},
				gw,
			}}}
	}
	running := snapshot(&orchestratorv1.Step{Name: "hub/vpn-gateway", Site: "hub", State: orchestratorv1.Step_STATE_RUNNING, StartTime: at(0.5), Attempts: 1},
		orchestratorv1.DeploymentStatus_STATE_APPLYING)
	waiting := snapshot(&orchestratorv1.Step{Name: "hub/vpn-gateway", Site: "hub", State: orchestratorv1.Step_STATE_RUNNING, StartTime: at(0.5), Attempts: 2,
		LastError: &orchestratorv1.StepError{ArmCode: "AnotherOperationInProgress", Message: "Another operation on this or a dependent resource is in progress."}},
		orchestratorv1.DeploymentStatus_STATE_APPLYING)
	failedGW := snapshot(&orchestratorv1.Step{Name: "hub/vpn-gateway", Site: "hub", State: orchestratorv1.Step_STATE_FAILED, StartTime: at(0.5), EndTime: at(95), Attempts: 3,
		LastError: &orchestratorv1.StepError{ArmCode: "GatewaySubnetTooSmall", Message: "The GatewaySubnet must be /29 or larger."}},
		orchestratorv1.DeploymentStatus_STATE_FAILED)

	var plain bytes.Buffer
	p := newProgress(IO{Out: &plain}, t0)
	for i, d := range []*orchestratorv1.Deployment{running, running, waiting, failedGW} {
		p.update(d, t0.Add(time.Duration(i+1)*time.Second))
	}
	want := `    1.0s  hub/resource-group                 done in 500ms
    1.0s  hub/vpn-gateway                    running
    1.0s  deployments/p                      APPLYING
    3.0s  hub/vpn-gateway                    waiting (attempt 2): AnotherOperationInProgress: Another operation on this or a dependent resource is in progress.
    4.0s  hub/vpn-gateway                    failed after 1m34s (attempt 3): GatewaySubnetTooSmall: The GatewaySubnet must be /29 or larger.
    4.0s  deployments/p                      FAILED
`
	if plain.String() != want {
		t.Errorf("plain progress:\n%s\nwant:\n%s", plain.String(), want)
	}

	var tty bytes.Buffer
	p = newProgress(IO{Out: &tty, Interactive: true, Width: 60}, t0)
	p.update(running, t0.Add(2*time.Second))
	p.update(waiting, t0.Add(3*time.Second))
	lines := strings.Split(strings.TrimSuffix(tty.String(), "\n"), "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[4], "\x1b[4A\x1b[2Kdeployments/p  APPLYING  1/2 steps  3.0s") {
		t.Fatalf("redraw:\n%q", tty.String())
	}
	if lines[1] != "\x1b[2K hub: hub on azure" {
		t.Errorf("site line %q", lines[1])
	}
	if lines[3] != "\x1b[2K   ⠙ vpn-gateway                      running 1.5s" {
		t.Errorf("running line %q", lines[3])
	}
	if got := []rune(strings.TrimPrefix(lines[7], "\x1b[2K")); len(got) != 59 || got[58] != '…' {
		t.Errorf("waiting line not cut to the width: %q", lines[7])
	}
}
