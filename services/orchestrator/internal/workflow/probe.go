package workflow

import (
	"fmt"
	"sort"
	"strings"

	"go.temporal.io/sdk/workflow"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// probeChange names the change that made an apply probe the data plane after verify, so
// that histories from before it replay without the probe.
const probeChange = "probe"

// kindProbe is the kind of a probe step: {site}/probe/{vm}.
const kindProbe = "probe"

// probe runs the data-plane probe: every VM, at once, probes the VMs it should reach
// through the tunnels (those of the sites it has a tunnel to, and with transit the other
// spokes' through the hub), each as a step appended to the status; the results go to the
// outputs; each step depends on the steps named after (verify, in an apply) and carries
// stepTrace, as the apply's steps do (apply); fresh says, by site, whether the apply created
// the site's resource group (nil outside an apply). A site without
// VMs is named in the outputs' probe note. It returns a description
// of what failed to reach (or could not be probed), "" when everything did.
func (d *deployment) probe(ctx workflow.Context, stepTrace string, fresh map[string]func() bool, after ...string) string {
	outputs := d.status.GetOutputs()
	outputs.Probes, outputs.ProbeNote = nil, ""
	if d.in.Spec.GetProbePolicy() == orchestratorv1.DeploymentSpec_PROBE_POLICY_OFF {
		outputs.ProbeNote = "the probe is off (probe_policy PROBE_POLICY_OFF)"
		return ""
	}
	sites := d.in.Spec.GetSites()
	var empty, windows []string
	for _, s := range sites {
		if len(linuxVMs(s)) == 0 {
			empty = append(empty, s.GetName())
		}
		for _, vm := range s.GetVirtualMachines() {
			if deployrules.IsWindows(vm) {
				windows = append(windows, s.GetName()+"/"+vm.GetName())
			}
		}
	}
	var notes []string
	if len(empty) > 0 {
		notes = append(notes, fmt.Sprintf("site %s has no Linux VMs: its tunnels are verified Connected, not probed", strings.Join(empty, ", ")))
	}
	if len(windows) > 0 {
		notes = append(notes, fmt.Sprintf("Windows VMs are not probed (the probe is a Linux script, and Windows answers neither ping nor port 22 by default): %s", strings.Join(windows, ", ")))
	}
	outputs.ProbeNote = strings.Join(notes, "; ")
	var steps []*step
	var futures []workflow.Future
	results := make([][]*orchestratorv1.ProbeResult, 0)
	for i, site := range sites {
		targets := d.probeTargets(i)
		if len(targets) == 0 {
			continue
		}
		n := siteNames(site)
		for _, vm := range linuxVMs(site) {
			s := &step{status: &orchestratorv1.Step{Name: site.GetName() + "/" + kindProbe + "/" + vm.GetName(), Site: site.GetName(),
				Resource: n.vmName(vm.GetName()), State: orchestratorv1.Step_STATE_PENDING, DependsOn: after, TraceId: stepTrace}, kind: kindProbe + "/" + vm.GetName()}
			s.done, s.settle = workflow.NewFuture(ctx)
			d.status.Steps = append(d.status.Steps, s.status)
			s.start(workflow.Now(ctx))
			req := ProbeRequest{Site: site.GetName(), VM: vm.GetName(), Resource: n.vmName(vm.GetName()), Location: site.GetLocation(),
				Targets: targets, RunTag: workflow.Now(ctx).UnixNano()}
			if f := fresh[site.GetName()]; f != nil {
				req.FreshResourceGroup = f()
			}
			steps = append(steps, s)
			futures = append(futures, workflow.ExecuteActivity(withActivityOptions(ctx, s), ProbeVM, req))
			results = append(results, nil)
		}
	}
	var failed []string
	for i, s := range steps {
		err := futures[i].Get(ctx, &results[i])
		s.end(workflow.Now(ctx), err)
		if err != nil {
			failed = append(failed, failure(s))
			continue
		}
		for _, r := range results[i] {
			outputs.Probes = append(outputs.Probes, r)
			if !r.GetIcmp() || !r.GetTcp() {
				failed = append(failed, fmt.Sprintf("%s/%s cannot reach %s/%s (%s) through the tunnel (icmp %v, tcp %v)",
					r.GetSourceSite(), r.GetSourceVm(), r.GetTargetSite(), r.GetTargetVm(), r.GetTargetIp(), ok(r.GetIcmp()), ok(r.GetTcp())))
			}
		}
	}
	return strings.Join(failed, "; ")
}

// linuxVMs returns a site's VMs that the probe runs on and probes: not the Windows ones.
func linuxVMs(site *orchestratorv1.Site) []*orchestratorv1.VirtualMachineSpec {
	var out []*orchestratorv1.VirtualMachineSpec
	for _, vm := range site.GetVirtualMachines() {
		if !deployrules.IsWindows(vm) {
			out = append(out, vm)
		}
	}
	return out
}

// ok words a probe's answer.
func ok(b bool) string {
	if b {
		return "ok"
	}
	return "fail"
}

// probeTargets lists the VMs site i's VMs should reach, by their private IPs in the outputs:
// those of every site it has a tunnel to, and, with transit, for a spoke the other spokes'.
func (d *deployment) probeTargets(i int) []ProbeTarget {
	spec, sites := d.in.Spec, d.in.Spec.GetSites()
	reach := map[int]bool{}
	for _, p := range deployrules.Peerings(spec) {
		if p.Site == i {
			reach[p.Peer] = true
		}
	}
	if hub := deployrules.HubIndex(spec); spec.GetTransit() && i != hub {
		for j := range sites {
			if j != i && j != hub {
				reach[j] = true
			}
		}
	}
	var out []ProbeTarget
	for j := range sites {
		if !reach[j] || j >= len(d.status.GetOutputs().GetSites()) {
			continue
		}
		ips := d.status.GetOutputs().GetSites()[j].GetVmPrivateIps()
		var vms []string
		for _, vm := range linuxVMs(sites[j]) {
			vms = append(vms, vm.GetName())
		}
		sort.Strings(vms)
		for _, vm := range vms {
			if ips[vm] != "" {
				out = append(out, ProbeTarget{Site: sites[j].GetName(), VM: vm, IP: ips[vm]})
			}
		}
	}
	return out
}

// validateProbe accepts a probe of a READY deployment nothing else changes.
func (d *deployment) validateProbe(ctx workflow.Context) error {
	if d.status.GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		return fmt.Errorf("the deployment is %s; the probe runs on a READY deployment", d.status.GetState())
	}
	return d.validateCheck(ctx)
}

// probeNow handles UpdateProbe: once nothing else runs on the deployment, it probes again;
// with PROBE_POLICY_REQUIRED, a probe that fails leaves the deployment FAILED with what
// did not reach.
func (d *deployment) probeNow(ctx workflow.Context) (*orchestratorv1.Deployment, error) {
	return d.locked(ctx, func() error { return d.validateProbe(ctx) }, func() {
		d.status.Steps = nil
		if failed := d.probe(ctx, "", nil); failed != "" && d.in.Spec.GetProbePolicy() != orchestratorv1.DeploymentSpec_PROBE_POLICY_ADVISORY {
			d.status.State, d.status.Error = orchestratorv1.DeploymentStatus_STATE_FAILED, "probe: "+failed
		}
		d.updated = workflow.Now(ctx)
		d.published = orchestratorv1.DeploymentStatus_STATE_UNSPECIFIED // publish the new results
		d.publish(ctx)
	})
}
