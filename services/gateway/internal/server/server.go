// Package server implements hybridlink.gateway.v1.GatewayService: public IP addresses, VPN
// gateways, local network gateways and site-to-site connections on every configured cloud,
// with ensure semantics and long-running operations whose names are sealed handles.
package server

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/gateway/internal/connection"
	"github.com/hybridlink/hybridlink/services/gateway/internal/localnetworkgateway"
	"github.com/hybridlink/hybridlink/services/gateway/internal/publicipaddress"
	"github.com/hybridlink/hybridlink/services/gateway/internal/virtualnetworkgateway"
)

// The ARM provider namespace of every resource this service manages.
const network = "Microsoft.Network"

// clients are one cloud's resource clients.
type clients struct {
	conn   *cloud.Conn
	pips   publicipaddress.Client
	vngs   virtualnetworkgateway.Client
	locals localnetworkgateway.Client
	conns  connection.Client
}

// Server implements GatewayService; Operations serves its long-running operations.
type Server struct {
	gatewayv1.UnimplementedGatewayServiceServer
	Operations *lro.Server
	clouds     *cloud.PerCloud[*clients]
}

// New builds the clients of every configured cloud.
func New(reg *cloud.Registry, sealer *handle.Sealer) (*Server, error) {
	clouds, err := cloud.Build(reg, func(conn *cloud.Conn) (*clients, error) {
		c := &clients{conn: conn}
		var err error
		if c.pips, err = publicipaddress.New(conn); err != nil {
			return nil, err
		}
		if c.vngs, err = virtualnetworkgateway.New(conn); err != nil {
			return nil, err
		}
		if c.locals, err = localnetworkgateway.New(conn); err != nil {
			return nil, err
		}
		if c.conns, err = connection.New(conn); err != nil {
			return nil, err
		}
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	s := &Server{clouds: clouds}
	s.Operations = &lro.Server{Sealer: sealer, Metadata: metadata}
	s.Operations.Resume = s.resumable().Resume
	return s, nil
}

// location is the wanted location, or the resource group's when the request leaves it empty.
func (c *clients) location(ctx context.Context, n names.Name, want string) (string, error) {
	if want != "" {
		return want, nil
	}
	return c.conn.GroupLocation(ctx, n.ResourceGroup)
}

// apiMessage is a resource message of the API.
type apiMessage interface {
	proto.Message
	GetName() string
}

// kind is what the generic get, list, ensure, delete and resume code needs of one resource
// type on one cloud: M is ARM's model, A the API message.
type kind[M any, A apiMessage] struct {
	get  func(ctx context.Context, rg, name string) (M, error)
	list func(ctx context.Context, rg string) ([]M, error)
	// resume resumes a PUT from its resume token.
	resume func(ctx context.Context, rg, name, token string) (lro.Op[M], error)
	del    func(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error)
	state  func(M) string
	// render converts ARM's model into the API message.
	render func(ctx context.Context, m M) (A, error)
}

// createIn checks a Create request's bounds and parses its parent, a resource group.
func (s *Server) createIn(req interface {
	proto.Message
	GetParent() string
}) (names.Name, *clients, error) {
	if err := limits.Err(req); err != nil {
		return names.Name{}, nil, err
	}
	return s.clouds.Parse(req.GetParent(), "parent")
}

// getNamed reads the resource name names, of collection, as the kind a cloud's clients give.
func getNamed[M any, A apiMessage](ctx context.Context, s *Server, name, collection string, kindOf func(*clients) kind[M, A]) (A, error) {
	n, c, err := s.clouds.Parse(name, "name", collection)
	if err != nil {
		var zero A
		return zero, err
	}
	return get(ctx, kindOf(c), n)
}

// listIn returns one page of a List request's resources, of the kind a cloud's clients give.
func listIn[M any, A apiMessage](ctx context.Context, s *Server, req interface {
	GetParent() string
	GetPageSize() int32
	GetPageToken() string
}, kindOf func(*clients) kind[M, A]) ([]A, string, error) {
	n, c, err := s.clouds.Parse(req.GetParent(), "parent")
	if err != nil {
		return nil, "", err
	}
	return list(ctx, kindOf(c), n, req.GetPageSize(), req.GetPageToken())
}

// deleteNamed starts deleting the resource name names, of collection, as the kind a cloud's
// clients give.
func deleteNamed[M any, A apiMessage](ctx context.Context, s *Server, name, collection string, kindOf func(*clients) kind[M, A]) (*longrunningpb.Operation, error) {
	n, c, err := s.clouds.Parse(name, "name", collection)
	if err != nil {
		return nil, err
	}
	return remove(ctx, s, kindOf(c), n, n.ARMID(c.conn.Subscription, network))
}

// get reads the resource n names.
func get[M any, A apiMessage](ctx context.Context, k kind[M, A], n names.Name) (A, error) {
	m, err := k.get(ctx, n.ResourceGroup, n.ID())
	if err != nil {
		var zero A
		return zero, apierr.FromARM(err, n.String())
	}
	return k.render(ctx, m)
}

// list returns one page of a resource group's resources of the kind, sorted by name.
func list[M any, A apiMessage](ctx context.Context, k kind[M, A], parent names.Name, size int32, token string) ([]A, string, error) {
	items, err := k.list(ctx, parent.ResourceGroup)
	if err != nil {
		return nil, "", apierr.FromARM(err, parent.String())
	}
	out := make([]A, 0, len(items))
	for _, m := range items {
		a, err := k.render(ctx, m)
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

// ensure is every Create's ensure (lro.Ensure) for a resource of kind k; put writes it.
func ensure[M any, A apiMessage](ctx context.Context, s *Server, k kind[M, A], n names.Name, armID string,
	matches func(M) (bool, error), put func() (lro.Op[M], error)) (*longrunningpb.Operation, error) {
	return lro.Ensure(ctx, s.Operations, n.Cloud, n.String(), armID, lro.Ensurer[M]{
		Get:     func(ctx context.Context) (M, error) { return k.get(ctx, n.ResourceGroup, n.ID()) },
		State:   k.state,
		Matches: matches,
		Render:  func(m M) (proto.Message, error) { return k.render(ctx, m) },
		Put:     func(context.Context, *M) (lro.Op[M], error) { return put() },
	})
}

// remove starts deleting the resource n names.
func remove[M any, A apiMessage](ctx context.Context, s *Server, k kind[M, A], n names.Name, armID string) (*longrunningpb.Operation, error) {
	op, err := k.del(ctx, n.ResourceGroup, n.ID(), "")
	return lro.Begin(s.Operations, n.Cloud, n.String(), "delete", armID, op, err)
}

// metadata builds the service's OperationMetadata.
func metadata(h handle.Handle, armID, state string) proto.Message {
	return &gatewayv1.OperationMetadata{Target: h.Resource, Verb: h.Verb, ArmId: armID,
		CreateTime: timestamppb.New(h.Created), ProvisioningState: stateToAPI(state)}
}

// sameCloud checks that a referenced resource lives on the cloud of the one referring to it.
func sameCloud(v *apierr.Violations, field string, ref names.Name, cloud string) {
	if ref.Cloud != cloud {
		v.Add(field, "%s is on cloud %q; it must be on the same cloud as the resource, %q", ref, ref.Cloud, cloud)
	}
}
