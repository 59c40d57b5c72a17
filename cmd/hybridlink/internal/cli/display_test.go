package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// d0 is when the display tests' deployments start.
var d0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// site is a spec site on cloud, adopting vnet and gateway when adopt is set.
func site(name, cloud string, adopt bool) *orchestratorv1.Site {
	s := &orchestratorv1.Site{Name: name, Cloud: cloud, ResourceGroup: name + "-rg"}
	if adopt {
		s.Existing = &orchestratorv1.ExistingResources{VirtualNetwork: name + "-vnet", VpnGateway: name + "-gw"}
	}
	return s
}

// siteSteps are a site's steps, all done in a second, the network and gateway read when
// adopted, and its tunnel ends to peers (with /{peer} when several), running when tunnelling.
func siteSteps(s *orchestratorv1.Site, tunnelling bool, peers ...string) []*orchestratorv1.Step {
	adopt := s.GetExisting() != nil
	kinds := []string{"resource-group", "virtual-network", "public-ip", "vpn-gateway"}
	if adopt {
		kinds = []string{"virtual-network", "vpn-gateway"}
	}
	var out []*orchestratorv1.Step
	add := func(kind string, state orchestratorv1.Step_State, adopted bool) {
		st := &orchestratorv1.Step{Name: s.GetName() + "/" + kind, Site: s.GetName(), State: state, Attempts: 1, Adopted: adopted,
			StartTime: timestamppb.New(d0)}
		if state == orchestratorv1.Step_STATE_SUCCEEDED {
			st.EndTime = timestamppb.New(d0.Add(time.Second))
		}
		out = append(out, st)
	}
	for _, k := range kinds {
		add(k, orchestratorv1.Step_STATE_SUCCEEDED, adopt && k != "resource-group")
	}
	state := orchestratorv1.Step_STATE_SUCCEEDED
	if tunnelling {
		state = orchestratorv1.Step_STATE_RUNNING
	}
	for _, peer := range peers {
		suffix := ""
		if len(peers) > 1 {
			suffix = "/" + peer
		}
		add("local-network-gateway"+suffix, orchestratorv1.Step_STATE_SUCCEEDED, false)
		add("connection"+suffix, state, false)
	}
	return out
}

// topology is deployment name of a hub and spokes, each spoke's site on stamp{i}, READY
// with every tunnel Connected and hub's outputs holding one connection per spoke; the
// hub adopts its network and gateway when adopt is set. With tunnelling, the connections
// are being made and the outputs are those of a deployment still applying.
func topology(name string, hub *orchestratorv1.Site, spokes []string, tunnelling bool) *orchestratorv1.Deployment {
	d := &orchestratorv1.Deployment{Name: "deployments/" + name, Spec: &orchestratorv1.DeploymentSpec{Hub: hub.GetName()},
		Status: &orchestratorv1.DeploymentStatus{State: orchestratorv1.DeploymentStatus_STATE_READY, Outputs: &orchestratorv1.Outputs{}}}
	if tunnelling {
		d.Status.State = orchestratorv1.DeploymentStatus_STATE_APPLYING
	}
	// the spokes first in the spec: the hub is shown first all the same
	for i, s := range spokes {
		d.Spec.Sites = append(d.Spec.Sites, site(s, fmt.Sprintf("stamp%d", i+1), false))
	}
	d.Spec.Sites = append(d.Spec.Sites, hub)
	hubOut := &orchestratorv1.SiteOutputs{Site: hub.GetName(), GatewayIpAddress: "198.18.0.4", VmPrivateIps: map[string]string{"hub-vm": "10.1.1.4"}}
	var steps []*orchestratorv1.Step
	for i, s := range d.Spec.Sites[:len(spokes)] {
		steps = append(steps, siteSteps(s, tunnelling, hub.GetName())...)
		out := &orchestratorv1.SiteOutputs{Site: s.GetName(), GatewayIpAddress: fmt.Sprintf("100.%d.0.4", 65+i)}
		if !tunnelling {
			in, eg := int64(1200*(i+1)), int64(3400*(i+1))
			out.Connections = []*orchestratorv1.ConnectionOutputs{{Peer: hub.GetName(), Status: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: eg, EgressBytes: in}}
			out.ConnectionStatus, out.IngressBytes, out.EgressBytes = gatewayv1.Connection_STATUS_CONNECTED, eg, in
			hubOut.Connections = append(hubOut.Connections, &orchestratorv1.ConnectionOutputs{Peer: s.GetName(), Status: gatewayv1.Connection_STATUS_CONNECTED, IngressBytes: in, EgressBytes: eg})
		}
		d.Status.Outputs.Sites = append(d.Status.Outputs.Sites, out)
	}
	steps = append(steps, siteSteps(hub, tunnelling, spokes...)...)
	d.Status.Outputs.Sites = append(d.Status.Outputs.Sites, hubOut)
	verify := &orchestratorv1.Step{Name: "verify", State: orchestratorv1.Step_STATE_SUCCEEDED, StartTime: timestamppb.New(d0), EndTime: timestamppb.New(d0.Add(2 * time.Second))}
	if tunnelling {
		verify = &orchestratorv1.Step{Name: "verify", State: orchestratorv1.Step_STATE_PENDING}
	}
	d.Status.Steps = append(steps, verify)
	return d
}

