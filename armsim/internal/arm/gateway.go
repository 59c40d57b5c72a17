package arm

import (
	"net/netip"
	"strings"
)

// VirtualNetworkGateway is a Microsoft.Network virtual network gateway (VPN gateway).
type VirtualNetworkGateway struct {
	Meta
	Properties struct {
		IPConfigurations     []*GatewayIPConfiguration `json:"ipConfigurations"`
		GatewayType          string                    `json:"gatewayType,omitempty"`
		VPNType              string                    `json:"vpnType,omitempty"`
		VPNGatewayGeneration string                    `json:"vpnGatewayGeneration,omitempty"`
		EnableBGP            bool                      `json:"enableBgp"`
		ActiveActive         bool                      `json:"activeActive"`
		SKU                  *SKU                      `json:"sku,omitempty"`
		BGPSettings          *BGPSettings              `json:"bgpSettings,omitempty"`
		ProvisioningState    string                    `json:"provisioningState,omitempty"`
		ResourceGUID         string                    `json:"resourceGuid,omitempty"`
	} `json:"properties"`
}

// GatewayIPConfiguration is one IP configuration of a virtual network gateway.
type GatewayIPConfiguration struct {
	ID         string `json:"id,omitempty"`
	Name       string `json:"name"`
	Properties struct {
		PrivateIPAllocationMethod string `json:"privateIPAllocationMethod,omitempty"`
		Subnet                    *ref   `json:"subnet,omitempty"`
		PublicIPAddress           *ref   `json:"publicIPAddress,omitempty"`
		ProvisioningState         string `json:"provisioningState,omitempty"`
	} `json:"properties"`
}

// BGPSettings are a gateway's BGP speaker settings.
type BGPSettings struct {
	ASN               int64  `json:"asn,omitempty"`
	BGPPeeringAddress string `json:"bgpPeeringAddress,omitempty"`
	PeerWeight        int32  `json:"peerWeight,omitempty"`
}

// LocalNetworkGateway is a Microsoft.Network local network gateway: the remote site.
type LocalNetworkGateway struct {
	Meta
	Properties struct {
		LocalNetworkAddressSpace *AddressSpace `json:"localNetworkAddressSpace,omitempty"`
		GatewayIPAddress         string        `json:"gatewayIpAddress,omitempty"`
		FQDN                     string        `json:"fqdn,omitempty"`
		BGPSettings              *BGPSettings  `json:"bgpSettings,omitempty"`
		ProvisioningState        string        `json:"provisioningState,omitempty"`
		ResourceGUID             string        `json:"resourceGuid,omitempty"`
	} `json:"properties"`
}

func (r *VirtualNetworkGateway) state() *string { return &r.Properties.ProvisioningState }
func (r *LocalNetworkGateway) state() *string   { return &r.Properties.ProvisioningState }

func init() {
	register(&kind{name: "virtualnetworkgateways", Namespace: "Microsoft.Network", Type: "virtualNetworkGateways",
		newRes: func() resource { return &VirtualNetworkGateway{} }, creating: "Updating", nameRule: networkNames,
		prepare: prepareGateway, onSucceeded: gatewaySucceeded, onRemove: gatewayRemoved, inUse: gatewayInUse})
	register(&kind{name: "localnetworkgateways", Namespace: "Microsoft.Network", Type: "localNetworkGateways",
		newRes: func() resource { return &LocalNetworkGateway{} }, creating: "Updating", nameRule: networkNames,
		prepare: prepareLocalGateway, inUse: localGatewayInUse})
}

// gatewaySKUs lists the VPN gateway SKUs per cloud. Azure Stack Hub offers VpnGw1-3 only on
// stamps with VPN Fast Path enabled.
var gatewaySKUs = map[CloudKind][]string{
	Azure: {"Basic", "VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5",
		"VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"},
	AzureStackHub: {"Basic", "Standard", "HighPerformance"},
}

var fastPathSKUs = []string{"VpnGw1", "VpnGw2", "VpnGw3"}

// skusFor returns the gateway SKUs a cloud accepts.
func skusFor(c *Cloud) []string {
	if c.Kind == AzureStackHub && c.VPNFastPath {
		return append(append([]string(nil), gatewaySKUs[AzureStackHub]...), fastPathSKUs...)
	}
	return gatewaySKUs[c.Kind]
}

