package server

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// defaultASN is Azure's BGP autonomous system number for VPN gateways.
const defaultASN = 65515

// limits bounds every field of the Create requests and SetConnectionSharedKey, checked
// before anything else.
var limits = apierr.NewLimits(slices.Concat(
	kind.ResourceName.On("parent", "name", "virtual_network_gateway.subnet", "virtual_network_gateway.public_ip_address",
		"connection.virtual_network_gateway", "connection.local_network_gateway"),
	kind.ARMName("public IP address", 80).On("public_ip_address_id"),
	kind.ARMName("virtual network gateway", 80).On("virtual_network_gateway_id"),
	kind.ARMName("local network gateway", 80).On("local_network_gateway_id"),
	kind.ARMName("connection", 80).On("connection_id"),
	kind.SharedKey.On("shared_key", "connection.shared_key"),
	kind.GatewaySKU.On("virtual_network_gateway.sku"),
	kind.Address.On("local_network_gateway.gateway_ip_address", "local_network_gateway.bgp_peering_address"),
	kind.Prefix.On("local_network_gateway.address_prefixes[*]"),
	[]apierr.Limit{
		{Field: "local_network_gateway.address_prefixes", Max: azrules.MaxLocalNetworkPrefixes, Why: "Azure VPN Gateway limits: 1000 address prefixes per local network gateway"},
	},
	azrules.IPsecPolicyLimits("connection.ipsec_policy"),
	azrules.ResourceLimits("public_ip_address"),
	azrules.ResourceLimits("virtual_network_gateway"),
	azrules.ResourceLimits("local_network_gateway"),
	azrules.ResourceLimits("connection"),
)...)

// canonical returns the spelling in list of v, compared case-insensitively.
func canonical(list []string, v string) (string, bool) {
	for _, c := range list {
		if strings.EqualFold(c, v) {
			return c, true
		}
	}
	return "", false
}

// publicIPSpec is a validated public IP address in ARM's terms.
type publicIPSpec struct {
	sku, allocation string
}

// validatePublicIP checks a CreatePublicIPAddress request for a cloud of kind k. An
// unspecified SKU is the cloud's default: Standard (static) on Azure, Basic (dynamic) on
// Azure Stack Hub, which offers nothing else and whose gateways need a dynamic address.
func validatePublicIP(k cloud.Kind, req *gatewayv1.CreatePublicIPAddressRequest) (publicIPSpec, error) {
	var v apierr.Violations
	want := req.GetPublicIpAddress()
	if !kind.CheckResource(&v, "public_ip_address", req.GetPublicIpAddressId(), want) {
		return publicIPSpec{}, v.Err()
	}
	spec := publicIPSpec{sku: "Standard", allocation: "Static"}
	if k == cloud.AzureStackHub {
		spec = publicIPSpec{sku: "Basic", allocation: "Dynamic"}
	}
	switch want.GetSku() {
	case gatewayv1.PublicIPAddress_SKU_UNSPECIFIED:
	case gatewayv1.PublicIPAddress_SKU_BASIC:
		spec = publicIPSpec{sku: "Basic", allocation: "Dynamic"}
	case gatewayv1.PublicIPAddress_SKU_STANDARD:
		if k == cloud.AzureStackHub {
			v.Add("public_ip_address.sku", "Azure Stack Hub offers Basic public IP addresses only; use SKU_BASIC or leave it unspecified")
		}
		spec = publicIPSpec{sku: "Standard", allocation: "Static"}
	default:
		v.Add("public_ip_address.sku", "%d is not a SKU; use SKU_BASIC or SKU_STANDARD", want.GetSku())
	}
	switch want.GetAllocationMethod() {
	case gatewayv1.PublicIPAddress_ALLOCATION_METHOD_UNSPECIFIED:
	case gatewayv1.PublicIPAddress_ALLOCATION_METHOD_STATIC:
		spec.allocation = "Static"
	case gatewayv1.PublicIPAddress_ALLOCATION_METHOD_DYNAMIC:
		if spec.sku == "Standard" {
			v.Add("public_ip_address.allocation_method", "Standard public IP addresses are static; use ALLOCATION_METHOD_STATIC, or SKU_BASIC for a dynamic address")
		}
		spec.allocation = "Dynamic"
	default:
		v.Add("public_ip_address.allocation_method", "%d is not an allocation method; use ALLOCATION_METHOD_STATIC or ALLOCATION_METHOD_DYNAMIC", want.GetAllocationMethod())
	}
	return spec, v.Err()
}

// gatewaySpec is a validated VPN gateway in ARM's terms.
type gatewaySpec struct {
	sku, vpnType     string
	subnet, publicIP names.Name
	// asn is the BGP autonomous system number, 0 when BGP is off.
	asn int64
}

