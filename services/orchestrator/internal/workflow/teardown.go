package workflow

import (
	"errors"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// teardownOrder is the graph backwards, as the kinds of what teardown and rollback delete,
// one tier after the other.
var teardownOrder = []string{
	kindConnection, kindLocalGateway, kindVirtualMachine, kindNetworkInterface,
	kindGateway, kindPublicIP, kindVirtualNetwork, kindResourceGroup,
}

// tier returns the position of a resource's kind, without the VM's name of VM kinds
// (virtual-machine/vm1 is virtual-machine), in teardownOrder.
func tier(r Resource) int {
	kind, _, _ := strings.Cut(r.Kind, "/")
	return slices.Index(teardownOrder, kind)
}

// teardown deletes everything the deployment created, in reverse order, and marks it
// DELETED; when a deletion fails, it marks it FAILED with the reason and keeps what it
// could not delete, for another teardown.
func (d *deployment) teardown(ctx workflow.Context) {
	d.status.State = orchestratorv1.DeploymentStatus_STATE_DELETING
	d.status.Steps = nil
	d.status.Error = ""
	d.publish(ctx)
	defer d.publish(ctx)
	if err := d.remove(ctx, slices.Clone(d.created)); err != nil {
		d.status.State = orchestratorv1.DeploymentStatus_STATE_FAILED
		d.status.Error = "teardown: " + err.Error()
		return
	}
	d.status.State = orchestratorv1.DeploymentStatus_STATE_DELETED
	d.status.Outputs = nil
	d.deleted = true
}

// remove deletes resources in teardownOrder: one tier after the other, the resources of a
// tier at once, each as a step appended to the status, and forgets each one deleted. It
// skips the tiers after one where a deletion failed (or after the deployment was
// canceled) and returns the first failure.
func (d *deployment) remove(ctx workflow.Context, resources []Resource) error {
	tiers := make([][]*step, len(teardownOrder))
	for _, r := range resources {
		s := &step{
			status: &orchestratorv1.Step{Name: r.Site + "/delete-" + r.Kind, Site: r.Site, Resource: r.Name, State: orchestratorv1.Step_STATE_PENDING},
			kind:   r.Kind,
		}
		s.done, s.settle = workflow.NewFuture(ctx)
		tiers[tier(r)] = append(tiers[tier(r)], s)
	}
	var previous []string
	for _, t := range tiers {
		var names []string
		for _, s := range t {
			s.status.DependsOn = previous
			d.status.Steps = append(d.status.Steps, s.status)
			names = append(names, s.status.GetName())
		}
		if len(names) > 0 {
			previous = names
		}
	}
	var failed error
	for _, t := range tiers {
		if failed != nil || ctx.Err() != nil {
			for _, s := range t {
				s.skip()
			}
			continue
		}
		futures := make([]workflow.Future, len(t))
		for i, s := range t {
			del := func(ctx workflow.Context) workflow.Future {
				s.start(workflow.Now(ctx))
				return workflow.ExecuteActivity(withActivityOptions(ctx, s), DeleteResource, DeleteRequest{Resource: s.status.GetResource()})
			}
			prev := sameGateway(t, i)
			if prev < 0 {
				futures[i] = del(ctx)
				continue
			}
			// ARM runs one operation at a time on a gateway: a hub's connections go one
			// after the other rather than be refused while another is deleted
			f, settle := workflow.NewFuture(ctx)
			workflow.Go(ctx, func(ctx workflow.Context) {
				_ = futures[prev].Get(ctx, nil)
				settle.Chain(del(ctx))
			})
			futures[i] = f
		}
		for i, s := range t {
			err := futures[i].Get(ctx, nil)
			s.end(workflow.Now(ctx), err)
			if err != nil {
				if failed == nil {
					failed = errors.New(failure(s))
				}
				continue
			}
			d.forget(s.status.GetResource())
		}
	}
	return failed
}

// sameGateway returns the index of the last step before i in tier t that deletes a connection
// of the same site (so on the same gateway) as step i, or -1 when step i is not a
// connection's deletion or is the site's first.
func sameGateway(t []*step, i int) int {
	if tier(Resource{Kind: t[i].kind}) != slices.Index(teardownOrder, kindConnection) {
		return -1
	}
	for j := i - 1; j >= 0; j-- {
		if t[j].status.GetSite() == t[i].status.GetSite() {
			return j
		}
	}
	return -1
}

// forget removes a deleted resource from what the deployment created.
func (d *deployment) forget(name string) {
	d.created = slices.DeleteFunc(d.created, func(r Resource) bool { return r.Name == name })
}
