// Package image lists the versions of a marketplace image SKU in a location, on Azure
// (armcompute) and on Azure Stack Hub (the 2020-09-01-hybrid profile's armcompute,
// api-version 2020-06-01).
package image

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the image version model both clouds' clients speak: its name is the version.
type Model = armcompute.VirtualMachineImageResource

// Client lists one cloud's marketplace image versions.
type Client interface {
	// Versions lists a SKU's versions; ARM's 404 when the location lacks the publisher,
	// offer or SKU.
	Versions(ctx context.Context, location, publisher, offer, sku string) ([]*Model, error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armcompute.NewVirtualMachineImagesClient, stack.NewVirtualMachineImagesClient,
		func(c *armcompute.VirtualMachineImagesClient) Client { return azureClient{c} },
		func(c *stack.VirtualMachineImagesClient) Client { return stackClient{c} })
}

type azureClient struct {
	c *armcompute.VirtualMachineImagesClient
}

func (a azureClient) Versions(ctx context.Context, location, publisher, offer, sku string) ([]*Model, error) {
	r, err := a.c.List(ctx, location, publisher, offer, sku, nil)
	return r.VirtualMachineImageResourceArray, err
}

type stackClient struct {
	c *stack.VirtualMachineImagesClient
}

func (s stackClient) Versions(ctx context.Context, location, publisher, offer, sku string) ([]*Model, error) {
	r, err := s.c.List(ctx, location, publisher, offer, sku, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[[]*Model](r.VirtualMachineImageResourceArray)
}
