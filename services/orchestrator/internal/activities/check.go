package activities

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/compare"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// CheckResources reads every resource an apply of req.Input ensures or adopts (one read
// each, and one more per connection for its status) and returns a finding for each one
// missing, different from what the apply sends (package compare, the plan's own check, with
// each local network gateway's IP as the last apply found its peer's), or a connection not
// Connected, each also an event "drift" on the activity's span. It writes nothing.
func (a *Activities) CheckResources(ctx context.Context, req workflow.CheckRequest) ([]*orchestratorv1.Drift, error) {
	annotate(ctx, "")
	readers := compare.Readers{Network: a.Network, Gateway: a.Gateway, Compute: a.Compute}
	var found []*orchestratorv1.Drift
	span := trace.SpanFromContext(ctx)
	add := func(r workflow.PlannedResource, description string) {
		found = append(found, &orchestratorv1.Drift{Resource: r.Resource, Step: r.Step, Description: description})
		span.AddEvent("drift", trace.WithAttributes(attribute.String(AttrResource, r.Resource), attribute.String("hybridlink.drift", description)))
	}
	for _, r := range workflow.Plan(req.Input) {
		activity.RecordHeartbeat(ctx, r.Resource)
		if lgw, ok := r.Request.(*gatewayv1.CreateLocalNetworkGatewayRequest); ok {
			lgw.LocalNetworkGateway.GatewayIpAddress = req.GatewayIPs[r.Resource]
		}
		var same bool
		var err error
		if r.Adopted {
			err = a.readAdopted(ctx, r)
			same = err == nil
		} else {
			same, err = readers.Matches(ctx, r)
		}
		switch {
		case status.Code(err) == codes.NotFound && r.Adopted:
			add(r, "missing: the adopted resource is gone; the deployment cannot work without it: restore it, or apply a spec that creates it")
		case status.Code(err) == codes.NotFound:
			add(r, "missing: the deployment created it and it is gone; repairing the deployment (RepairDeployment) creates it again")
		case err != nil:
			return nil, fail(ctx, err)
		case !same:
			add(r, "differs from what the deployment applies; repairing the deployment (RepairDeployment) converges it, and plan shows what would change")
		case strings.HasPrefix(r.Kind, "connection"):
			c, err := a.Gateway.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: r.Resource})
			if err != nil {
				return nil, fail(ctx, err)
			}
			if c.GetStatus() != gatewayv1.Connection_STATUS_CONNECTED {
				add(r, "the tunnel is "+strings.TrimPrefix(c.GetStatus().String(), "STATUS_")+", not Connected")
			}
		}
	}
	return found, nil
}

// readAdopted reads an adopted resource; the error is the read's.
func (a *Activities) readAdopted(ctx context.Context, r workflow.PlannedResource) error {
	var err error
	switch req := r.Request.(type) {
	case *gatewayv1.GetVirtualNetworkGatewayRequest:
		_, err = a.Gateway.GetVirtualNetworkGateway(ctx, req)
	case *networkv1.GetVirtualNetworkRequest:
		_, err = a.Network.GetVirtualNetwork(ctx, req)
	}
	return err
}
