// Package machinesize lists the VM sizes a location offers, on Azure (armcompute) and on
// Azure Stack Hub (the 2020-09-01-hybrid profile's armcompute, api-version 2020-06-01).
package machinesize

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the VM size model both clouds' clients speak.
type Model = armcompute.VirtualMachineSize

// Client lists one cloud's VM sizes.
type Client interface {
	List(ctx context.Context, location string) ([]*Model, error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armcompute.NewVirtualMachineSizesClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewVirtualMachineSizesClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

type azureClient struct {
	c *armcompute.VirtualMachineSizesClient
}

func (a azureClient) List(ctx context.Context, location string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(location, nil), func(p armcompute.VirtualMachineSizesClientListResponse) []*Model { return p.Value })
}

type stackClient struct {
	c *stack.VirtualMachineSizesClient
}

func (s stackClient) List(ctx context.Context, location string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(location, nil), func(p stack.VirtualMachineSizesClientListResponse) []*stack.VirtualMachineSize { return p.Value })
}
