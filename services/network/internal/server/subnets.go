package server

import (
	"context"
	"net/netip"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// CreateSubnet ensures one subnet of an existing virtual network.
func (s *Server) CreateSubnet(ctx context.Context, req *networkv1.CreateSubnetRequest) (*longrunningpb.Operation, error) {
	return subnetType.Create(ctx, s.clouds, req, req.GetSubnetId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*armnetwork.Subnet], error) {
		vn := n.Parent()
		var v apierr.Violations
		kind.CheckResource(&v, "subnet", req.GetSubnetId(), req.GetSubnet())
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
		matches := func(cur *armnetwork.Subnet) (bool, error) {
			return cur.Properties != nil && azsdk.Deref(cur.Properties.AddressPrefix) == p.String(), nil
		}
		model := armnetwork.Subnet{Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr(p.String())}}
		return &kind.Want[*armnetwork.Subnet]{Matches: matches, Model: &model}, nil
	})
}

// DeleteSubnet starts deleting a subnet.
func (s *Server) DeleteSubnet(ctx context.Context, req *networkv1.DeleteSubnetRequest) (*longrunningpb.Operation, error) {
	return subnetType.Delete(ctx, s.clouds, req.GetName())
}

// GetSubnet reads a subnet.
func (s *Server) GetSubnet(ctx context.Context, req *networkv1.GetSubnetRequest) (*networkv1.Subnet, error) {
	return subnetType.Get(ctx, s.clouds, req.GetName())
}

// ListSubnets lists a virtual network's subnets.
func (s *Server) ListSubnets(ctx context.Context, req *networkv1.ListSubnetsRequest) (*networkv1.ListSubnetsResponse, error) {
	page, next, err := subnetType.List(ctx, s.clouds, req)
	return &networkv1.ListSubnetsResponse{Subnets: page, NextPageToken: next}, err
}
