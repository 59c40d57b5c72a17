package arm

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// VirtualNetwork is a Microsoft.Network virtual network. Its subnets are stored as child
// entries and joined in when it is rendered.
type VirtualNetwork struct {
	Meta
	Properties struct {
		AddressSpace      *AddressSpace `json:"addressSpace,omitempty"`
		Subnets           []*Subnet     `json:"subnets"`
		ProvisioningState string        `json:"provisioningState,omitempty"`
		ResourceGUID      string        `json:"resourceGuid,omitempty"`
	} `json:"properties"`
}

// AddressSpace lists address prefixes in CIDR notation.
type AddressSpace struct {
	AddressPrefixes []string `json:"addressPrefixes"`
}

// Subnet is a subnet of a virtual network.
type Subnet struct {
	Meta
	Properties struct {
		AddressPrefix     string   `json:"addressPrefix,omitempty"`
		AddressPrefixes   []string `json:"addressPrefixes,omitempty"`
		IPConfigurations  []ref    `json:"ipConfigurations,omitempty"`
		ProvisioningState string   `json:"provisioningState,omitempty"`
	} `json:"properties"`
}

// prefixes returns a subnet's address prefixes: addressPrefix, or the plural
// addressPrefixes current clients send instead.
func (s *Subnet) prefixes() []string {
	if s.Properties.AddressPrefix == "" && len(s.Properties.AddressPrefixes) > 0 {
		return s.Properties.AddressPrefixes
	}
	return []string{s.Properties.AddressPrefix}
}

// PublicIPAddress is a Microsoft.Network public IP address.
type PublicIPAddress struct {
	Meta
	SKU        *SKU `json:"sku,omitempty"`
	Properties struct {
		PublicIPAllocationMethod string `json:"publicIPAllocationMethod,omitempty"`
		PublicIPAddressVersion   string `json:"publicIPAddressVersion,omitempty"`
		IPAddress                string `json:"ipAddress,omitempty"`
		IdleTimeoutInMinutes     int32  `json:"idleTimeoutInMinutes,omitempty"`
		IPConfiguration          *ref   `json:"ipConfiguration,omitempty"`
		ProvisioningState        string `json:"provisioningState,omitempty"`
		ResourceGUID             string `json:"resourceGuid,omitempty"`
	} `json:"properties"`
}

// SKU is a resource SKU: {"name", "tier", "capacity"}.
type SKU struct {
	Name     string `json:"name,omitempty"`
	Tier     string `json:"tier,omitempty"`
	Capacity int32  `json:"capacity,omitempty"`
}

// NetworkInterface is a Microsoft.Network network interface.
type NetworkInterface struct {
	Meta
	Properties struct {
		IPConfigurations  []*NICIPConfiguration `json:"ipConfigurations"`
		VirtualMachine    *ref                  `json:"virtualMachine,omitempty"`
		MacAddress        string                `json:"macAddress,omitempty"`
		Primary           *bool                 `json:"primary,omitempty"`
		ProvisioningState string                `json:"provisioningState,omitempty"`
		ResourceGUID      string                `json:"resourceGuid,omitempty"`
	} `json:"properties"`
}

// NICIPConfiguration is one IP configuration of a network interface.
type NICIPConfiguration struct {
	ID         string `json:"id,omitempty"`
	Name       string `json:"name"`
	Etag       string `json:"etag,omitempty"`
	Properties struct {
		Subnet                    *ref   `json:"subnet,omitempty"`
		PrivateIPAddress          string `json:"privateIPAddress,omitempty"`
		PrivateIPAllocationMethod string `json:"privateIPAllocationMethod,omitempty"`
		PrivateIPAddressVersion   string `json:"privateIPAddressVersion,omitempty"`
		PublicIPAddress           *ref   `json:"publicIPAddress,omitempty"`
		Primary                   *bool  `json:"primary,omitempty"`
		ProvisioningState         string `json:"provisioningState,omitempty"`
	} `json:"properties"`
}

func (r *VirtualNetwork) state() *string   { return &r.Properties.ProvisioningState }
func (r *Subnet) state() *string           { return &r.Properties.ProvisioningState }
func (r *PublicIPAddress) state() *string  { return &r.Properties.ProvisioningState }
func (r *NetworkInterface) state() *string { return &r.Properties.ProvisioningState }

