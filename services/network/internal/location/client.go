// Package location lists the ARM locations of a cloud's subscription, on Azure
// (armsubscriptions, api-version 2022-12-01) and on Azure Stack Hub (the 2020-09-01-hybrid
// profile's armsubscriptions, api-version 2016-06-01).
package location

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the location model both clouds' clients speak.
type Model = armsubscriptions.Location

// Client lists one cloud's locations.
type Client interface {
	List(ctx context.Context) ([]*Model, error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armsubscriptions.NewClient(conn.Credential, conn.Options)
		return azureClient{c, conn.Subscription}, err
	case cloud.AzureStackHub:
		c, err := stack.NewClient(conn.Credential, conn.Options)
		return stackClient{c, conn.Subscription}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

type azureClient struct {
	c   *armsubscriptions.Client
	sub string
}

func (a azureClient) List(ctx context.Context) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListLocationsPager(a.sub, nil), func(p armsubscriptions.ClientListLocationsResponse) []*Model { return p.Value })
}

type stackClient struct {
	c   *stack.Client
	sub string
}

func (s stackClient) List(ctx context.Context) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListLocationsPager(s.sub, nil), func(p stack.ClientListLocationsResponse) []*stack.Location { return p.Value })
}
