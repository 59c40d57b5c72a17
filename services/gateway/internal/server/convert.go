package server

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/services/gateway/internal/connection"
)

// collections spells the collections of ARM IDs this service maps back to names, its own and
// the network service's subnets.
var collections = map[string]string{
	"publicipaddresses": "publicIPAddresses", "virtualnetworkgateways": "virtualNetworkGateways",
	"localnetworkgateways": "localNetworkGateways", "connections": "connections",
	"virtualnetworks": "virtualNetworks", "subnets": "subnets",
}

// apiName maps an ARM ID to a resource name, or returns the ID when it is not one of ours.
func apiName(cloud, armID string) string { return kind.APIName(cloud, armID, collections) }

func pipToAPI(cloud string, m *armnetwork.PublicIPAddress) *gatewayv1.PublicIPAddress {
	p := &gatewayv1.PublicIPAddress{Name: apiName(cloud, azsdk.Deref(m.ID)), Location: azsdk.Deref(m.Location), Tags: azsdk.TagsToAPI(m.Tags), ArmId: azsdk.Deref(m.ID),
		ProvisioningState: azsdk.ProvisioningState[gatewayv1.ProvisioningState](azsdk.State(m))}
	if m.SKU != nil && m.SKU.Name != nil {
		p.Sku = azsdk.Enum[gatewayv1.PublicIPAddress_Sku]("SKU_", string(*m.SKU.Name))
	}
	if q := m.Properties; q != nil {
		p.IpAddress = azsdk.Deref(q.IPAddress)
		if q.IPConfiguration != nil {
			p.IpConfiguration = azsdk.Deref(q.IPConfiguration.ID)
		}
		if q.PublicIPAllocationMethod != nil {
			p.AllocationMethod = azsdk.Enum[gatewayv1.PublicIPAddress_AllocationMethod]("ALLOCATION_METHOD_", string(*q.PublicIPAllocationMethod))
		}
	}
	return p
}

// gatewayRefs returns the ARM IDs of a gateway's subnet and public IP address.
func gatewayRefs(m *armnetwork.VirtualNetworkGateway) (subnet, publicIP string) {
	if m.Properties == nil || len(m.Properties.IPConfigurations) == 0 || m.Properties.IPConfigurations[0].Properties == nil {
		return "", ""
	}
	p := m.Properties.IPConfigurations[0].Properties
	if p.Subnet != nil {
		subnet = azsdk.Deref(p.Subnet.ID)
	}
	if p.PublicIPAddress != nil {
		publicIP = azsdk.Deref(p.PublicIPAddress.ID)
	}
	return subnet, publicIP
}

// gatewayToAPI converts a gateway; ipAddress is its public IP address's address, read apart.
func gatewayToAPI(cloud string, m *armnetwork.VirtualNetworkGateway, ipAddress string) *gatewayv1.VirtualNetworkGateway {
	g := &gatewayv1.VirtualNetworkGateway{Name: apiName(cloud, azsdk.Deref(m.ID)), Location: azsdk.Deref(m.Location), Tags: azsdk.TagsToAPI(m.Tags),
		ArmId: azsdk.Deref(m.ID), GatewayIpAddress: ipAddress, ProvisioningState: azsdk.ProvisioningState[gatewayv1.ProvisioningState](azsdk.State(m))}
	subnet, pip := gatewayRefs(m)
	g.Subnet, g.PublicIpAddress = apiName(cloud, subnet), apiName(cloud, pip)
	if p := m.Properties; p != nil {
		if p.SKU != nil && p.SKU.Name != nil {
			g.Sku = string(*p.SKU.Name)
		}
		if p.VPNType != nil {
			g.VpnType = azsdk.Enum[gatewayv1.VirtualNetworkGateway_VpnType]("VPN_TYPE_", string(*p.VPNType))
		}
		g.EnableBgp = p.EnableBgp != nil && *p.EnableBgp
		if b := p.BgpSettings; b != nil && g.EnableBgp {
			g.BgpAsn = azsdk.Deref(b.Asn)
			g.BgpPeeringAddress = azsdk.Deref(b.BgpPeeringAddress)
		}
	}
	return g
}

