package workflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"go.temporal.io/sdk/workflow"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// deployment is the state of one deployment's workflow.
type deployment struct {
	// in is what the deployment applies; the last apply's input.
	in Input
	// status is the deployment's status.
	status *orchestratorv1.DeploymentStatus
	// created is what the deployment created and has not deleted, in creation order.
	created []Resource
	// lock lets one apply or teardown run at a time.
	lock workflow.Mutex
	// gateways hold, by gateway name, the connection step writing on that gateway (holdGateway).
	gateways map[string]workflow.Mutex
	// tearingDown is set from the moment a teardown is accepted until it fails; applies
	// are refused meanwhile.
	tearingDown bool
	// deleted is set once a teardown has deleted everything.
	deleted bool
	// stopping is set by UpdateStop until the apply it stops has ended.
	stopping bool
	// applying is set while an apply runs.
	applying bool
	// updated is when the status last changed state.
	updated time.Time
	// published is the state last written to StateAttribute (and StatusMemo) in this run.
	published orchestratorv1.DeploymentStatus_State
}

// stateAttributeChange and statusMemoChange name the changes that made the workflow publish
// its state and its status, so that histories from before them replay without the upserts
// they never had.
const (
	stateAttributeChange = "state-search-attribute"
	statusMemoChange     = "status-memo"
)

