package server

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/compute/internal/networkinterface"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
)

// watchInterval is how often an adopted operation's resource is read again.
const watchInterval = time.Second

// resume polls the operation a handle describes once: the ARM operation its resume token
// names, or, for adopted operations, the resource itself.
func (s *Server) resume(ctx context.Context, h handle.Handle) (lro.Step, error) {
	c, ok := s.clouds.Lookup(h.Cloud)
	if !ok {
		return lro.Step{}, status.Errorf(codes.FailedPrecondition, "the operation's cloud %q is no longer configured", h.Cloud)
	}
	var (
		st    lro.Step
		err   error
		armID string
	)
	switch n, kind := parseAny(h.Resource); kind {
	case "networkInterfaces":
		armID = n.ARMID(c.conn.Subscription, "Microsoft.Network")
		st, err = resumeNIC(ctx, c, n, h)
	case "virtualMachines":
		armID = n.ARMID(c.conn.Subscription, "Microsoft.Compute")
		st, err = resumeVM(ctx, c, n, h)
	default:
		return lro.Step{}, status.Errorf(codes.InvalidArgument, "the operation's resource %q is not one of this service's", h.Resource)
	}
	if err != nil {
		return st, err
	}
	st.Metadata = metadata(h, armID, "")
	return st, nil
}

// parseAny parses a resource name of any shape this service serves.
func parseAny(name string) (names.Name, string) {
	for _, kind := range []string{"networkInterfaces", "virtualMachines"} {
		if n, err := names.Parse(name, kind); err == nil {
			return n, kind
		}
	}
	return names.Name{}, ""
}

func resumeNIC(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	switch h.Verb {
	case lro.VerbWatch:
		nic, err := c.nics.Get(ctx, n.ResourceGroup, n.ID())
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.Watched(nicState(nic), h.Resource, func() (proto.Message, error) { return nicToAPI(n.Cloud, nic), nil })
	case "delete":
		op, err := c.nics.Delete(ctx, n.ResourceGroup, n.ID(), h.Token)
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.StepOf(ctx, op, h.Resource, lro.Empty)
	}
	op, err := c.nics.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), networkinterface.Model{}, h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, func(m *networkinterface.Model) (proto.Message, error) { return nicToAPI(n.Cloud, m), nil })
}

// resumeVM polls a virtual machine's operation; creates, updates and power actions end with
// the virtual machine read again with its instance view, for its power state.
func resumeVM(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	reread := func() (proto.Message, error) { return readVM(ctx, c, n) }
	switch h.Verb {
	case lro.VerbWatch:
		vm, err := c.vms.Get(ctx, n.ResourceGroup, n.ID())
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.Watched(vmState(vm), h.Resource, func() (proto.Message, error) { return vmToAPI(n.Cloud, vm), nil })
	case "delete":
		op, err := c.vms.Delete(ctx, n.ResourceGroup, n.ID(), h.Token)
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.StepOf(ctx, op, h.Resource, lro.Empty)
	case "create", "update":
		op, err := c.vms.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), virtualmachine.Model{}, h.Token)
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.StepOf(ctx, op, h.Resource, func(*virtualmachine.Model) (proto.Message, error) { return reread() })
	}
	action, ok := powerActions[h.Verb]
	if !ok {
		return lro.Step{}, status.Errorf(codes.InvalidArgument, "the operation's verb %q is not one of this service's", h.Verb)
	}
	op, err := c.vms.Power(ctx, n.ResourceGroup, n.ID(), action, h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, func(struct{}) (proto.Message, error) { return reread() })
}
