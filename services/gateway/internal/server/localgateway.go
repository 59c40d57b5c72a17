package server

import (
	"context"
	"slices"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// CreateLocalNetworkGateway ensures a local network gateway: the remote site's VPN address
// and address prefixes.
func (s *Server) CreateLocalNetworkGateway(ctx context.Context, req *gatewayv1.CreateLocalNetworkGatewayRequest) (*longrunningpb.Operation, error) {
	return lngType.Create(ctx, s.clouds, req, req.GetLocalNetworkGatewayId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*armnetwork.LocalNetworkGateway], error) {
		spec, err := validateLocal(req)
		if err != nil {
			return nil, err
		}
		want := req.GetLocalNetworkGateway()
		location, err := c.conn.LocationIn(ctx, n.ResourceGroup, want.GetLocation())
		if err != nil {
			return nil, err
		}
		matches := func(cur *armnetwork.LocalNetworkGateway) (bool, error) {
			p := cur.Properties
			if p == nil || !azsdk.SameLocation(azsdk.Deref(cur.Location), location) || !azsdk.SameTags(cur.Tags, want.GetTags()) || azsdk.Deref(p.GatewayIPAddress) != spec.ip {
				return false, nil
			}
			var prefixes []string
			if p.LocalNetworkAddressSpace != nil {
				prefixes = azsdk.Values(p.LocalNetworkAddressSpace.AddressPrefixes)
			}
			slices.Sort(prefixes)
			var asn int64
			var peering string
			if p.BgpSettings != nil {
				asn, peering = azsdk.Deref(p.BgpSettings.Asn), azsdk.Deref(p.BgpSettings.BgpPeeringAddress)
			}
			return slices.Equal(prefixes, spec.prefixes) && asn == spec.asn && peering == spec.peering, nil
		}
		model := armnetwork.LocalNetworkGateway{
			Location: to.Ptr(location),
			Tags:     azsdk.TagsToARM(want.GetTags()),
			Properties: &armnetwork.LocalNetworkGatewayPropertiesFormat{
				GatewayIPAddress:         to.Ptr(spec.ip),
				LocalNetworkAddressSpace: &armnetwork.AddressSpace{AddressPrefixes: to.SliceOfPtrs(spec.prefixes...)},
			},
		}
		if spec.asn != 0 {
			model.Properties.BgpSettings = &armnetwork.BgpSettings{Asn: to.Ptr(spec.asn), BgpPeeringAddress: to.Ptr(spec.peering)}
		}
		return &kind.Want[*armnetwork.LocalNetworkGateway]{Matches: matches, Model: &model}, nil
	})
}

// DeleteLocalNetworkGateway starts deleting a local network gateway; a connection using it
// makes it fail with FailedPrecondition naming the connection.
func (s *Server) DeleteLocalNetworkGateway(ctx context.Context, req *gatewayv1.DeleteLocalNetworkGatewayRequest) (*longrunningpb.Operation, error) {
	return lngType.Delete(ctx, s.clouds, req.GetName())
}

// GetLocalNetworkGateway reads a local network gateway.
func (s *Server) GetLocalNetworkGateway(ctx context.Context, req *gatewayv1.GetLocalNetworkGatewayRequest) (*gatewayv1.LocalNetworkGateway, error) {
	return lngType.Get(ctx, s.clouds, req.GetName())
}

// ListLocalNetworkGateways lists a resource group's local network gateways.
func (s *Server) ListLocalNetworkGateways(ctx context.Context, req *gatewayv1.ListLocalNetworkGatewaysRequest) (*gatewayv1.ListLocalNetworkGatewaysResponse, error) {
	page, next, err := lngType.List(ctx, s.clouds, req)
	return &gatewayv1.ListLocalNetworkGatewaysResponse{LocalNetworkGateways: page, NextPageToken: next}, err
}
