package armsim_test

import (
	"testing"

	ashcompute "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

const sharedKey = "s3cret-shared-Key"

// azureSite holds what the graph builds on Azure.
type azureSite struct {
	gateway armnetwork.VirtualNetworkGateway
	pip     armnetwork.PublicIPAddress
	nic     armnetwork.Interface
}

// buildAzureSite creates the Azure half of a hybrid deployment's resources: resource group,
// virtual network with a workload subnet and GatewaySubnet, public IP, VPN gateway, NIC and VM.
func buildAzureSite(t *testing.T, c azureClients) azureSite {
	t.Helper()
	azGroup(t, c, "rg-hub")
	vnet := azVnet(t, c, "rg-hub", "vnet-hub", "10.1.0.0/16", map[string]string{"workload": "10.1.1.0/24", "GatewaySubnet": "10.1.255.0/27"})
	if len(vnet.Properties.Subnets) != 2 || *vnet.Properties.ProvisioningState != armnetwork.ProvisioningStateSucceeded {
		t.Fatalf("virtual network: %+v", vnet.Properties)
	}
	pip := azPIP(t, c, "rg-hub", "gw-pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	if pip.Properties.IPAddress == nil {
		t.Fatal("a static Standard public IP has its address once created")
	}
	gwSubnet, workload := subnetID(vnet.Properties.Subnets, "GatewaySubnet"), subnetID(vnet.Properties.Subnets, "workload")
	gwPoller, err := c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-hub", "gw-hub",
		azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, gwSubnet, pip.ID), nil)
	must(t, err)
	// the VM goes up while the gateway is being created, as the graph allows
	nic, err := done(c.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, "rg-hub", "vm-hub-nic", azNICBody(workload), nil))
	must(t, err)
	vmBody := azVMBody(nic.ID, "Passw0rd!2026")
	vmBody.Properties.OSProfile.ComputerName = to("vm-hub")
	vm, err := done(c.vms.BeginCreateOrUpdate(ctx, "rg-hub", "vm-hub", vmBody, nil))
	must(t, err)
	if vm.Properties.OSProfile.AdminPassword != nil {
		t.Fatal("a VM's admin password must never be returned")
	}
	gw, err := done(gwPoller, nil)
	must(t, err)
	return azureSite{gateway: gw.VirtualNetworkGateway, pip: pip, nic: nic.Interface}
}

// stackSite holds what the graph builds on Azure Stack Hub.
type stackSite struct {
	gateway ashnetwork.VirtualNetworkGateway
	pip     ashnetwork.PublicIPAddress
}

