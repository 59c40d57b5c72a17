package workflow

import (
	"strings"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestProbe: after verify every VM probes the other site's VMs; a VM that cannot be reached
// fails the deployment naming both VMs, unless the policy is advisory; with the policy off,
// or a site without VMs, there is no probe and the outputs say why; UpdateProbe runs it
// again.
func TestProbe(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spec   func(*orchestratorv1.DeploymentSpec)
		down   string
		state  orchestratorv1.DeploymentStatus_State
		probes int
		error  string
		note   string
	}{
		{"every VM reached", nil, "", orchestratorv1.DeploymentStatus_STATE_READY, 4, "", ""},
		{"a VM unreachable", nil, "10.2.1.5", orchestratorv1.DeploymentStatus_STATE_FAILED, 4, "hub/hub-vm1 cannot reach stack/stack-vm2 (10.2.1.5)", ""},
		{"unreachable, advisory", func(s *orchestratorv1.DeploymentSpec) {
			s.ProbePolicy = orchestratorv1.DeploymentSpec_PROBE_POLICY_ADVISORY
		},
			"10.2.1.5", orchestratorv1.DeploymentStatus_STATE_READY, 4, "", ""},
		{"off", func(s *orchestratorv1.DeploymentSpec) { s.ProbePolicy = orchestratorv1.DeploymentSpec_PROBE_POLICY_OFF },
			"", orchestratorv1.DeploymentStatus_STATE_READY, 0, "", "the probe is off"},
		{"a site without VMs", func(s *orchestratorv1.DeploymentSpec) { s.Sites[0].VirtualMachines = nil },
			"", orchestratorv1.DeploymentStatus_STATE_READY, 0, "", "site hub has no Linux VMs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.down = map[string]bool{tc.down: tc.down != ""}
			var opts []func(*orchestratorv1.DeploymentSpec)
			if tc.spec != nil {
				opts = append(opts, tc.spec)
			}
			d := f.run(t, input(opts...), ready)
			st := d.GetStatus()
			if st.GetState() != tc.state || len(st.GetOutputs().GetProbes()) != tc.probes || !strings.Contains(st.GetError(), tc.error) ||
				!strings.Contains(st.GetOutputs().GetProbeNote(), tc.note) {
				t.Errorf("state %v, %d probes, error %q, note %q", st.GetState(), len(st.GetOutputs().GetProbes()), st.GetError(), st.GetOutputs().GetProbeNote())
			}
		})
	}
}

// TestProbeAgain: UpdateProbe runs the probe again on a READY deployment, and a VM that has
// become unreachable since fails it.
func TestProbeAgain(t *testing.T) {
	f := newFake(t)
	var again func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() {
		f.mu.Lock()
		f.down = map[string]bool{"10.1.1.4": true}
		f.mu.Unlock()
		again = f.update(t, UpdateProbe)
	}, ready)
	f.run(t, input(), 2*ready)
	d, err := again()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.Contains(d.GetStatus().GetError(), "cannot reach hub/hub-vm1") {
		t.Fatalf("probing again: %v, %v", d.GetStatus(), err)
	}
	if n := len(f.attempts(probeKey(hubGroup + "/virtualMachines/hub-vm1"))); n != 2 {
		t.Errorf("hub-vm1 probed %d times, want twice", n)
	}
}

// TestProbeSkipsWindows: a Windows VM neither probes nor is probed, and the outputs say so;
// the Linux VMs probe each other.
func TestProbeSkipsWindows(t *testing.T) {
	f := newFake(t)
	d := f.run(t, input(func(s *orchestratorv1.DeploymentSpec) {
		s.Sites[1].VirtualMachines[1].ImagePublisher, s.Sites[1].VirtualMachines[1].ImageOffer = "MicrosoftWindowsServer", "WindowsServer"
	}), ready)
	out := d.GetStatus().GetOutputs()
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY || len(out.GetProbes()) != 2 || !strings.Contains(out.GetProbeNote(), "Windows VMs are not probed") || !strings.Contains(out.GetProbeNote(), "stack/stack-vm2") {
		t.Errorf("state %v, probes %v, note %q", d.GetStatus().GetState(), out.GetProbes(), out.GetProbeNote())
	}
	for _, p := range out.GetProbes() {
		if p.GetSourceVm() == "stack-vm2" || p.GetTargetVm() == "stack-vm2" {
			t.Errorf("the Windows VM was probed: %v", p)
		}
	}
}
