// Package kind is the generic Get, List, Create (ensure), Delete and resume of the resource
// services: a Kind says what that code needs of one ARM resource type on one cloud, so that
// each resource's handlers are a configuration and a few lines. It also states once the
// bounds their requests' fields share (Bound), which the orchestrator's deployment limits
// read too where a deployment asks for the same thing.
package kind

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/paging"
)

// Message is a resource message of an API.
type Message interface {
	proto.Message
	GetName() string
}

// Kind is what the generic code needs of one resource type on one cloud: S is where its
// resources are, as its resource client takes it (a resource group's name, or a resource
// group and parent for child types), M is ARM's model, A the API message.
type Kind[S, M any, A Message] struct {
	// In is where the resources below parent are: Group for most types.
	In   func(parent names.Name) S
	Get  func(ctx context.Context, in S, name string) (M, error)
	List func(ctx context.Context, in S) ([]M, error)
	// Put starts a PUT of m, or resumes the one a token describes (m is then unused).
	Put    func(ctx context.Context, in S, name string, m M, token string) (lro.Op[M], error)
	Delete func(ctx context.Context, in S, name, token string) (lro.Op[struct{}], error)
	State  func(M) string
	// Location is where a resource is, as ARM names the location.
	Location func(M) string
	// Render converts ARM's model into the API message.
	Render func(ctx context.Context, m M) (A, error)
}

// Client reads and writes the resources of one type, as armclient.Client does: S is where
// they are, M ARM's model.
type Client[S, M any] interface {
	Get(ctx context.Context, in S, name string) (*M, error)
	List(ctx context.Context, in S) ([]*M, error)
	CreateOrUpdate(ctx context.Context, in S, name string, m M, resumeToken string) (lro.Op[*M], error)
	Delete(ctx context.Context, in S, name, resumeToken string) (lro.Op[struct{}], error)
}

// Of is the kind of the resources cl reads and writes: in and render as in Kind, its state
// ARM's provisioning state (azsdk.State), its location ARM's (azsdk.Location).
func Of[S, M any, A Message](cl Client[S, M], in func(parent names.Name) S, render func(context.Context, *M) (A, error)) Kind[S, *M, A] {
	return Kind[S, *M, A]{
		In:   in,
		Get:  cl.Get,
		List: cl.List,
		Put: func(ctx context.Context, in S, name string, m *M, token string) (lro.Op[*M], error) {
			var v M
			if m != nil {
				v = *m
			}
			return cl.CreateOrUpdate(ctx, in, name, v, token)
		},
		Delete:   cl.Delete,
		State:    azsdk.State[M],
		Location: azsdk.Location[M],
		Render:   render,
	}
}

// Plain is the Render of a kind whose API message is toAPI's of ARM's model on a cloud,
// reading nothing more.
func Plain[M any, A Message](cloud string, toAPI func(cloud string, m M) A) func(context.Context, M) (A, error) {
	return func(_ context.Context, m M) (A, error) { return toAPI(cloud, m), nil }
}

// APIName is the resource name of the ARM ID armID on cloud, whose collections a service
// spells as known does (names.FromARMID), or the ID itself when it is not one of those: a
// service's messages name its own resources and those it references by their names.
func APIName(cloud, armID string, known map[string]string) string {
	n, err := names.FromARMID(cloud, armID, known)
	if err != nil {
		return armID
	}
	return n.String()
}

// Group is the In of a resource type whose resources are a resource group's.
func Group(parent names.Name) string { return parent.ResourceGroup }

// Child is the In of a child resource type (a virtual network's subnets): its parent's
// resource group and name.
func Child(parent names.Name) armclient.Parent {
	return armclient.Parent{ResourceGroup: parent.ResourceGroup, Name: parent.ID()}
}

// in is where the resource n names is.
func (k Kind[S, M, A]) in(n names.Name) S { return k.In(n.Parent()) }

// Clouds is a service's clouds, whose clients are C, as the named helpers need them.
type Clouds[C any] struct {
	*cloud.PerCloud[C]
	// Subscription is a cloud's subscription.
	Subscription func(C) string
	// Operations serves the service's long-running operations.
	Operations *lro.Server
	// Limits bound the service's requests.
	Limits apierr.Limits
}

// ListClients is the clients of the cloud a List request's parent is on, once the request
// is checked: parsed is the error of parsing the parent, named with a bad page size or
// token in one error.
func (cs Clouds[C]) ListClients(req ListRequest, cloud string, parsed error) (C, error) {
	v := paging.Request(req.GetPageSize(), req.GetPageToken())
	if parsed != nil {
		v.Add("parent", "%v", parsed)
	}
	if err := v.Err(); err != nil {
		var zero C
		return zero, err
	}
	return cs.Get(cloud, "parent")
}

// Service is what Build needs of a resource service whose clouds' clients are C.
type Service[C any] struct {
	// Clients builds one cloud's clients.
	Clients func(*cloud.Conn) (C, error)
	// Subscription is a cloud's subscription.
	Subscription func(C) string
	// Metadata builds the service's OperationMetadata (lro.Server's Metadata).
	Metadata func(h handle.Handle, armID, state string) proto.Message
	// Kinds are how the service's operations resume, by shape of resource name (lro.Kinds).
	Kinds []lro.Kind[C]
	// Limits bound the service's requests.
	Limits apierr.Limits
}

