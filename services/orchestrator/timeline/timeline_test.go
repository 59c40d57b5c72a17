package timeline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// t0 is when the test deployments start.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// never marks a step not started, or not ended.
const never = -1

const (
	pending   = orchestratorv1.Step_STATE_PENDING
	running   = orchestratorv1.Step_STATE_RUNNING
	succeeded = orchestratorv1.Step_STATE_SUCCEEDED
	failed    = orchestratorv1.Step_STATE_FAILED
	skipped   = orchestratorv1.Step_STATE_SKIPPED
)

// step returns a step of site {site}/…, started start after t0 and ended took after
// that, never for either when it has not.
func step(name string, state orchestratorv1.Step_State, start, took time.Duration, deps ...string) *orchestratorv1.Step {
	site, _, found := strings.Cut(name, "/")
	if !found {
		site = ""
	}
	s := &orchestratorv1.Step{Name: name, Site: site, State: state, DependsOn: deps}
	if start != never {
		s.Attempts = 1
		s.StartTime = timestamppb.New(t0.Add(start))
		if took != never {
			s.EndTime = timestamppb.New(t0.Add(start + took))
		}
	}
	return s
}

// attempts sets a step's attempts and error.
func attempts(s *orchestratorv1.Step, n int32, err *orchestratorv1.StepError) *orchestratorv1.Step {
	s.Attempts, s.LastError = n, err
	return s
}

// deployment returns deployments/demo with steps.
func deployment(state orchestratorv1.DeploymentStatus_State, steps ...*orchestratorv1.Step) *orchestratorv1.Deployment {
	return &orchestratorv1.Deployment{
		Name: "deployments/demo",
		Status: &orchestratorv1.DeploymentStatus{
			State:   state,
			Steps:   steps,
			TraceId: "4bf92f3577b34da6a3ce929d0e0e4736",
		},
	}
}

// ms is a number of milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// twoSite is a deployment of the real graph of sites hub and stack, ready in 36m17.1s.
func twoSite() *orchestratorv1.Deployment {
	return deployment(orchestratorv1.DeploymentStatus_STATE_READY,
		step("hub/resource-group", succeeded, 0, 4*time.Second),
		step("hub/virtual-network", succeeded, 4*time.Second, ms(6200), "hub/resource-group"),
		step("hub/public-ip", succeeded, 4*time.Second, ms(3500), "hub/resource-group"),
		step("hub/vpn-gateway", succeeded, ms(10200), 35*time.Minute, "hub/virtual-network", "hub/public-ip"),
		step("hub/network-interface/vm", succeeded, ms(10200), ms(2800), "hub/virtual-network"),
		step("hub/virtual-machine/vm", succeeded, 13*time.Second, ms(121500), "hub/network-interface/vm"),
		step("stack/resource-group", succeeded, ms(300), ms(3300)),
		step("stack/virtual-network", succeeded, ms(3600), ms(5500), "stack/resource-group"),
		step("stack/public-ip", succeeded, ms(3600), ms(2400), "stack/resource-group"),
		step("stack/vpn-gateway", succeeded, ms(9100), 33*time.Minute+40*time.Second, "stack/virtual-network", "stack/public-ip"),
		step("stack/network-interface/vm", succeeded, ms(9100), ms(3100), "stack/virtual-network"),
		step("stack/virtual-machine/vm", succeeded, ms(12200), 118*time.Second, "stack/network-interface/vm"),
		step("hub/local-network-gateway", succeeded, 35*time.Minute+ms(10200), ms(1600), "hub/vpn-gateway", "stack/vpn-gateway"),
		step("hub/connection", succeeded, 35*time.Minute+ms(11800), 22*time.Second, "hub/vpn-gateway", "hub/local-network-gateway"),
		step("stack/local-network-gateway", succeeded, 35*time.Minute+ms(10200), ms(1400), "hub/vpn-gateway", "stack/vpn-gateway"),
		step("stack/connection", succeeded, 35*time.Minute+ms(11600), ms(24500), "stack/vpn-gateway", "stack/local-network-gateway"),
		step("verify", succeeded, 35*time.Minute+ms(36100), 41*time.Second, "hub/connection", "stack/connection"),
	)
}