// buildStackSite creates the Azure Stack Hub half with the hybrid profile's SDK.
func buildStackSite(t *testing.T, c stackClients) stackSite {
	t.Helper()
	ashGroup(t, c, "rg-stack")
	vnet := ashVnet(t, c, "rg-stack", "vnet-stack", "10.2.0.0/16", map[string]string{"workload": "10.2.1.0/24", "GatewaySubnet": "10.2.255.0/27"})
	pip, err := done(c.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, "rg-stack", "gw-pip", ashnetwork.PublicIPAddress{
		Location: to("local"),
		Properties: &ashnetwork.PublicIPAddressPropertiesFormat{
			PublicIPAllocationMethod: to(ashnetwork.IPAllocationMethodDynamic),
		},
	}, nil))
	must(t, err)
	if pip.Properties.IPAddress != nil {
		t.Fatalf("a dynamic public IP has no address before its gateway runs, got %s", *pip.Properties.IPAddress)
	}
	gw, err := done(c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-stack", "gw-stack",
		ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameStandard, stackSubnetID(vnet.Properties.Subnets, "GatewaySubnet"), pip.ID), nil))
	must(t, err)
	nic, err := done(c.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, "rg-stack", "vm-stack-nic", ashnetwork.Interface{
		Location: to("local"),
		Properties: &ashnetwork.InterfacePropertiesFormat{IPConfigurations: []*ashnetwork.InterfaceIPConfiguration{{
			Name: to("ipconfig1"),
			Properties: &ashnetwork.InterfaceIPConfigurationPropertiesFormat{
				Subnet: &ashnetwork.Subnet{ID: stackSubnetID(vnet.Properties.Subnets, "workload")}},
		}}},
	}, nil))
	must(t, err)
	_, err = done(c.vms.BeginCreateOrUpdate(ctx, "rg-stack", "vm-stack", ashcompute.VirtualMachine{
		Location: to("local"),
		Properties: &ashcompute.VirtualMachineProperties{
			HardwareProfile: &ashcompute.HardwareProfile{VMSize: to(ashcompute.VirtualMachineSizeTypes("Standard_A2_v2"))},
			StorageProfile: &ashcompute.StorageProfile{ImageReference: &ashcompute.ImageReference{
				Publisher: to("Canonical"), Offer: to("0001-com-ubuntu-server-jammy"), SKU: to("22_04-lts"), Version: to("latest")}},
			OSProfile:      &ashcompute.OSProfile{ComputerName: to("vm-stack"), AdminUsername: to("azureuser"), AdminPassword: to("Passw0rd!2026")},
			NetworkProfile: &ashcompute.NetworkProfile{NetworkInterfaces: []*ashcompute.NetworkInterfaceReference{{ID: nic.ID}}},
		},
	}, nil))
	must(t, err)
	pipNow, err := c.net.NewPublicIPAddressesClient().Get(ctx, "rg-stack", "gw-pip", nil)
	must(t, err)
	if pipNow.Properties.IPAddress == nil {
		t.Fatal("the gateway's dynamic public IP has an address once the gateway succeeded")
	}
	return stackSite{gateway: gw.VirtualNetworkGateway, pip: pipNow.PublicIPAddress}
}

func subnetID(subnets []*armnetwork.Subnet, name string) *string {
	for _, s := range subnets {
		if *s.Name == name {
			return s.ID
		}
	}
	return nil
}

func stackSubnetID(subnets []*ashnetwork.Subnet, name string) *string {
	for _, s := range subnets {
		if *s.Name == name {
			return s.ID
		}
	}
	return nil
}

// documentedPolicy is Microsoft's custom policy for the Azure side of an Azure <-> Azure
// Stack Hub connection: it matches the stamp's single default proposal.
func documentedPolicy() *armnetwork.IPSecPolicy {
	return &armnetwork.IPSecPolicy{
		IkeEncryption: to(armnetwork.IkeEncryptionAES256), IkeIntegrity: to(armnetwork.IkeIntegritySHA384),
		DhGroup: to(armnetwork.DhGroupECP384), IPSecEncryption: to(armnetwork.IPSecEncryptionGCMAES256),
		IPSecIntegrity: to(armnetwork.IPSecIntegrityGCMAES256), PfsGroup: to(armnetwork.PfsGroupECP384),
		SaLifeTimeSeconds: to[int32](27000), SaDataSizeKilobytes: to[int32](102400000),
	}
}

