package server

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/network/internal/resourcegroup"
)

// collections spells the collections of ARM IDs this service maps back to names.
var collections = map[string]string{"virtualnetworks": "virtualNetworks", "subnets": "subnets"}

// apiName maps an ARM ID to a resource name, or returns the ID when it is not one of ours.
func apiName(cloud, armID string) string { return kind.APIName(cloud, armID, collections) }

func groupToAPI(cloud string, m *resourcegroup.Model) *networkv1.ResourceGroup {
	rg := &networkv1.ResourceGroup{
		Name:     "clouds/" + cloud + "/resourceGroups/" + azsdk.Deref(m.Name),
		Location: azsdk.Deref(m.Location),
		Tags:     azsdk.TagsToAPI(m.Tags),
		ArmId:    azsdk.Deref(m.ID),
	}
	if m.Properties != nil {
		rg.ProvisioningState = azsdk.ProvisioningState[networkv1.ProvisioningState](azsdk.Deref(m.Properties.ProvisioningState))
	}
	return rg
}

func vnetToAPI(cloud string, m *armnetwork.VirtualNetwork) *networkv1.VirtualNetwork {
	v := &networkv1.VirtualNetwork{
		Name:     apiName(cloud, azsdk.Deref(m.ID)),
		Location: azsdk.Deref(m.Location),
		Tags:     azsdk.TagsToAPI(m.Tags),
		ArmId:    azsdk.Deref(m.ID),
	}
	if p := m.Properties; p != nil {
		if p.AddressSpace != nil {
			v.AddressPrefixes = azsdk.Values(p.AddressSpace.AddressPrefixes)
		}
		for _, s := range p.Subnets {
			v.Subnets = append(v.Subnets, subnetToAPI(cloud, s))
		}
		v.ProvisioningState = azsdk.ProvisioningState[networkv1.ProvisioningState](azsdk.State(m))
	}
	paging.SortByName(v.Subnets)
	return v
}

func subnetToAPI(cloud string, m *armnetwork.Subnet) *networkv1.Subnet {
	s := &networkv1.Subnet{Name: apiName(cloud, azsdk.Deref(m.ID)), ArmId: azsdk.Deref(m.ID)}
	if p := m.Properties; p != nil {
		s.AddressPrefix = azsdk.Deref(p.AddressPrefix)
		if s.AddressPrefix == "" && len(p.AddressPrefixes) > 0 {
			s.AddressPrefix = azsdk.Deref(p.AddressPrefixes[0])
		}
		for _, c := range p.IPConfigurations {
			s.IpConfigurations = append(s.IpConfigurations, azsdk.Deref(c.ID))
		}
		s.ProvisioningState = azsdk.ProvisioningState[networkv1.ProvisioningState](azsdk.State(m))
	}
	return s
}
