package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/network/internal/subnet"
	"github.com/hybridlink/hybridlink/services/network/internal/virtualnetwork"
)

// resumable is the service's table of operations a handle can resume.
func (s *Server) resumable() lro.Kinds[*clients] {
	return lro.Kinds[*clients]{
		Cloud:        s.clouds.Lookup,
		Subscription: func(c *clients) string { return c.conn.Subscription },
		Metadata:     metadata,
		Kinds: []lro.Kind[*clients]{
			{Resume: resumeGroup},
			{Collections: []string{"virtualNetworks"}, Provider: "Microsoft.Network", Resume: resumeVnet},
			{Collections: []string{"virtualNetworks", "subnets"}, Provider: "Microsoft.Network", Resume: resumeSubnet},
		},
	}
}

// resumeGroup polls a resource group's deletion, its only long-running operation.
func resumeGroup(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	op, err := c.groups.Delete(ctx, n.ResourceGroup, h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, lro.Empty)
}

func resumeVnet(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	return lro.Resource[*virtualnetwork.Model]{
		Get: func(ctx context.Context) (*virtualnetwork.Model, error) {
			return c.vnets.Get(ctx, n.ResourceGroup, n.ID())
		},
		Put: func(ctx context.Context, token string) (lro.Op[*virtualnetwork.Model], error) {
			return c.vnets.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), virtualnetwork.Model{}, token)
		},
		Delete: func(ctx context.Context, token string) (lro.Op[struct{}], error) {
			return c.vnets.Delete(ctx, n.ResourceGroup, n.ID(), token)
		},
		State:  vnetState,
		Render: func(m *virtualnetwork.Model) (proto.Message, error) { return vnetToAPI(n.Cloud, m), nil },
	}.Resume(ctx, h)
}

func resumeSubnet(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	in := subnet.In(n.ResourceGroup, n.Path[0].ID)
	return lro.Resource[*subnet.Model]{
		Get: func(ctx context.Context) (*subnet.Model, error) { return c.subnets.Get(ctx, in, n.ID()) },
		Put: func(ctx context.Context, token string) (lro.Op[*subnet.Model], error) {
			return c.subnets.CreateOrUpdate(ctx, in, n.ID(), subnet.Model{}, token)
		},
		Delete: func(ctx context.Context, token string) (lro.Op[struct{}], error) {
			return c.subnets.Delete(ctx, in, n.ID(), token)
		},
		State:  subnetState,
		Render: func(m *subnet.Model) (proto.Message, error) { return subnetToAPI(n.Cloud, m), nil },
	}.Resume(ctx, h)
}
