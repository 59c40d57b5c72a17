package server

import (
	"context"

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

// resumable is the service's table of operations a handle can resume.
func (s *Server) resumable() lro.Kinds[*clients] {
	return lro.Kinds[*clients]{
		Cloud:        s.clouds.Lookup,
		Subscription: func(c *clients) string { return c.conn.Subscription },
		Metadata:     metadata,
		Kinds: []lro.Kind[*clients]{
			{Collections: []string{"networkInterfaces"}, Provider: "Microsoft.Network", Resume: resumeNIC},
			{Collections: []string{"virtualMachines"}, Provider: "Microsoft.Compute", Resume: resumeVM},
		},
	}
}

func resumeNIC(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	return lro.Resource[*networkinterface.Model]{
		Get: func(ctx context.Context) (*networkinterface.Model, error) {
			return c.nics.Get(ctx, n.ResourceGroup, n.ID())
		},
		Put: func(ctx context.Context, token string) (lro.Op[*networkinterface.Model], error) {
			return c.nics.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), networkinterface.Model{}, token)
		},
		Delete: func(ctx context.Context, token string) (lro.Op[struct{}], error) {
			return c.nics.Delete(ctx, n.ResourceGroup, n.ID(), token)
		},
		State:  nicState,
		Render: func(m *networkinterface.Model) (proto.Message, error) { return nicToAPI(n.Cloud, m), nil },
	}.Resume(ctx, h)
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
