package sites

import (
	"slices"
	"strings"
	"testing"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// deployment is a spec of sites, each on cloud-{name}, with hub, and steps named {site}/{kind}.
func deployment(hub string, sites []string, steps ...string) *orchestratorv1.Deployment {
	d := &orchestratorv1.Deployment{Spec: &orchestratorv1.DeploymentSpec{Hub: hub}, Status: &orchestratorv1.DeploymentStatus{}}
	for _, s := range sites {
		d.Spec.Sites = append(d.Spec.Sites, &orchestratorv1.Site{Name: s, Cloud: "cloud-" + s})
	}
	for _, name := range steps {
		site, _, found := strings.Cut(name, "/")
		if !found {
			site = ""
		}
		d.Status.Steps = append(d.Status.Steps, &orchestratorv1.Step{Name: name, Site: site})
	}
	return d
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name      string
		d         *orchestratorv1.Deployment
		order     []string
		steps     []string
		described []string // Describe of each site in order
	}{
		{"two sites, the first the hub", deployment("", []string{"hub", "stack"}, "hub/vpn-gateway", "stack/vpn-gateway", "stack/connection", "hub/connection", "verify"),
			[]string{"hub", "stack"}, []string{"hub/vpn-gateway", "hub/connection", "stack/vpn-gateway", "stack/connection", "verify"},
			[]string{"hub on cloud-hub", "spoke on cloud-stack"}},
		{"a hub named last, three spokes", deployment("core", []string{"edge1", "edge2", "edge3", "core"},
			"edge1/vpn-gateway", "edge2/vpn-gateway", "edge3/vpn-gateway", "core/vpn-gateway", "core/connection/edge1", "edge1/connection", "verify"),
			[]string{"core", "edge1", "edge2", "edge3"},
			[]string{"core/vpn-gateway", "core/connection/edge1", "edge1/vpn-gateway", "edge1/connection", "edge2/vpn-gateway", "edge3/vpn-gateway", "verify"},
			[]string{"hub on cloud-core", "spoke on cloud-edge1", "spoke on cloud-edge2", "spoke on cloud-edge3"}},
		{"a spoke being removed", deployment("", []string{"hub", "edge1"}, "edge2/delete-connection", "hub/delete-connection/edge2", "hub/connection/edge1"),
			[]string{"hub", "edge1", "edge2"}, []string{"hub/delete-connection/edge2", "hub/connection/edge1", "edge2/delete-connection"},
			[]string{"hub on cloud-hub", "spoke on cloud-edge1", "removed"}},
		{"no spec", deployment("", nil, "verify", "x/y"), []string{"x"}, []string{"x/y", "verify"}, []string{"removed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Order(tt.d); !slices.Equal(got, tt.order) {
				t.Errorf("Order() = %q, want %q", got, tt.order)
			}
			var names []string
			for _, st := range Steps(tt.d) {
				names = append(names, st.GetName())
			}
			if !slices.Equal(names, tt.steps) {
				t.Errorf("Steps() = %q, want %q", names, tt.steps)
			}
			for i, site := range tt.order {
				if got := Describe(tt.d, site); got != tt.described[i] {
					t.Errorf("Describe(%q) = %q, want %q", site, got, tt.described[i])
				}
			}
			if got := Describe(tt.d, ""); got != "across sites" {
				t.Errorf(`Describe("") = %q`, got)
			}
		})
	}
}