func localToAPI(cloud string, m *armnetwork.LocalNetworkGateway) *gatewayv1.LocalNetworkGateway {
	l := &gatewayv1.LocalNetworkGateway{Name: apiName(cloud, azsdk.Deref(m.ID)), Location: azsdk.Deref(m.Location), Tags: azsdk.TagsToAPI(m.Tags), ArmId: azsdk.Deref(m.ID),
		ProvisioningState: azsdk.ProvisioningState[gatewayv1.ProvisioningState](azsdk.State(m))}
	if p := m.Properties; p != nil {
		l.GatewayIpAddress = azsdk.Deref(p.GatewayIPAddress)
		if p.LocalNetworkAddressSpace != nil {
			l.AddressPrefixes = azsdk.Values(p.LocalNetworkAddressSpace.AddressPrefixes)
		}
		if b := p.BgpSettings; b != nil {
			l.BgpAsn = azsdk.Deref(b.Asn)
			l.BgpPeeringAddress = azsdk.Deref(b.BgpPeeringAddress)
		}
	}
	return l
}

// connectionToAPI converts a connection. ARM never returns the shared key with it, and the
// message's shared_key stays empty: it is input only.
func connectionToAPI(cloud string, m *connection.Model) *gatewayv1.Connection {
	c := &gatewayv1.Connection{Name: apiName(cloud, azsdk.Deref(m.ID)), Location: azsdk.Deref(m.Location), Tags: azsdk.TagsToAPI(m.Tags), ArmId: azsdk.Deref(m.ID),
		ProvisioningState: azsdk.ProvisioningState[gatewayv1.ProvisioningState](azsdk.State(m))}
	if p := m.Properties; p != nil {
		if p.VirtualNetworkGateway1 != nil {
			c.VirtualNetworkGateway = apiName(cloud, azsdk.Deref(p.VirtualNetworkGateway1.ID))
		}
		if p.LocalNetworkGateway2 != nil {
			c.LocalNetworkGateway = apiName(cloud, azsdk.Deref(p.LocalNetworkGateway2.ID))
		}
		if p.ConnectionProtocol != nil {
			c.Protocol = azsdk.Enum[gatewayv1.Connection_Protocol]("PROTOCOL_", string(*p.ConnectionProtocol))
		}
		if len(p.IPSecPolicies) > 0 {
			c.IpsecPolicy = policyToAPI(p.IPSecPolicies[0])
		}
		c.EnableBgp = p.EnableBgp != nil && *p.EnableBgp
		c.RoutingWeight = azsdk.Deref(p.RoutingWeight)
		if p.ConnectionStatus != nil {
			c.Status = azsdk.Enum[gatewayv1.Connection_Status]("STATUS_", string(*p.ConnectionStatus))
		}
		c.IngressBytes = azsdk.Deref(p.IngressBytesTransferred)
		c.EgressBytes = azsdk.Deref(p.EgressBytesTransferred)
	}
	return c
}

func policyToAPI(p *armnetwork.IPSecPolicy) *gatewayv1.IpsecPolicy {
	return &gatewayv1.IpsecPolicy{
		IkeEncryption:       string(azsdk.Deref(p.IkeEncryption)),
		IkeIntegrity:        string(azsdk.Deref(p.IkeIntegrity)),
		DhGroup:             string(azsdk.Deref(p.DhGroup)),
		IpsecEncryption:     string(azsdk.Deref(p.IPSecEncryption)),
		IpsecIntegrity:      string(azsdk.Deref(p.IPSecIntegrity)),
		PfsGroup:            string(azsdk.Deref(p.PfsGroup)),
		SaLifetimeSeconds:   azsdk.Deref(p.SaLifeTimeSeconds),
		SaDataSizeKilobytes: azsdk.Deref(p.SaDataSizeKilobytes),
	}
}

// policyToARM converts a validated policy, whose values are in ARM's spelling.
func policyToARM(p *gatewayv1.IpsecPolicy) *armnetwork.IPSecPolicy {
	return &armnetwork.IPSecPolicy{
		IkeEncryption:       to.Ptr(armnetwork.IkeEncryption(p.GetIkeEncryption())),
		IkeIntegrity:        to.Ptr(armnetwork.IkeIntegrity(p.GetIkeIntegrity())),
		DhGroup:             to.Ptr(armnetwork.DhGroup(p.GetDhGroup())),
		IPSecEncryption:     to.Ptr(armnetwork.IPSecEncryption(p.GetIpsecEncryption())),
		IPSecIntegrity:      to.Ptr(armnetwork.IPSecIntegrity(p.GetIpsecIntegrity())),
		PfsGroup:            to.Ptr(armnetwork.PfsGroup(p.GetPfsGroup())),
		SaLifeTimeSeconds:   to.Ptr(p.GetSaLifetimeSeconds()),
		SaDataSizeKilobytes: to.Ptr(p.GetSaDataSizeKilobytes()),
	}
}
