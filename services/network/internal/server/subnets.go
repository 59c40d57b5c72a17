package server

import (
	"context"
	"net/netip"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/protobuf/proto"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/network/internal/subnet"
)

// GetSubnet reads a subnet.
func (s *Server) GetSubnet(ctx context.Context, req *networkv1.GetSubnetRequest) (*networkv1.Subnet, error) {
	n, c, err := s.clouds.Parse(req.GetName(), "name", "virtualNetworks", "subnets")
	if err != nil {
		return nil, err
	}
	sn, err := c.subnets.Get(ctx, subnet.In(n.ResourceGroup, n.Path[0].ID), n.ID())
	if err != nil {
		return nil, apierr.FromARM(err, req.GetName())
	}
	return subnetToAPI(n.Cloud, sn), nil
}

// ListSubnets lists a virtual network's subnets.
func (s *Server) ListSubnets(ctx context.Context, req *networkv1.ListSubnetsRequest) (*networkv1.ListSubnetsResponse, error) {
	n, c, err := s.clouds.Parse(req.GetParent(), "parent", "virtualNetworks")
	if err != nil {
		return nil, err
	}
	subnets, err := c.subnets.List(ctx, subnet.In(n.ResourceGroup, n.ID()))
	if err != nil {
		return nil, apierr.FromARM(err, req.GetParent())
	}
	page, next, err := paging.Render(subnets, func(sn *subnet.Model) *networkv1.Subnet {
		return subnetToAPI(n.Cloud, sn)
	}, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &networkv1.ListSubnetsResponse{Subnets: page, NextPageToken: next}, nil
}

// CreateSubnet ensures one subnet of an existing virtual network.
func (s *Server) CreateSubnet(ctx context.Context, req *networkv1.CreateSubnetRequest) (*longrunningpb.Operation, error) {
	if err := limits.Err(req); err != nil {
		return nil, err
	}
	vn, c, err := s.clouds.Parse(req.GetParent(), "parent", "virtualNetworks")
	if err != nil {
		return nil, err
	}
	var v apierr.Violations
	if err := names.CheckID(req.GetSubnetId()); err != nil {
		v.Add("subnet_id", "%v", err)
	}
	if req.GetSubnet() == nil {
		v.Add("subnet", "required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	vnet, err := c.vnets.Get(ctx, vn.ResourceGroup, vn.ID())
	if err != nil {
		return nil, apierr.FromARM(err, vn.String())
	}
	var space, siblings []netip.Prefix
	if vnet.Properties != nil && vnet.Properties.AddressSpace != nil {
		for _, p := range vnet.Properties.AddressSpace.AddressPrefixes {
			if q, err := netip.ParsePrefix(azsdk.Deref(p)); err == nil {
				space = append(space, q)
			}
		}
	}
	if vnet.Properties != nil {
		for _, sn := range vnet.Properties.Subnets {
			if !strings.EqualFold(azsdk.Deref(sn.Name), req.GetSubnetId()) && sn.Properties != nil {
				if q, err := netip.ParsePrefix(azsdk.Deref(sn.Properties.AddressPrefix)); err == nil {
					siblings = append(siblings, q)
				}
			}
		}
	}
	p, ok := checkSubnet(&v, "subnet", req.GetSubnetId(), req.GetSubnet().GetAddressPrefix(), space, siblings)
	if !ok {
		return nil, v.Err()
	}
	n := vn.Child("subnets", req.GetSubnetId())
	armID := n.ARMID(c.conn.Subscription, "Microsoft.Network")
	return lro.Ensure(ctx, s.Operations, n.Cloud, n.String(), armID, lro.Ensurer[*subnet.Model]{
		Get: func(ctx context.Context) (*subnet.Model, error) {
			return c.subnets.Get(ctx, subnet.In(n.ResourceGroup, vn.ID()), n.ID())
		},
		State: subnetState,
		Matches: func(cur *subnet.Model) (bool, error) {
			return cur.Properties != nil && azsdk.Deref(cur.Properties.AddressPrefix) == p.String(), nil
		},
		Render: func(cur *subnet.Model) (proto.Message, error) { return subnetToAPI(n.Cloud, cur), nil },
		Put: func(ctx context.Context, _ **subnet.Model) (lro.Op[*subnet.Model], error) {
			return c.subnets.CreateOrUpdate(ctx, subnet.In(n.ResourceGroup, vn.ID()), n.ID(),
				subnet.Model{Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr(p.String())}}, "")
		},
	})
}

// DeleteSubnet starts deleting a subnet.
func (s *Server) DeleteSubnet(ctx context.Context, req *networkv1.DeleteSubnetRequest) (*longrunningpb.Operation, error) {
	n, c, err := s.clouds.Parse(req.GetName(), "name", "virtualNetworks", "subnets")
	if err != nil {
		return nil, err
	}
	op, err := c.subnets.Delete(ctx, subnet.In(n.ResourceGroup, n.Path[0].ID), n.ID(), "")
	return lro.Begin(s.Operations, n.Cloud, n.String(), "delete", n.ARMID(c.conn.Subscription, "Microsoft.Network"), op, err)
}

// subnetState is a subnet's provisioning state.
func subnetState(sn *subnet.Model) string {
	if sn.Properties == nil || sn.Properties.ProvisioningState == nil {
		return ""
	}
	return string(*sn.Properties.ProvisioningState)
}