func prepareGateway(t *txn, en, old *entry) ([]string, *Error) {
	gw := en.Res.(*VirtualNetworkGateway)
	p := &gw.Properties
	c := t.cloud()
	if p.GatewayType == "" {
		p.GatewayType = "Vpn"
	}
	p.GatewayType = canonical(p.GatewayType, "Vpn", "ExpressRoute", "LocalGateway")
	if p.GatewayType != "Vpn" {
		return nil, badRequest("InvalidGatewayType", "properties.gatewayType",
			"Gateway type '%s' is not supported here: armsim emulates VPN gateways only (gatewayType Vpn).", p.GatewayType)
	}
	if p.VPNType == "" {
		p.VPNType = "RouteBased"
	}
	p.VPNType = canonical(p.VPNType, "RouteBased", "PolicyBased")
	if p.VPNType != "RouteBased" && p.VPNType != "PolicyBased" {
		return nil, badRequest("InvalidRequestFormat", "properties.vpnType", "VPN type '%s' is not valid. Valid values are RouteBased and PolicyBased.", p.VPNType)
	}
	if c.Kind == AzureStackHub && p.VPNType != "RouteBased" {
		return nil, badRequest("PolicyBasedVpnTypeNotSupported", "properties.vpnType",
			"Azure Stack Hub supports only RouteBased VPN gateways; vpnType '%s' is not supported.", p.VPNType)
	}
	if c.Kind == AzureStackHub && p.ActiveActive {
		return nil, badRequest("ActiveActiveGatewayNotSupported", "properties.activeActive",
			"Azure Stack Hub does not support active-active VPN gateways.")
	}
	if p.SKU == nil || p.SKU.Name == "" {
		return nil, badRequest("InvalidGatewaySize", "properties.sku.name",
			"The gateway size must be specified; supported gateway sizes are %s.", strings.Join(skusFor(c), ","))
	}
	skus := skusFor(c)
	name := canonical(p.SKU.Name, skus...)
	if !contains(skus, name) {
		return nil, badRequest("InvalidGatewaySize", "properties.sku.name",
			"The specified gateway size is not valid, supported gateway sizes are %s.", strings.Join(skus, ","))
	}
	p.SKU.Name, p.SKU.Tier = name, name
	if name == "Basic" && p.EnableBGP {
		return nil, badRequest("BgpNotSupportedOnBasicGateway", "properties.enableBgp", "BGP is not supported on the Basic gateway SKU.")
	}
	if name == "Basic" && p.ActiveActive {
		return nil, badRequest("ActiveActiveNotSupportedOnBasicGateway", "properties.activeActive", "Active-active is not supported on the Basic gateway SKU.")
	}
	want := 1
	if p.ActiveActive {
		want = 2
	}
	if len(p.IPConfigurations) != want {
		return nil, badRequest("InvalidRequestFormat", "properties.ipConfigurations",
			"Virtual network gateway %s needs %d IP configuration(s) (activeActive=%t); it has %d.", gw.ID, want, p.ActiveActive, len(p.IPConfigurations))
	}
	var refs []string
	var vnet *entry
	for i, ipc := range p.IPConfigurations {
		target := "properties.ipConfigurations[" + itoa(i) + "]"
		if ipc == nil || ipc.Name == "" {
			return nil, badRequest("InvalidRequestFormat", target+".name", "IP configuration %s of gateway %s has no name.", target, gw.ID)
		}
		ipc.ID = gw.ID + "/ipConfigurations/" + ipc.Name
		sub, err := t.reference(gw, ipc.Properties.Subnet, target+".properties.subnet", "Microsoft.Network", "virtualNetworks/subnets")
		if err != nil {
			return nil, err
		}
		subnet := sub.Res.(*Subnet)
		if subnet.Name != "GatewaySubnet" {
			return nil, badRequest("InvalidGatewaySubnetName", target+".properties.subnet.id",
				"Subnet %s referenced by virtual network gateway %s must be named 'GatewaySubnet'.", sub.id(), gw.ID)
		}
		if prefix := mustPrefixes([]string{subnet.Properties.AddressPrefix}); len(prefix) == 1 && prefix[0].Bits() > 29 {
			return nil, badRequest("GatewaySubnetTooSmall", target+".properties.subnet.id",
				"Gateway subnet %s has prefix /%d; the minimum size is /29 (/27 or larger is recommended).", sub.id(), prefix[0].Bits())
		}
		v := t.entries[sub.Parent]
		if v.Res.meta().Location != gw.Location {
			return nil, invalidReference(sub.id(), gw.ID, target+".properties.subnet.id")
		}
		vnet = v
		refs = append(refs, sub.id())
		pipEntry, err := t.reference(gw, ipc.Properties.PublicIPAddress, target+".properties.publicIPAddress", "Microsoft.Network", "publicIPAddresses")
		if err != nil {
			return nil, err
		}
		if err := t.publicIPFree(pipEntry, gw.ID, target+".properties.publicIPAddress.id"); err != nil {
			return nil, err
		}
		if err := gatewayPublicIPRule(c, pipEntry.Res.(*PublicIPAddress), name, gw.ID, target+".properties.publicIPAddress.id"); err != nil {
			return nil, err
		}
		refs = append(refs, pipEntry.id())
		if ipc.Properties.PrivateIPAllocationMethod == "" {
			ipc.Properties.PrivateIPAllocationMethod = "Dynamic"
		}
		ipc.Properties.ProvisioningState = "Succeeded"
	}
	// one gateway per virtual network
	for _, s := range t.childrenOf(vnet.key(), "subnets") {
		for _, u := range t.users(s.key()) {
			if u.Kind == "virtualnetworkgateways" && u.key() != en.key() {
				return nil, badRequest("VirtualNetworkCannotHaveMoreThanOneGateway", "properties.ipConfigurations[0].properties.subnet.id",
					"A virtual network can't be associated with more than one gateway: %s already has gateway %s.", vnet.id(), u.id())
			}
		}
	}
	if p.VPNGatewayGeneration == "" && c.Kind == Azure {
		p.VPNGatewayGeneration = "Generation1"
		if strings.HasPrefix(name, "VpnGw4") || strings.HasPrefix(name, "VpnGw5") {
			p.VPNGatewayGeneration = "Generation2"
		}
	}
	if p.EnableBGP && p.BGPSettings == nil {
		p.BGPSettings = &BGPSettings{ASN: 65515}
	}
	p.ResourceGUID = guidOf(old, func(r resource) string { return r.(*VirtualNetworkGateway).Properties.ResourceGUID })
	return refs, nil
}

