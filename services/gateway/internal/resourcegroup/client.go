// Package resourcegroup reads ARM resource groups on Azure (armresources) and on Azure Stack
// Hub (the 2020-09-01-hybrid profile's armresources): the gateway service only needs a
// group's location, the default of the resources it creates.
package resourcegroup

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Client reads resource groups on one cloud.
type Client interface {
	// Location returns a resource group's location.
	Location(ctx context.Context, name string) (string, error)
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

func (a azureClient) Location(ctx context.Context, name string) (string, error) {
	r, err := a.c.Get(ctx, name, nil)
	if err != nil || r.Location == nil {
		return "", err
	}
	return *r.Location, nil
}

type stackClient struct{ c *stack.ResourceGroupsClient }

func (s stackClient) Location(ctx context.Context, name string) (string, error) {
	r, err := s.c.Get(ctx, name, nil)
	if err != nil || r.Location == nil {
		return "", err
	}
	return *r.Location, nil
}