// validateGateway checks a CreateVirtualNetworkGateway request for cloud parent.Cloud of kind k.
func validateGateway(k cloud.Kind, parent names.Name, req *gatewayv1.CreateVirtualNetworkGatewayRequest) (gatewaySpec, error) {
	var v apierr.Violations
	var spec gatewaySpec
	want := req.GetVirtualNetworkGateway()
	if !kind.CheckResource(&v, "virtual_network_gateway", req.GetVirtualNetworkGatewayId(), want) {
		return spec, v.Err()
	}
	skus := azrules.GatewaySKUs[k]
	sku, ok := canonical(skus, want.GetSku())
	switch {
	case want.GetSku() == "":
		v.Add("virtual_network_gateway.sku", "required; %s offers %s", k.Display(), strings.Join(skus, ", "))
	case !ok:
		v.Add("virtual_network_gateway.sku", "%q is not a VPN gateway SKU on %s; use one of %s", want.GetSku(), k.Display(), strings.Join(skus, ", "))
	}
	spec.sku = sku
	switch want.GetVpnType() {
	case gatewayv1.VirtualNetworkGateway_VPN_TYPE_UNSPECIFIED, gatewayv1.VirtualNetworkGateway_VPN_TYPE_ROUTE_BASED:
		spec.vpnType = "RouteBased"
	case gatewayv1.VirtualNetworkGateway_VPN_TYPE_POLICY_BASED:
		if k == cloud.AzureStackHub {
			v.Add("virtual_network_gateway.vpn_type", "Azure Stack Hub supports route-based VPN gateways only; use VPN_TYPE_ROUTE_BASED")
		}
		spec.vpnType = "PolicyBased"
	default:
		v.Add("virtual_network_gateway.vpn_type", "%d is not a VPN type; use VPN_TYPE_ROUTE_BASED", want.GetVpnType())
	}
	subnet, err := names.Parse(want.GetSubnet(), "virtualNetworks", "subnets")
	switch {
	case err != nil:
		v.Add("virtual_network_gateway.subnet", "%v", err)
	case subnet.ID() != azrules.GatewaySubnet:
		v.Add("virtual_network_gateway.subnet", "a VPN gateway's subnet must be named exactly %q, not %q", azrules.GatewaySubnet, subnet.ID())
	default:
		kind.SameCloud(&v, "virtual_network_gateway.subnet", subnet, parent.Cloud)
	}
	spec.subnet = subnet
	spec.publicIP, _ = kind.Reference(&v, "virtual_network_gateway.public_ip_address", want.GetPublicIpAddress(), parent.Cloud, "publicIPAddresses")
	switch {
	case want.GetEnableBgp() && sku == "Basic":
		v.Add("virtual_network_gateway.enable_bgp", "the Basic gateway SKU does not support BGP; pick another SKU or turn BGP off")
	case want.GetBgpAsn() != 0 && !want.GetEnableBgp():
		v.Add("virtual_network_gateway.bgp_asn", "a BGP ASN needs enable_bgp")
	case want.GetEnableBgp():
		spec.asn = want.GetBgpAsn()
		if spec.asn == 0 {
			spec.asn = defaultASN
		}
		checkASN(&v, "virtual_network_gateway.bgp_asn", spec.asn)
	}
	return spec, v.Err()
}

// checkASN checks a BGP autonomous system number's range.
func checkASN(v *apierr.Violations, field string, asn int64) {
	if asn < 1 || asn > 4294967295 {
		v.Add(field, "%d is not a BGP autonomous system number (1 to 4294967295)", asn)
	}
}

// localSpec is a validated local network gateway in ARM's terms.
type localSpec struct {
	ip       string
	prefixes []string
	asn      int64
	peering  string
}

// validateLocal checks a CreateLocalNetworkGateway request.
func validateLocal(req *gatewayv1.CreateLocalNetworkGatewayRequest) (localSpec, error) {
	var v apierr.Violations
	var spec localSpec
	want := req.GetLocalNetworkGateway()
	if !kind.CheckResource(&v, "local_network_gateway", req.GetLocalNetworkGatewayId(), want) {
		return spec, v.Err()
	}
	a, err := netip.ParseAddr(want.GetGatewayIpAddress())
	if err != nil || !a.Is4() || !a.IsGlobalUnicast() || a.IsPrivate() {
		v.Add("local_network_gateway.gateway_ip_address", "%q is not a public IPv4 address such as 198.51.100.7: the remote VPN gateway's address", want.GetGatewayIpAddress())
	}
	spec.ip = a.String()
	for i, s := range want.GetAddressPrefixes() {
		if p, ok := azrules.CheckPrefix(&v, fmt.Sprintf("local_network_gateway.address_prefixes[%d]", i), s); ok {
			spec.prefixes = append(spec.prefixes, p.String())
		}
	}
	spec.asn, spec.peering = want.GetBgpAsn(), want.GetBgpPeeringAddress()
	if len(want.GetAddressPrefixes()) == 0 && spec.asn == 0 {
		v.Add("local_network_gateway.address_prefixes", "at least one prefix of the remote site is required (its virtual network's address space), unless BGP is used (bgp_asn)")
	}
	if spec.asn != 0 {
		checkASN(&v, "local_network_gateway.bgp_asn", spec.asn)
		if a, err := netip.ParseAddr(spec.peering); err != nil || !a.Is4() {
			v.Add("local_network_gateway.bgp_peering_address", "%q is not an IPv4 address; BGP needs the remote BGP peer's address", spec.peering)
		}
	} else if spec.peering != "" {
		v.Add("local_network_gateway.bgp_asn", "a BGP peering address needs the remote site's BGP ASN")
	}
	slices.Sort(spec.prefixes)
	return spec, v.Err()
}

