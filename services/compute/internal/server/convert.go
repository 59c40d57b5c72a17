package server

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
)

// collections spells the collections of ARM IDs this service maps back to names: its own,
// and the network and gateway services' resources it references.
var collections = map[string]string{
	"networkinterfaces": "networkInterfaces", "virtualmachines": "virtualMachines", "extensions": "extensions",
	"virtualnetworks": "virtualNetworks", "subnets": "subnets", "publicipaddresses": "publicIPAddresses",
}

// apiName maps an ARM ID to a resource name, or returns the ID when it is not one of ours.
func apiName(cloud, armID string) string { return kind.APIName(cloud, armID, collections) }

// primaryConfig is a network interface's primary IP configuration, or its first.
func primaryConfig(m *armnetwork.Interface) *armnetwork.InterfaceIPConfiguration {
	if m.Properties == nil || len(m.Properties.IPConfigurations) == 0 {
		return nil
	}
	for _, c := range m.Properties.IPConfigurations {
		if c.Properties != nil && c.Properties.Primary != nil && *c.Properties.Primary {
			return c
		}
	}
	return m.Properties.IPConfigurations[0]
}

func nicToAPI(cloud string, m *armnetwork.Interface) *computev1.NetworkInterface {
	out := &computev1.NetworkInterface{
		Name:              apiName(cloud, azsdk.Deref(m.ID)),
		Location:          azsdk.Deref(m.Location),
		Tags:              azsdk.TagsToAPI(m.Tags),
		ProvisioningState: azsdk.ProvisioningState[computev1.ProvisioningState](azsdk.State(m)),
		ArmId:             azsdk.Deref(m.ID),
	}
	if m.Properties != nil && m.Properties.VirtualMachine != nil {
		out.VirtualMachine = apiName(cloud, azsdk.Deref(m.Properties.VirtualMachine.ID))
	}
	if c := primaryConfig(m); c != nil && c.Properties != nil {
		p := c.Properties
		if p.Subnet != nil {
			out.Subnet = apiName(cloud, azsdk.Deref(p.Subnet.ID))
		}
		if p.PublicIPAddress != nil {
			out.PublicIpAddress = apiName(cloud, azsdk.Deref(p.PublicIPAddress.ID))
		}
		out.AllocatedPrivateIpAddress = azsdk.Deref(p.PrivateIPAddress)
		if p.PrivateIPAllocationMethod != nil && *p.PrivateIPAllocationMethod == armnetwork.IPAllocationMethodStatic {
			out.PrivateIpAddress = out.AllocatedPrivateIpAddress
		}
	}
	return out
}

// vmToAPI converts a virtual machine; ARM never returns the admin password, and neither
// does this.
func vmToAPI(cloud string, m *virtualmachine.Model) *computev1.VirtualMachine {
	out := &computev1.VirtualMachine{
		Name:              apiName(cloud, azsdk.Deref(m.ID)),
		Location:          azsdk.Deref(m.Location),
		Tags:              azsdk.TagsToAPI(m.Tags),
		ProvisioningState: azsdk.ProvisioningState[computev1.ProvisioningState](azsdk.State(m)),
		ArmId:             azsdk.Deref(m.ID),
	}
	p := m.Properties
	if p == nil {
		return out
	}
	out.VmId = azsdk.Deref(p.VMID)
	if p.HardwareProfile != nil && p.HardwareProfile.VMSize != nil {
		out.Size = string(*p.HardwareProfile.VMSize)
	}
	if p.StorageProfile != nil && p.StorageProfile.ImageReference != nil {
		img := p.StorageProfile.ImageReference
		out.Image = &computev1.ImageReference{Publisher: azsdk.Deref(img.Publisher), Offer: azsdk.Deref(img.Offer), Sku: azsdk.Deref(img.SKU), Version: azsdk.Deref(img.Version)}
	}
	if o := p.OSProfile; o != nil {
		out.ComputerName, out.AdminUsername = azsdk.Deref(o.ComputerName), azsdk.Deref(o.AdminUsername)
		if o.LinuxConfiguration != nil && o.LinuxConfiguration.SSH != nil {
			for _, k := range o.LinuxConfiguration.SSH.PublicKeys {
				out.SshPublicKeys = append(out.SshPublicKeys, azsdk.Deref(k.KeyData))
			}
		}
	}
	if p.NetworkProfile != nil {
		for _, r := range p.NetworkProfile.NetworkInterfaces {
			out.NetworkInterfaces = append(out.NetworkInterfaces, apiName(cloud, azsdk.Deref(r.ID)))
		}
	}
	if p.InstanceView != nil {
		for _, st := range p.InstanceView.Statuses {
			if code, ok := strings.CutPrefix(azsdk.Deref(st.Code), "PowerState/"); ok {
				out.PowerState = azsdk.Enum[computev1.VirtualMachine_PowerState]("POWER_STATE_", code)
			}
		}
	}
	return out
}