// failedGateway is a deployment whose hub gateway failed for good after 3 attempts.
func failedGateway() *orchestratorv1.Deployment {
	return deployment(orchestratorv1.DeploymentStatus_STATE_FAILED,
		step("hub/resource-group", succeeded, 0, 4*time.Second),
		step("hub/virtual-network", succeeded, 4*time.Second, ms(6200), "hub/resource-group"),
		step("hub/public-ip", succeeded, 4*time.Second, ms(3500), "hub/resource-group"),
		attempts(step("hub/vpn-gateway", failed, 4*time.Minute, 2*time.Minute, "hub/virtual-network", "hub/public-ip"), 3,
			&orchestratorv1.StepError{Code: "FailedPrecondition", ArmCode: "GatewaySubnetInvalid", Message: "the virtual network has no GatewaySubnet"}),
		step("hub/network-interface/vm", succeeded, ms(10200), ms(2800), "hub/virtual-network"),
		step("hub/virtual-machine/vm", succeeded, 13*time.Second, ms(121500), "hub/network-interface/vm"),
		step("stack/resource-group", succeeded, ms(300), ms(3300)),
		step("stack/virtual-network", succeeded, ms(3600), ms(5500), "stack/resource-group"),
		step("stack/public-ip", succeeded, ms(3600), ms(2400), "stack/resource-group"),
		step("stack/vpn-gateway", succeeded, ms(9100), 5*time.Minute, "stack/virtual-network", "stack/public-ip"),
		step("hub/local-network-gateway", skipped, never, never, "hub/vpn-gateway", "stack/vpn-gateway"),
		step("hub/connection", skipped, never, never, "hub/vpn-gateway", "hub/local-network-gateway"),
		step("stack/local-network-gateway", skipped, never, never, "hub/vpn-gateway", "stack/vpn-gateway"),
		step("stack/connection", skipped, never, never, "stack/vpn-gateway", "stack/local-network-gateway"),
		step("verify", skipped, never, never, "hub/connection", "stack/connection"),
	)
}

// applying is the two-site deployment 20 minutes in, the hub gateway on its second
// attempt.
func applying() (*orchestratorv1.Deployment, time.Time) {
	return deployment(orchestratorv1.DeploymentStatus_STATE_APPLYING,
		step("hub/resource-group", succeeded, 0, 4*time.Second),
		step("hub/virtual-network", succeeded, 4*time.Second, ms(6200), "hub/resource-group"),
		step("hub/public-ip", succeeded, 4*time.Second, ms(3500), "hub/resource-group"),
		attempts(step("hub/vpn-gateway", running, 3*time.Minute, never, "hub/virtual-network", "hub/public-ip"), 2, nil),
		step("hub/network-interface/vm", succeeded, ms(10200), ms(2800), "hub/virtual-network"),
		step("hub/virtual-machine/vm", succeeded, 13*time.Second, ms(121500), "hub/network-interface/vm"),
		step("stack/resource-group", succeeded, ms(300), ms(3300)),
		step("stack/virtual-network", succeeded, ms(3600), ms(5500), "stack/resource-group"),
		step("stack/public-ip", succeeded, ms(3600), ms(2400), "stack/resource-group"),
		step("stack/vpn-gateway", running, ms(9100), never, "stack/virtual-network", "stack/public-ip"),
		step("stack/network-interface/vm", succeeded, ms(9100), ms(3100), "stack/virtual-network"),
		step("stack/virtual-machine/vm", running, ms(12200), never, "stack/network-interface/vm"),
		step("hub/local-network-gateway", pending, never, never, "hub/vpn-gateway", "stack/vpn-gateway"),
		step("hub/connection", pending, never, never, "hub/vpn-gateway", "hub/local-network-gateway"),
		step("stack/local-network-gateway", pending, never, never, "hub/vpn-gateway", "stack/vpn-gateway"),
		step("stack/connection", pending, never, never, "stack/vpn-gateway", "stack/local-network-gateway"),
		step("verify", pending, never, never, "hub/connection", "stack/connection"),
	), t0.Add(20 * time.Minute)
}

