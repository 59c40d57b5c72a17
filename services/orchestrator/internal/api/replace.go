package api

import (
	"context"
	"fmt"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// replacements reads the gateways an apply of in would create or update (one read each)
// and returns, by resource name, what replacing each costs: the ones that exist with a SKU
// their cloud cannot resize to in place (azrules.Resizable), which the apply deletes with
// their connections and creates again.
func (s *Server) replacements(ctx context.Context, in workflow.Input) (map[string]string, error) {
	out := map[string]string{}
	for _, r := range workflow.Plan(in) {
		req, ok := r.Request.(*gatewayv1.CreateVirtualNetworkGatewayRequest)
		if !ok {
			continue
		}
		gw, err := s.gateway.GetVirtualNetworkGateway(ctx, &gatewayv1.GetVirtualNetworkGatewayRequest{Name: r.Resource})
		if status.Code(err) == codes.NotFound {
			continue
		} else if err != nil {
			return nil, reading(err, r.Resource)
		}
		kind := cloud.Azure
		if i := slices.IndexFunc(s.clouds, func(c cloud.Cloud) bool { return c.ID == workflow.CloudOf(r.Resource) }); i >= 0 {
			kind = s.clouds[i].Kind
		}
		want := req.GetVirtualNetworkGateway().GetSku()
		if azrules.Resizable(kind, gw.GetSku(), want) {
			continue
		}
		out[r.Resource] = fmt.Sprintf("%s gateways do not resize from %s to %s: it is deleted with its connections and created again, with a new public IP address that the other sites' local network gateways are updated to; its tunnels are down until then, about 50 minutes on a real cloud (a gateway takes about 15 to delete and 35 to create)",
			kind.Display(), gw.GetSku(), want)
	}
	return out, nil
}

// withReplacements returns in with the gateways it must replace, read from the clouds.
func (s *Server) withReplacements(ctx context.Context, in workflow.Input) (workflow.Input, error) {
	replace, err := s.replacements(ctx, in)
	if err != nil {
		return in, err
	}
	in.Replace = nil
	for name := range replace {
		in.Replace = append(in.Replace, name)
	}
	slices.Sort(in.Replace)
	return in, nil
}
