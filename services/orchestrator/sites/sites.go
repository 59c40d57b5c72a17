// Package sites orders a deployment's sites and steps for display: the hub first, then the
// spokes in the spec's order, then sites only the steps name (a spoke being removed), and
// the steps across sites (verify) last.
package sites

import (
	"slices"
	"strings"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Hub returns the name of spec's hub: the site spec.hub names, else the first site's.
func Hub(spec *orchestratorv1.DeploymentSpec) string {
	if spec.GetHub() != "" {
		return spec.GetHub()
	}
	if len(spec.GetSites()) > 0 {
		return spec.GetSites()[0].GetName()
	}
	return ""
}

// Order returns the names of d's sites to show, in order: the hub, the spokes in the
// spec's order, then the sites that only steps name, in the steps' order. Steps across
// sites ("") are not in it.
func Order(d *orchestratorv1.Deployment) []string {
	hub := Hub(d.GetSpec())
	var order []string
	if hub != "" {
		order = append(order, hub)
	}
	for _, s := range d.GetSpec().GetSites() {
		if s.GetName() != hub {
			order = append(order, s.GetName())
		}
	}
	for _, st := range d.GetStatus().GetSteps() {
		if site := st.GetSite(); site != "" && !slices.Contains(order, site) {
			order = append(order, site)
		}
	}
	return order
}

// Rank returns where a site goes in d's Order; steps across sites ("") and unknown
// sites go after every site.
func Rank(d *orchestratorv1.Deployment) func(site string) int {
	order := Order(d)
	return func(site string) int {
		if i := slices.Index(order, site); i >= 0 {
			return i
		}
		return len(order)
	}
}

// Steps returns d's steps grouped by site in Order, each site's in status order (the
// dataflow's), then the steps across sites.
func Steps(d *orchestratorv1.Deployment) []*orchestratorv1.Step {
	rank := Rank(d)
	steps := slices.Clone(d.GetStatus().GetSteps())
	slices.SortStableFunc(steps, func(a, b *orchestratorv1.Step) int { return rank(a.GetSite()) - rank(b.GetSite()) })
	return steps
}

// Describe says what a site is in d: "hub on azure", "spoke on stamp1", or "removed" for a
// site that steps name and the spec no longer has; "across sites" for "".
func Describe(d *orchestratorv1.Deployment, site string) string {
	if site == "" {
		return "across sites"
	}
	i := slices.IndexFunc(d.GetSpec().GetSites(), func(s *orchestratorv1.Site) bool { return s.GetName() == site })
	if i < 0 {
		return "removed"
	}
	role := "spoke"
	if site == Hub(d.GetSpec()) {
		role = "hub"
	}
	return role + " on " + d.GetSpec().GetSites()[i].GetCloud()
}

// Label is a step's name without its site's prefix: connection/edge1 for hub/connection/edge1.
func Label(st *orchestratorv1.Step) string {
	return strings.TrimPrefix(st.GetName(), st.GetSite()+"/")
}
