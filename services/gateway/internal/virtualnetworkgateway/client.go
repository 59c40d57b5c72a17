// Package virtualnetworkgateway reads and writes ARM virtual network gateways (VPN gateways)
// on Azure (armnetwork) and on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork,
// api-version 2018-11-01).
package virtualnetworkgateway

import (
	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the virtual network gateway model both clouds' clients speak.
type Model = armnetwork.VirtualNetworkGateway

// Client reads and writes virtual network gateways (VPN gateways) on one cloud, by resource group and name.
type Client = *armclient.Client[Model, string]

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armnetwork.NewVirtualNetworkGatewaysClient, stack.NewVirtualNetworkGatewaysClient,
		func(c *armnetwork.VirtualNetworkGatewaysClient) Client {
			return armclient.Profile[Model](c.Get, c.NewListPager, c.BeginCreateOrUpdate, c.BeginDelete)
		},
		func(c *stack.VirtualNetworkGatewaysClient) Client {
			return armclient.Profile[Model](c.Get, c.NewListPager, c.BeginCreateOrUpdate, c.BeginDelete)
		})
}

// State is a virtual network gateway's provisioning state.
func State(m *Model) string {
	if m.Properties == nil {
		return ""
	}
	return string(azsdk.Deref(m.Properties.ProvisioningState))
}