// publish writes, when the deployment's state changed, the state to StateAttribute, the
// deployment as GetDeployment shows it to the StatusMemo memo, and the time to
// UpdateTimeAttribute: the API reads them from Temporal's visibility and
// DescribeWorkflowExecution. Only changes of state are published, not every step: each
// upsert is an event holding the whole deployment, and the largest deployment has 413
// steps and a spec of a few hundred kilobytes; the steps of a deployment at work are read by
// query. Workflows started before publishing existed (their histories hold no version
// marker for it) keep running without it.
func (d *deployment) publish(ctx workflow.Context) {
	ctx, _ = workflow.NewDisconnectedContext(ctx) // a canceled apply still says where it stopped
	st := d.status.GetState()
	if st == d.published || workflow.GetVersion(ctx, stateAttributeChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, StateAttribute.ValueSet(strings.TrimPrefix(st.String(), "STATE_"))); err != nil {
		workflow.GetLogger(ctx).Warn("publishing the deployment's state", "error", err)
		return
	}
	d.published = st
	if workflow.GetVersion(ctx, statusMemoChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	if err := workflow.UpsertMemo(ctx, map[string]any{StatusMemo: d.view()}); err != nil {
		workflow.GetLogger(ctx).Warn("publishing the deployment's status", "error", err)
		return
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, UpdateTimeAttribute.ValueSet(workflow.Now(ctx))); err != nil {
		workflow.GetLogger(ctx).Warn("publishing the deployment's update time", "error", err)
	}
}

// Deployment is the workflow of one deployment, registered as Name: a long-lived entity.
// On its first run it applies in (the graph of steps graph.go builds), or, when in is not
// one it can run (checkInput), records it FAILED with the reason; then it stays, answers
// QueryStatus, checks itself for drift while READY (check.go), re-applies on UpdateApply,
// rotates its key on UpdateRotateKey and tears down on UpdateTeardown, one at a time,
// and returns once torn down. While idle, when Temporal suggests it, it continues as new
// with its status and what it created. Canceled, it stops at a safe point, records where
// (FAILED, its running steps canceled and the rest skipped), and ends canceled.
func Deployment(ctx workflow.Context, in Input) (*orchestratorv1.Deployment, error) {
	if in.CreateTime.IsZero() {
		in.CreateTime = workflow.Now(ctx)
	}
	d := &deployment{in: in, status: in.Status, created: in.Created, lock: workflow.NewMutex(ctx), updated: in.CreateTime}
	first := d.status == nil
	if first {
		d.status = &orchestratorv1.DeploymentStatus{State: orchestratorv1.DeploymentStatus_STATE_PENDING, TraceId: in.TraceID}
	}
	if err := d.register(ctx); err != nil {
		return nil, err
	}
	d.publish(ctx)
	if first {
		if err := d.lock.Lock(ctx); err != nil {
			return nil, err
		}
		if err := checkInput(in); err != nil {
			d.refuse(ctx, err)
		} else {
			d.apply(ctx, d.in.TraceID)
		}
		d.lock.Unlock()
	}
	err := d.idle(ctx, func() bool {
		return d.deleted || workflow.AllHandlersFinished(ctx) && workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	})
	// A teardown's handler, or an apply's stopped by cancellation, may still be returning;
	// waiting on a disconnected context cannot fail.
	done, _ := workflow.NewDisconnectedContext(ctx)
	_ = workflow.Await(done, func() bool { return workflow.AllHandlersFinished(done) })
	switch {
	case err != nil:
		return nil, err
	case d.deleted:
		return d.view(), nil
	}
	return nil, workflow.NewContinueAsNewError(ctx, Name, d.carry())
}

// checkInput refuses an input whose graph the workflow cannot run: a spec with fewer than
// two sites or more than deployrules.MaxSites, a hub that names no site, or more virtual
// machines than deployrules allows, past which the steps could outgrow Temporal's limits on
// one workflow (2000 pending activities) and its workflow task would fail for ever.
// Validation proper happens before the workflow; this holds for inputs that did not come
// through it.
func checkInput(in Input) error {
	sites := in.Spec.GetSites()
	if len(sites) < 2 || len(sites) > deployrules.MaxSites {
		return fmt.Errorf("a deployment has 2-%d sites (a hub and its spokes), not %d", deployrules.MaxSites, len(sites))
	}
	if deployrules.HubIndex(in.Spec) < 0 {
		return fmt.Errorf("hub %.16q names no site", in.Spec.GetHub())
	}
	vms := 0
	for _, site := range sites {
		n := len(site.GetVirtualMachines())
		if n > deployrules.MaxVirtualMachines {
			return fmt.Errorf("site %.16q has %d virtual machines, more than the %d a deployment's workflow can run within Temporal's limits; split them across deployments",
				site.GetName(), n, deployrules.MaxVirtualMachines)
		}
		vms += n
	}
	if vms > deployrules.MaxDeploymentVirtualMachines {
		return fmt.Errorf("the sites have %d virtual machines, more than the %d a deployment's workflow can run within Temporal's limits; split them across deployments",
			vms, deployrules.MaxDeploymentVirtualMachines)
	}
	return nil
}

// refuse records that the deployment's first apply was refused with err, before any
// step: it is FAILED with the reason, has created nothing, and stays to be deleted (or
// re-applied with an input it can run).
func (d *deployment) refuse(ctx workflow.Context, err error) {
	d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
	d.status.Error = "refused: " + err.Error() + "; nothing was created"
	d.updated = workflow.Now(ctx)
	d.publish(ctx)
}

// carry returns the input of the next run: the same deployment, with its status and what
// it created.
func (d *deployment) carry() Input {
	next := d.in
	next.Status = d.status
	next.Created = d.created
	return next
}

// register sets the query and update handlers.
func (d *deployment) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (*orchestratorv1.Deployment, error) {
		return d.view(), nil
	}); err != nil {
		return err
	}
	// each update's handler and validator, in the order they are set
	for _, u := range []struct {
		name               string
		handler, validator any
	}{
		{UpdateApply, d.reapply, d.validateApply},
		{UpdateRepair, d.repair, d.validateRepair},
		{UpdateProbe, d.probeNow, d.validateProbe},
		{UpdateCheck, d.checkNow, d.validateCheck},
		{UpdateRotateKey, d.rotateKey, d.validateRotate},
		{UpdateStop, d.stop, d.validateStop},
		{UpdateTeardown, d.tearDown, d.validateTeardown},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	return nil
}

// errNotApplying refuses a stop when no apply runs.
var errNotApplying = errors.New("no apply is in progress")

