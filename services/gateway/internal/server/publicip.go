package server

import (
	"context"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// CreatePublicIPAddress ensures a public IP address with the cloud's SKU and allocation rules.
func (s *Server) CreatePublicIPAddress(ctx context.Context, req *gatewayv1.CreatePublicIPAddressRequest) (*longrunningpb.Operation, error) {
	return pipType.Create(ctx, s.clouds, req, req.GetPublicIpAddressId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*armnetwork.PublicIPAddress], error) {
		spec, err := validatePublicIP(c.conn.Kind, req)
		if err != nil {
			return nil, err
		}
		want := req.GetPublicIpAddress()
		location, err := c.conn.LocationIn(ctx, n.ResourceGroup, want.GetLocation())
		if err != nil {
			return nil, err
		}
		matches := func(cur *armnetwork.PublicIPAddress) (bool, error) {
			sku := ""
			if cur.SKU != nil && cur.SKU.Name != nil {
				sku = string(*cur.SKU.Name)
			}
			if !strings.EqualFold(sku, spec.sku) {
				return false, kind.Fixed(n, "SKU", sku, spec.sku)
			}
			method := ""
			if cur.Properties != nil && cur.Properties.PublicIPAllocationMethod != nil {
				method = string(*cur.Properties.PublicIPAllocationMethod)
			}
			return strings.EqualFold(method, spec.allocation) && azsdk.SameTags(cur.Tags, want.GetTags()), nil
		}
		model := armnetwork.PublicIPAddress{
			Location: to.Ptr(location),
			Tags:     azsdk.TagsToARM(want.GetTags()),
			SKU:      &armnetwork.PublicIPAddressSKU{Name: to.Ptr(armnetwork.PublicIPAddressSKUName(spec.sku))},
			Properties: &armnetwork.PublicIPAddressPropertiesFormat{
				PublicIPAllocationMethod: to.Ptr(armnetwork.IPAllocationMethod(spec.allocation)),
				PublicIPAddressVersion:   to.Ptr(armnetwork.IPVersionIPv4),
			},
		}
		return &kind.Want[*armnetwork.PublicIPAddress]{Matches: matches, Model: &model, Location: location}, nil
	})
}

// DeletePublicIPAddress starts deleting a public IP address.
func (s *Server) DeletePublicIPAddress(ctx context.Context, req *gatewayv1.DeletePublicIPAddressRequest) (*longrunningpb.Operation, error) {
	return pipType.Delete(ctx, s.clouds, req.GetName())
}

// GetPublicIPAddress reads a public IP address.
func (s *Server) GetPublicIPAddress(ctx context.Context, req *gatewayv1.GetPublicIPAddressRequest) (*gatewayv1.PublicIPAddress, error) {
	return pipType.Get(ctx, s.clouds, req.GetName())
}

// ListPublicIPAddresses lists a resource group's public IP addresses.
func (s *Server) ListPublicIPAddresses(ctx context.Context, req *gatewayv1.ListPublicIPAddressesRequest) (*gatewayv1.ListPublicIPAddressesResponse, error) {
	page, next, err := pipType.List(ctx, s.clouds, req)
	return &gatewayv1.ListPublicIPAddressesResponse{PublicIpAddresses: page, NextPageToken: next}, err
}
