package workflow

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/types/known/timestamppb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// driftCheckChange names the change that made an idle deployment check itself for drift
// every check interval, so that histories from before it replay waiting without a timer.
const driftCheckChange = "drift-check"

// checkTimeout bounds one drift check.
const checkTimeout = 10 * time.Minute

// idle waits until the deployment is deleted or done (Temporal suggests continuing as new
// with no handler running), checking it for drift every check interval meanwhile while it
// is READY and nothing else runs on it, and, with DRIFT_POLICY_REPAIR, re-applying it when
// a check finds drift; and rotating its key when connection.rotate_every says.
func (d *deployment) idle(ctx workflow.Context, done func() bool) error {
	interval := checkInterval(ctx)
	if interval == 0 && !d.rotates() || workflow.GetVersion(ctx, driftCheckChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return workflow.Await(ctx, done)
	}
	// a deployment that checks nothing but rotates looks again this often when a rotation
	// could not run (not READY)
	again := interval
	if again == 0 {
		again = DefaultCheckInterval
	}
	nextCheck := workflow.Now(ctx).Add(interval)
	for {
		now := workflow.Now(ctx)
		wake := now.Add(again)
		if interval > 0 {
			wake = nextCheck
		}
		if due, ok := d.rotationDue(); ok && due.After(now) && due.Before(wake) {
			wake = due
		}
		ok, err := workflow.AwaitWithTimeout(ctx, max(wake.Sub(now), time.Second), done)
		if err != nil || ok {
			return err
		}
		if d.status.GetState() != orchestratorv1.DeploymentStatus_STATE_READY || d.applying || d.tearingDown {
			nextCheck = workflow.Now(ctx).Add(interval)
			continue
		}
		if err := d.lock.Lock(ctx); err != nil {
			return err
		}
		ready := d.status.GetState() == orchestratorv1.DeploymentStatus_STATE_READY && !d.tearingDown
		if due, ok := d.rotationDue(); ready && ok && !workflow.Now(ctx).Before(due) {
			d.scheduledRotation(ctx)
		}
		if ready && interval > 0 && !workflow.Now(ctx).Before(nextCheck) {
			nextCheck = workflow.Now(ctx).Add(interval)
			d.check(ctx)
			if len(d.status.GetDrift().GetFindings()) > 0 && d.in.Spec.GetDriftPolicy() == orchestratorv1.DeploymentSpec_DRIFT_POLICY_REPAIR {
				d.apply(ctx, "") // the repair a re-apply of the same spec would make
			}
		}
		d.lock.Unlock()
	}
}

// rotates reports whether the spec rotates its key on a schedule.
func (d *deployment) rotates() bool {
	_, ok := d.rotationDue()
	return ok
}

// validateCheck accepts a check of a deployment that is not being torn down, once it has
// been applied.
func (d *deployment) validateCheck(workflow.Context) error {
	switch {
	case d.tearingDown || d.deleted:
		return errTearingDown
	case d.applying:
		return errors.New("an apply is in progress; check once it is READY")
	case len(d.status.GetSteps()) == 0:
		return errors.New("the deployment has not been applied; there is nothing to check")
	}
	return nil
}

// checkNow handles UpdateCheck: once no apply, rotation or teardown runs, it checks the
// deployment and returns it.
func (d *deployment) checkNow(ctx workflow.Context) (*orchestratorv1.Deployment, error) {
	return d.locked(ctx, func() error { return d.validateCheck(ctx) }, func() { d.check(ctx) })
}

// check runs CheckResources on the deployment's last input, adds what the last probe did
// not reach (the check does not probe: that writes), and records what it found as the
// status's drift, publishing the deployment when the findings changed. A check that
// could not run (the services unreachable for its whole time-out) is a finding itself.
func (d *deployment) check(ctx workflow.Context) {
	req := CheckRequest{Input: d.in, GatewayIPs: d.gatewayIPs()}
	opts := workflow.ActivityOptions{
		ActivityID:             "check",
		StartToCloseTimeout:    checkTimeout,
		HeartbeatTimeout:       heartbeatTimeout(ctx),
		RetryPolicy:            retryPolicy,
		ScheduleToCloseTimeout: checkTimeout,
	}
	var found []*orchestratorv1.Drift
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), CheckResources, req).Get(ctx, &found); err != nil {
		found = []*orchestratorv1.Drift{{Description: "the check could not read the clouds: " + err.Error()}}
	}
	for _, p := range d.status.GetOutputs().GetProbes() {
		if !p.GetIcmp() || !p.GetTcp() {
			found = append(found, &orchestratorv1.Drift{Step: p.GetSourceSite() + "/" + kindProbe + "/" + p.GetSourceVm(),
				Description: fmt.Sprintf("the last probe from %s/%s did not reach %s/%s (%s); ProbeDeployment probes again", p.GetSourceSite(), p.GetSourceVm(), p.GetTargetSite(), p.GetTargetVm(), p.GetTargetIp())})
		}
	}
	before := d.status.GetDrift().GetFindings()
	d.status.Drift = &orchestratorv1.DriftReport{CheckTime: timestamppb.New(workflow.Now(ctx)), Findings: found}
	if !sameDrift(before, found) {
		d.updated = workflow.Now(ctx)
		d.published = orchestratorv1.DeploymentStatus_STATE_UNSPECIFIED // publish again, though the state is the same
		d.publish(ctx)
	}
}

// sameDrift reports whether two lists of findings say the same.
func sameDrift(a, b []*orchestratorv1.Drift) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].GetResource() != b[i].GetResource() || a[i].GetDescription() != b[i].GetDescription() {
			return false
		}
	}
	return true
}

// gatewayIPs maps each local network gateway of the deployment to the public IP of the
// gateway it stands for, as the last apply recorded it.
func (d *deployment) gatewayIPs() map[string]string {
	sites := d.in.Spec.GetSites()
	ips := map[string]string{}
	for _, p := range deployrules.Peerings(d.in.Spec) {
		if p.Peer >= len(d.status.GetOutputs().GetSites()) {
			continue
		}
		site, peer := sites[p.Site], sites[p.Peer]
		if ip := d.status.GetOutputs().GetSites()[p.Peer].GetGatewayIpAddress(); ip != "" {
			ips[siteNames(site).localGateway(site.GetName(), peer.GetName())] = ip
		}
	}
	return ips
}
