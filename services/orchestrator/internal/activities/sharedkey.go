package activities

import (
	"context"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// SetSharedKey sets a connection's shared key and returns the connection once ARM has
// taken it, resuming the operation a previous attempt started. The key is never put in an
// error, a span or a heartbeat.
func (a *Activities) SetSharedKey(ctx context.Context, req *gatewayv1.SetConnectionSharedKeyRequest) (*gatewayv1.Connection, error) {
	annotate(ctx, req.GetName())
	op, err := a.operate(ctx, a.GatewayOperations, workflow.CloudOf(req.GetName()), starting(a.Gateway.SetConnectionSharedKey, req))
	if err != nil {
		return nil, fail(ctx, err, req.GetSharedKey())
	}
	conn := &gatewayv1.Connection{}
	if err := op.GetResponse().UnmarshalTo(conn); err != nil {
		return nil, fail(ctx, err, req.GetSharedKey())
	}
	return conn, nil
}
