package lro

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/names"
)

// Kinds is a service's table of resumable operations: for each shape of resource name it
// serves, how to resume an operation on such a resource, on a cloud whose clients are C.
type Kinds[C any] struct {
	// Cloud looks up a configured cloud's clients; Subscription is that cloud's subscription.
	Cloud        func(id string) (C, bool)
	Subscription func(C) string
	// Metadata is the service's OperationMetadata (Server.Metadata).
	Metadata func(h handle.Handle, armID, state string) proto.Message
	Kinds    []Kind[C]
}

// Kind is how operations on one shape of resource name are resumed.
type Kind[C any] struct {
	// Collections is the shape below the resource group, as for names.Parse: none for a
	// resource group itself.
	Collections []string
	// Provider is the ARM provider namespace of the resource's id; empty for a resource group.
	Provider string
	// Resume polls an operation on the resource n names once.
	Resume func(ctx context.Context, c C, n names.Name, h handle.Handle) (Step, error)
}

// Resume polls the operation a handle describes once, by the kind whose shape its resource
// has: the ARM operation its resume token names, or, for adopted operations, the resource
// itself.
func (t Kinds[C]) Resume(ctx context.Context, h handle.Handle) (Step, error) {
	c, ok := t.Cloud(h.Cloud)
	if !ok {
		return Step{}, status.Errorf(codes.FailedPrecondition, "the operation's cloud %q is no longer configured", h.Cloud)
	}
	for _, k := range t.Kinds {
		n, err := names.Parse(h.Resource, k.Collections...)
		if err != nil || n.Cloud != h.Cloud {
			continue
		}
		st, err := k.Resume(ctx, c, n, h)
		if err != nil {
			return st, err
		}
		st.Metadata = t.Metadata(h, n.ARMID(t.Subscription(c), k.Provider), "")
		return st, nil
	}
	return Step{}, status.Errorf(codes.InvalidArgument, "the operation's resource %q is not one of this service's", h.Resource)
}

// Resource is what resuming the operations ensure and delete start on one resource takes;
// M is ARM's model of it.
type Resource[M any] struct {
	Get func(ctx context.Context) (M, error)
	// Put resumes a PUT from its resume token.
	Put    func(ctx context.Context, token string) (Op[M], error)
	Delete func(ctx context.Context, token string) (Op[struct{}], error)
	State  func(M) string
	// Render converts ARM's model into the API message.
	Render func(M) (proto.Message, error)
}

// Resume polls a delete or a PUT (a create or update) once, or follows the resource itself
// for an adopted operation (VerbWatch).
func (r Resource[M]) Resume(ctx context.Context, h handle.Handle) (Step, error) {
	switch h.Verb {
	case VerbWatch:
		m, err := r.Get(ctx)
		if err != nil {
			return Step{}, apierr.FromARM(err, h.Resource)
		}
		return Watched(r.State(m), h.Resource, func() (proto.Message, error) { return r.Render(m) })
	case "delete":
		op, err := r.Delete(ctx, h.Token)
		if err != nil {
			return Step{}, apierr.FromARM(err, h.Resource)
		}
		return StepOf(ctx, op, h.Resource, Empty)
	}
	op, err := r.Put(ctx, h.Token)
	if err != nil {
		return Step{}, apierr.FromARM(err, h.Resource)
	}
	return StepOf(ctx, op, h.Resource, r.Render)
}