func init() {
	register(&kind{name: "virtualnetworks", Namespace: "Microsoft.Network", Type: "virtualNetworks",
		newRes: func() resource { return &VirtualNetwork{} }, creating: "Updating", lockChildren: true, nameRule: networkNames,
		prepare: prepareVirtualNetwork, render: renderVirtualNetwork, defaults: virtualNetworkDefaults, inUse: virtualNetworkInUse})
	register(&kind{name: "subnets", Namespace: "Microsoft.Network", Type: "virtualNetworks/subnets", child: true,
		newRes: func() resource { return &Subnet{} }, creating: "Updating", nameRule: networkNames,
		readOnly: []string{"properties.ipConfigurations"},
		prepare:  prepareSubnet, render: renderSubnet, defaults: subnetDefaults, inUse: subnetInUse})
	register(&kind{name: "publicipaddresses", Namespace: "Microsoft.Network", Type: "publicIPAddresses",
		newRes: func() resource { return &PublicIPAddress{} }, creating: "Updating", nameRule: networkNames,
		readOnly: []string{"properties.ipAddress", "properties.ipConfiguration"},
		prepare:  preparePublicIP, onSucceeded: allocateStaticIP, onRemove: releasePublicIP,
		render: renderPublicIP, inUse: publicIPInUse})
	register(&kind{name: "networkinterfaces", Namespace: "Microsoft.Network", Type: "networkInterfaces",
		newRes: func() resource { return &NetworkInterface{} }, creating: "Updating", nameRule: networkNames,
		readOnly: []string{"properties.virtualMachine", "properties.macAddress", "properties.ipConfigurations[].id",
			"properties.ipConfigurations[].etag", "properties.ipConfigurations[].properties.provisioningState",
			"properties.dnsSettings.appliedDnsServers", "properties.dnsSettings.internalDomainNameSuffix"},
		prepare: prepareNetworkInterface, render: renderNetworkInterface, defaults: networkInterfaceDefaults,
		inUse: networkInterfaceInUse})
}

func prepareVirtualNetwork(t *txn, en, old *entry) ([]string, *Error) {
	vnet := en.Res.(*VirtualNetwork)
	id := vnet.ID
	if vnet.Properties.AddressSpace == nil || len(vnet.Properties.AddressSpace.AddressPrefixes) == 0 {
		return nil, badRequest("InvalidAddressSpace", "properties.addressSpace.addressPrefixes",
			"Virtual network %s must have at least one address prefix in properties.addressSpace.addressPrefixes.", id)
	}
	space := make([]netip.Prefix, 0, len(vnet.Properties.AddressSpace.AddressPrefixes))
	for i, s := range vnet.Properties.AddressSpace.AddressPrefixes {
		p, err := parsePrefix(s, "properties.addressSpace.addressPrefixes["+itoa(i)+"]", id)
		if err != nil {
			return nil, err
		}
		if overlapsAny([]netip.Prefix{p}, space) {
			return nil, badRequest("VnetAddressSpacesOverlap", "properties.addressSpace.addressPrefixes["+itoa(i)+"]",
				"Cannot create or update virtual network %s since it has address spaces %s that overlap.", id, s)
		}
		space = append(space, p)
	}
	// The subnets in the body replace the virtual network's subnets, as in ARM: a subnet
	// left out is deleted, which fails while it is in use.
	seen := map[string]bool{}
	var subnets []*Subnet
	var prefixes []netip.Prefix
	for i, s := range vnet.Properties.Subnets {
		target := "properties.subnets[" + itoa(i) + "]"
		if s == nil || s.Name == "" {
			return nil, badRequest("InvalidRequestFormat", target+".name", "Subnet at %s of virtual network %s has no name.", target, id)
		}
		if !networkNames.re.MatchString(s.Name) || len(s.Name) > networkNames.max {
			return nil, badRequest("InvalidResourceName", target+".name", networkNames.msg, s.Name)
		}
		if seen[strings.ToLower(s.Name)] {
			return nil, badRequest("DuplicateResourceName", target+".name",
				"Virtual network %s has two subnets named %s. Names of child resources must be unique.", id, s.Name)
		}
		seen[strings.ToLower(s.Name)] = true
		ps, err := checkSubnetPrefixes(id+"/subnets/"+s.Name, s, target+".properties", lastSegment(id), space, prefixes)
		if err != nil {
			return nil, err
		}
		if err := t.refuseUnsupported("subnets", keptElement(en.Body, "properties.subnets", i), target+"."); err != nil {
			return nil, err
		}
		prefixes = append(prefixes, ps...)
		subnets = append(subnets, s)
	}
	if old != nil {
		for _, c := range t.childrenOf(old.key(), "subnets") {
			if !seen[strings.ToLower(c.Res.meta().Name)] {
				if err := subnetInUse(t.Engine, c); err != nil {
					return nil, err
				}
			}
		}
		for _, s := range subnets {
			if c := t.get(en.Cloud, id+"/subnets/"+s.Name); c != nil {
				if err := subnetChange(t.Engine, c, s.prefixes()); err != nil {
					return nil, err
				}
			}
		}
		for _, c := range t.childrenOf(old.key(), "subnets") {
			if !seen[strings.ToLower(c.Res.meta().Name)] {
				t.remove(c.key())
			}
		}
	}
	kept, _ := lookupPath(en.Body, "properties.subnets").([]any)
	if props, ok := en.Body["properties"].(map[string]any); ok {
		delete(props, "subnets") // each subnet keeps its own body
	}
	for i, s := range subnets {
		subID := id + "/subnets/" + s.Name
		if c := t.get(en.Cloud, subID); c != nil {
			subID = c.id()
			s.Name = c.Res.meta().Name
		}
		sub := &Subnet{Meta: Meta{ID: subID, Name: s.Name, Type: "Microsoft.Network/virtualNetworks/subnets", Etag: vnet.Etag}}
		sub.Properties.AddressPrefix, sub.Properties.AddressPrefixes = s.Properties.AddressPrefix, s.Properties.AddressPrefixes
		sub.Properties.ProvisioningState = "Updating"
		child := &entry{Cloud: en.Cloud, Kind: "subnets", Res: sub, Parent: en.key()}
		if i < len(kept) {
			child.Body, _ = kept[i].(map[string]any)
			for _, p := range append(readOnly, kinds["subnets"].readOnly...) {
				deletePath(child.Body, strings.Split(p, "."))
			}
		}
		var refs []string
		if c := t.get(en.Cloud, subID); c != nil {
			child.SucceededAt = c.SucceededAt
			refs = unkey(c.Refs)
		}
		t.Engine.put(child, refs)
	}
	vnet.Properties.Subnets = nil
	vnet.Properties.ResourceGUID = guidOf(old, func(r resource) string { return r.(*VirtualNetwork).Properties.ResourceGUID })
	return nil, nil
}