// gatewayPublicIPRule enforces the public IP a gateway may use on each cloud: on Azure,
// Standard static for every SKU but Basic; on Azure Stack Hub, Basic dynamic.
func gatewayPublicIPRule(c *Cloud, pip *PublicIPAddress, sku, gwID, target string) *Error {
	if c.Kind == AzureStackHub {
		if pip.Properties.PublicIPAllocationMethod != "Dynamic" {
			return badRequest("VirtualNetworkGatewayPublicIPMustBeDynamic", target,
				"Azure Stack Hub VPN gateways support only dynamically allocated Basic public IP addresses; %s is %s.", pip.ID, pip.Properties.PublicIPAllocationMethod)
		}
		return nil
	}
	if sku != "Basic" && pip.SKU.Name == "Basic" {
		return badRequest("PublicIpWithBasicSkuNotAllowedOnVPNGateways", target,
			"Basic IP configuration for VPN Virtual Network Gateways is not supported. Follow the link for more details : https://go.microsoft.com/fwlink/p/?linkid=2241350 %s", gwID)
	}
	return nil
}

// gatewaySucceeded gives a dynamic public IP its address once the gateway runs.
func gatewaySucceeded(e *Engine, en *entry) {
	for _, r := range en.Refs {
		if pip, ok := e.entries[r]; ok && pip.Kind == "publicipaddresses" {
			e.allocateAddress(pip)
		}
	}
	gw := en.Res.(*VirtualNetworkGateway)
	if gw.Properties.BGPSettings != nil && gw.Properties.BGPSettings.BGPPeeringAddress == "" {
		for _, r := range en.Refs {
			if sub, ok := e.entries[r]; ok && sub.Kind == "subnets" {
				if p := mustPrefixes([]string{sub.Res.(*Subnet).Properties.AddressPrefix}); len(p) == 1 {
					gw.Properties.BGPSettings.BGPPeeringAddress = lastAddr(p[0]).Prev().String()
				}
			}
		}
	}
}

