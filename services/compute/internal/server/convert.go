package server

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/compute/internal/networkinterface"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
)

// collections spells the collections of ARM IDs this service maps back to names: its own,
// and the network and gateway services' resources it references.
var collections = map[string]string{
	"networkinterfaces": "networkInterfaces", "virtualmachines": "virtualMachines",
	"virtualnetworks": "virtualNetworks", "subnets": "subnets", "publicipaddresses": "publicIPAddresses",
}

// apiName maps an ARM ID to a resource name, or returns the ID when it is not one of ours.
func apiName(cloud, armID string) string {
	n, err := names.FromARMID(cloud, armID, collections)
	if err != nil {
		return armID
	}
	return n.String()
}

func stateToAPI(s string) computev1.ProvisioningState {
	switch strings.ToLower(s) {
	case "creating", "accepted":
		return computev1.ProvisioningState_PROVISIONING_STATE_CREATING
	case "updating":
		return computev1.ProvisioningState_PROVISIONING_STATE_UPDATING
	case "succeeded":
		return computev1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED
	case "failed":
		return computev1.ProvisioningState_PROVISIONING_STATE_FAILED
	case "deleting":
		return computev1.ProvisioningState_PROVISIONING_STATE_DELETING
	case "canceled":
		return computev1.ProvisioningState_PROVISIONING_STATE_CANCELED
	}
	return computev1.ProvisioningState_PROVISIONING_STATE_UNSPECIFIED
}

// powerStates maps the instance view's PowerState/{state} codes.
var powerStates = map[string]computev1.VirtualMachine_PowerState{
	"starting":     computev1.VirtualMachine_POWER_STATE_STARTING,
	"running":      computev1.VirtualMachine_POWER_STATE_RUNNING,
	"stopping":     computev1.VirtualMachine_POWER_STATE_STOPPING,
	"stopped":      computev1.VirtualMachine_POWER_STATE_STOPPED,
	"deallocating": computev1.VirtualMachine_POWER_STATE_DEALLOCATING,
	"deallocated":  computev1.VirtualMachine_POWER_STATE_DEALLOCATED,
}

// nicState is a network interface's provisioning state.
func nicState(m *networkinterface.Model) string {
	if m.Properties == nil || m.Properties.ProvisioningState == nil {
		return ""
	}
	return string(*m.Properties.ProvisioningState)
}

// vmState is a virtual machine's provisioning state.
func vmState(m *virtualmachine.Model) string {
	if m.Properties == nil {
		return ""
	}
	return deref(m.Properties.ProvisioningState)
}

// primaryConfig is a network interface's primary IP configuration, or its first.
func primaryConfig(m *networkinterface.Model) *armnetwork.InterfaceIPConfiguration {
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

func nicToAPI(cloud string, m *networkinterface.Model) *computev1.NetworkInterface {
	out := &computev1.NetworkInterface{
		Name:              apiName(cloud, deref(m.ID)),
		Location:          deref(m.Location),
		Tags:              tagsToAPI(m.Tags),
		ProvisioningState: stateToAPI(nicState(m)),
		ArmId:             deref(m.ID),
	}
	if m.Properties != nil && m.Properties.VirtualMachine != nil {
		out.VirtualMachine = apiName(cloud, deref(m.Properties.VirtualMachine.ID))
	}
	if c := primaryConfig(m); c != nil && c.Properties != nil {
		p := c.Properties
		if p.Subnet != nil {
			out.Subnet = apiName(cloud, deref(p.Subnet.ID))
		}
		if p.PublicIPAddress != nil {
			out.PublicIpAddress = apiName(cloud, deref(p.PublicIPAddress.ID))
		}
		out.AllocatedPrivateIpAddress = deref(p.PrivateIPAddress)
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
		Name:              apiName(cloud, deref(m.ID)),
		Location:          deref(m.Location),
		Tags:              tagsToAPI(m.Tags),
		ProvisioningState: stateToAPI(vmState(m)),
		ArmId:             deref(m.ID),
	}
	p := m.Properties
	if p == nil {
		return out
	}
	out.VmId = deref(p.VMID)
	if p.HardwareProfile != nil && p.HardwareProfile.VMSize != nil {
		out.Size = string(*p.HardwareProfile.VMSize)
	}
	if p.StorageProfile != nil && p.StorageProfile.ImageReference != nil {
		img := p.StorageProfile.ImageReference
		out.Image = &computev1.ImageReference{Publisher: deref(img.Publisher), Offer: deref(img.Offer), Sku: deref(img.SKU), Version: deref(img.Version)}
	}
	if o := p.OSProfile; o != nil {
		out.ComputerName, out.AdminUsername = deref(o.ComputerName), deref(o.AdminUsername)
		if o.LinuxConfiguration != nil && o.LinuxConfiguration.SSH != nil {
			for _, k := range o.LinuxConfiguration.SSH.PublicKeys {
				out.SshPublicKeys = append(out.SshPublicKeys, deref(k.KeyData))
			}
		}
	}
	if p.NetworkProfile != nil {
		for _, r := range p.NetworkProfile.NetworkInterfaces {
			out.NetworkInterfaces = append(out.NetworkInterfaces, apiName(cloud, deref(r.ID)))
		}
	}
	if p.InstanceView != nil {
		for _, st := range p.InstanceView.Statuses {
			if code, ok := strings.CutPrefix(deref(st.Code), "PowerState/"); ok {
				out.PowerState = powerStates[strings.ToLower(code)]
			}
		}
	}
	return out
}

func tagsToAPI(t map[string]*string) map[string]string {
	if len(t) == 0 {
		return nil
	}
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = deref(v)
	}
	return out
}

func tagsToARM(t map[string]string) map[string]*string {
	if len(t) == 0 {
		return nil
	}
	out := make(map[string]*string, len(t))
	for k, v := range t {
		out[k] = to.Ptr(v)
	}
	return out
}

// sameTags compares ARM's tags with the wanted ones.
func sameTags(arm map[string]*string, want map[string]string) bool {
	if len(arm) != len(want) {
		return false
	}
	for k, v := range want {
		if a, ok := arm[k]; !ok || deref(a) != v {
			return false
		}
	}
	return true
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
