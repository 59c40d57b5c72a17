package workflow

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"go.temporal.io/sdk/workflow"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// Step kinds of a key rotation.
const (
	kindSetKey     = "set-shared-key"
	kindRestoreKey = "restore-shared-key"
)

// validateRotate accepts a rotation of a READY deployment that no apply or teardown is
// changing, with a key ARM takes.
func (d *deployment) validateRotate(_ workflow.Context, in RotateKeyInput) error {
	switch {
	case d.tearingDown || d.deleted:
		return errTearingDown
	case d.applying:
		return errors.New("an apply is in progress; rotate the key once it is READY")
	case d.status.GetState() != orchestratorv1.DeploymentStatus_STATE_READY:
		return fmt.Errorf("the deployment is %s; a key is rotated on a READY deployment: apply it again first", d.status.GetState())
	case azrules.SharedKeyProblem(in.Key) != "" || in.Key == "":
		return errors.New("the new key is not one ARM takes") // never quoted
	}
	return nil
}

// rotateKey handles UpdateRotateKey: it sets in.Key on both ends of every tunnel at once
// (a hub's ends one after another, as ARM runs them on its gateway), then verifies every
// connection Connected and records the outage, from the first end set to all Connected.
// When an end cannot take the key, the ends that took it get the old key back, so no tunnel
// is left with two keys, and the deployment is FAILED saying so.
func (d *deployment) rotateKey(ctx workflow.Context, in RotateKeyInput) (*orchestratorv1.Deployment, error) {
	return d.locked(ctx, func() error { return d.validateRotate(ctx, in) }, func() { d.rotate(ctx, in.Key) })
}

// rotate sets key on every connection, as rotateKey describes; the lock is held.
func (d *deployment) rotate(ctx workflow.Context, key string) {
	old := d.in.Spec.GetConnection().GetSharedKey()
	d.status.State, d.status.Steps, d.status.Error = orchestratorv1.DeploymentStatus_STATE_APPLYING, nil, ""
	d.updated = workflow.Now(ctx)
	d.publish(ctx)
	defer d.publish(ctx)
	began := workflow.Now(ctx)
	ends := d.ends()
	took, err := d.setKeys(ctx, ends, key, kindSetKey)
	if err != nil {
		d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
		d.status.Error = "rotating the shared key: " + err.Error()
		var back []end
		for _, e := range ends {
			if took[e.connection] {
				back = append(back, e)
			}
		}
		if _, rerr := d.setKeys(ctx, back, old, kindRestoreKey); rerr != nil {
			d.status.Error += "; putting the old key back failed too, so some connections have the new key: rotate again: " + rerr.Error()
		} else {
			d.status.Error += "; every connection has the old key again"
		}
		return
	}
	spec := proto.Clone(d.in.Spec).(*orchestratorv1.DeploymentSpec)
	spec.Connection.SharedKey = key
	d.in.Spec = spec
	d.status.State = orchestratorv1.DeploymentStatus_STATE_VERIFYING
	d.publish(ctx)
	var names []string
	for _, e := range ends {
		names = append(names, e.connection)
	}
	verify := &step{status: &orchestratorv1.Step{Name: kindVerify, Resource: "", State: orchestratorv1.Step_STATE_PENDING}, kind: kindVerify}
	d.status.Steps = append(d.status.Steps, verify.status)
	verify.start(workflow.Now(ctx))
	verify.done, verify.settle = workflow.NewFuture(ctx)
	err = workflow.ExecuteActivity(withActivityOptions(ctx, verify), VerifyConnections, VerifyRequest{Connections: names, Timeout: verifyTimeout}).Get(ctx, nil)
	verify.end(workflow.Now(ctx), err)
	d.status.KeyRotation = &orchestratorv1.KeyRotation{Time: timestamppb.New(began), Outage: durationpb.New(workflow.Now(ctx).Sub(began))}
	if err != nil {
		d.status.State, d.status.Error = orchestratorv1.DeploymentStatus_STATE_FAILED, "the new key is set on every connection, but "+failure(verify)
		return
	}
	d.status.State = orchestratorv1.DeploymentStatus_STATE_READY
	d.updated = workflow.Now(ctx)
}

// rotationDue returns when the spec's rotate_every next rotates the key (from the last
// rotation, or the deployment's creation), and false when it rotates never.
func (d *deployment) rotationDue() (time.Time, bool) {
	every := d.in.Spec.GetConnection().GetRotateEvery().AsDuration()
	if every <= 0 {
		return time.Time{}, false
	}
	last := d.in.CreateTime
	if kr := d.status.GetKeyRotation(); kr != nil {
		last = kr.GetTime().AsTime()
	}
	return last.Add(every), true
}

// scheduledRotation rotates the key with a new one from crypto/rand, made in a side effect
// (recorded, encrypted, in the history, so replays use the same); the lock is held.
func (d *deployment) scheduledRotation(ctx workflow.Context) {
	var key string
	if err := workflow.SideEffect(ctx, func(workflow.Context) any { return deployrules.GenerateKey() }).Get(&key); err != nil {
		d.status.Error = "a scheduled key rotation could not make a key: " + err.Error()
		return
	}
	d.rotate(ctx, key)
}

// end is one tunnel end of the deployment: a site's connection to a peer.
type end struct {
	site, peer, connection, gateway string
	// shared is set when the site has several ends, which share its gateway.
	shared bool
}

// ends lists the deployment's tunnel ends in deployrules.Peerings' order.
func (d *deployment) ends() []end {
	sites := d.in.Spec.GetSites()
	peerings := deployrules.Peerings(d.in.Spec)
	count := map[int]int{}
	for _, p := range peerings {
		count[p.Site]++
	}
	out := make([]end, 0, len(peerings))
	for _, p := range peerings {
		n, site, peer := siteNames(sites[p.Site]), sites[p.Site].GetName(), sites[p.Peer].GetName()
		out = append(out, end{site: site, peer: peer, connection: n.connection(site, peer), gateway: n.gateway, shared: count[p.Site] > 1})
	}
	return out
}

// setKeys sets key on each end's connection, each as a step of kind appended to the status,
// all at once but for the ends that share a gateway, and returns which connections took it
// and the first failure.
func (d *deployment) setKeys(ctx workflow.Context, ends []end, key, kind string) (map[string]bool, error) {
	steps := make([]*step, len(ends))
	for i, e := range ends {
		name := e.site + "/" + kind
		if e.shared {
			name += "/" + e.peer
		}
		s := &step{status: &orchestratorv1.Step{Name: name, Site: e.site, Resource: e.connection, State: orchestratorv1.Step_STATE_PENDING}, kind: kind}
		s.done, s.settle = workflow.NewFuture(ctx)
		steps[i] = s
		d.status.Steps = append(d.status.Steps, s.status)
		workflow.Go(ctx, func(ctx workflow.Context) {
			s.start(workflow.Now(ctx))
			var err error
			if e.shared {
				if err = d.holdGateway(ctx, e.gateway); err == nil {
					defer d.gateways[e.gateway].Unlock()
				}
			}
			if err == nil {
				err = workflow.ExecuteActivity(withActivityOptions(ctx, s), SetSharedKey,
					&gatewayv1.SetConnectionSharedKeyRequest{Name: e.connection, SharedKey: key}).Get(ctx, nil)
			}
			s.end(workflow.Now(ctx), err)
		})
	}
	took := map[string]bool{}
	var failed error
	for i, s := range steps {
		_ = s.done.Get(ctx, nil)
		if s.succeeded() {
			took[ends[i].connection] = true
		} else if failed == nil {
			failed = errors.New(failure(s))
		}
	}
	return took, failed
}
