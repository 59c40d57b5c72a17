// Package resourcegroup reads ARM resource groups on Azure (armresources) and on Azure Stack
// Hub (the 2020-09-01-hybrid profile's armresources): the compute service only needs a
// group's location, the default location of the resources it creates.
package resourcegroup

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the resource group model both clouds' clients speak.
type Model = armresources.ResourceGroup

// Client reads resource groups on one cloud.
type Client interface {
	Get(ctx context.Context, name string) (*Model, error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

type azureClient struct {
	c *armresources.ResourceGroupsClient
}

func (a azureClient) Get(ctx context.Context, name string) (*Model, error) {
	r, err := a.c.Get(ctx, name, nil)
	return &r.ResourceGroup, err
}

type stackClient struct{ c *stack.ResourceGroupsClient }

func (s stackClient) Get(ctx context.Context, name string) (*Model, error) {
	r, err := s.c.Get(ctx, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.ResourceGroup)
}
