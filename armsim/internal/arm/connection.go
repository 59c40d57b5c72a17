package arm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/armsim/internal/ipsec"
)

// Connection is a Microsoft.Network virtual network gateway connection (connections).
type Connection struct {
	Meta
	Properties struct {
		VirtualNetworkGateway1         *ref           `json:"virtualNetworkGateway1,omitempty"`
		VirtualNetworkGateway2         *ref           `json:"virtualNetworkGateway2,omitempty"`
		LocalNetworkGateway2           *ref           `json:"localNetworkGateway2,omitempty"`
		ConnectionType                 string         `json:"connectionType,omitempty"`
		ConnectionProtocol             string         `json:"connectionProtocol,omitempty"`
		RoutingWeight                  int32          `json:"routingWeight"`
		IngressNATRules                []ref          `json:"ingressNatRules,omitempty"`
		EgressNATRules                 []ref          `json:"egressNatRules,omitempty"`
		SharedKey                      string         `json:"sharedKey,omitempty"`
		EnableBGP                      bool           `json:"enableBgp"`
		UsePolicyBasedTrafficSelectors bool           `json:"usePolicyBasedTrafficSelectors"`
		IPsecPolicies                  []ipsec.Policy `json:"ipsecPolicies"`
		ConnectionStatus               string         `json:"connectionStatus,omitempty"`
		IngressBytesTransferred        int64          `json:"ingressBytesTransferred"`
		EgressBytesTransferred         int64          `json:"egressBytesTransferred"`
		ProvisioningState              string         `json:"provisioningState,omitempty"`
		ResourceGUID                   string         `json:"resourceGuid,omitempty"`
	} `json:"properties"`
}

func (r *Connection) state() *string { return &r.Properties.ProvisioningState }

func init() {
	register(&kind{name: "connections", Namespace: "Microsoft.Network", Type: "connections",
		newRes: func() resource { return &Connection{} }, creating: "Updating", nameRule: networkNames,
		readOnly: []string{"properties.sharedKey", "properties.connectionStatus", "properties.ingressBytesTransferred",
			"properties.egressBytesTransferred", "properties.tunnelConnectionStatus"},
		prepare: prepareConnection, render: renderConnection, defaults: connectionDefaults, locked: connectionGatewayLock,
		actions: map[string]func(t *txn, en *entry) (*response, *Error){"sharedkey": sharedKeyAction}})
}

// Connection statuses, as Azure reports them.
const (
	Connected    = "Connected"
	Connecting   = "Connecting"
	NotConnected = "NotConnected"
)

func ipsecKind(k CloudKind) ipsec.Kind {
	if k == AzureStackHub {
		return ipsec.AzureStackHub
	}
	return ipsec.Azure
}