// teardown is the two-site deployment deleted, one tier after the other; the public IPs
// end at the same time.
func teardown() *orchestratorv1.Deployment {
	conns := []string{"hub/delete-connection", "stack/delete-connection"}
	lgws := []string{"hub/delete-local-network-gateway", "stack/delete-local-network-gateway"}
	vms := []string{"hub/delete-virtual-machine/vm", "stack/delete-virtual-machine/vm"}
	nics := []string{"hub/delete-network-interface/vm", "stack/delete-network-interface/vm"}
	gws := []string{"hub/delete-vpn-gateway", "stack/delete-vpn-gateway"}
	ips := []string{"hub/delete-public-ip", "stack/delete-public-ip"}
	vnets := []string{"hub/delete-virtual-network", "stack/delete-virtual-network"}
	return deployment(orchestratorv1.DeploymentStatus_STATE_DELETED,
		step(conns[0], succeeded, 0, 8*time.Second),
		step(conns[1], succeeded, 0, ms(9500)),
		step(lgws[0], succeeded, ms(9500), ms(4500), conns...),
		step(lgws[1], succeeded, ms(9500), ms(3500), conns...),
		step(vms[0], succeeded, 14*time.Second, time.Minute, lgws...),
		step(vms[1], succeeded, 14*time.Second, 52*time.Second, lgws...),
		step(nics[0], succeeded, 74*time.Second, 11*time.Second, vms...),
		step(nics[1], succeeded, 74*time.Second, 10*time.Second, vms...),
		step(gws[0], succeeded, 85*time.Second, 12*time.Minute+5*time.Second, nics...),
		step(gws[1], succeeded, 85*time.Second, 11*time.Minute, nics...),
		step(ips[0], succeeded, 13*time.Minute+30*time.Second, 6*time.Second, gws...),
		step(ips[1], succeeded, 13*time.Minute+30*time.Second, 6*time.Second, gws...),
		step(vnets[0], succeeded, 13*time.Minute+36*time.Second, 9*time.Second, ips...),
		step(vnets[1], succeeded, 13*time.Minute+36*time.Second, 7*time.Second, ips...),
		step("hub/delete-resource-group", succeeded, 13*time.Minute+45*time.Second, 90*time.Second, vnets...),
		step("stack/delete-resource-group", succeeded, 13*time.Minute+45*time.Second, 100*time.Second, vnets...),
	)
}

// adopt marks a step as reading an adopted resource.
func adopt(s *orchestratorv1.Step) *orchestratorv1.Step {
	s.Adopted = true
	return s
}

// hubAndSpokes is a hub on Azure and spokes edge1..edgeN on stamps, the spokes listed first
// in the spec, ready in 40m; the hub adopts its network and gateway when adopted is set, and
// then has no resource group or public IP step.
func hubAndSpokes(spokes int, adopted bool) *orchestratorv1.Deployment {
	spec := &orchestratorv1.DeploymentSpec{Hub: "hub"}
	var steps, conns []*orchestratorv1.Step
	hubGW := "hub/vpn-gateway"
	if adopted {
		steps = append(steps, adopt(step("hub/virtual-network", succeeded, 0, ms(300))), adopt(step(hubGW, succeeded, ms(300), ms(400), "hub/virtual-network")))
	} else {
		steps = append(steps, step("hub/resource-group", succeeded, 0, 4*time.Second),
			step("hub/virtual-network", succeeded, 4*time.Second, ms(6200), "hub/resource-group"),
			step("hub/public-ip", succeeded, 4*time.Second, ms(3500), "hub/resource-group"),
			step(hubGW, succeeded, ms(10200), 35*time.Minute, "hub/virtual-network", "hub/public-ip"))
	}
	for i := 1; i <= spokes; i++ {
		e := fmt.Sprintf("edge%d", i)
		spec.Sites = append(spec.Sites, &orchestratorv1.Site{Name: e, Cloud: fmt.Sprintf("stamp%d", i)})
		off := time.Duration(i) * 100 * time.Millisecond
		gw := e + "/vpn-gateway"
		steps = append(steps, step(e+"/resource-group", succeeded, off, 3*time.Second),
			step(e+"/virtual-network", succeeded, off+3*time.Second, 5*time.Second, e+"/resource-group"),
			step(e+"/public-ip", succeeded, off+3*time.Second, 2*time.Second, e+"/resource-group"),
			step(gw, succeeded, off+8*time.Second, 30*time.Minute+time.Duration(i)*time.Minute, e+"/virtual-network", e+"/public-ip"))
		ready := 35*time.Minute + ms(10200)
		suffix := "/" + e
		if spokes == 1 {
			suffix = ""
		}
		conns = append(conns,
			step("hub/local-network-gateway"+suffix, succeeded, ready, ms(1600), hubGW, gw),
			step("hub/connection"+suffix, succeeded, ready+ms(1600), 22*time.Second, hubGW, "hub/local-network-gateway"+suffix),
			step(e+"/local-network-gateway", succeeded, ready, ms(1400), hubGW, gw),
			step(e+"/connection", succeeded, ready+ms(1400), 24*time.Second, gw, e+"/local-network-gateway"))
	}
	spec.Sites = append(spec.Sites, &orchestratorv1.Site{Name: "hub", Cloud: "azure"})
	var ends []string
	for _, c := range conns {
		if strings.Contains(c.GetName(), "/connection") {
			ends = append(ends, c.GetName())
		}
	}
	d := deployment(orchestratorv1.DeploymentStatus_STATE_READY, append(append(steps, conns...),
		step("verify", succeeded, 36*time.Minute, 41*time.Second, ends...))...)
	d.Spec = spec
	return d
}

