package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
)

// printSites prints a table of d's sites, the hub first: each site's role and cloud, its
// gateway's IP ("(adopted)" when the deployment adopted it) and VMs, and a row per
// connection with the peer, its status and the bytes each way; a hub has one per spoke, on
// rows of their own below the first. A site without connections (a cancelled deployment)
// shows - for them.
func printSites(w io.Writer, d *orchestratorv1.Deployment) {
	outs := d.GetStatus().GetOutputs().GetSites()
	if len(outs) == 0 {
		return
	}
	rank := sites.Rank(d)
	outs = slices.Clone(outs)
	slices.SortStableFunc(outs, func(a, b *orchestratorv1.SiteOutputs) int { return rank(a.GetSite()) - rank(b.GetSite()) })
	spec := map[string]*orchestratorv1.Site{}
	for _, s := range d.GetSpec().GetSites() {
		spec[s.GetName()] = s
	}
	hub := sites.Hub(d.GetSpec())
	var table strings.Builder
	tw := newTable(&table)
	fmt.Fprintln(tw, "\nSITE\tROLE\tCLOUD\tGATEWAY IP\tPEER\tCONNECTION\tIN\tOUT\tVMS")
	for _, s := range outs {
		role := "spoke"
		if s.GetSite() == hub {
			role = "hub"
		}
		ip := dash(s.GetGatewayIpAddress())
		if spec[s.GetSite()].GetExisting().GetVpnGateway() != "" {
			ip += " (adopted)"
		}
		vms := make([]string, 0, len(s.GetVmPrivateIps()))
		for _, vm := range slices.Sorted(maps.Keys(s.GetVmPrivateIps())) {
			vms = append(vms, vm+" "+s.GetVmPrivateIps()[vm])
		}
		conns := s.GetConnections()
		if len(conns) == 0 {
			conns = []*orchestratorv1.ConnectionOutputs{nil}
		}
		site := strings.Join([]string{s.GetSite(), role, spec[s.GetSite()].GetCloud(), ip}, "\t")
		machines := dash(strings.Join(vms, ", "))
		for i, c := range conns {
			if i > 0 {
				site, machines = "\t\t\t", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", site, connectionRow(c), machines)
		}
	}
	tw.Flush()
	for line := range strings.Lines(table.String()) { // a hub's connection rows end in blank cells
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

// connectionRow is a connection's peer, status and bytes in and out, tab-separated; - for
// each of them without a connection.
func connectionRow(c *orchestratorv1.ConnectionOutputs) string {
	if c == nil {
		return "-\t-\t-\t-"
	}
	return strings.Join([]string{dash(c.GetPeer()), connectionStatus(c.GetStatus()), byteCount(c.GetIngressBytes()), byteCount(c.GetEgressBytes())}, "\t")
}

// connectionStatus is a connection's status without its prefix, CONNECTED for
// STATUS_CONNECTED, and - when unknown (not verified yet).
func connectionStatus(s gatewayv1.Connection_Status) string {
	if s == gatewayv1.Connection_STATUS_UNSPECIFIED {
		return "-"
	}
	return strings.TrimPrefix(s.String(), "STATUS_")
}
