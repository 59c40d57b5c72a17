package server

import (
	"context"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// CreateVirtualNetworkGateway ensures a VPN gateway in a GatewaySubnet, with the public IP
// address the cloud requires. Creating one takes 30-45 minutes on Azure.
func (s *Server) CreateVirtualNetworkGateway(ctx context.Context, req *gatewayv1.CreateVirtualNetworkGatewayRequest) (*longrunningpb.Operation, error) {
	return vngType.Create(ctx, s.clouds, req, req.GetVirtualNetworkGatewayId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*armnetwork.VirtualNetworkGateway], error) {
		spec, err := validateGateway(c.conn.Kind, n.Parent(), req)
		if err != nil {
			return nil, err
		}
		pip, err := referenced(ctx, c.pips, "public IP address", spec.publicIP)
		if err != nil {
			return nil, err
		}
		if err := checkGatewayIP(c.conn.Kind, spec, pip); err != nil {
			return nil, err
		}
		want := req.GetVirtualNetworkGateway()
		location, err := c.conn.LocationIn(ctx, n.ResourceGroup, want.GetLocation())
		if err != nil {
			return nil, err
		}
		subnetID := spec.subnet.ARMID(c.conn.Subscription, network)
		pipID := spec.publicIP.ARMID(c.conn.Subscription, network)
		matches := func(cur *armnetwork.VirtualNetworkGateway) (bool, error) {
			p := cur.Properties
			if p == nil || !azsdk.SameLocation(azsdk.Deref(cur.Location), location) || !azsdk.SameTags(cur.Tags, want.GetTags()) {
				return false, nil
			}
			subnet, ip := gatewayRefs(cur)
			asn := int64(0)
			if p.EnableBgp != nil && *p.EnableBgp && p.BgpSettings != nil {
				asn = azsdk.Deref(p.BgpSettings.Asn)
			}
			return p.SKU != nil && strings.EqualFold(string(azsdk.Deref(p.SKU.Name)), spec.sku) &&
				strings.EqualFold(string(azsdk.Deref(p.VPNType)), spec.vpnType) &&
				strings.EqualFold(subnet, subnetID) && strings.EqualFold(ip, pipID) && asn == spec.asn, nil
		}
		model := armnetwork.VirtualNetworkGateway{
			Location: to.Ptr(location),
			Tags:     azsdk.TagsToARM(want.GetTags()),
			Properties: &armnetwork.VirtualNetworkGatewayPropertiesFormat{
				GatewayType: to.Ptr(armnetwork.VirtualNetworkGatewayTypeVPN),
				VPNType:     to.Ptr(armnetwork.VPNType(spec.vpnType)),
				SKU: &armnetwork.VirtualNetworkGatewaySKU{Name: to.Ptr(armnetwork.VirtualNetworkGatewaySKUName(spec.sku)),
					Tier: to.Ptr(armnetwork.VirtualNetworkGatewaySKUTier(spec.sku))},
				EnableBgp: to.Ptr(spec.asn != 0),
				Active:    to.Ptr(false),
				IPConfigurations: []*armnetwork.VirtualNetworkGatewayIPConfiguration{{
					Name: to.Ptr(ipConfiguration),
					Properties: &armnetwork.VirtualNetworkGatewayIPConfigurationPropertiesFormat{
						PrivateIPAllocationMethod: to.Ptr(armnetwork.IPAllocationMethodDynamic),
						Subnet:                    &armnetwork.SubResource{ID: to.Ptr(subnetID)},
						PublicIPAddress:           &armnetwork.SubResource{ID: to.Ptr(pipID)},
					},
				}},
			},
		}
		if spec.asn != 0 {
			model.Properties.BgpSettings = &armnetwork.BgpSettings{Asn: to.Ptr(spec.asn)}
		}
		return &kind.Want[*armnetwork.VirtualNetworkGateway]{Matches: matches, Model: &model}, nil
	})
}

// DeleteVirtualNetworkGateway starts deleting a VPN gateway; a connection using it makes it
// fail with FailedPrecondition naming the connection.
func (s *Server) DeleteVirtualNetworkGateway(ctx context.Context, req *gatewayv1.DeleteVirtualNetworkGatewayRequest) (*longrunningpb.Operation, error) {
	return vngType.Delete(ctx, s.clouds, req.GetName())
}

// ipConfiguration names the single IP configuration of the gateways this service creates.
const ipConfiguration = "default"

// renderGateway converts a gateway, reading its public IP address's address: ARM keeps it on
// the public IP resource, not on the gateway.
func (c *clients) renderGateway(ctx context.Context, m *armnetwork.VirtualNetworkGateway) (*gatewayv1.VirtualNetworkGateway, error) {
	_, pipID := gatewayRefs(m)
	address := ""
	if n, err := names.FromARMID(c.conn.ID, pipID, collections); err == nil && len(n.Path) == 1 {
		pip, err := c.pips.Get(ctx, n.ResourceGroup, n.ID())
		switch {
		case err == nil && pip.Properties != nil:
			address = azsdk.Deref(pip.Properties.IPAddress)
		case err != nil && !apierr.IsNotFound(err):
			return nil, apierr.FromARM(err, n.String())
		}
	}
	return gatewayToAPI(c.conn.ID, m, address), nil
}

// checkGatewayIP checks the gateway's public IP address against the cloud's rules: on Azure
// Stack Hub a dynamic (Basic) address; on Azure a Standard one for every gateway SKU but Basic.
func checkGatewayIP(k cloud.Kind, spec gatewaySpec, pip *armnetwork.PublicIPAddress) error {
	method, sku := "", ""
	if pip.Properties != nil {
		method = string(azsdk.Deref(pip.Properties.PublicIPAllocationMethod))
	}
	if pip.SKU != nil {
		sku = string(azsdk.Deref(pip.SKU.Name))
	}
	switch {
	case k == cloud.AzureStackHub && !strings.EqualFold(method, "Dynamic"):
		return apierr.Invalid("virtual_network_gateway.public_ip_address",
			"Azure Stack Hub VPN gateways need a dynamic Basic public IP address; %s is %s", spec.publicIP, method)
	case k == cloud.Azure && spec.sku != "Basic" && strings.EqualFold(sku, "Basic"):
		return apierr.Invalid("virtual_network_gateway.public_ip_address",
			"Azure VPN gateways of SKU %s need a Standard public IP address; %s is Basic", spec.sku, spec.publicIP)
	}
	return nil
}

// GetVirtualNetworkGateway reads a VPN gateway with its public address.
func (s *Server) GetVirtualNetworkGateway(ctx context.Context, req *gatewayv1.GetVirtualNetworkGatewayRequest) (*gatewayv1.VirtualNetworkGateway, error) {
	return vngType.Get(ctx, s.clouds, req.GetName())
}

// ListVirtualNetworkGateways lists a resource group's VPN gateways.
func (s *Server) ListVirtualNetworkGateways(ctx context.Context, req *gatewayv1.ListVirtualNetworkGatewaysRequest) (*gatewayv1.ListVirtualNetworkGatewaysResponse, error) {
	page, next, err := vngType.List(ctx, s.clouds, req)
	return &gatewayv1.ListVirtualNetworkGatewaysResponse{VirtualNetworkGateways: page, NextPageToken: next}, err
}