// cases are the charts with golden files: name, deployment, now.
func cases() []struct {
	name string
	d    *orchestratorv1.Deployment
	now  time.Time
} {
	running, now := applying()
	end := t0.Add(time.Hour)
	return []struct {
		name string
		d    *orchestratorv1.Deployment
		now  time.Time
	}{
		{"two-site", twoSite(), end},
		{"hub-3-spokes", hubAndSpokes(3, false), end},
		{"adopted-hub", hubAndSpokes(1, true), end},
		{"failed", failedGateway(), end},
		{"running", running, now},
		{"skewed", running, t0.Add(time.Minute)}, // now before the hub gateway's start
		{"teardown", teardown(), end},
		{"empty", deployment(orchestratorv1.DeploymentStatus_STATE_PENDING), end},
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestText(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, tc.d, 100, tc.now); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".golden", b.Bytes())
		})
	}
}

// TestTextBars checks, at several widths, that each started step has a row with at least
// one bar cell, solid and marked for the critical path's steps, and that the chart is as
// wide as asked when its bars get more than their minimum.
func TestTextBars(t *testing.T) {
	for _, tc := range cases() {
		for _, width := range []int{0, 60, 100, 180} {
			var b bytes.Buffer
			if err := Text(&b, tc.d, width, tc.now); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(b.String(), "\n")
			path := CriticalPath(tc.d.GetStatus().GetSteps())
			var started int
			for _, s := range tc.d.GetStatus().GetSteps() {
				if s.GetStartTime() == nil {
					continue
				}
				started++
				label := strings.TrimPrefix(s.GetName(), s.GetSite()+"/")
				want := strings.Fields(s.GetSite() + " " + label)
				i := slices.IndexFunc(lines, func(l string) bool {
					f := strings.Fields(strings.TrimPrefix(l, "*"))
					return len(f) > len(want) && slices.Equal(f[:len(want)], want)
				})
				if i < 0 {
					t.Errorf("%s at width %d: no row for %s:\n%s", tc.name, width, s.GetName(), b.String())
					continue
				}
				cell := otherCell
				if slices.Contains(path, s.GetName()) {
					cell = criticalCell
				}
				if !strings.Contains(lines[i], cell) || strings.HasPrefix(lines[i], "*") != (cell == criticalCell) {
					t.Errorf("%s at width %d: row %q lacks a %s cell or has the wrong marker", tc.name, width, lines[i], cell)
				}
			}
			if started == 0 {
				continue
			}
			var widest int
			for _, l := range lines[1:slices.Index(lines, "")] {
				widest = max(widest, len([]rune(l)))
			}
			if width >= 100 && widest != width {
				t.Errorf("%s at width %d: the chart is %d wide:\n%s", tc.name, width, widest, b.String())
			}
		}
	}
}