func prepareConnection(t *txn, en, old *entry) ([]string, *Error) {
	conn := en.Res.(*Connection)
	p := &conn.Properties
	c := t.cloud()
	if p.ConnectionType == "" {
		return nil, badRequest("InvalidRequestFormat", "properties.connectionType",
			"Connection %s needs properties.connectionType (IPsec for a site-to-site connection).", conn.ID)
	}
	p.ConnectionType = canonical(p.ConnectionType, "IPsec", "Vnet2Vnet", "ExpressRoute", "VPNClient")
	if p.ConnectionType != "IPsec" {
		return nil, badRequest("ConnectionTypeNotSupported", "properties.connectionType",
			"Connection type '%s' is not emulated by armsim; use IPsec (site-to-site).", p.ConnectionType)
	}
	// the gateway is locked while another operation on it runs, whichever gateway the
	// stored connection names (the PUT's lock, lockedOut, checked that one)
	if g := t.lookup(c.ID, p.VirtualNetworkGateway1); g != nil && g.Kind == "virtualnetworkgateways" {
		if op := t.gatewayLock(g, en.key()); op != nil {
			return nil, t.retryableDueToAnotherOperation(op, g.id())
		}
	}
	gw, err := t.reference(conn, p.VirtualNetworkGateway1, "properties.virtualNetworkGateway1", "Microsoft.Network", "virtualNetworkGateways")
	if err != nil {
		return nil, err
	}
	if gw.Res.meta().Location != conn.Location {
		return nil, invalidReference(gw.id(), conn.ID, "properties.virtualNetworkGateway1.id")
	}
	lng, err := t.reference(conn, p.LocalNetworkGateway2, "properties.localNetworkGateway2", "Microsoft.Network", "localNetworkGateways")
	if err != nil {
		return nil, err
	}
	p.VirtualNetworkGateway1 = &ref{ID: gw.id()}
	p.LocalNetworkGateway2 = &ref{ID: lng.id()}
	p.VirtualNetworkGateway2 = nil
	if p.ConnectionProtocol == "" {
		p.ConnectionProtocol = "IKEv2"
	}
	p.ConnectionProtocol = canonical(p.ConnectionProtocol, "IKEv2", "IKEv1")
	if p.ConnectionProtocol != "IKEv2" && (p.ConnectionProtocol != "IKEv1" || c.Kind == AzureStackHub) {
		return nil, badRequest("ConnectionProtocolNotSupported", "properties.connectionProtocol",
			"Connection protocol '%s' is not supported on this cloud; use IKEv2.", p.ConnectionProtocol)
	}
	if p.SharedKey == "" && old != nil {
		p.SharedKey = old.Res.(*Connection).Properties.SharedKey
	}
	if p.SharedKey == "" {
		p.SharedKey = strings.ReplaceAll(newID(), "-", "")
	}
	if err := checkSharedKey(p.SharedKey, "properties.sharedKey"); err != nil {
		return nil, err
	}
	gateway := gw.Res.(*VirtualNetworkGateway)
	sku := gateway.Properties.SKU.Name
	if len(p.IPsecPolicies) > 1 {
		return nil, badRequest("InvalidIpsecPolicy", "properties.ipsecPolicies",
			"A connection takes at most one custom IPsec/IKE policy; %d were given.", len(p.IPsecPolicies))
	}
	if len(p.IPsecPolicies) > 0 && (sku == "Basic" || (c.Kind == AzureStackHub && sku != "Standard" && sku != "HighPerformance")) {
		return nil, badRequest("IpsecPolicyNotSupportedForGatewaySku", "properties.ipsecPolicies",
			"Custom IPsec/IKE policies are not supported on gateway SKU %s.", sku)
	}
	for i, pol := range p.IPsecPolicies {
		if v := ipsec.Validate(ipsecKind(c.Kind), pol, "properties.ipsecPolicies["+itoa(i)+"]"); len(v) > 0 {
			return nil, badRequest(v[0].Code, v[0].Field, "%s", v[0].Message)
		}
		p.IPsecPolicies[i] = ipsec.Normalize(pol)
	}
	if p.UsePolicyBasedTrafficSelectors && c.Kind == AzureStackHub {
		return nil, badRequest("PolicyBasedTrafficSelectorsNotSupported", "properties.usePolicyBasedTrafficSelectors",
			"Azure Stack Hub does not support policy-based traffic selectors.")
	}
	if p.UsePolicyBasedTrafficSelectors && len(p.IPsecPolicies) == 0 {
		return nil, badRequest("InvalidRequestFormat", "properties.usePolicyBasedTrafficSelectors",
			"Policy-based traffic selectors need a custom IPsec/IKE policy on the connection.")
	}
	if p.EnableBGP && !gateway.Properties.EnableBGP {
		return nil, badRequest("BgpNotEnabledOnGateway", "properties.enableBgp",
			"Connection %s enables BGP but its gateway %s does not.", conn.ID, gw.id())
	}
	for _, rules := range []struct {
		field string
		refs  []ref
	}{{"ingressNatRules", p.IngressNATRules}, {"egressNatRules", p.EgressNATRules}} {
		for i, r := range rules.refs {
			if !strings.EqualFold(parentID(r.ID), gw.id()) || !isNATRule(r.ID) || !contains(natRuleNames(gw), lastSegment(r.ID)) {
				return nil, invalidReference(r.ID, conn.ID, "properties."+rules.field+"["+itoa(i)+"].id")
			}
		}
	}
	if old == nil {
		if err := t.checkTunnelCapacity(conn, gw, lng); err != nil {
			return nil, err
		}
	}
	p.ConnectionStatus, p.IngressBytesTransferred, p.EgressBytesTransferred = "", 0, 0
	p.ResourceGUID = guidOf(old, func(r resource) string { return r.(*Connection).Properties.ResourceGUID })
	return []string{gw.id(), lng.id()}, nil
}