// checkSubnetPrefixes validates a subnet's prefixes (addressPrefix or addressPrefixes,
// target naming the subnet's properties) against its virtual network's space and siblings.
func checkSubnetPrefixes(subnetID string, s *Subnet, target, vnetName string, space, siblings []netip.Prefix) ([]netip.Prefix, *Error) {
	field := target + ".addressPrefix"
	if s.Properties.AddressPrefix == "" && len(s.Properties.AddressPrefixes) > 0 {
		field = target + ".addressPrefixes"
	}
	var out []netip.Prefix
	for i, str := range s.prefixes() {
		f := field
		if strings.HasSuffix(field, "es") {
			f += "[" + itoa(i) + "]"
		}
		p, err := checkSubnetPrefix(subnetID, s.Name, str, f, vnetName, space, append(siblings, out...))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// checkSubnetPrefix validates a subnet prefix against its virtual network's space and siblings.
func checkSubnetPrefix(subnetID, name, s, target, vnetName string, space, siblings []netip.Prefix) (netip.Prefix, *Error) {
	p, err := parsePrefix(s, target, subnetID)
	if err != nil {
		return p, err
	}
	if !withinAny(p, space) {
		return p, badRequest("NetcfgSubnetRangeOutsideVnet", target,
			"Subnet '%s' is not valid because its IP address range is outside the IP address range of virtual network '%s'.", name, vnetName)
	}
	if overlapsAny([]netip.Prefix{p}, siblings) {
		return p, badRequest("NetcfgSubnetRangesOverlap", target,
			"Subnet '%s' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '%s'.", name, vnetName)
	}
	return p, nil
}

func prepareSubnet(t *txn, en, old *entry) ([]string, *Error) {
	s := en.Res.(*Subnet)
	vnetEntry := t.entries[en.Parent]
	vnet := vnetEntry.Res.(*VirtualNetwork)
	var siblings []netip.Prefix
	for _, c := range t.childrenOf(en.Parent, "subnets") {
		if c.key() != en.key() {
			siblings = append(siblings, mustPrefixes(c.Res.(*Subnet).prefixes())...)
		}
	}
	if _, err := checkSubnetPrefixes(s.ID, s, "properties", vnet.Name,
		mustPrefixes(vnet.Properties.AddressSpace.AddressPrefixes), siblings); err != nil {
		return nil, err
	}
	if err := t.refuseUnsupported("subnets", en.Body, ""); err != nil {
		return nil, err
	}
	s.Properties.IPConfigurations = nil
	if old != nil {
		if err := subnetChange(t.Engine, old, s.prefixes()); err != nil {
			return nil, err
		}
		return unkey(old.Refs), nil
	}
	return nil, nil
}

// subnetChange refuses new prefixes for a subnet that has IP configurations in it.
func subnetChange(e *Engine, sub *entry, prefixes []string) *Error {
	if slices.Equal(sub.Res.(*Subnet).prefixes(), prefixes) {
		return nil
	}
	return subnetUser(e, sub, "InUseSubnetCannotBeUpdated", "properties.addressPrefix",
		"Subnet %s is in use by %s and its address prefix cannot be updated. In order to update the subnet, delete all the resources within the subnet.")
}

func subnetInUse(e *Engine, sub *entry) *Error {
	return subnetUser(e, sub, "InUseSubnetCannotBeDeleted", "",
		"Subnet %s is in use by %s and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.")
}

// subnetUser refuses a change of a subnet that IP configurations are in, with format's
// message naming the subnet and the first of them.
func subnetUser(e *Engine, sub *entry, code, target, format string) *Error {
	if users := ipConfigurationsUsing(e, sub); len(users) > 0 {
		return badRequest(code, target, format, sub.Res.meta().Name, users[0])
	}
	return nil
}

func virtualNetworkInUse(e *Engine, vnet *entry) *Error {
	for _, c := range e.childrenOf(vnet.key(), "subnets") {
		if err := subnetInUse(e, c); err != nil {
			return err
		}
	}
	return nil
}

// ipConfigurationsUsing lists the IDs of the IP configurations that reference a resource
// (a subnet or a public IP), as ARM reports them.
func ipConfigurationsUsing(e *Engine, target *entry) []string {
	var out []string
	for _, u := range e.users(target.key()) {
		switch r := u.Res.(type) {
		case *NetworkInterface:
			for _, c := range r.Properties.IPConfigurations {
				if refersTo(c.Properties.Subnet, target) || refersTo(c.Properties.PublicIPAddress, target) {
					out = append(out, r.ID+"/ipConfigurations/"+c.Name)
				}
			}
		case *VirtualNetworkGateway:
			for _, c := range r.Properties.IPConfigurations {
				if refersTo(c.Properties.Subnet, target) || refersTo(c.Properties.PublicIPAddress, target) {
					out = append(out, r.ID+"/ipConfigurations/"+c.Name)
				}
			}
		}
	}
	return out
}

func refersTo(r *ref, en *entry) bool { return r != nil && key(en.Cloud, r.ID) == en.key() }

// renderVirtualNetwork joins in the views of the virtual network's subnets, by name.
func renderVirtualNetwork(e *Engine, en *entry, rq *request) any {
	children := e.childrenOf(en.key(), "subnets")
	sort.SliceStable(children, func(i, j int) bool {
		return strings.ToLower(children[i].Res.meta().Name) < strings.ToLower(children[j].Res.meta().Name)
	})
	subnets := make([]any, 0, len(children))
	for _, c := range children {
		subnets = append(subnets, e.render(c, rq))
	}
	v := toView(en.Res)
	v["properties"].(map[string]any)["subnets"] = subnets
	return v
}

// virtualNetworkDefaults: ARM answers a virtual network with its peerings, none unless
// made, and on Azure its DDoS protection off (as az CLI shows a new one).
func virtualNetworkDefaults(e *Engine, en *entry, v map[string]any) {
	setDefault(v, "properties.virtualNetworkPeerings", []any{})
	if e.clouds[en.Cloud].Kind == Azure {
		setDefault(v, "properties.enableDdosProtection", false)
	}
}

// subnetDefaults: Azure answers a subnet with its delegations and its private endpoint and
// private link service network policies, Disabled and Enabled unless set (as az CLI and
// Terraform state show a new one).
func subnetDefaults(e *Engine, en *entry, v map[string]any) {
	if e.clouds[en.Cloud].Kind == Azure {
		setDefault(v, "properties.delegations", []any{})
		setDefault(v, "properties.privateEndpointNetworkPolicies", "Disabled")
		setDefault(v, "properties.privateLinkServiceNetworkPolicies", "Enabled")
	}
}

func renderSubnet(e *Engine, en *entry, _ *request) any {
	s := *en.Res.(*Subnet)
	s.Properties.IPConfigurations = nil
	for _, id := range ipConfigurationsUsing(e, en) {
		s.Properties.IPConfigurations = append(s.Properties.IPConfigurations, ref{ID: id})
	}
	return &s
}

func preparePublicIP(t *txn, en, old *entry) ([]string, *Error) {
	pip := en.Res.(*PublicIPAddress)
	c := t.cloud()
	if pip.SKU == nil || pip.SKU.Name == "" {
		pip.SKU = &SKU{Name: "Basic"}
	}
	pip.SKU.Name = canonical(pip.SKU.Name, "Basic", "Standard")
	if pip.SKU.Tier == "" {
		pip.SKU.Tier = "Regional"
	}
	if c.Kind == AzureStackHub && pip.SKU.Name != "Basic" {
		return nil, badRequest("PublicIPAddressSkuNotSupported", "sku.name",
			"Public IP address SKU '%s' is not supported on Azure Stack Hub; only Basic is available.", pip.SKU.Name)
	}
	if pip.SKU.Name != "Basic" && pip.SKU.Name != "Standard" {
		return nil, badRequest("InvalidPublicIPAddressSku", "sku.name",
			"Public IP address SKU '%s' is not valid. Valid SKUs are Basic and Standard.", pip.SKU.Name)
	}
	method := pip.Properties.PublicIPAllocationMethod
	switch {
	case method == "" && pip.SKU.Name == "Standard":
		method = "Static"
	case method == "":
		method = "Dynamic"
	default:
		method = canonical(method, "Static", "Dynamic")
	}
	if method != "Static" && method != "Dynamic" {
		return nil, badRequest("InvalidRequestFormat", "properties.publicIPAllocationMethod",
			"Public IP allocation method '%s' is not valid. Valid values are Static and Dynamic.", pip.Properties.PublicIPAllocationMethod)
	}
	if pip.SKU.Name == "Standard" && method == "Dynamic" {
		return nil, badRequest("StandardSkuPublicIPAddressesMustBeStatic", "properties.publicIPAllocationMethod",
			"Standard sku publicIp %s must have AllocationMethod set to Static.", pip.ID)
	}
	pip.Properties.PublicIPAllocationMethod = method
	if pip.Properties.PublicIPAddressVersion == "" {
		pip.Properties.PublicIPAddressVersion = "IPv4"
	}
	if pip.Properties.PublicIPAddressVersion != "IPv4" {
		return nil, badRequest("InvalidRequestFormat", "properties.publicIPAddressVersion",
			"Only IPv4 public IP addresses are emulated; got '%s'.", pip.Properties.PublicIPAddressVersion)
	}
	if pip.Properties.IdleTimeoutInMinutes == 0 {
		pip.Properties.IdleTimeoutInMinutes = 4
	}
	pip.Properties.IPAddress, pip.Properties.IPConfiguration = "", nil
	if old != nil {
		en.Released = old.Released
		o := old.Res.(*PublicIPAddress)
		if o.SKU.Name != pip.SKU.Name {
			return nil, badRequest("PublicIPAddressSkuCannotBeChanged", "sku.name",
				"The SKU of public IP address %s cannot be changed from %s to %s.", pip.ID, o.SKU.Name, pip.SKU.Name)
		}
		if len(ipConfigurationsUsing(t.Engine, old)) > 0 && o.Properties.PublicIPAllocationMethod != method {
			return nil, badRequest("PublicIPAddressInUse", "properties.publicIPAllocationMethod",
				"The allocation method of public IP address %s cannot be changed while it is associated with a resource.", pip.ID)
		}
		// the address stays with the resource while it keeps it
		if method == "Static" || len(ipConfigurationsUsing(t.Engine, old)) > 0 {
			pip.Properties.IPAddress = o.Properties.IPAddress
		}
		if method == "Dynamic" && pip.Properties.IPAddress == "" {
			t.releaseAddress(o.Properties.IPAddress)
		}
	}
	pip.Properties.ResourceGUID = guidOf(old, func(r resource) string { return r.(*PublicIPAddress).Properties.ResourceGUID })
	if old != nil {
		return unkey(old.Refs), nil
	}
	return nil, nil
}

// allocateStaticIP gives a static public IP its address once it is created.
func allocateStaticIP(e *Engine, en *entry) {
	pip := en.Res.(*PublicIPAddress)
	if pip.Properties.PublicIPAllocationMethod == "Static" {
		e.allocateAddress(en)
	}
}

// allocateAddress takes the next free address of the cloud's pool for a public IP. The
// search resumes after the address last given, wrapping around the pool once, so that
// allocating stays cheap however many addresses are taken. It skips the address the public
// IP released last (entry.Released), as Azure does not give a dynamic address back to the
// resource that let it go, unless no other is free; the cursor alone would not ensure it
// after a restart, which starts the search from the pool's first address again.
func (e *Engine) allocateAddress(en *entry) {
	pip := en.Res.(*PublicIPAddress)
	if pip.Properties.IPAddress != "" {
		return
	}
	cloud := strings.ToLower(en.Cloud)
	pool := e.clouds[cloud].PublicIPs
	first, last := pool.Addr().Next(), lastAddr(pool)
	if !first.Less(last) {
		return // no usable address: the pool is too small
	}
	start := e.ipCursor[cloud]
	if !pool.Contains(start) || start == last || start.Less(first) {
		start = first
	}
	take := func(a netip.Addr) {
		e.internet[a] = en.key()
		pip.Properties.IPAddress = a.String()
		e.ipCursor[cloud] = a.Next()
	}
	a := start
	for {
		if _, taken := e.internet[a]; !taken && a.String() != en.Released {
			take(a)
			return
		}
		if a = a.Next(); a == last {
			a = first
		}
		if a == start {
			break
		}
	}
	if prev, err := netip.ParseAddr(en.Released); err == nil && pool.Contains(prev) {
		if _, taken := e.internet[prev]; !taken {
			take(prev) // the only free address left
		}
	}
}

func (e *Engine) releaseAddress(s string) {
	if a, err := netip.ParseAddr(s); err == nil {
		delete(e.internet, a)
	}
}

func releasePublicIP(e *Engine, en *entry) {
	e.releaseAddress(en.Res.(*PublicIPAddress).Properties.IPAddress)
}

func renderPublicIP(e *Engine, en *entry, _ *request) any {
	p := *en.Res.(*PublicIPAddress)
	if users := ipConfigurationsUsing(e, en); len(users) > 0 {
		p.Properties.IPConfiguration = &ref{ID: users[0]}
	}
	return &p
}

func publicIPInUse(e *Engine, en *entry) *Error {
	if users := ipConfigurationsUsing(e, en); len(users) > 0 {
		return badRequest("PublicIPAddressCannotBeDeleted", "",
			"Public IP address %s can not be deleted since it is still allocated to resource %s. In order to delete the public IP, disassociate/detach the Public IP address from the resource.",
			en.id(), users[0])
	}
	return nil
}

func prepareNetworkInterface(t *txn, en, old *entry) ([]string, *Error) {
	nic := en.Res.(*NetworkInterface)
	cfgs := nic.Properties.IPConfigurations
	if len(cfgs) == 0 {
		return nil, badRequest("InvalidRequestFormat", "properties.ipConfigurations",
			"Network interface %s must have at least one IP configuration.", nic.ID)
	}
	var refs []string
	var vnetKey string
	names := map[string]bool{}
	kept := map[netip.Addr]bool{}
	if old != nil {
		for _, c := range old.Res.(*NetworkInterface).Properties.IPConfigurations {
			if a, err := netip.ParseAddr(c.Properties.PrivateIPAddress); err == nil {
				kept[a] = true
			}
		}
	}
	for i, c := range cfgs {
		target := "properties.ipConfigurations[" + itoa(i) + "]"
		if c == nil || c.Name == "" {
			return nil, badRequest("InvalidRequestFormat", target+".name", "IP configuration %s of network interface %s has no name.", target, nic.ID)
		}
		if names[strings.ToLower(c.Name)] {
			return nil, badRequest("DuplicateResourceName", target+".name", "Network interface %s has two IP configurations named %s.", nic.ID, c.Name)
		}
		names[strings.ToLower(c.Name)] = true
		c.ID, c.Etag = nic.ID+"/ipConfigurations/"+c.Name, nic.Etag
		sub, err := t.reference(nic, c.Properties.Subnet, target+".properties.subnet", "Microsoft.Network", "virtualNetworks/subnets")
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(sub.Res.meta().Name, "GatewaySubnet") {
			return nil, badRequest("GatewaySubnet", target+".properties.subnet.id",
				"Subnet with name 'GatewaySubnet' can be used only for the Gateway resource.")
		}
		vnet := t.entries[sub.Parent]
		if vnet.Res.meta().Location != nic.Location {
			return nil, invalidReference(sub.id(), nic.ID, target+".properties.subnet.id")
		}
		if vnetKey != "" && vnetKey != vnet.key() {
			return nil, badRequest("IpConfigurationsOfNicMustBeInSameVnet", target+".properties.subnet.id",
				"All IP configurations of network interface %s must reference subnets of the same virtual network.", nic.ID)
		}
		vnetKey = vnet.key()
		refs = append(refs, sub.id())
		if err := t.assignPrivateIP(nic, c, sub, target, kept); err != nil {
			return nil, err
		}
		c.Properties.PrivateIPAddressVersion = "IPv4"
		c.Properties.ProvisioningState = "Succeeded"
		if c.Properties.PublicIPAddress != nil {
			pip, err := t.reference(nic, c.Properties.PublicIPAddress, target+".properties.publicIPAddress", "Microsoft.Network", "publicIPAddresses")
			if err != nil {
				return nil, err
			}
			if err := t.publicIPFree(pip, nic.ID, target+".properties.publicIPAddress.id"); err != nil {
				return nil, err
			}
			refs = append(refs, pip.id())
		}
	}
	if len(cfgs) == 1 && cfgs[0].Properties.Primary == nil {
		yes := true
		cfgs[0].Properties.Primary = &yes
	}
	nic.Properties.VirtualMachine = nil
	nic.Properties.ResourceGUID = guidOf(old, func(r resource) string { return r.(*NetworkInterface).Properties.ResourceGUID })
	if old != nil {
		nic.Properties.MacAddress = old.Res.(*NetworkInterface).Properties.MacAddress
	}
	return refs, nil
}

// assignPrivateIP checks a static private IP or allocates a dynamic one from the subnet.
func (t *txn) assignPrivateIP(nic *NetworkInterface, c *NICIPConfiguration, sub *entry, target string, kept map[netip.Addr]bool) *Error {
	prefixes := mustPrefixes(sub.Res.(*Subnet).prefixes())
	used := map[netip.Addr]bool{}
	for _, u := range t.users(sub.key()) {
		if other, ok := u.Res.(*NetworkInterface); ok && !strings.EqualFold(other.ID, nic.ID) {
			for _, oc := range other.Properties.IPConfigurations {
				if a, err := netip.ParseAddr(oc.Properties.PrivateIPAddress); err == nil {
					used[a] = true
				}
			}
		}
	}
	method := canonical(c.Properties.PrivateIPAllocationMethod, "Static", "Dynamic")
	if method == "" {
		method = "Dynamic"
		if c.Properties.PrivateIPAddress != "" && !kept[mustAddr(c.Properties.PrivateIPAddress)] {
			method = "Static"
		}
	}
	c.Properties.PrivateIPAllocationMethod = method
	if method == "Static" || (c.Properties.PrivateIPAddress != "" && kept[mustAddr(c.Properties.PrivateIPAddress)]) {
		a, err := netip.ParseAddr(c.Properties.PrivateIPAddress)
		prefix := prefixes[0]
		for _, p := range prefixes {
			if err == nil && p.Contains(a) {
				prefix = p
			}
		}
		switch {
		case err != nil || !a.Is4():
			return badRequest("InvalidRequestFormat", target+".properties.privateIPAddress",
				"Private IP address '%s' is not a valid IPv4 address.", c.Properties.PrivateIPAddress)
		case !prefix.Contains(a):
			return badRequest("PrivateIPAddressNotInSubnet", target+".properties.privateIPAddress",
				"IP configuration %s is referencing a private IP address %s which does not belong to subnet %s.", c.ID, a, sub.id())
		case reserved(prefix, a):
			return badRequest("PrivateIPAddressInReservedRange", target+".properties.privateIPAddress",
				"Private static IP address %s falls within reserved IP range of subnet prefix %s.", a, prefix)
		case used[a]:
			return badRequest("PrivateIPAddressIsAllocated", target+".properties.privateIPAddress",
				"IP configuration %s is using the private IP address %s which is already allocated to another resource.", c.ID, a)
		}
		return nil
	}
	for a := range kept {
		if slices.ContainsFunc(prefixes, func(p netip.Prefix) bool { return p.Contains(a) }) && !used[a] {
			c.Properties.PrivateIPAddress = a.String()
			delete(kept, a)
			return nil
		}
	}
	for _, prefix := range prefixes {
		if a, ok := firstFree(prefix, used); ok {
			c.Properties.PrivateIPAddress = a.String()
			return nil
		}
	}
	return badRequest("SubnetIsFull", target+".properties.subnet.id",
		"Subnet %s with address prefix %s does not have enough capacity for 1 IP addresses.", sub.Res.meta().Name, joinPrefixes(prefixes))
}

func mustAddr(s string) netip.Addr {
	a, _ := netip.ParseAddr(s)
	return a
}

// publicIPFree refuses a public IP already associated with another resource.
func (t *txn) publicIPFree(pip *entry, userID, target string) *Error {
	for _, u := range t.users(pip.key()) {
		if !strings.EqualFold(u.id(), userID) {
			return badRequest("PublicIPAddressInUse", target,
				"Public IP address %s is already in use by %s.", pip.id(), u.id())
		}
	}
	return nil
}

func renderNetworkInterface(e *Engine, en *entry, _ *request) any {
	n := *en.Res.(*NetworkInterface)
	for _, u := range e.users(en.key()) {
		if u.Kind == "virtualmachines" {
			n.Properties.VirtualMachine = &ref{ID: u.id()}
		}
	}
	return &n
}

// networkInterfaceDefaults: ARM answers a network interface with its DNS settings (the
// servers it was given, the ones applied, its internal domain suffix), IP forwarding and
// accelerated networking off unless set (NetworkInterfaceGet example).
func networkInterfaceDefaults(_ *Engine, en *entry, v map[string]any) {
	setDefault(v, "properties.dnsSettings.dnsServers", []any{})
	dns := v["properties"].(map[string]any)["dnsSettings"].(map[string]any)
	dns["appliedDnsServers"] = dns["dnsServers"]
	dns["internalDomainNameSuffix"] = strings.ReplaceAll(stampGUID(en.Parent), "-", "")[:26] + ".bx.internal.cloudapp.net"
	setDefault(v, "properties.enableIPForwarding", false)
	setDefault(v, "properties.enableAcceleratedNetworking", false)
}

func networkInterfaceInUse(e *Engine, en *entry) *Error {
	for _, u := range e.users(en.key()) {
		if u.Kind == "virtualmachines" {
			return badRequest("NicInUse", "", "Network Interface %s is used by existing VM %s.", en.id(), u.id())
		}
	}
	return nil
}

// reference resolves a reference from one resource to another, with ARM's errors when it is
// missing, of the wrong type, or still being provisioned.
func (t *txn) reference(from resource, r *ref, target, namespace, typ string) (*entry, *Error) {
	if r == nil || r.ID == "" {
		return nil, badRequest("InvalidRequestFormat", target+".id", "Resource %s must reference a %s in %s.id.", from.meta().ID, typ, target)
	}
	en := t.get(t.cloud().ID, r.ID)
	if en == nil || !isType(r.ID, namespace, typ) {
		return nil, invalidReference(r.ID, from.meta().ID, target+".id")
	}
	if st := en.provisioningState(); st != "Succeeded" {
		op := t.ops[en.Op]
		opName := "none"
		if op != nil {
			opName = op.Name
		}
		return nil, badRequest("ReferencedResourceNotProvisioned", target+".id",
			"Cannot proceed with operation because resource %s used by resource %s is not in Succeeded state. Resource is in %s state and the last operation that updated/is updating the resource is %s.",
			en.id(), from.meta().ID, st, opName)
	}
	return en, nil
}

func invalidReference(refID, fromID, target string) *Error {
	return badRequest("InvalidResourceReference", target,
		"Resource %s referenced by resource %s was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.",
		refID, fromID)
}

// canonical returns the allowed spelling matching v case-insensitively, or v unchanged.
func canonical(v string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	return v
}

// guidOf keeps a resource's GUID across updates and makes one on create.
func guidOf(old *entry, get func(resource) string) string {
	if old != nil {
		if g := get(old.Res); g != "" {
			return g
		}
	}
	return newID()
}

// unkey turns entry keys back into IDs (the cloud prefix stripped).
func unkey(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		_, id, _ := strings.Cut(k, "|")
		out = append(out, id)
	}
	return out
}