// cancelled is a two-site deployment cancelled before its tunnel: no connections.
func cancelled() *orchestratorv1.Deployment {
	d := topology("cancelled", site("hub", "azure", false), []string{"stack"}, true)
	d.Status.State, d.Status.Error = orchestratorv1.DeploymentStatus_STATE_FAILED, "stopped at a safe point: the apply was cancelled"
	for _, st := range d.Status.Steps {
		if st.GetState() != orchestratorv1.Step_STATE_SUCCEEDED {
			st.State, st.StartTime, st.EndTime = orchestratorv1.Step_STATE_SKIPPED, nil, nil
		}
	}
	return d
}

// displayed are the deployments the display tests show.
func displayed() []struct {
	name string
	d    *orchestratorv1.Deployment
} {
	return []struct {
		name string
		d    *orchestratorv1.Deployment
	}{
		{"hub-3-spokes", topology("hub", site("hub", "azure", false), []string{"edge1", "edge2", "edge3"}, false)},
		{"adopted-hub", topology("attach", site("core", "azure", true), []string{"edge4"}, false)},
		{"applying", topology("hub", site("hub", "azure", false), []string{"edge1", "edge2", "edge3"}, true)},
		{"cancelled", cancelled()},
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run %s -update rewrites it); got:\n%s\nwant:\n%s", path, t.Name(), got, want)
	}
}

// TestPrintDeployment shows get's table: the hub first with a row per connection, the
// spokes, adopted resources marked, and - for the connection of a cancelled deployment.
func TestPrintDeployment(t *testing.T) {
	for _, tc := range displayed() {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			printDeployment(&b, tc.d, "hybridlink")
			if strings.Contains(b.String(), "UNSPECIFIED") {
				t.Errorf("an unknown status shows as UNSPECIFIED:\n%s", b.String())
			}
			golden(t, tc.name+".get.golden", b.String())
		})
	}
}

// TestRedraw shows the live display on a terminal: steps under a line per site, hub first.
func TestRedraw(t *testing.T) {
	for _, tc := range displayed() {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			p := newProgress(IO{Out: &b, Interactive: true}, d0)
			p.update(tc.d, d0.Add(3*time.Second))
			golden(t, tc.name+".progress.golden", strings.ReplaceAll(b.String(), "\x1b[2K", ""))
			if n := strings.Count(b.String(), "\n"); n != p.lines {
				t.Errorf("drew %d lines, counts %d: the next redraw would not go back to the top", n, p.lines)
			}
		})
	}
}

// TestPrintPlan shows a plan grouped by site, the hub first, adopted resources as = adopt.
func TestPrintPlan(t *testing.T) {
	tests := []struct {
		name string
		d    *orchestratorv1.Deployment
		want string
	}{
		{"adopted hub", topology("attach", site("core", "azure", true), []string{"edge4"}, false), ""},
		{"hub and 3 spokes", topology("hub", site("hub", "azure", false), []string{"edge1", "edge2", "edge3"}, false), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &orchestratorv1.Plan{}
			for _, st := range tt.d.GetStatus().GetSteps() {
				if st.GetName() == "verify" {
					continue
				}
				a := orchestratorv1.PlannedChange_ACTION_CREATE
				if st.GetAdopted() {
					a = orchestratorv1.PlannedChange_ACTION_ADOPT
				}
				p.Changes = append(p.Changes, &orchestratorv1.PlannedChange{Step: st.GetName(), Resource: "clouds/x/" + st.GetName(), Action: a})
			}
			var b bytes.Buffer
			printPlan(&b, tt.d, p)
			golden(t, strings.ReplaceAll(tt.name, " ", "-")+".plan.golden", b.String())
		})
	}
}