// isNATRule reports whether an ID names a NAT rule of a virtual network gateway.
func isNATRule(id string) bool {
	p, ok := parsePath(id)
	return ok && !p.isCollection() && strings.EqualFold(p.Namespace, "Microsoft.Network") && len(p.Types) == 2 &&
		strings.EqualFold(p.Types[0], "virtualNetworkGateways") && strings.EqualFold(p.Types[1], "natRules")
}

// connectionDefaults fills in what Azure answers for a connection's stored properties a
// client left out: connection mode Default, no NAT rules or traffic selector policies
// (VirtualNetworkGatewayConnectionGet example). A dpdTimeoutSeconds left out stays out:
// the gateway applies its 45 s default (VPN gateway FAQ) without answering it, as
// Terraform's azurerm shows (its dpd_timeout_seconds is optional and forces replacement, so
// an answered 45 would replace every connection that does not set it on its second plan).
func connectionDefaults(e *Engine, en *entry, v map[string]any) {
	props, _ := v["properties"].(map[string]any)
	if props == nil || e.clouds[en.Cloud].Kind != Azure {
		return
	}
	setDefault(props, "connectionMode", "Default")
	setDefault(props, "ingressNatRules", []any{})
	setDefault(props, "egressNatRules", []any{})
	setDefault(props, "trafficSelectorPolicies", []any{})
	setDefault(props, "useLocalAzureIpAddress", false)
}

// checkSharedKey enforces the shared key's rules without ever quoting the key.
func checkSharedKey(k, target string) *Error {
	if len(k) < 1 || len(k) > 128 {
		return badRequest("InvalidSharedKey", target, "The shared key must be 1 to 128 characters long; it has %d.", len(k))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return badRequest("InvalidSharedKey", target, "The shared key may contain only printable ASCII characters; character %d is not.", i+1)
		}
	}
	return nil
}

// renderConnection leaves the shared key out, as Azure does, and fills in the live status
// and byte counters from the tunnel model.
func renderConnection(e *Engine, en *entry, _ *request) any {
	c := *en.Res.(*Connection)
	c.Properties.SharedKey = ""
	if c.Properties.IPsecPolicies == nil {
		c.Properties.IPsecPolicies = []ipsec.Policy{}
	}
	tn := e.tunnel(en)
	c.Properties.ConnectionStatus = tn.Status
	if tn.Status == Connected {
		// DPD and keepalive traffic: about 1 KB/s each way, in emulated time
		secs := int64(float64(e.now().Sub(tn.Since)) / e.opts.TimeScale / float64(time.Second))
		c.Properties.IngressBytesTransferred = 1100*secs + 1024
		c.Properties.EgressBytesTransferred = 1000*secs + 1024
	}
	return &c
}

// sharedKeyAction serves GET and PUT of .../connections/{name}/sharedkey.
func sharedKeyAction(t *txn, en *entry) (*response, *Error) {
	conn := en.Res.(*Connection)
	switch t.rq.method {
	case http.MethodGet:
		return reply(http.StatusOK, map[string]string{"id": conn.ID + "/sharedkey", "value": conn.Properties.SharedKey}), nil
	case http.MethodPut:
		if op := t.busy(en); op != nil {
			return nil, anotherOperationInProgress(en.id(), op.Name, op.ID)
		}
		if err := connectionGatewayLock(t.Engine, en); err != nil {
			return nil, err
		}
		var body struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(t.rq.body, &body); err != nil {
			return nil, invalidRequestContent(err)
		}
		if err := checkSharedKey(body.Value, "value"); err != nil {
			return nil, err
		}
		conn.Properties.SharedKey = body.Value
		*en.Res.state() = "Updating"
		op := t.startOp(t.rq, en, "SetSharedKeyOperation", actPut, "connections")
		resp := reply(http.StatusOK, map[string]string{"id": conn.ID + "/sharedkey", "value": body.Value})
		t.asyncHeaders(resp.header, t.rq.base, op, false)
		return resp, nil
	}
	return nil, methodNotAllowed(t.rq.method)
}