// connectionSpec is a validated connection in ARM's terms; the shared key stays in the
// request.
type connectionSpec struct {
	gateway, local names.Name
	protocol       string
	// policy is the custom IPsec/IKE policy in ARM's spelling, or nil.
	policy        *gatewayv1.IpsecPolicy
	routingWeight int32
}

// validateConnection checks a CreateConnection request for cloud parent.Cloud of kind k.
func validateConnection(k cloud.Kind, parent names.Name, req *gatewayv1.CreateConnectionRequest) (connectionSpec, error) {
	var v apierr.Violations
	var spec connectionSpec
	want := req.GetConnection()
	if !kind.CheckResource(&v, "connection", req.GetConnectionId(), want) {
		return spec, v.Err()
	}
	spec.gateway, _ = kind.Reference(&v, "connection.virtual_network_gateway", want.GetVirtualNetworkGateway(), parent.Cloud, "virtualNetworkGateways")
	spec.local, _ = kind.Reference(&v, "connection.local_network_gateway", want.GetLocalNetworkGateway(), parent.Cloud, "localNetworkGateways")
	checkSharedKey(&v, "connection.shared_key", want.GetSharedKey())
	switch want.GetProtocol() {
	case gatewayv1.Connection_PROTOCOL_UNSPECIFIED, gatewayv1.Connection_PROTOCOL_IKEV2:
		spec.protocol = "IKEv2"
	case gatewayv1.Connection_PROTOCOL_IKEV1:
		if k == cloud.AzureStackHub {
			v.Add("connection.protocol", "Azure Stack Hub supports IKEv2 only; use PROTOCOL_IKEV2")
		}
		spec.protocol = "IKEv1"
	default:
		v.Add("connection.protocol", "%d is not a protocol; use PROTOCOL_IKEV2", want.GetProtocol())
	}
	if p := want.GetIpsecPolicy(); p != nil {
		spec.policy = checkPolicy(&v, "connection.ipsec_policy", k, p)
	}
	spec.routingWeight = want.GetRoutingWeight()
	if spec.routingWeight < 0 || spec.routingWeight > 32000 {
		v.Add("connection.routing_weight", "%d is out of range: 0 to 32000", spec.routingWeight)
	}
	if spec.routingWeight == 0 {
		spec.routingWeight = 10 // ARM's default
	}
	return spec, v.Err()
}

// checkSharedKey checks a pre-shared key: required, and as azrules.SharedKeyProblem wants
// it. The messages describe the key by its length and the position of a bad character,
// never by its text.
func checkSharedKey(v *apierr.Violations, field, key string) {
	if key == "" {
		v.Add(field, "required: 1 to %d printable ASCII characters, the same on both sides of the tunnel", azrules.MaxSharedKey)
	} else if problem := azrules.SharedKeyProblem(key); problem != "" {
		v.Add(field, "%s", problem)
	}
}

// checkPolicy checks a custom IPsec/IKE policy against the cloud's table and returns it in
// ARM's spelling.
func checkPolicy(v *apierr.Violations, field string, k cloud.Kind, p *gatewayv1.IpsecPolicy) *gatewayv1.IpsecPolicy {
	t := azrules.IPsec[k]
	check := func(name, value string, list []string) string {
		c, ok := canonical(list, value)
		if !ok {
			v.Add(field+"."+name, "%q is not accepted on %s; use one of %s", value, k.Display(), strings.Join(list, ", "))
		}
		return c
	}
	out := &gatewayv1.IpsecPolicy{
		IkeEncryption:       check("ike_encryption", p.GetIkeEncryption(), t.IKEEncryption),
		IkeIntegrity:        check("ike_integrity", p.GetIkeIntegrity(), t.IKEIntegrity),
		DhGroup:             check("dh_group", p.GetDhGroup(), t.DHGroup),
		IpsecEncryption:     check("ipsec_encryption", p.GetIpsecEncryption(), t.IPsecEncryption),
		IpsecIntegrity:      check("ipsec_integrity", p.GetIpsecIntegrity(), t.IPsecIntegrity),
		PfsGroup:            check("pfs_group", p.GetPfsGroup(), t.PFSGroup),
		SaLifetimeSeconds:   p.GetSaLifetimeSeconds(),
		SaDataSizeKilobytes: p.GetSaDataSizeKilobytes(),
	}
	azrules.CheckIPsecPolicy(v, field, out.GetIpsecEncryption(), out.GetIpsecIntegrity(), out.GetSaLifetimeSeconds(), out.GetSaDataSizeKilobytes())
	return out
}
