// Package resourcegroup reads and writes ARM resource groups on Azure (armresources) and on
// Azure Stack Hub (the 2020-09-01-hybrid profile's armresources).
package resourcegroup

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the resource group model both clouds' clients speak.
type Model = armresources.ResourceGroup

// Client reads and writes resource groups on one cloud.
type Client interface {
	Get(ctx context.Context, name string) (*Model, error)
	List(ctx context.Context) ([]*Model, error)
	// CreateOrUpdate writes a resource group; ARM does it synchronously.
	CreateOrUpdate(ctx context.Context, name string, rg Model) (*Model, error)
	// Delete starts deleting a resource group, or resumes the deletion a token describes.
	Delete(ctx context.Context, name, resumeToken string) (lro.Op[struct{}], error)
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

func done[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct {
	c *armresources.ResourceGroupsClient
}

func (a azureClient) Get(ctx context.Context, name string) (*Model, error) {
	r, err := a.c.Get(ctx, name, nil)
	return &r.ResourceGroup, err
}

func (a azureClient) List(ctx context.Context) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(nil), func(p armresources.ResourceGroupsClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, name string, rg Model) (*Model, error) {
	r, err := a.c.CreateOrUpdate(ctx, name, rg, nil)
	return &r.ResourceGroup, err
}

func (a azureClient) Delete(ctx context.Context, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, name, &armresources.ResourceGroupsClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, done[armresources.ResourceGroupsClientDeleteResponse]), nil
}

type stackClient struct{ c *stack.ResourceGroupsClient }

func (s stackClient) Get(ctx context.Context, name string) (*Model, error) {
	r, err := s.c.Get(ctx, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.ResourceGroup)
}

func (s stackClient) List(ctx context.Context) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(nil), func(p stack.ResourceGroupsClientListResponse) []*stack.ResourceGroup { return p.Value })
}

func (s stackClient) CreateOrUpdate(ctx context.Context, name string, rg Model) (*Model, error) {
	in, err := azsdk.Convert[stack.ResourceGroup](rg)
	if err != nil {
		return nil, err
	}
	r, err := s.c.CreateOrUpdate(ctx, name, in, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.ResourceGroup)
}

func (s stackClient) Delete(ctx context.Context, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, name, &stack.ResourceGroupsClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, done[stack.ResourceGroupsClientDeleteResponse]), nil
}