// validateStop accepts a stop while an apply runs.
func (d *deployment) validateStop(workflow.Context) error {
	if !d.applying {
		return errNotApplying
	}
	return nil
}

// stop handles UpdateStop: the running apply starts no further step.
func (d *deployment) stop(workflow.Context) (*orchestratorv1.Deployment, error) {
	d.stopping = true
	return d.view(), nil
}

// errTearingDown refuses what cannot happen once a teardown is accepted.
var errTearingDown = errors.New("the deployment is being torn down")

// live refuses what cannot happen once a teardown is accepted or done.
func (d *deployment) live() error {
	if d.tearingDown || d.deleted {
		return errTearingDown
	}
	return nil
}

// locked runs run once no other apply, rotation or teardown runs (it takes the lock),
// unless check, made with the lock held, refuses; it returns the deployment.
func (d *deployment) locked(ctx workflow.Context, check func() error, run func()) (*orchestratorv1.Deployment, error) {
	if err := d.lock.Lock(ctx); err != nil {
		return nil, err
	}
	defer d.lock.Unlock()
	if err := check(); err != nil {
		return nil, err
	}
	run()
	return d.view(), nil
}

// validateApply accepts a re-apply of this deployment with an input it can run unless it is being
// torn down; the spec's validation proper happens before the update.
func (d *deployment) validateApply(_ workflow.Context, in Input) error {
	if err := d.live(); err != nil {
		return err
	}
	if in.Name != d.in.Name {
		return fmt.Errorf("the input is for deployment %q, not %q", in.Name, d.in.Name)
	}
	return checkInput(in)
}

// reapply handles UpdateApply: once no other apply or teardown runs, it applies in (its
// name, spec and site policies; a spec without a shared key keeps the deployment's) and
// returns the deployment, READY or FAILED. Its steps
// have no trace id: their spans are in the trace of the update's caller.
func (d *deployment) reapply(ctx workflow.Context, in Input) (*orchestratorv1.Deployment, error) {
	return d.locked(ctx, d.live, func() {
		if in.Spec.GetConnection().GetSharedKey() == "" {
			// a re-apply that does not name a key keeps the deployment's
			in.Spec = proto.Clone(in.Spec).(*orchestratorv1.DeploymentSpec)
			if in.Spec.Connection == nil {
				in.Spec.Connection = &orchestratorv1.ConnectionSpec{}
			}
			in.Spec.Connection.SharedKey = d.in.Spec.GetConnection().GetSharedKey()
		}
		d.in.Spec, d.in.Policies, d.in.Replace = in.Spec, in.Policies, in.Replace
		d.apply(ctx, "")
	})
}

// validateRepair accepts a repair of a deployment that has been applied and is not being
// torn down.
func (d *deployment) validateRepair(workflow.Context) error {
	if err := d.live(); err != nil {
		return err
	}
	if len(d.status.GetSteps()) == 0 && d.status.GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED {
		return errors.New("the deployment has not been applied yet; there is nothing to repair")
	}
	return nil
}

// repair handles UpdateRepair: once no other apply or teardown runs, it applies the
// deployment's last input again and returns the deployment, READY or FAILED.
func (d *deployment) repair(ctx workflow.Context) (*orchestratorv1.Deployment, error) {
	return d.locked(ctx, d.live, func() { d.apply(ctx, "") })
}

// validateTeardown accepts one teardown at a time, and none once the deployment is
// deleted.
func (d *deployment) validateTeardown(workflow.Context) error { return d.live() }

// tearDown handles UpdateTeardown: it refuses applies from now on, and once no apply
// runs, tears the deployment down and returns it, DELETED or FAILED.
func (d *deployment) tearDown(ctx workflow.Context) (*orchestratorv1.Deployment, error) {
	d.tearingDown = true
	defer func() { d.tearingDown = d.deleted; d.updated = workflow.Now(ctx) }()
	if err := d.lock.Lock(ctx); err != nil {
		return nil, err
	}
	defer d.lock.Unlock()
	d.teardown(ctx)
	return d.view(), nil
}
