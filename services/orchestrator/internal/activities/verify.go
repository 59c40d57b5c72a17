package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// verifyMaxInterval bounds the back-off between reads of connections that are not yet
// Connected: a real tunnel takes a minute or more to come up, and reading every second
// would spend ARM's read budget, which every deployment of the subscription shares.
const verifyMaxInterval = 15 * time.Second

// VerifyConnections reads the connections, first after VerifyInterval and then doubling
// the wait up to verifyMaxInterval, until all are Connected, and returns them. When req.Timeout passes first it fails non-retryably with type
// workflow.ErrorVerifyTimeout, naming each connection that is not Connected and its status. It
// heart-beats its deadline, so a retried attempt keeps the first attempt's bound.
func (a *Activities) VerifyConnections(ctx context.Context, req workflow.VerifyRequest) ([]*gatewayv1.Connection, error) {
	annotate(ctx, "") // its connections are in both clouds
	deadline := time.Now().Add(req.Timeout)
	var earlier time.Time
	if activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &earlier) == nil && !earlier.IsZero() {
		deadline = earlier
	}
	interval := a.VerifyInterval
	if interval <= 0 {
		interval = time.Second
	}
	for {
		conns, down, err := a.readConnections(ctx, req.Connections)
		if err != nil {
			return nil, fail(ctx, err)
		}
		if len(down) == 0 {
			return conns, nil
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return nil, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("connections not Connected after %s: %s", req.Timeout, strings.Join(down, "; ")), workflow.ErrorVerifyTimeout, nil)
		}
		if err := nap(ctx, deadline, min(interval, wait)); err != nil {
			return nil, err
		}
		interval = min(2*interval, verifyMaxInterval)
	}
}

// readConnections reads each connection and describes those not Connected as
// "name: status".
func (a *Activities) readConnections(ctx context.Context, names []string) ([]*gatewayv1.Connection, []string, error) {
	conns := make([]*gatewayv1.Connection, 0, len(names))
	var down []string
	for _, name := range names {
		c, err := a.Gateway.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: name})
		if err != nil {
			return nil, nil, err
		}
		if c.GetStatus() != gatewayv1.Connection_STATUS_CONNECTED {
			down = append(down, name+": "+strings.TrimPrefix(c.GetStatus().String(), "STATUS_"))
		}
		conns = append(conns, c)
	}
	return conns, down, nil
}
