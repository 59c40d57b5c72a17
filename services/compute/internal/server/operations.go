package server

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
)

// resumable is how the service's operations resume, by shape of resource name.
var resumable = []lro.Kind[*clients]{
	nicType.Resumable(),
	extType.Resumable(),
	{Collections: vmType.Collections, Provider: vmType.Provider, Resume: resumeVM},
}

// resumeVM polls a virtual machine's operation; creates, updates and power actions end with
// the virtual machine read again with its instance view, for its power state.
func resumeVM(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	k := vmType.Of(c)
	reread := func() (proto.Message, error) { return kind.Get(ctx, k, n) }
	switch h.Verb {
	case lro.VerbWatch, "delete":
		return kind.Resume(ctx, k, n, h)
	case "create", "update":
		op, err := k.Put(ctx, n.ResourceGroup, n.ID(), nil, h.Token)
		return kind.Resumed(ctx, op, err, h.Resource, func(*virtualmachine.Model) (proto.Message, error) { return reread() })
	}
	action, ok := powerActions[h.Verb]
	if !ok {
		return lro.Step{}, status.Errorf(codes.InvalidArgument, "the operation's verb %q is not one of this service's", h.Verb)
	}
	op, err := c.vms.Power(ctx, n.ResourceGroup, n.ID(), action, h.Token)
	return kind.Resumed(ctx, op, err, h.Resource, func(struct{}) (proto.Message, error) { return reread() })
}
