// Package armclient is the services' one ARM adapter: a resource type's reads and writes on
// Azure and on Azure Stack Hub, in the current SDK module's model whichever profile the
// cloud speaks.
//
// A Client is built from each profile's SDK calls (Get, the list pager, BeginCreateOrUpdate,
// BeginDelete): Group and Children build it from the SDK clients' constructors where their
// methods are those calls as they are, Profile and Child from calls a resource package
// writes where they are not. The Client converts between the profile's model and the
// current one (azsdk.Convert), drains pagers and wraps pollers as lro.Ops. A response
// converts as the model it embeds, whose JSON methods it promotes.
package armclient

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Client reads and writes one ARM resource type, whose current model is M, on one cloud.
// S says where the resources are: a resource group's name for most types, a resource group
// and parent for child types such as subnets.
type Client[M, S any] struct {
	get  func(ctx context.Context, in S, name string) (any, error)
	list Lister[M, S]
	put  func(ctx context.Context, in S, name string, m M, token string) (lro.Op[*M], error)
	del  func(ctx context.Context, in S, name, token string) (lro.Op[struct{}], error)
}

// Resume is the options of a long-running call that only resumes: what Profile's puts and
// deletes take, and what the SDK's options are for most resource types.
type Resume = struct{ ResumeToken string }

// Profile returns the Client over one SDK profile's calls, whose model is P. Each call's
// options are nil, apart from the resume token.
func Profile[M, S, P, GO, G, LO, L any, CO, DO ~Resume, C, D any](
	get func(ctx context.Context, in S, name string, o *GO) (G, error),
	pager func(in S, o *LO) *runtime.Pager[L],
	put func(ctx context.Context, in S, name string, m P, o *CO) (*runtime.Poller[C], error),
	del func(ctx context.Context, in S, name string, o *DO) (*runtime.Poller[D], error),
) *Client[M, S] {
	return &Client[M, S]{
		get:  func(ctx context.Context, in S, name string) (any, error) { return get(ctx, in, name, nil) },
		list: Pages[M](pager),
		put: func(ctx context.Context, in S, name string, m M, token string) (lro.Op[*M], error) {
			body, err := azsdk.Convert[P](m)
			if err != nil {
				return nil, err
			}
			o := CO(Resume{token})
			return wrap[*M](put(ctx, in, name, body, &o))
		},
		del: func(ctx context.Context, in S, name, token string) (lro.Op[struct{}], error) {
			o := DO(Resume{token})
			return Discard(del(ctx, in, name, &o))
		},
	}
}

// Constructor is an SDK client's constructor, such as armnetwork.NewSubnetsClient.
type Constructor[T any] = func(subscription string, cred azcore.TokenCredential, o *arm.ClientOptions) (T, error)

// SDK is what Of needs of one profile's SDK client of a resource type: Profile's calls, as
// its methods.
type SDK[P, GO, G, LO, L any, CO, DO ~Resume, C, D any] interface {
	Get(ctx context.Context, rg, name string, o *GO) (G, error)
	NewListPager(rg string, o *LO) *runtime.Pager[L]
	BeginCreateOrUpdate(ctx context.Context, rg, name string, m P, o *CO) (*runtime.Poller[C], error)
	BeginDelete(ctx context.Context, rg, name string, o *DO) (*runtime.Poller[D], error)
}

// Of returns the Client over an SDK client's methods (see Profile).
func Of[M, P, GO, G, LO, L any, CO, DO ~Resume, C, D any](c SDK[P, GO, G, LO, L, CO, DO, C, D]) *Client[M, string] {
	return Profile[M](c.Get, c.NewListPager, c.BeginCreateOrUpdate, c.BeginDelete)
}

// Group returns what builds the client of a resource type whose resources are a resource
// group's, on a cloud's kind (see New), from its SDK clients' constructors: the SDK clients'
// methods are the calls (see Of).
func Group[M any, A SDK[AP, AGO, AG, ALO, AL, ACO, ADO, AC, AD], B SDK[BP, BGO, BG, BLO, BL, BCO, BDO, BC, BD],
	AP, AGO, AG, ALO, AL any, ACO, ADO ~Resume, AC, AD any, BP, BGO, BG, BLO, BL any, BCO, BDO ~Resume, BC, BD any](
	newAzure Constructor[A], newStack Constructor[B]) func(*cloud.Conn) (*Client[M, string], error) {
	return func(conn *cloud.Conn) (*Client[M, string], error) {
		return New(conn, newAzure, newStack, func(a A) *Client[M, string] { return Of[M](a) }, func(b B) *Client[M, string] { return Of[M](b) })
	}
}

