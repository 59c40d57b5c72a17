// Package subnet reads and writes the subnets of ARM virtual networks on Azure (armnetwork)
// and on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork).
package subnet

import (
	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the subnet model both clouds' clients speak.
type Model = armnetwork.Subnet

// Client reads and writes subnets on one cloud, by virtual network and name.
type Client = *armclient.Client[Model, armclient.Parent]

// In names a virtual network, the parent of subnets.
func In(rg, vnet string) armclient.Parent { return armclient.Parent{ResourceGroup: rg, Name: vnet} }

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armnetwork.NewSubnetsClient, stack.NewSubnetsClient,
		func(c *armnetwork.SubnetsClient) Client {
			return armclient.Child[Model](c.Get, c.NewListPager, c.BeginCreateOrUpdate, c.BeginDelete)
		},
		func(c *stack.SubnetsClient) Client {
			return armclient.Child[Model](c.Get, c.NewListPager, c.BeginCreateOrUpdate, c.BeginDelete)
		})
}

// State is a subnet's provisioning state.
func State(m *Model) string {
	if m.Properties == nil {
		return ""
	}
	return string(azsdk.Deref(m.Properties.ProvisioningState))
}