// Build builds the clients of every configured cloud and the operations server of the
// service svc describes, whose handles sealer seals.
func Build[C any](reg *cloud.Registry, sealer *handle.Sealer, svc Service[C]) (Clouds[C], error) {
	per, err := cloud.Build(reg, svc.Clients)
	if err != nil {
		return Clouds[C]{}, err
	}
	ops := &lro.Server{Sealer: sealer, Metadata: svc.Metadata}
	ops.Resume = lro.Kinds[C]{Cloud: per.Lookup, Subscription: svc.Subscription, Metadata: svc.Metadata, Kinds: svc.Kinds}.Resume
	return Clouds[C]{PerCloud: per, Subscription: svc.Subscription, Operations: ops, Limits: svc.Limits}, nil
}

// Get reads the resource n names.
func Get[S, M any, A Message](ctx context.Context, k Kind[S, M, A], n names.Name) (A, error) {
	m, err := k.Get(ctx, k.in(n), n.ID())
	if err != nil {
		var zero A
		return zero, apierr.FromARM(err, n.String())
	}
	return k.Render(ctx, m)
}

// List returns one page of the resources of the kind below parent, sorted by name.
func List[S, M any, A Message](ctx context.Context, k Kind[S, M, A], parent names.Name, size int32, token string) ([]A, string, error) {
	items, err := k.List(ctx, k.In(parent))
	if err != nil {
		return nil, "", apierr.FromARM(err, parent.String())
	}
	out := make([]A, 0, len(items))
	for _, m := range items {
		a, err := k.Render(ctx, m)
		if err != nil {
			return nil, "", err
		}
		out = append(out, a)
	}
	paging.SortByName(out)
	page, next, err := paging.Page(out, size, token)
	if err != nil {
		return nil, "", apierr.Invalid("page_token", "%v", err)
	}
	return page, next, nil
}

// Ensure is a Create's ensure (lro.Ensure) of the resource n names, of kind k: matches says
// whether an existing one already is what the request wants, put writes it (cur is what
// exists, or nil on create); fresh creates it without reading first.
func Ensure[S, M any, A Message](ctx context.Context, ops *lro.Server, k Kind[S, M, A], n names.Name, armID string,
	matches func(M) (bool, error), put func(ctx context.Context, cur *M) (lro.Op[M], error), fresh bool) (*longrunningpb.Operation, error) {
	return lro.Ensure(ctx, ops, n.Cloud, n.String(), armID, lro.Ensurer[M]{
		Get:     func(ctx context.Context) (M, error) { return k.Get(ctx, k.in(n), n.ID()) },
		State:   k.State,
		Matches: matches,
		Render:  func(m M) (proto.Message, error) { return k.Render(ctx, m) },
		Put:     put,
		Fresh:   fresh,
	})
}

// Delete starts deleting the resource n names, of kind k.
func Delete[S, M any, A Message](ctx context.Context, ops *lro.Server, k Kind[S, M, A], n names.Name, armID string) (*longrunningpb.Operation, error) {
	op, err := k.Delete(ctx, k.in(n), n.ID(), "")
	return lro.Begin(ops, n.Cloud, n.String(), "delete", armID, op, err)
}

// Resume polls a create, update or delete of the resource n names, of kind k, or follows
// the resource itself for an adopted operation.
func Resume[S, M any, A Message](ctx context.Context, k Kind[S, M, A], n names.Name, h handle.Handle) (lro.Step, error) {
	in := k.in(n)
	return lro.Resource[M]{
		Get: func(ctx context.Context) (M, error) { return k.Get(ctx, in, n.ID()) },
		Put: func(ctx context.Context, token string) (lro.Op[M], error) {
			var unused M
			return k.Put(ctx, in, n.ID(), unused, token)
		},
		Delete: func(ctx context.Context, token string) (lro.Op[struct{}], error) {
			return k.Delete(ctx, in, n.ID(), token)
		},
		State:  k.State,
		Render: func(m M) (proto.Message, error) { return k.Render(ctx, m) },
	}.Resume(ctx, h)
}

// Resumed polls op once (lro.StepOf), the operation on resource that a handle's token
// resumed, or passes on ARM's err when it could not be resumed.
func Resumed[T any](ctx context.Context, op lro.Op[T], err error, resource string, toAPI func(T) (proto.Message, error)) (lro.Step, error) {
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, resource)
	}
	return lro.StepOf(ctx, op, resource, toAPI)
}

// ResumeOf is the lro.Kind Resume of the kind a cloud's clients give.
func ResumeOf[C, S, M any, A Message](kindOf func(C) Kind[S, M, A]) func(context.Context, C, names.Name, handle.Handle) (lro.Step, error) {
	return func(ctx context.Context, c C, n names.Name, h handle.Handle) (lro.Step, error) {
		return Resume(ctx, kindOf(c), n, h)
	}
}
