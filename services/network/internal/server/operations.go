package server

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/network/internal/subnet"
	"github.com/hybridlink/hybridlink/services/network/internal/virtualnetwork"
)

// resume polls the operation a handle describes once: the ARM operation its resume token
// names, or, for adopted operations, the resource itself.
func (s *Server) resume(ctx context.Context, h handle.Handle) (lro.Step, error) {
	c, ok := s.clouds.Lookup(h.Cloud)
	if !ok {
		return lro.Step{}, status.Errorf(codes.FailedPrecondition, "the operation's cloud %q is no longer configured", h.Cloud)
	}
	var (
		st    lro.Step
		err   error
		armID string
	)
	switch n, kind := parseAny(h.Resource); kind {
	case "resourceGroups":
		armID = n.ARMID(c.conn.Subscription, "")
		st, err = s.resumeGroup(ctx, c, n, h)
	case "virtualNetworks":
		armID = n.ARMID(c.conn.Subscription, "Microsoft.Network")
		st, err = s.resumeVnet(ctx, c, n, h)
	case "subnets":
		armID = n.ARMID(c.conn.Subscription, "Microsoft.Network")
		st, err = s.resumeSubnet(ctx, c, n, h)
	default:
		return lro.Step{}, status.Errorf(codes.InvalidArgument, "the operation's resource %q is not one of this service's", h.Resource)
	}
	if err != nil {
		return st, err
	}
	st.Metadata = metadata(h, armID, "")
	return st, nil
}

// parseAny parses a resource name of any shape this service serves.
func parseAny(name string) (names.Name, string) {
	if n, err := names.Parse(name); err == nil {
		return n, "resourceGroups"
	}
	if n, err := names.Parse(name, "virtualNetworks"); err == nil {
		return n, "virtualNetworks"
	}
	if n, err := names.Parse(name, "virtualNetworks", "subnets"); err == nil {
		return n, "subnets"
	}
	return names.Name{}, ""
}

func (s *Server) resumeGroup(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	op, err := c.groups.Delete(ctx, n.ResourceGroup, h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, lro.Empty)
}

func (s *Server) resumeVnet(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	switch {
	case h.Verb == lro.VerbWatch:
		v, err := c.vnets.Get(ctx, n.ResourceGroup, n.ID())
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.Watched(vnetState(v), h.Resource, func() (proto.Message, error) { return vnetToAPI(n.Cloud, v), nil })
	case h.Verb == "delete":
		op, err := c.vnets.Delete(ctx, n.ResourceGroup, n.ID(), h.Token)
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.StepOf(ctx, op, h.Resource, lro.Empty)
	}
	op, err := c.vnets.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), virtualnetwork.Model{}, h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, func(m *virtualnetwork.Model) (proto.Message, error) { return vnetToAPI(n.Cloud, m), nil })
}

func (s *Server) resumeSubnet(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	vnet := n.Path[0].ID
	switch {
	case h.Verb == lro.VerbWatch:
		sn, err := c.subnets.Get(ctx, subnet.In(n.ResourceGroup, vnet), n.ID())
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.Watched(subnetState(sn), h.Resource, func() (proto.Message, error) { return subnetToAPI(n.Cloud, sn), nil })
	case h.Verb == "delete":
		op, err := c.subnets.Delete(ctx, subnet.In(n.ResourceGroup, vnet), n.ID(), h.Token)
		if err != nil {
			return lro.Step{}, apierr.FromARM(err, h.Resource)
		}
		return lro.StepOf(ctx, op, h.Resource, lro.Empty)
	}
	op, err := c.subnets.CreateOrUpdate(ctx, subnet.In(n.ResourceGroup, vnet), n.ID(), subnet.Model{}, h.Token)
	if err != nil {
		return lro.Step{}, apierr.FromARM(err, h.Resource)
	}
	return lro.StepOf(ctx, op, h.Resource, func(m *subnet.Model) (proto.Message, error) { return subnetToAPI(n.Cloud, m), nil })
}