// New returns the client for a cloud's kind: from the SDK client newAzure or newStack
// builds, the one azure or stack makes.
func New[A, B, T any](conn *cloud.Conn, newAzure Constructor[A], newStack Constructor[B], azure func(A) T, stack func(B) T) (T, error) {
	var zero T
	switch conn.Kind {
	case cloud.Azure:
		c, err := newAzure(conn.Subscription, conn.Credential, conn.Options)
		if err != nil {
			return zero, err
		}
		return azure(c), nil
	case cloud.AzureStackHub:
		c, err := newStack(conn.Subscription, conn.Credential, conn.Options)
		if err != nil {
			return zero, err
		}
		return stack(c), nil
	}
	return zero, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

// Parent is where a child resource is: its parent's resource group and name.
type Parent struct{ ResourceGroup, Name string }

// Child returns the Client over one SDK profile's calls for a child resource type (a
// virtual network's subnets), whose calls take the parent's resource group and name first.
func Child[M, P, GO, G, LO, L any, CO, DO ~Resume, C, D any](
	get func(ctx context.Context, rg, parent, name string, o *GO) (G, error),
	pager func(rg, parent string, o *LO) *runtime.Pager[L],
	put func(ctx context.Context, rg, parent, name string, m P, o *CO) (*runtime.Poller[C], error),
	del func(ctx context.Context, rg, parent, name string, o *DO) (*runtime.Poller[D], error),
) *Client[M, Parent] {
	return Profile[M](
		func(ctx context.Context, in Parent, name string, o *GO) (G, error) {
			return get(ctx, in.ResourceGroup, in.Name, name, o)
		},
		func(in Parent, o *LO) *runtime.Pager[L] { return pager(in.ResourceGroup, in.Name, o) },
		func(ctx context.Context, in Parent, name string, m P, o *CO) (*runtime.Poller[C], error) {
			return put(ctx, in.ResourceGroup, in.Name, name, m, o)
		},
		func(ctx context.Context, in Parent, name string, o *DO) (*runtime.Poller[D], error) {
			return del(ctx, in.ResourceGroup, in.Name, name, o)
		},
	)
}

// ChildSDK is what ChildOf needs of one profile's SDK client of a child resource type:
// Child's calls, as its methods.
type ChildSDK[P, GO, G, LO, L any, CO, DO ~Resume, C, D any] interface {
	Get(ctx context.Context, rg, parent, name string, o *GO) (G, error)
	NewListPager(rg, parent string, o *LO) *runtime.Pager[L]
	BeginCreateOrUpdate(ctx context.Context, rg, parent, name string, m P, o *CO) (*runtime.Poller[C], error)
	BeginDelete(ctx context.Context, rg, parent, name string, o *DO) (*runtime.Poller[D], error)
}

// ChildOf returns the Client over an SDK client's methods (see Child).
func ChildOf[M, P, GO, G, LO, L any, CO, DO ~Resume, C, D any](c ChildSDK[P, GO, G, LO, L, CO, DO, C, D]) *Client[M, Parent] {
	return Child[M](c.Get, c.NewListPager, c.BeginCreateOrUpdate, c.BeginDelete)
}

// Children returns what builds the client of a child resource type on a cloud's kind, as
// Group does for a resource group's types (see Child).
func Children[M any, A ChildSDK[AP, AGO, AG, ALO, AL, ACO, ADO, AC, AD], B ChildSDK[BP, BGO, BG, BLO, BL, BCO, BDO, BC, BD],
	AP, AGO, AG, ALO, AL any, ACO, ADO ~Resume, AC, AD any, BP, BGO, BG, BLO, BL any, BCO, BDO ~Resume, BC, BD any](
	newAzure Constructor[A], newStack Constructor[B]) func(*cloud.Conn) (*Client[M, Parent], error) {
	return func(conn *cloud.Conn) (*Client[M, Parent], error) {
		return New(conn, newAzure, newStack,
			func(a A) *Client[M, Parent] { return ChildOf[M](a) }, func(b B) *Client[M, Parent] { return ChildOf[M](b) })
	}
}

// Get reads a resource.
func (c *Client[M, S]) Get(ctx context.Context, in S, name string) (*M, error) {
	r, err := c.get(ctx, in, name)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*M](r)
}

// List reads every resource in a resource group (or parent).
func (c *Client[M, S]) List(ctx context.Context, in S) ([]*M, error) {
	return c.list(ctx, in)
}

// CreateOrUpdate starts a PUT, or resumes the one a token describes (m is then unused).
func (c *Client[M, S]) CreateOrUpdate(ctx context.Context, in S, name string, m M, resumeToken string) (lro.Op[*M], error) {
	return c.put(ctx, in, name, m, resumeToken)
}

// Delete starts a DELETE, or resumes the one a token describes.
func (c *Client[M, S]) Delete(ctx context.Context, in S, name, resumeToken string) (lro.Op[struct{}], error) {
	return c.del(ctx, in, name, resumeToken)
}

// Lister reads every resource in S, a resource group, parent or location.
type Lister[M, S any] func(ctx context.Context, in S) ([]*M, error)

// List reads every resource in S.
func (l Lister[M, S]) List(ctx context.Context, in S) ([]*M, error) { return l(ctx, in) }

// Pages returns the Lister that drains one SDK profile's pager, converting each page's
// values to the model M.
func Pages[M, S, O, L any](pager func(in S, o *O) *runtime.Pager[L]) Lister[M, S] {
	return func(ctx context.Context, in S) ([]*M, error) {
		var out []*M
		for p := pager(in, nil); p.More(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			items, err := azsdk.Convert[struct {
				Value []*M `json:"value"`
			}](page)
			if err != nil {
				return nil, err
			}
			out = append(out, items.Value...)
		}
		return out, nil
	}
}

// wrap adapts a poller whose result converts to M, or passes on the error that prevented it.
func wrap[M, T any](p *runtime.Poller[T], err error) (lro.Op[M], error) {
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r T) (M, error) { return azsdk.Convert[M](r) }), nil
}

// Discard adapts a poller whose result is dropped (a deletion's nothing, a power action's,
// a secret ARM echoes), or passes on the error that prevented it.
func Discard[T any](p *runtime.Poller[T], err error) (lro.Op[struct{}], error) {
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(T) (struct{}, error) { return struct{}{}, nil }), nil
}
