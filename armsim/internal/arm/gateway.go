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
	Etag       string `json:"etag,omitempty"`
	Properties struct {
		PrivateIPAllocationMethod string `json:"privateIPAllocationMethod,omitempty"`
		Subnet                    *ref   `json:"subnet,omitempty"`
		PublicIPAddress           *ref   `json:"publicIPAddress,omitempty"`
		ProvisioningState         string `json:"provisioningState,omitempty"`
	} `json:"properties"`
}

// BGPSettings are a gateway's BGP speaker settings; a virtual network gateway's also list
// its peering addresses per IP configuration (read-only).
type BGPSettings struct {
	ASN                 int64               `json:"asn,omitempty"`
	BGPPeeringAddress   string              `json:"bgpPeeringAddress,omitempty"`
	PeerWeight          int32               `json:"peerWeight"`
	BGPPeeringAddresses []BGPPeeringAddress `json:"bgpPeeringAddresses,omitempty"`
}

// BGPPeeringAddress is the BGP address of one gateway IP configuration and its tunnel's
// public IP address. customBgpIpAddresses is the client's and stays as sent.
type BGPPeeringAddress struct {
	IPConfigurationID     string   `json:"ipconfigurationId"`
	DefaultBGPIPAddresses []string `json:"defaultBgpIpAddresses"`
	TunnelIPAddresses     []string `json:"tunnelIpAddresses"`
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
		readOnly: []string{"properties.ipConfigurations[].id", "properties.ipConfigurations[].etag",
			"properties.ipConfigurations[].properties.provisioningState", "properties.natRules[].id",
			"properties.natRules[].etag", "properties.natRules[].properties.provisioningState"},
		prepare: prepareGateway, onSucceeded: gatewaySucceeded, onRemove: gatewayRemoved, inUse: gatewayInUse, locked: gatewayConnectionLock,
		render: renderGateway, defaults: gatewayDefaults})
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
	// ARM answers a VPN gateway's SKU with its capacity, 2 for every VPN SKU
	p.SKU.Name, p.SKU.Tier, p.SKU.Capacity = name, name, 2
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
		ipc.ID, ipc.Etag = gw.ID+"/ipConfigurations/"+ipc.Name, gw.Etag
		sub, err := t.reference(gw, ipc.Properties.Subnet, target+".properties.subnet", "Microsoft.Network", "virtualNetworks/subnets")
		if err != nil {
			return nil, err
		}
		subnet := sub.Res.(*Subnet)
		if subnet.Name != "GatewaySubnet" {
			return nil, badRequest("InvalidGatewaySubnetName", target+".properties.subnet.id",
				"Subnet %s referenced by virtual network gateway %s must be named 'GatewaySubnet'.", sub.id(), gw.ID)
		}
		if prefix := mustPrefixes(subnet.prefixes()); len(prefix) >= 1 && prefix[0].Bits() > 29 {
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
	if c.Kind == Azure {
		if err := gatewayGeneration(gw, old); err != nil {
			return nil, err
		}
	}
	if old != nil {
		if err := checkResize(c, gw, old); err != nil {
			return nil, err
		}
	}
	if (p.EnableBGP || c.Kind == Azure) && p.BGPSettings == nil {
		// Azure answers every VPN gateway with its BGP settings, BGP enabled or not
		p.BGPSettings = &BGPSettings{ASN: 65515}
	}
	if p.BGPSettings != nil {
		p.BGPSettings.BGPPeeringAddresses = nil
		if old != nil && old.Res.(*VirtualNetworkGateway).Properties.BGPSettings != nil {
			p.BGPSettings.BGPPeeringAddress = old.Res.(*VirtualNetworkGateway).Properties.BGPSettings.BGPPeeringAddress
		}
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
				if p := mustPrefixes(sub.Res.(*Subnet).prefixes()); len(p) >= 1 {
					gw.Properties.BGPSettings.BGPPeeringAddress = lastAddr(p[0]).Prev().String()
				}
			}
		}
	}
}

// gatewayRemoved releases the address of a dynamic public IP when its gateway goes: a
// gateway created again on it gets another address, so the other side's local network
// gateway must be pointed at the new one.
func gatewayRemoved(e *Engine, en *entry) {
	for _, r := range en.Refs {
		if pip, ok := e.entries[r]; ok && pip.Kind == "publicipaddresses" {
			p := pip.Res.(*PublicIPAddress)
			if p.Properties.PublicIPAllocationMethod == "Dynamic" && p.Properties.IPAddress != "" {
				e.releaseAddress(p.Properties.IPAddress)
				pip.Released, p.Properties.IPAddress = p.Properties.IPAddress, ""
				e.dirty = true
			}
		}
	}
}

