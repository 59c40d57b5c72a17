package activities

import (
	"context"
	"fmt"
	"path"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/probe"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// probeExtension is the name of the CustomScript extension the probe runs as on each VM.
const probeExtension = "hybridlink-probe"

// ProbeVM runs the data-plane probe (package probe) on a VM through the CustomScript
// extension (Microsoft.Azure.Extensions/CustomScript 2.0, which both clouds offer), a new
// run each time (req.RunTag), resuming the extension's operation a previous attempt started,
// reads the run's output (one more read: the operation's answer has no instance view), and
// returns what the VM saw of each target. A run that fails, or whose output has no
// line for a target, fails the step for good: the probe could not tell.
func (a *Activities) ProbeVM(ctx context.Context, req workflow.ProbeRequest) ([]*orchestratorv1.ProbeResult, error) {
	annotate(ctx, path.Dir(path.Dir(req.Resource))) // the VM's resource group, as the other steps name their parent
	ips := make([]string, len(req.Targets))
	for i, t := range req.Targets {
		ips[i] = t.IP
	}
	create := &computev1.CreateVirtualMachineExtensionRequest{Parent: req.Resource, VirtualMachineExtensionId: probeExtension,
		VirtualMachineExtension: &computev1.VirtualMachineExtension{Location: req.Location, Publisher: "Microsoft.Azure.Extensions",
			Type: "CustomScript", TypeHandlerVersion: "2.0", Command: probe.Script(ips), RunTag: req.RunTag},
		FreshResourceGroup: req.FreshResourceGroup}
	if activity.GetInfo(ctx).Attempt > 1 {
		unfresh(create)
	}
	_, err := a.operate(ctx, a.ComputeOperations, workflow.CloudOf(req.Resource), starting(a.Compute.CreateVirtualMachineExtension, create))
	if err != nil {
		return nil, fail(ctx, err)
	}
	// the operation's answer has no instance view: the run's output is read with one more GET
	ext, err := a.Compute.GetVirtualMachineExtension(ctx, &computev1.GetVirtualMachineExtensionRequest{Name: req.Resource + "/extensions/" + probeExtension})
	if err != nil {
		return nil, fail(ctx, err)
	}
	seen, err := probe.Parse(ext.GetStatusMessage(), ips)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("the probe on %s: %v", req.Resource, err), "FailedPrecondition", nil)
	}
	out := make([]*orchestratorv1.ProbeResult, len(seen))
	for i, r := range seen {
		t := req.Targets[i]
		out[i] = &orchestratorv1.ProbeResult{SourceSite: req.Site, SourceVm: req.VM, TargetSite: t.Site, TargetVm: t.VM, TargetIp: t.IP,
			Icmp: r.ICMP, Tcp: r.TCP, LossPercent: int32(r.Loss), RttMs: r.RTTms}
	}
	return out, nil
}
