package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
)

// verbSetSharedKey is the verb of SetConnectionSharedKey's operations.
const verbSetSharedKey = "setSharedKey"

// resumable is the service's table of operations a handle can resume.
func (s *Server) resumable() lro.Kinds[*clients] {
	return lro.Kinds[*clients]{
		Cloud:        s.clouds.Lookup,
		Subscription: func(c *clients) string { return c.conn.Subscription },
		Metadata:     metadata,
		Kinds: []lro.Kind[*clients]{
			{Collections: []string{"publicIPAddresses"}, Provider: network, Resume: resumeOf((*clients).publicIPs)},
			{Collections: []string{"virtualNetworkGateways"}, Provider: network, Resume: resumeOf((*clients).gateways)},
			{Collections: []string{"localNetworkGateways"}, Provider: network, Resume: resumeOf((*clients).localGateways)},
			{Collections: []string{"connections"}, Provider: network, Resume: func(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
				if h.Verb == verbSetSharedKey {
					return resumeSetSharedKey(ctx, c, n, h)
				}
				return resumeKind(ctx, c.connections(), n, h)
			}},
		},
	}
}

// resumeOf is the Resume of the kind a cloud's clients give.
func resumeOf[M any, A apiMessage](kindOf func(*clients) kind[M, A]) func(context.Context, *clients, names.Name, handle.Handle) (lro.Step, error) {
	return func(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
		return resumeKind(ctx, kindOf(c), n, h)
	}
}

// resumeKind polls a create, update or delete of a resource of kind k, or follows the
// resource itself for an adopted operation.
func resumeKind[M any, A apiMessage](ctx context.Context, k kind[M, A], n names.Name, h handle.Handle) (lro.Step, error) {
	return lro.Resource[M]{
		Get: func(ctx context.Context) (M, error) { return k.get(ctx, n.ResourceGroup, n.ID()) },
		Put: func(ctx context.Context, token string) (lro.Op[M], error) {
			return k.resume(ctx, n.ResourceGroup, n.ID(), token)
		},
		Delete: func(ctx context.Context, token string) (lro.Op[struct{}], error) {
			return k.del(ctx, n.ResourceGroup, n.ID(), token)
		},
		State:  k.state,
		Render: func(m M) (proto.Message, error) { return k.render(ctx, m) },
	}.Resume(ctx, h)
}

// resumeSetSharedKey polls the setting of a shared key; once done, the operation's response
// is the connection, never the key.
func resumeSetSharedKey(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	op, err := c.conns.SetSharedKey(ctx, n.ResourceGroup, n.ID(), "", h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, func(struct{}) (proto.Message, error) {
		conn, err := get(ctx, c.connections(), n)
		if err != nil {
			return nil, err
		}
		return conn, nil
	})
}