func TestCriticalPath(t *testing.T) {
	s := time.Second
	tests := []struct {
		name  string
		steps []*orchestratorv1.Step
		want  []string
	}{
		{name: "nothing", want: nil},
		{"nothing ended", []*orchestratorv1.Step{
			step("a", running, 0, never),
			step("b", pending, never, never, "a"),
		}, nil},
		{"chain", []*orchestratorv1.Step{
			step("a", succeeded, 0, s),
			step("b", succeeded, s, s, "a"),
			step("c", succeeded, 2*s, s, "b"),
		}, []string{"a", "b", "c"}},
		{"the dependency that ended last", []*orchestratorv1.Step{
			step("a", succeeded, 0, s),
			step("b", succeeded, s, 5*s, "a"),
			step("c", succeeded, s, 2*s, "a"),
			step("d", succeeded, 6*s, s, "c", "b"),
		}, []string{"a", "b", "d"}},
		{"tied dependencies: the later in status order", []*orchestratorv1.Step{
			step("a", succeeded, 0, s),
			step("b", succeeded, s, 2*s),
			step("c", succeeded, 3*s, s, "b", "a"),
		}, []string{"b", "c"}},
		{"tied last steps: the later in status order", []*orchestratorv1.Step{
			step("a", succeeded, 0, 2*s),
			step("b", succeeded, 0, s),
			step("c", succeeded, s, s, "b"),
		}, []string{"b", "c"}},
		{"no dependencies: the last-ending step", []*orchestratorv1.Step{
			step("a", succeeded, 0, 3*s),
			step("b", succeeded, 0, 5*s),
			step("c", succeeded, 0, 4*s),
		}, []string{"b"}},
		{"unended and unknown dependencies are left out", []*orchestratorv1.Step{
			step("a", succeeded, 0, s),
			step("b", running, 0, never),
			step("c", failed, s, s, "b", "gone", "a"),
			step("d", skipped, never, never, "c"),
		}, []string{"a", "c"}},
		{"a cycle ends", []*orchestratorv1.Step{
			step("a", succeeded, 0, s, "b"),
			step("b", succeeded, 0, 2*s, "a"),
		}, []string{"a", "b"}},
		{"two sites", twoSite().GetStatus().GetSteps(), []string{
			"hub/resource-group", "hub/virtual-network", "hub/vpn-gateway",
			"stack/local-network-gateway", "stack/connection", "verify",
		}},
		{"teardown", teardown().GetStatus().GetSteps(), []string{
			"stack/delete-connection", "hub/delete-local-network-gateway", "hub/delete-virtual-machine/vm",
			"hub/delete-network-interface/vm", "hub/delete-vpn-gateway", "stack/delete-public-ip",
			"hub/delete-virtual-network", "stack/delete-resource-group",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CriticalPath(tt.steps); !slices.Equal(got, tt.want) {
				t.Errorf("CriticalPath() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHuman(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{-time.Second, "0s"},
		{ms(350), "350ms"},
		{ms(999) + 600*time.Microsecond, "1s"},
		{4 * time.Second, "4s"},
		{ms(4240), "4.2s"},
		{ms(59960), "1m"},
		{2*time.Minute + ms(400), "2m"},
		{35*time.Minute + 10*time.Second, "35m10s"},
		{59*time.Minute + ms(59600), "1h"},
		{65 * time.Minute, "1h5m"},
		{26*time.Hour + 3*time.Minute, "26h3m"},
	}
	for _, tt := range tests {
		if got := human(tt.d); got != tt.want {
			t.Errorf("human(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestTickStep(t *testing.T) {
	tests := []struct {
		wall, want time.Duration
	}{
		{0, time.Millisecond},
		{ms(900), 100 * time.Millisecond},
		{36*time.Minute + 17*time.Second, 5 * time.Minute},
		{100 * time.Hour, 12 * time.Hour},
		{600 * time.Hour, 72 * time.Hour},
	}
	for _, tt := range tests {
		if got := tickStep(tt.wall); got != tt.want {
			t.Errorf("tickStep(%v) = %v, want %v", tt.wall, got, tt.want)
		}
	}
}
