// Package resourcegroup reads and writes ARM resource groups on Azure (armresources) and on
// Azure Stack Hub (the 2020-09-01-hybrid profile's armresources).
package resourcegroup

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/platform/armclient"
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
	return armclient.New(conn, armresources.NewResourceGroupsClient, stack.NewResourceGroupsClient,
		func(c *armresources.ResourceGroupsClient) Client { return azureClient{c} },
		func(c *stack.ResourceGroupsClient) Client { return stackClient{c} })
}

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
	return armclient.Discard(a.c.BeginDelete(ctx, name, &armresources.ResourceGroupsClientBeginDeleteOptions{ResumeToken: token}))
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
	return armclient.Discard(s.c.BeginDelete(ctx, name, &stack.ResourceGroupsClientBeginDeleteOptions{ResumeToken: token}))
}
