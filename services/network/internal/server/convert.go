package server

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/network/internal/resourcegroup"
	"github.com/hybridlink/hybridlink/services/network/internal/subnet"
	"github.com/hybridlink/hybridlink/services/network/internal/virtualnetwork"
)

// collections spells the collections of ARM IDs this service maps back to names.
var collections = map[string]string{"virtualnetworks": "virtualNetworks", "subnets": "subnets"}

// apiName maps an ARM ID to a resource name, or returns the ID when it is not one of ours.
func apiName(cloud, armID string) string {
	n, err := names.FromARMID(cloud, armID, collections)
	if err != nil {
		return armID
	}
	return n.String()
}

func stateToAPI(s string) networkv1.ProvisioningState {
	switch strings.ToLower(s) {
	case "creating", "accepted":
		return networkv1.ProvisioningState_PROVISIONING_STATE_CREATING
	case "updating":
		return networkv1.ProvisioningState_PROVISIONING_STATE_UPDATING
	case "succeeded":
		return networkv1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED
	case "failed":
		return networkv1.ProvisioningState_PROVISIONING_STATE_FAILED
	case "deleting":
		return networkv1.ProvisioningState_PROVISIONING_STATE_DELETING
	case "canceled":
		return networkv1.ProvisioningState_PROVISIONING_STATE_CANCELED
	}
	return networkv1.ProvisioningState_PROVISIONING_STATE_UNSPECIFIED
}

func groupToAPI(cloud string, m *resourcegroup.Model) *networkv1.ResourceGroup {
	rg := &networkv1.ResourceGroup{
		Name:     "clouds/" + cloud + "/resourceGroups/" + deref(m.Name),
		Location: deref(m.Location),
		Tags:     tagsToAPI(m.Tags),
		ArmId:    deref(m.ID),
	}
	if m.Properties != nil {
		rg.ProvisioningState = stateToAPI(deref(m.Properties.ProvisioningState))
	}
	return rg
}

func vnetToAPI(cloud string, m *virtualnetwork.Model) *networkv1.VirtualNetwork {
	v := &networkv1.VirtualNetwork{
		Name:     apiName(cloud, deref(m.ID)),
		Location: deref(m.Location),
		Tags:     tagsToAPI(m.Tags),
		ArmId:    deref(m.ID),
	}
	if p := m.Properties; p != nil {
		if p.AddressSpace != nil {
			v.AddressPrefixes = values(p.AddressSpace.AddressPrefixes)
		}
		for _, s := range p.Subnets {
			v.Subnets = append(v.Subnets, subnetToAPI(cloud, s))
		}
		if p.ProvisioningState != nil {
			v.ProvisioningState = stateToAPI(string(*p.ProvisioningState))
		}
	}
	sortByName(v.Subnets)
	return v
}

func subnetToAPI(cloud string, m *subnet.Model) *networkv1.Subnet {
	s := &networkv1.Subnet{Name: apiName(cloud, deref(m.ID)), ArmId: deref(m.ID)}
	if p := m.Properties; p != nil {
		s.AddressPrefix = deref(p.AddressPrefix)
		if s.AddressPrefix == "" && len(p.AddressPrefixes) > 0 {
			s.AddressPrefix = deref(p.AddressPrefixes[0])
		}
		for _, c := range p.IPConfigurations {
			s.IpConfigurations = append(s.IpConfigurations, deref(c.ID))
		}
		if p.ProvisioningState != nil {
			s.ProvisioningState = stateToAPI(string(*p.ProvisioningState))
		}
	}
	return s
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

// values returns the strings a slice of pointers points at.
func values(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, deref(p))
	}
	return out
}
