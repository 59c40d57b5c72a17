package workflow

import (
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Subnet names of every site's virtual network.
const (
	// workloadSubnet holds the virtual machines.
	workloadSubnet = "workload"
	// gatewaySubnet holds the VPN gateway; Azure requires exactly this name.
	gatewaySubnet = "GatewaySubnet"
)

// names are the resource service names of one site's resources, fixed per site so that a
// re-apply ensures the very same resources. An adopted network or gateway keeps its own
// name.
type names struct {
	// cloud is the parent of the resource group, clouds/{cloud}.
	cloud string
	// group is the resource group, the parent of everything else.
	group string
	// vnet, publicIP and gateway are the site's network, gateway IP and gateway.
	vnet, publicIP, gateway string
}

// siteNames returns the names of site's resources.
func siteNames(site *orchestratorv1.Site) names {
	cloud := "clouds/" + site.GetCloud()
	group := cloud + "/resourceGroups/" + site.GetResourceGroup()
	label := site.GetName()
	n := names{
		cloud:    cloud,
		group:    group,
		vnet:     group + "/virtualNetworks/" + vnetID(label),
		publicIP: group + "/publicIPAddresses/" + publicIPID(label),
		gateway:  group + "/virtualNetworkGateways/" + gatewayID(label),
	}
	if ex := site.GetExisting(); ex.GetVirtualNetwork() != "" {
		n.vnet = group + "/virtualNetworks/" + ex.GetVirtualNetwork()
	}
	if ex := site.GetExisting(); ex.GetVpnGateway() != "" {
		n.gateway = group + "/virtualNetworkGateways/" + ex.GetVpnGateway()
	}
	return n
}

// localGateway is the resource service name of the site's local network gateway for peer.
func (n names) localGateway(site, peer string) string {
	return n.group + "/localNetworkGateways/" + peeringID(site, peer)
}

// connection is the resource service name of the site's connection to peer.
func (n names) connection(site, peer string) string {
	return n.group + "/connections/" + peeringID(site, peer)
}

// vnetID is the ARM name of a site's virtual network.
func vnetID(site string) string { return site + "-vnet" }

// publicIPID is the ARM name of a site's gateway public IP address.
func publicIPID(site string) string { return site + "-gw-ip" }

// gatewayID is the ARM name of a site's VPN gateway.
func gatewayID(site string) string { return site + "-gw" }

// peeringID is the ARM name of a site's local network gateway and connection to peer.
func peeringID(site, peer string) string { return site + "-to-" + peer }

// nicID is the ARM name of a virtual machine's network interface.
func nicID(vm string) string { return vm + "-nic" }

// nicName is the resource service name of a virtual machine's network interface.
func (n names) nicName(vm string) string { return n.group + "/networkInterfaces/" + nicID(vm) }

// vmName is the resource service name of a virtual machine.
func (n names) vmName(vm string) string { return n.group + "/virtualMachines/" + vm }

// resourceGroupRequest creates the site's resource group.
func resourceGroupRequest(site *orchestratorv1.Site, n names) *networkv1.CreateResourceGroupRequest {
	return &networkv1.CreateResourceGroupRequest{
		Parent:          n.cloud,
		ResourceGroupId: site.GetResourceGroup(),
		ResourceGroup:   &networkv1.ResourceGroup{Location: site.GetLocation()},
	}
}

// virtualNetworkRequest creates the site's virtual network with its workload subnet and
// its GatewaySubnet.
func virtualNetworkRequest(site *orchestratorv1.Site, n names, fresh bool) *networkv1.CreateVirtualNetworkRequest {
	return &networkv1.CreateVirtualNetworkRequest{
		Parent:           n.group,
		VirtualNetworkId: vnetID(site.GetName()),
		VirtualNetwork: &networkv1.VirtualNetwork{
			Location:        site.GetLocation(),
			AddressPrefixes: site.GetAddressPrefixes(),
			Subnets: []*networkv1.Subnet{
				{Name: workloadSubnet, AddressPrefix: site.GetWorkloadSubnetPrefix()},
				{Name: gatewaySubnet, AddressPrefix: site.GetGatewaySubnetPrefix()},
			},
		},
		FreshResourceGroup: fresh,
	}
}

// publicIPRequest creates the gateway's public IP address; its SKU and allocation are left
// to the gateway service, which picks what the site's cloud needs.
func publicIPRequest(site *orchestratorv1.Site, n names, fresh bool) *gatewayv1.CreatePublicIPAddressRequest {
	return &gatewayv1.CreatePublicIPAddressRequest{
		Parent:             n.group,
		PublicIpAddressId:  publicIPID(site.GetName()),
		PublicIpAddress:    &gatewayv1.PublicIPAddress{Location: site.GetLocation()},
		FreshResourceGroup: fresh,
	}
}

// gatewayRequest creates the site's route-based VPN gateway in its GatewaySubnet.
func gatewayRequest(site *orchestratorv1.Site, n names, fresh bool) *gatewayv1.CreateVirtualNetworkGatewayRequest {
	return &gatewayv1.CreateVirtualNetworkGatewayRequest{
		Parent:                  n.group,
		VirtualNetworkGatewayId: gatewayID(site.GetName()),
		VirtualNetworkGateway: &gatewayv1.VirtualNetworkGateway{
			Location:        site.GetLocation(),
			Sku:             site.GetGatewaySku(),
			VpnType:         gatewayv1.VirtualNetworkGateway_VPN_TYPE_ROUTE_BASED,
			Subnet:          n.vnet + "/subnets/" + gatewaySubnet,
			PublicIpAddress: n.publicIP,
			EnableBgp:       site.GetEnableBgp(),
		},
		FreshResourceGroup: fresh,
	}
}

// localGatewayRequest creates the site's local network gateway for peer, which describes
// the peer site: its gateway's public IP address (known once that gateway runs), prefixes
// (the peer's address space, and with transit through a hub the other spokes' too), and its
// BGP speaker when both sites run BGP.
func localGatewayRequest(site, peer *orchestratorv1.Site, n names, prefixes []string, peerGateway *gatewayv1.VirtualNetworkGateway, fresh bool) *gatewayv1.CreateLocalNetworkGatewayRequest {
	lgw := &gatewayv1.LocalNetworkGateway{
		Location:         site.GetLocation(),
		GatewayIpAddress: peerGateway.GetGatewayIpAddress(),
		AddressPrefixes:  prefixes,
	}
	if bgp(site, peer) {
		lgw.BgpAsn = peerGateway.GetBgpAsn()
		lgw.BgpPeeringAddress = peerGateway.GetBgpPeeringAddress()
	}
	return &gatewayv1.CreateLocalNetworkGatewayRequest{
		Parent:                n.group,
		LocalNetworkGatewayId: peeringID(site.GetName(), peer.GetName()),
		LocalNetworkGateway:   lgw,
		FreshResourceGroup:    fresh,
	}
}

// connectionRequest creates the site's IKEv2 connection from its gateway to its local
// network gateway, with the deployment's shared key and the site's IPsec policy.
func connectionRequest(site, peer *orchestratorv1.Site, n names, sharedKey string, policy *gatewayv1.IpsecPolicy, fresh bool) *gatewayv1.CreateConnectionRequest {
	return &gatewayv1.CreateConnectionRequest{
		Parent:       n.group,
		ConnectionId: peeringID(site.GetName(), peer.GetName()),
		Connection: &gatewayv1.Connection{
			Location:              site.GetLocation(),
			VirtualNetworkGateway: n.gateway,
			LocalNetworkGateway:   n.localGateway(site.GetName(), peer.GetName()),
			SharedKey:             sharedKey,
			Protocol:              gatewayv1.Connection_PROTOCOL_IKEV2,
			IpsecPolicy:           policy,
			EnableBgp:             bgp(site, peer),
		},
		FreshResourceGroup: fresh,
	}
}

// readGatewayRequest reads a site's adopted gateway.
func readGatewayRequest(n names) *gatewayv1.GetVirtualNetworkGatewayRequest {
	return &gatewayv1.GetVirtualNetworkGatewayRequest{Name: n.gateway}
}

// readNetworkRequest reads a site's adopted virtual network.
func readNetworkRequest(n names) *networkv1.GetVirtualNetworkRequest {
	return &networkv1.GetVirtualNetworkRequest{Name: n.vnet}
}

// bgp reports whether the connection between two sites runs BGP: both gateways must.
func bgp(site, peer *orchestratorv1.Site) bool { return site.GetEnableBgp() && peer.GetEnableBgp() }

// nicRequest creates a virtual machine's network interface in the workload subnet.
func nicRequest(site *orchestratorv1.Site, n names, vm *orchestratorv1.VirtualMachineSpec, fresh bool) *computev1.CreateNetworkInterfaceRequest {
	return &computev1.CreateNetworkInterfaceRequest{
		Parent:             n.group,
		NetworkInterfaceId: nicID(vm.GetName()),
		NetworkInterface: &computev1.NetworkInterface{
			Location: site.GetLocation(),
			Subnet:   n.vnet + "/subnets/" + workloadSubnet,
		},
		FreshResourceGroup: fresh,
	}
}

// vmRequest creates a virtual machine on its network interface.
func vmRequest(site *orchestratorv1.Site, n names, vm *orchestratorv1.VirtualMachineSpec, fresh bool) *computev1.CreateVirtualMachineRequest {
	return &computev1.CreateVirtualMachineRequest{
		Parent:           n.group,
		VirtualMachineId: vm.GetName(),
		VirtualMachine: &computev1.VirtualMachine{
			Location: site.GetLocation(),
			Size:     vm.GetSize(),
			Image: &computev1.ImageReference{
				Publisher: vm.GetImagePublisher(),
				Offer:     vm.GetImageOffer(),
				Sku:       vm.GetImageSku(),
				Version:   vm.GetImageVersion(),
			},
			AdminUsername:     vm.GetAdminUsername(),
			AdminPassword:     vm.GetAdminPassword(),
			SshPublicKeys:     vm.GetSshPublicKeys(),
			NetworkInterfaces: []string{n.nicName(vm.GetName())},
		},
		FreshResourceGroup: fresh,
	}
}