// connectSites wires the two sites: each local network gateway points at the other
// gateway's address and prefixes, and each side gets a connection with the same key.
func connectSites(t *testing.T, az azureClients, st stackClients, a azureSite, b stackSite, azurePolicy *armnetwork.IPSecPolicy) {
	t.Helper()
	lngA, err := done(az.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-hub", "lng-to-stack", azLNGBody(*b.pip.Properties.IPAddress, "10.2.0.0/16"), nil))
	must(t, err)
	lngB, err := done(st.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-stack", "lng-to-azure", ashLNGBody(*a.pip.Properties.IPAddress, "10.1.0.0/16"), nil))
	must(t, err)
	connA := azConnBody(a.gateway.ID, lngA.ID, sharedKey, azurePolicy)
	connA.Properties.ConnectionProtocol = to(armnetwork.VirtualNetworkGatewayConnectionProtocolIKEv2)
	pa, err := az.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-hub", "conn-to-stack", connA, nil)
	must(t, err)
	pb, err := st.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, "rg-stack", "conn-to-azure", ashConnBody(b.gateway.ID, lngB.ID), nil)
	must(t, err)
	ca, err := done(pa, nil)
	must(t, err)
	if ca.Properties.SharedKey != nil {
		t.Fatal("a connection's shared key must not be returned")
	}
	_, err = done(pb, nil)
	must(t, err)
}

func azureStatus(t *testing.T, c azureClients) armnetwork.VirtualNetworkGatewayConnection {
	t.Helper()
	got, err := c.net.NewVirtualNetworkGatewayConnectionsClient().Get(ctx, "rg-hub", "conn-to-stack", nil)
	must(t, err)
	return got.VirtualNetworkGatewayConnection
}

func stackStatus(t *testing.T, c stackClients) ashnetwork.VirtualNetworkGatewayConnection {
	t.Helper()
	got, err := c.net.NewVirtualNetworkGatewayConnectionsClient().Get(ctx, "rg-stack", "conn-to-azure", nil)
	must(t, err)
	return got.VirtualNetworkGatewayConnection
}

// TestHybridGraph builds both sites of a hybrid deployment (each site's network, gateway and
// VM, then a local network gateway and connection each way) with the real SDKs, one per
// cloud's profile, sees the tunnel come up, then tears it down to an empty armsim.
func TestHybridGraph(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	az, st := newAzure(t, sim, "azure"), newStack(t, sim, "azure-stack-hub")
	a, b := buildAzureSite(t, az), buildStackSite(t, st)
	connectSites(t, az, st, a, b, documentedPolicy())

	ca, cb := azureStatus(t, az), stackStatus(t, st)
	if *ca.Properties.ConnectionStatus != armnetwork.VirtualNetworkGatewayConnectionStatusConnected ||
		*cb.Properties.ConnectionStatus != ashnetwork.VirtualNetworkGatewayConnectionStatusConnected {
		tn, _ := sim.Admin.Explain(ctx, "azure", *ca.ID)
		t.Fatalf("want both Connected, got %s and %s: %+v", *ca.Properties.ConnectionStatus, *cb.Properties.ConnectionStatus, tn)
	}
	if *ca.Properties.IngressBytesTransferred <= 0 || *cb.Properties.EgressBytesTransferred <= 0 {
		t.Fatal("a Connected tunnel moves bytes")
	}
	key, err := az.net.NewVirtualNetworkGatewayConnectionsClient().GetSharedKey(ctx, "rg-hub", "conn-to-stack", nil)
	must(t, err)
	if *key.Value != sharedKey {
		t.Fatal("the sharedkey sub-resource returns the key")
	}
	vm, err := az.vms.Get(ctx, "rg-hub", "vm-hub", &armcompute.VirtualMachinesClientGetOptions{Expand: to(armcompute.InstanceViewTypesInstanceView)})
	must(t, err)
	if got := *vm.Properties.InstanceView.Statuses[1].Code; got != "PowerState/running" {
		t.Fatalf("power state: %s", got)
	}
	nic, err := az.net.NewInterfacesClient().Get(ctx, "rg-hub", "vm-hub-nic", nil)
	must(t, err)
	if ip := *nic.Properties.IPConfigurations[0].Properties.PrivateIPAddress; ip != "10.1.1.4" {
		t.Fatalf("the first private IP of 10.1.1.0/24 after Azure's reserved four is 10.1.1.4, got %s", ip)
	}

	// teardown: deleting the resource groups removes everything they hold
	_, err = done(az.groups.BeginDelete(ctx, "rg-hub", nil))
	must(t, err)
	_, err = done(st.groups.BeginDelete(ctx, "rg-stack", nil))
	must(t, err)
	left, err := sim.Admin.Resources(ctx)
	must(t, err)
	if len(left) != 0 {
		t.Fatalf("armsim should be empty after teardown, holds %d resources: %+v", len(left), left)
	}
}
