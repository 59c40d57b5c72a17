package kind

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
)

// Type is one resource type of a service whose clouds' clients are C, as its Get, List,
// Create and Delete handlers and the resuming of its operations need it.
type Type[C, S, M any, A Message] struct {
	// Of is the type's kind on the cloud whose clients are given.
	Of func(C) Kind[S, M, A]
	// Provider is the ARM provider namespace of its resources' IDs.
	Provider string
	// Collections is the shape of its resources' names below the resource group (see
	// names.Parse); the last is its own collection, those before it its parent's.
	Collections []string
}

// TypeOf is the type under the ARM provider namespace provider whose kind on a cloud is
// of's and whose names have the shape collections.
func TypeOf[C, S, M any, A Message](provider string, of func(C) Kind[S, M, A], collections ...string) Type[C, S, M, A] {
	return Type[C, S, M, A]{Of: of, Provider: provider, Collections: collections}
}

// parent is the shape of the names of the resources the type's are below.
func (t Type[C, S, M, A]) parent() []string { return t.Collections[:len(t.Collections)-1] }

// Get reads the resource name names.
func (t Type[C, S, M, A]) Get(ctx context.Context, cs Clouds[C], name string) (A, error) {
	n, c, err := cs.Parse(name, "name", t.Collections...)
	if err != nil {
		var zero A
		return zero, err
	}
	return Get(ctx, t.Of(c), n)
}

// ListRequest is a List request of the API.
type ListRequest interface {
	GetParent() string
	GetPageSize() int32
	GetPageToken() string
}

// List returns one page of the resources below a List request's parent, and the next
// page's token.
func (t Type[C, S, M, A]) List(ctx context.Context, cs Clouds[C], req ListRequest) ([]A, string, error) {
	n, c, err := cs.Parse(req.GetParent(), "parent", t.parent()...)
	if err != nil {
		return nil, "", err
	}
	return List(ctx, t.Of(c), n, req.GetPageSize(), req.GetPageToken())
}

// Delete starts deleting the resource name names.
func (t Type[C, S, M, A]) Delete(ctx context.Context, cs Clouds[C], name string) (*longrunningpb.Operation, error) {
	n, c, err := cs.Parse(name, "name", t.Collections...)
	if err != nil {
		return nil, err
	}
	return Delete(ctx, cs.Operations, t.Of(c), n, n.ARMID(cs.Subscription(c), t.Provider))
}

// CreateRequest is a Create request of the API. With fresh_resource_group, the caller
// created the resource group and nothing exists there yet: Create writes without reading.
type CreateRequest interface {
	proto.Message
	GetParent() string
	GetFreshResourceGroup() bool
}

// CheckResource checks what every Create request holds: the new resource's id, field_id
// (names.CheckID), and the resource itself, field, which is required. It reports whether the
// resource is there to check further.
func CheckResource(v *apierr.Violations, field, id string, resource proto.Message) bool {
	v.Check(field+"_id", names.CheckID(id))
	if !resource.ProtoReflect().IsValid() {
		v.Add(field, "required")
		return false
	}
	return true
}

// Reference parses the resource name a request's field holds, a reference to another
// resource, which must be on cloud, the referring resource's (SameCloud). It reports whether
// the name is one to use; a violation on field says why not.
func Reference(v *apierr.Violations, field, name, cloud string, collections ...string) (names.Name, bool) {
	n, err := names.Parse(name, collections...)
	if err != nil {
		v.Add(field, "%v", err)
		return n, false
	}
	return n, SameCloud(v, field, n, cloud)
}

// SameCloud checks that ref, which a request's field refers to, is on cloud, the referring
// resource's: no resource refers to another cloud's.
func SameCloud(v *apierr.Violations, field string, ref names.Name, cloud string) bool {
	if ref.Cloud != cloud {
		v.Add(field, "%s is on cloud %q; it must be on %q, the cloud of the resource that refers to it", ref, ref.Cloud, cloud)
		return false
	}
	return true
}

// Want is what a Create wants of the resource it ensures, whose ARM model is M.
type Want[M any] struct {
	// Matches says whether an existing one already is what the request wants; its error
	// refuses the request.
	Matches func(M) (bool, error)
	// Model is what to PUT, when that does not depend on what exists.
	Model M
	// Put writes it where that depends on what exists (cur, or nil on create); without
	// Put, Model is PUT.
	Put func(ctx context.Context, cur *M) (lro.Op[M], error)
	// Location is where the request wants the resource, when it must not be elsewhere: an
	// existing one in another location refuses the request (Fixed), as ARM cannot move a
	// resource, before Matches is asked. Empty wants none: the resource stays where it is.
	Location string
}

// Fixed refuses a Create that would change what ARM cannot change on the existing resource
// n: its property (location, SKU), which is have, not want.
func Fixed(n names.Name, property, have, want string) error {
	return status.Errorf(codes.FailedPrecondition, "%s already exists with %s %s, not %s; its %s cannot change: delete it first or pick another name",
		n, property, have, want, property)
}

// matches is w's Matches of the resource n, after the check of its Location against the
// existing resource's (location).
func (w *Want[M]) matches(location func(M) string, n names.Name) func(M) (bool, error) {
	if w.Location == "" {
		return w.Matches
	}
	return func(cur M) (bool, error) {
		if have := location(cur); !azsdk.SameLocation(have, w.Location) {
			return false, Fixed(n, "location", have, w.Location)
		}
		return w.Matches(cur)
	}
}

// Create answers a Create request for the resource whose ID is id (see Ensure), after
// checking it against the service's limits and parsing its parent: want checks the rest of
// the request and says what it wants of the resource n names, on the cloud whose clients
// are c.
func (t Type[C, S, M, A]) Create(ctx context.Context, cs Clouds[C], req CreateRequest, id string,
	want func(ctx context.Context, c C, n names.Name) (*Want[M], error)) (*longrunningpb.Operation, error) {
	if err := cs.Limits.Err(req); err != nil {
		return nil, err
	}
	parent, c, err := cs.Parse(req.GetParent(), "parent", t.parent()...)
	if err != nil {
		return nil, err
	}
	n := parent.Child(t.Collections[len(t.Collections)-1], id)
	w, err := want(ctx, c, n)
	if err != nil {
		return nil, err
	}
	k := t.Of(c)
	put := w.Put
	if put == nil {
		put = func(ctx context.Context, _ *M) (lro.Op[M], error) { return k.Put(ctx, k.in(n), n.ID(), w.Model, "") }
	}
	return Ensure(ctx, cs.Operations, k, n, n.ARMID(cs.Subscription(c), t.Provider), w.matches(k.Location, n), put, req.GetFreshResourceGroup())
}

// Resumable is how the type's operations resume (an lro.Kind).
func (t Type[C, S, M, A]) Resumable() lro.Kind[C] {
	return lro.Kind[C]{Collections: t.Collections, Provider: t.Provider, Resume: ResumeOf(t.Of)}
}