// Tunnel is what the emulated VPN sees of one connection: its status, why, and since when.
type Tunnel struct {
	Status string `json:"connectionStatus"`
	// Reason says why the tunnel is not Connected, as Azure's VPN troubleshoot would.
	Reason string `json:"reason,omitempty"`
	// Peer is the ID of the connection on the other side, when one was found.
	Peer string `json:"peerConnection,omitempty"`
	// PeerCloud is the cloud the peer connection lives on.
	PeerCloud string `json:"peerCloud,omitempty"`
	// IKE and IPsec are the negotiated proposals, when both sides agree.
	IKE   string    `json:"ike,omitempty"`
	IPsec string    `json:"ipsec,omitempty"`
	Since time.Time `json:"connectedSince,omitzero"`
}

// tunnel computes a connection's status from both sides of the emulated internet.
func (e *Engine) tunnel(en *entry) Tunnel {
	conn := en.Res.(*Connection)
	switch conn.Properties.ProvisioningState {
	case "Succeeded":
	case "Failed":
		return Tunnel{Status: NotConnected, Reason: "the connection's last operation failed"}
	default:
		return Tunnel{Status: Connecting, Reason: "the connection is being provisioned"}
	}
	gwE := e.lookup(en.Cloud, conn.Properties.VirtualNetworkGateway1)
	lngE := e.lookup(en.Cloud, conn.Properties.LocalNetworkGateway2)
	if gwE == nil || lngE == nil {
		return Tunnel{Status: NotConnected, Reason: "the connection's gateway or local network gateway no longer exists"}
	}
	if gwE.provisioningState() != "Succeeded" || lngE.provisioningState() != "Succeeded" {
		return Tunnel{Status: Connecting, Reason: "the gateway or local network gateway is being updated"}
	}
	localIP := e.gatewayAddress(gwE)
	lng := lngE.Res.(*LocalNetworkGateway)
	remoteIP := lng.Properties.GatewayIPAddress
	peerGw := e.gatewayAt(remoteIP)
	if peerGw == nil {
		return Tunnel{Status: NotConnected, Reason: fmt.Sprintf("no VPN gateway answers at %s, the address local network gateway %s points at", remoteIP, lngE.id())}
	}
	if peerGw.provisioningState() != "Succeeded" {
		return Tunnel{Status: Connecting, Reason: fmt.Sprintf("the peer gateway %s on %s is being provisioned", peerGw.id(), peerGw.Cloud)}
	}
	var peer, peerLng *entry
	for _, u := range e.users(peerGw.key()) {
		if u.Kind != "connections" {
			continue
		}
		l := e.lookup(u.Cloud, u.Res.(*Connection).Properties.LocalNetworkGateway2)
		if l != nil && l.Res.(*LocalNetworkGateway).Properties.GatewayIPAddress == localIP {
			peer, peerLng = u, l
			break
		}
	}
	if peer == nil {
		return Tunnel{Status: NotConnected, Reason: fmt.Sprintf("gateway %s on %s has no connection whose local network gateway points at this gateway's address %s", peerGw.id(), peerGw.Cloud, localIP)}
	}
	t := Tunnel{Peer: peer.id(), PeerCloud: peer.Cloud}
	pc := peer.Res.(*Connection)
	if pc.Properties.ProvisioningState != "Succeeded" || peerLng.provisioningState() != "Succeeded" {
		t.Status, t.Reason = Connecting, "the peer connection is being provisioned"
		return t
	}
	localSpace, peerSpace := e.gatewaySpace(gwE), e.gatewaySpace(peerGw)
	if overlapsAny(localSpace, peerSpace) {
		t.Status, t.Reason = NotConnected, fmt.Sprintf("the address spaces of the two virtual networks overlap (%s and %s)", joinPrefixes(localSpace), joinPrefixes(peerSpace))
		return t
	}
	if !covers(lng.Properties.LocalNetworkAddressSpace, peerSpace) {
		t.Status, t.Reason = NotConnected, fmt.Sprintf("traffic selectors do not match: local network gateway %s lists %s but the remote virtual network is %s", lngE.id(), prefixesOf(lng.Properties.LocalNetworkAddressSpace), joinPrefixes(peerSpace))
		return t
	}
	pl := peerLng.Res.(*LocalNetworkGateway)
	if !covers(pl.Properties.LocalNetworkAddressSpace, localSpace) {
		t.Status, t.Reason = NotConnected, fmt.Sprintf("traffic selectors do not match: the peer's local network gateway %s lists %s but this virtual network is %s", peerLng.id(), prefixesOf(pl.Properties.LocalNetworkAddressSpace), joinPrefixes(localSpace))
		return t
	}
	if conn.Properties.ConnectionProtocol != pc.Properties.ConnectionProtocol {
		t.Status, t.Reason = NotConnected, fmt.Sprintf("IKE version mismatch: %s here, %s on the peer", conn.Properties.ConnectionProtocol, pc.Properties.ConnectionProtocol)
		return t
	}
	ike, esp, ok, reason := ipsec.Negotiate(
		ipsec.OfferFor(ipsecKind(e.clouds[strings.ToLower(en.Cloud)].Kind), conn.Properties.IPsecPolicies),
		ipsec.OfferFor(ipsecKind(e.clouds[strings.ToLower(peer.Cloud)].Kind), pc.Properties.IPsecPolicies))
	if !ok {
		t.Status, t.Reason = NotConnected, reason
		return t
	}
	if conn.Properties.SharedKey != pc.Properties.SharedKey {
		t.Status, t.Reason = NotConnected, "IKE authentication failed: the pre-shared keys of the two connections differ"
		return t
	}
	t.Status, t.IKE, t.IPsec = Connected, ike.String(), esp.String()
	for _, x := range []*entry{en, peer, gwE, peerGw, lngE, peerLng} {
		if x.SucceededAt.After(t.Since) {
			t.Since = x.SucceededAt
		}
	}
	return t
}

