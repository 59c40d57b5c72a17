package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
)

// verbSetSharedKey is the verb of SetConnectionSharedKey's operations.
const verbSetSharedKey = "setSharedKey"

// resumable is how the service's operations resume, by shape of resource name.
var resumable = []lro.Kind[*clients]{
	pipType.Resumable(),
	vngType.Resumable(),
	lngType.Resumable(),
	{Collections: connType.Collections, Provider: connType.Provider, Resume: func(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
		if h.Verb == verbSetSharedKey {
			return resumeSetSharedKey(ctx, c, n, h)
		}
		return kind.Resume(ctx, connType.Of(c), n, h)
	}},
}

// resumeSetSharedKey polls the setting of a shared key; once done, the operation's response
// is the connection, never the key.
func resumeSetSharedKey(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	op, err := c.conns.SetSharedKey(ctx, n.ResourceGroup, n.ID(), "", h.Token)
	return kind.Resumed(ctx, op, err, h.Resource, func(struct{}) (proto.Message, error) {
		conn, err := kind.Get(ctx, connType.Of(c), n)
		if err != nil {
			return nil, err
		}
		return conn, nil
	})
}