// gatewayRemoved releases the address of a dynamic public IP when its gateway goes.
func gatewayRemoved(e *Engine, en *entry) {
	for _, r := range en.Refs {
		if pip, ok := e.entries[r]; ok && pip.Kind == "publicipaddresses" {
			p := pip.Res.(*PublicIPAddress)
			if p.Properties.PublicIPAllocationMethod == "Dynamic" {
				e.releaseAddress(p.Properties.IPAddress)
				p.Properties.IPAddress = ""
			}
		}
	}
}

func gatewayInUse(e *Engine, en *entry) *Error {
	for _, u := range e.users(en.key()) {
		if u.Kind == "connections" {
			return badRequest("VirtualNetworkGatewayCannotBeDeleted", "",
				"Virtual network gateway %s cannot be deleted because it is used by connection %s. Delete the connection first.", en.id(), u.id())
		}
	}
	return nil
}

func prepareLocalGateway(t *txn, en, old *entry) ([]string, *Error) {
	lng := en.Res.(*LocalNetworkGateway)
	p := &lng.Properties
	if p.GatewayIPAddress == "" && p.FQDN == "" {
		return nil, badRequest("InvalidLocalNetworkGatewayIpAddress", "properties.gatewayIpAddress",
			"Local network gateway %s needs the public IP address of the remote VPN device in properties.gatewayIpAddress.", lng.ID)
	}
	if p.FQDN != "" && t.cloud().Kind == AzureStackHub {
		return nil, badRequest("InvalidLocalNetworkGatewayIpAddress", "properties.fqdn",
			"Azure Stack Hub local network gateways take an IP address, not an FQDN.")
	}
	if p.GatewayIPAddress != "" {
		a, err := netip.ParseAddr(p.GatewayIPAddress)
		if err != nil || !a.Is4() || !a.IsGlobalUnicast() {
			return nil, badRequest("InvalidLocalNetworkGatewayIpAddress", "properties.gatewayIpAddress",
				"The gateway IP address '%s' of local network gateway %s is not a valid public IPv4 address.", p.GatewayIPAddress, lng.ID)
		}
	}
	bgp := p.BGPSettings != nil && p.BGPSettings.ASN != 0
	if p.BGPSettings != nil && p.BGPSettings.ASN == 0 {
		return nil, badRequest("InvalidRequestFormat", "properties.bgpSettings.asn",
			"The local network gateway %s cannot have an ASN of zero.", lng.ID)
	}
	if (p.LocalNetworkAddressSpace == nil || len(p.LocalNetworkAddressSpace.AddressPrefixes) == 0) && !bgp {
		return nil, badRequest("LocalNetworkGatewayAddressSpaceRequired", "properties.localNetworkAddressSpace.addressPrefixes",
			"Local network gateway %s needs the remote site's address prefixes in properties.localNetworkAddressSpace.addressPrefixes (or BGP settings).", lng.ID)
	}
	if p.LocalNetworkAddressSpace != nil {
		for i, s := range p.LocalNetworkAddressSpace.AddressPrefixes {
			if _, err := parsePrefix(s, "properties.localNetworkAddressSpace.addressPrefixes["+itoa(i)+"]", lng.ID); err != nil {
				return nil, err
			}
		}
	}
	if t.cloud().Kind == AzureStackHub && p.GatewayIPAddress != "" {
		for k, other := range t.entries {
			if other.Kind == "localnetworkgateways" && other.Cloud == en.Cloud && k != en.key() &&
				other.Res.(*LocalNetworkGateway).Properties.GatewayIPAddress == p.GatewayIPAddress {
				return nil, badRequest("LocalNetworkGatewayIpAddressAlreadyInUse", "properties.gatewayIpAddress",
					"Azure Stack Hub allows one local network gateway per remote IP address; %s already uses %s.", other.id(), p.GatewayIPAddress)
			}
		}
	}
	p.ResourceGUID = guidOf(old, func(r resource) string { return r.(*LocalNetworkGateway).Properties.ResourceGUID })
	return nil, nil
}

func localGatewayInUse(e *Engine, en *entry) *Error {
	for _, u := range e.users(en.key()) {
		if u.Kind == "connections" {
			return badRequest("LocalNetworkGatewayCannotBeDeleted", "",
				"Local network gateway %s cannot be deleted because it is used by connection %s. Delete the connection first.", en.id(), u.id())
		}
	}
	return nil
}