// gatewayAddress returns the public IP address of a gateway's first IP configuration.
func (e *Engine) gatewayAddress(gw *entry) string {
	for _, r := range gw.Refs {
		if pip := e.entries[r]; pip != nil && pip.Kind == "publicipaddresses" {
			return pip.Res.(*PublicIPAddress).Properties.IPAddress
		}
	}
	return ""
}

// gatewayAt finds the gateway that owns a public IP address on any cloud.
func (e *Engine) gatewayAt(ip string) *entry {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	pip := e.entries[e.internet[a]]
	if pip == nil {
		return nil
	}
	for _, u := range e.users(pip.key()) {
		if u.Kind == "virtualnetworkgateways" {
			return u
		}
	}
	return nil
}

// gatewaySpace returns the address space of a gateway's virtual network.
func (e *Engine) gatewaySpace(gw *entry) []netip.Prefix {
	for _, r := range gw.Refs {
		if sub := e.entries[r]; sub != nil && sub.Kind == "subnets" {
			if vnet := e.entries[sub.Parent]; vnet != nil {
				return mustPrefixes(vnet.Res.(*VirtualNetwork).Properties.AddressSpace.AddressPrefixes)
			}
		}
	}
	return nil
}

// covers reports whether every prefix of space lies inside the listed address space.
func covers(listed *AddressSpace, space []netip.Prefix) bool {
	if listed == nil || len(space) == 0 {
		return false
	}
	l := mustPrefixes(listed.AddressPrefixes)
	for _, p := range space {
		if !withinAny(p, l) {
			return false
		}
	}
	return true
}

func prefixesOf(a *AddressSpace) string {
	if a == nil || len(a.AddressPrefixes) == 0 {
		return "no prefixes"
	}
	return strings.Join(a.AddressPrefixes, ", ")
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// Explain returns the tunnel view of a connection, for the admin API.
func (e *Engine) Explain(cloud, id string) (Tunnel, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settle()
	en := e.get(cloud, id)
	if en == nil || en.Kind != "connections" {
		return Tunnel{}, false
	}
	return e.tunnel(en), true
}