func gatewayInUse(e *Engine, en *entry) *Error {
	return connectionUser(e, en, "VirtualNetworkGatewayCannotBeDeleted", "Virtual network gateway")
}

// connectionUser refuses the deletion of a gateway (what names it in messages) that a
// connection uses.
func connectionUser(e *Engine, en *entry, code, what string) *Error {
	for _, u := range e.users(en.key()) {
		if u.Kind == "connections" {
			return badRequest(code, "", "%s %s cannot be deleted because it is used by connection %s. Delete the connection first.", what, en.id(), u.id())
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
				// the rule is the stamp's, across subscriptions; the message names the
				// other gateway only when it is in the caller's subscription
				if !strings.EqualFold(subscriptionOf(other.id()), t.rq.path.Subscription) {
					return nil, badRequest("LocalNetworkGatewayIpAddressAlreadyInUse", "properties.gatewayIpAddress",
						"Azure Stack Hub allows one local network gateway per remote IP address; %s is already used by a local network gateway of another subscription.", p.GatewayIPAddress)
				}
				return nil, badRequest("LocalNetworkGatewayIpAddressAlreadyInUse", "properties.gatewayIpAddress",
					"Azure Stack Hub allows one local network gateway per remote IP address; %s already uses %s.", other.id(), p.GatewayIPAddress)
			}
		}
	}
	p.ResourceGUID = guidOf(old, func(r resource) string { return r.(*LocalNetworkGateway).Properties.ResourceGUID })
	return nil, nil
}

func localGatewayInUse(e *Engine, en *entry) *Error {
	return connectionUser(e, en, "LocalNetworkGatewayCannotBeDeleted", "Local network gateway")
}

// renderGateway adds, to a gateway's BGP settings, the peering addresses of each IP
// configuration: its BGP address and its public IP address.
func renderGateway(e *Engine, en *entry, _ *request) any {
	g := *en.Res.(*VirtualNetworkGateway)
	b := g.Properties.BGPSettings
	if b == nil || b.BGPPeeringAddress == "" {
		return &g
	}
	cp := *b
	cp.BGPPeeringAddresses = nil
	for _, ipc := range g.Properties.IPConfigurations {
		tunnel := []string{}
		if pip := e.lookup(en.Cloud, ipc.Properties.PublicIPAddress); pip != nil && pip.Res.(*PublicIPAddress).Properties.IPAddress != "" {
			tunnel = append(tunnel, pip.Res.(*PublicIPAddress).Properties.IPAddress)
		}
		cp.BGPPeeringAddresses = append(cp.BGPPeeringAddresses, BGPPeeringAddress{
			IPConfigurationID: ipc.ID, DefaultBGPIPAddresses: []string{b.BGPPeeringAddress}, TunnelIPAddresses: tunnel})
	}
	g.Properties.BGPSettings = &cp
	return &g
}

// gatewayDefaults fills in what Azure answers for a VPN gateway's stored properties a client
// left out (VirtualNetworkGatewayGet example, 2024-05-01), and the read-only fields of its
// NAT rules.
func gatewayDefaults(e *Engine, en *entry, v map[string]any) {
	gw := en.Res.(*VirtualNetworkGateway)
	props, _ := v["properties"].(map[string]any)
	if props == nil {
		return
	}
	if e.clouds[en.Cloud].Kind == Azure {
		for _, b := range []string{"enablePrivateIpAddress", "disableIPSecReplayProtection", "enableBgpRouteTranslationForNat",
			"allowVirtualWanTraffic", "allowRemoteVnetTraffic"} {
			setDefault(props, b, false)
		}
		setDefault(props, "natRules", []any{})
	}
	for _, a := range listAt(props, "bgpSettings.bgpPeeringAddresses") {
		setDefault(a, "customBgpIpAddresses", []any{})
	}
	for _, r := range listAt(props, "natRules") {
		r["id"], r["etag"] = gw.ID+"/natRules/"+str(r["name"]), gw.Etag
		rp, ok := r["properties"].(map[string]any)
		if !ok {
			rp = map[string]any{}
			r["properties"] = rp
		}
		rp["provisioningState"] = *gw.state() // a NAT rule is provisioned with its gateway
	}
}

// natRuleNames returns the names of a gateway's NAT rules, from its kept body.
func natRuleNames(gw *entry) []string {
	var out []string
	for _, r := range listAt(gw.Body, "properties.natRules") {
		out = append(out, str(r["name"]))
	}
	return out
}
