package server

import (
	"context"
	"slices"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// CreateVirtualNetwork ensures a virtual network and its set of subnets.
func (s *Server) CreateVirtualNetwork(ctx context.Context, req *networkv1.CreateVirtualNetworkRequest) (*longrunningpb.Operation, error) {
	return vnetType.Create(ctx, s.clouds, req, req.GetVirtualNetworkId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*armnetwork.VirtualNetwork], error) {
		want, subnets, err := validateVirtualNetwork(req)
		if err != nil {
			return nil, err
		}
		location, err := c.conn.LocationIn(ctx, n.ResourceGroup, want.GetLocation())
		if err != nil {
			return nil, err
		}
		model := armnetwork.VirtualNetwork{
			Location: to.Ptr(location),
			Tags:     azsdk.TagsToARM(want.GetTags()),
			Properties: &armnetwork.VirtualNetworkPropertiesFormat{
				AddressSpace: &armnetwork.AddressSpace{AddressPrefixes: to.SliceOfPtrs(want.GetAddressPrefixes()...)},
				Subnets:      []*armnetwork.Subnet{},
			},
		}
		for _, sn := range subnets {
			model.Properties.Subnets = append(model.Properties.Subnets, &armnetwork.Subnet{
				Name: to.Ptr(sn.id), Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr(sn.prefix)}})
		}
		matches := func(cur *armnetwork.VirtualNetwork) (bool, error) {
			return vnetMatches(cur, location, want, subnets), nil
		}
		return &kind.Want[*armnetwork.VirtualNetwork]{Matches: matches, Model: &model}, nil
	})
}

// DeleteVirtualNetwork starts deleting a virtual network.
func (s *Server) DeleteVirtualNetwork(ctx context.Context, req *networkv1.DeleteVirtualNetworkRequest) (*longrunningpb.Operation, error) {
	return vnetType.Delete(ctx, s.clouds, req.GetName())
}

// vnetMatches reports whether ARM's virtual network already is what the request wants.
func vnetMatches(cur *armnetwork.VirtualNetwork, location string, want *networkv1.VirtualNetwork, subnets []subnetSpec) bool {
	if !azsdk.SameLocation(azsdk.Deref(cur.Location), location) || !azsdk.SameTags(cur.Tags, want.GetTags()) || cur.Properties == nil || cur.Properties.AddressSpace == nil {
		return false
	}
	have := azsdk.Values(cur.Properties.AddressSpace.AddressPrefixes)
	wantPrefixes := slices.Clone(want.GetAddressPrefixes())
	slices.Sort(have)
	slices.Sort(wantPrefixes)
	if !slices.Equal(have, wantPrefixes) || len(cur.Properties.Subnets) != len(subnets) {
		return false
	}
	got := map[string]string{}
	for _, sn := range cur.Properties.Subnets {
		if sn.Properties != nil {
			got[azsdk.Deref(sn.Name)] = azsdk.Deref(sn.Properties.AddressPrefix)
		}
	}
	for _, sn := range subnets {
		if got[sn.id] != sn.prefix {
			return false
		}
	}
	return true
}

// GetVirtualNetwork reads a virtual network with its subnets.
func (s *Server) GetVirtualNetwork(ctx context.Context, req *networkv1.GetVirtualNetworkRequest) (*networkv1.VirtualNetwork, error) {
	return vnetType.Get(ctx, s.clouds, req.GetName())
}

// ListVirtualNetworks lists a resource group's virtual networks.
func (s *Server) ListVirtualNetworks(ctx context.Context, req *networkv1.ListVirtualNetworksRequest) (*networkv1.ListVirtualNetworksResponse, error) {
	page, next, err := vnetType.List(ctx, s.clouds, req)
	return &networkv1.ListVirtualNetworksResponse{VirtualNetworks: page, NextPageToken: next}, err
}
