// Package machinesize lists the VM sizes a location offers, on Azure (armcompute) and on
// Azure Stack Hub (the 2020-09-01-hybrid profile's armcompute, api-version 2020-06-01).
package machinesize

import (
	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the VM size model both clouds' clients speak.
type Model = armcompute.VirtualMachineSize

// Client lists one cloud's VM sizes in a location.
type Client = armclient.Lister[Model, string]

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armcompute.NewVirtualMachineSizesClient, stack.NewVirtualMachineSizesClient,
		func(c *armcompute.VirtualMachineSizesClient) Client { return armclient.Pages[Model](c.NewListPager) },
		func(c *stack.VirtualMachineSizesClient) Client { return armclient.Pages[Model](c.NewListPager) })
}
