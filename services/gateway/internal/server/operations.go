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
)

// watchInterval is how often an adopted operation's resource is read again.
const watchInterval = time.Second

// verbSetSharedKey is the verb of SetConnectionSharedKey's operations.
const verbSetSharedKey = "setSharedKey"

// resume polls the operation a handle describes once: the ARM operation its resume token
// names, or, for adopted operations, the resource itself.
func (s *Server) resume(ctx context.Context, h handle.Handle) (lro.Step, error) {
	c, ok := s.clouds.Lookup(h.Cloud)
	if !ok {
		return lro.Step{}, status.Errorf(codes.FailedPrecondition, "the operation's cloud %q is no longer configured", h.Cloud)
	}
	n, collection := parseAny(h.Resource)
	if n.Cloud != h.Cloud {
		return lro.Step{}, status.Errorf(codes.InvalidArgument, "the operation's resource %q is not one of this service's", h.Resource)
	}
	var (
		st  lro.Step
		err error
	)
	switch collection {
	case "publicIPAddresses":
		st, err = resumeKind(ctx, c.publicIPs(), n, h)
	case "virtualNetworkGateways":
		st, err = resumeKind(ctx, c.gateways(), n, h)
	case "localNetworkGateways":
		st, err = resumeKind(ctx, c.localGateways(), n, h)
	case "connections":
		if h.Verb == verbSetSharedKey {
			st, err = resumeSetSharedKey(ctx, c, n, h)
		} else {
			st, err = resumeKind(ctx, c.connections(), n, h)
		}
	}
	if err != nil {
		return st, err
	}
	st.Metadata = metadata(h, n.ARMID(c.conn.Subscription, network), "")
	return st, nil
}

// parseAny parses a resource name of any shape this service serves, returning its collection.
func parseAny(name string) (names.Name, string) {
	for _, collection := range []string{"publicIPAddresses", "virtualNetworkGateways", "localNetworkGateways", "connections"} {
		if n, err := names.Parse(name, collection); err == nil {
			return n, collection
		}
	}
	return names.Name{}, ""
}

// resumeKind polls a create, update or delete of a resource of kind k, or follows the
// resource itself for an adopted operation.
func resumeKind[M any, A apiMessage](ctx context.Context, k kind[M, A], n names.Name, h handle.Handle) (lro.Step, error) {
	switch h.Verb {
	case lro.VerbWatch:
		m, err := k.get(ctx, n.ResourceGroup, n.ID())
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.Watched(k.state(m), h.Resource, func() (proto.Message, error) { return k.render(ctx, m) })
	case "delete":
		op, err := k.del(ctx, n.ResourceGroup, n.ID(), h.Token)
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.StepOf(ctx, op, h.Resource, lro.Empty)
	}
	op, err := k.resume(ctx, n.ResourceGroup, n.ID(), h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, func(m M) (proto.Message, error) { return k.render(ctx, m) })
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
