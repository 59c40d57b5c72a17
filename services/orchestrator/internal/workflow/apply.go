package workflow

import (
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// apply runs the graph of the deployment's input under a new status: every step in its
// own coroutine, each once the steps it depends on have succeeded, so that the apply
// takes the graph's critical path. A step that fails for good fails the deployment and
// skips the steps that depend on it; the others run on. Then, with
// FAILURE_POLICY_ROLLBACK, it deletes what this apply created. Canceled, it stops
// starting steps, waits for the running activities to stop, and records where it
// stopped; stopped by UpdateStop, it starts no further step and lets the running ones
// finish. The status carries the deployment's trace id, and each step stepTrace: the
// trace its activity's span is in.
func (d *deployment) apply(ctx workflow.Context, stepTrace string) {
	d.status = &orchestratorv1.DeploymentStatus{
		State:       orchestratorv1.DeploymentStatus_STATE_APPLYING,
		Outputs:     newOutputs(d.in.Spec),
		TraceId:     d.in.TraceID,
		KeyRotation: d.status.GetKeyRotation(),
	}
	d.publish(ctx)
	defer d.publish(ctx)
	if err := d.replace(ctx); err != nil {
		d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
		d.status.Error = "replacing a gateway: " + err.Error() + "; apply again to go on"
		return
	}
	g := build(d.in, d.status.Outputs.Sites, false)
	for _, s := range g.steps {
		s.done, s.settle = workflow.NewFuture(ctx)
		s.status.TraceId = stepTrace
		d.status.Steps = append(d.status.Steps, s.status)
	}
	createdBefore := len(d.created)
	d.applying, d.stopping, d.updated = true, false, workflow.Now(ctx)
	defer func() { d.applying, d.stopping, d.updated = false, false, workflow.Now(ctx) }()
	for _, s := range g.steps {
		workflow.Go(ctx, func(ctx workflow.Context) { d.run(ctx, s) })
	}
	for _, s := range g.steps {
		_ = s.done.Get(ctx, nil)
	}
	switch {
	case ctx.Err() != nil:
		d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
		if d.status.Error != "" {
			d.status.Error = "canceled after " + d.status.Error
		} else {
			d.status.Error = "canceled: stopped at a safe point"
		}
	case d.stopping:
		d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
		if d.status.Error != "" {
			d.status.Error = "stopped after " + d.status.Error
		} else {
			d.status.Error = "stopped at a safe point on request: the steps that had started finished, the rest were skipped; apply again or delete"
		}
	case d.status.Error != "":
		if d.in.Spec.GetFailurePolicy() == orchestratorv1.DeploymentSpec_FAILURE_POLICY_ROLLBACK {
			d.status.State = orchestratorv1.DeploymentStatus_STATE_DELETING
			d.publish(ctx)
			if err := d.remove(ctx, slices.Clone(d.created[createdBefore:])); err != nil {
				d.status.Error += "; rollback failed: " + err.Error()
			} else {
				d.status.Error += "; rolled back"
			}
		}
		d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
	default:
		if err := d.prune(ctx, g); err != nil {
			d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
			d.status.Error = "removing what the spec no longer has: " + err.Error()
			return
		}
		if workflow.GetVersion(ctx, probeChange, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
			if failed := d.probe(ctx, stepTrace, g.fresh, kindVerify); failed != "" && d.in.Spec.GetProbePolicy() != orchestratorv1.DeploymentSpec_PROBE_POLICY_ADVISORY {
				d.status.State, d.status.Error = orchestratorv1.DeploymentStatus_STATE_FAILED, "probe: "+failed
				return
			}
		}
		d.status.State = orchestratorv1.DeploymentStatus_STATE_READY
	}
}

// replace deletes the gateways of d.in.Replace that the deployment created, and their
// site's connections first, so that the graph creates them again with their new SKU; the
// peers' local network gateways then take the new gateways' public IPs as the graph ensures
// them.
func (d *deployment) replace(ctx workflow.Context) error {
	if len(d.in.Replace) == 0 {
		return nil
	}
	doomed := map[string]bool{}
	sites := d.in.Spec.GetSites()
	for _, p := range deployrules.Peerings(d.in.Spec) {
		site, peer := sites[p.Site], sites[p.Peer]
		n := siteNames(site)
		if slices.Contains(d.in.Replace, n.gateway) {
			doomed[n.gateway] = true
			doomed[n.connection(site.GetName(), peer.GetName())] = true
		}
	}
	var stale []Resource
	for _, r := range d.created {
		if doomed[r.Name] {
			stale = append(stale, r)
		}
	}
	return d.remove(ctx, stale)
}

// pruneChange names the change that made an apply delete what the deployment created and
// its spec no longer has, so that histories from before it replay without those deletions.
const pruneChange = "prune-removed"

// prune deletes, once an apply has succeeded, what the deployment created and the applied
// graph no longer ensures: a removed spoke's resources, and the hub's local network gateway
// and connection for it. Nothing else is touched.
func (d *deployment) prune(ctx workflow.Context, g *graph) error {
	ensured := map[string]bool{}
	for _, s := range g.steps {
		ensured[s.status.GetResource()] = true
	}
	var stale []Resource
	for _, r := range d.created {
		if !ensured[r.Name] {
			stale = append(stale, r)
		}
	}
	if len(stale) == 0 || workflow.GetVersion(ctx, pruneChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	return d.remove(ctx, stale)
}

// run runs one step once its dependencies have ended: it skips the step if one of them
// did not succeed or the deployment was canceled, and otherwise runs its activity and
// records how it went. A step that fails for good sets the deployment's error, unless an
// earlier one did.
func (d *deployment) run(ctx workflow.Context, s *step) {
	for _, dep := range s.deps {
		_ = dep.done.Get(ctx, nil)
	}
	for _, dep := range s.deps {
		if !dep.succeeded() {
			s.skip()
			return
		}
	}
	if ctx.Err() != nil || d.stopping {
		s.skip()
		return
	}
	s.start(workflow.Now(ctx))
	if s.kind == kindVerify {
		d.status.State = orchestratorv1.DeploymentStatus_STATE_VERIFYING
		d.publish(ctx)
	}
	req, err := s.request()
	if err == nil && s.gateway != "" {
		if err = d.holdGateway(ctx, s.gateway); err == nil {
			defer d.gateways[s.gateway].Unlock()
		}
	}
	if err == nil {
		if s.creates() {
			d.remember(Resource{Site: s.status.GetSite(), Kind: s.kind, Name: s.status.GetResource()})
		}
		err = workflow.ExecuteActivity(withActivityOptions(ctx, s), s.activity, req).Get(ctx, s.result)
	}
	if err == nil && s.record != nil {
		s.record()
	}
	s.end(workflow.Now(ctx), err)
	if err != nil && !temporal.IsCanceledError(err) && d.status.Error == "" {
		d.status.Error = failure(s)
	}
}

// holdGateway waits until no other step of the deployment writes a connection on gateway,
// and holds it: a hub's connections are written one after another, in the order their spokes
// get there, rather than refused by ARM while another is written. The wait is part of the
// step's running time.
func (d *deployment) holdGateway(ctx workflow.Context, gateway string) error {
	if d.gateways == nil {
		d.gateways = map[string]workflow.Mutex{}
	}
	m, ok := d.gateways[gateway]
	if !ok {
		m = workflow.NewMutex(ctx)
		d.gateways[gateway] = m
	}
	return m.Lock(ctx)
}

// remember adds r to what the deployment created, unless it is there already (an earlier
// apply created it).
func (d *deployment) remember(r Resource) {
	for _, c := range d.created {
		if c.Name == r.Name {
			return
		}
	}
	d.created = append(d.created, r)
}
