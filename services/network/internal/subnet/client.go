// Package subnet reads and writes the subnets of ARM virtual networks on Azure (armnetwork)
// and on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork).
package subnet

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the subnet model both clouds' clients speak.
type Model = armnetwork.Subnet

// Client reads and writes subnets on one cloud.
type Client interface {
	Get(ctx context.Context, rg, vnet, name string) (*Model, error)
	List(ctx context.Context, rg, vnet string) ([]*Model, error)
	// CreateOrUpdate starts a PUT, or resumes the one a token describes (s is then unused).
	CreateOrUpdate(ctx context.Context, rg, vnet, name string, s Model, resumeToken string) (lro.Op[*Model], error)
	// Delete starts a DELETE, or resumes the one a token describes.
	Delete(ctx context.Context, rg, vnet, name, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armnetwork.NewSubnetsClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewSubnetsClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

func gone[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct{ c *armnetwork.SubnetsClient }

func (a azureClient) Get(ctx context.Context, rg, vnet, name string) (*Model, error) {
	r, err := a.c.Get(ctx, rg, vnet, name, nil)
	return &r.Subnet, err
}

func (a azureClient) List(ctx context.Context, rg, vnet string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(rg, vnet, nil), func(p armnetwork.SubnetsClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, rg, vnet, name string, s Model, token string) (lro.Op[*Model], error) {
	p, err := a.c.BeginCreateOrUpdate(ctx, rg, vnet, name, s, &armnetwork.SubnetsClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r armnetwork.SubnetsClientCreateOrUpdateResponse) (*Model, error) { return &r.Subnet, nil }), nil
}

func (a azureClient) Delete(ctx context.Context, rg, vnet, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, rg, vnet, name, &armnetwork.SubnetsClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[armnetwork.SubnetsClientDeleteResponse]), nil
}

type stackClient struct{ c *stack.SubnetsClient }

func (s stackClient) Get(ctx context.Context, rg, vnet, name string) (*Model, error) {
	r, err := s.c.Get(ctx, rg, vnet, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.Subnet)
}

func (s stackClient) List(ctx context.Context, rg, vnet string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(rg, vnet, nil), func(p stack.SubnetsClientListResponse) []*stack.Subnet { return p.Value })
}

func (s stackClient) CreateOrUpdate(ctx context.Context, rg, vnet, name string, m Model, token string) (lro.Op[*Model], error) {
	in, err := azsdk.Convert[stack.Subnet](m)
	if err != nil {
		return nil, err
	}
	p, err := s.c.BeginCreateOrUpdate(ctx, rg, vnet, name, in, &stack.SubnetsClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r stack.SubnetsClientCreateOrUpdateResponse) (*Model, error) {
		return azsdk.Convert[*Model](r.Subnet)
	}), nil
}

func (s stackClient) Delete(ctx context.Context, rg, vnet, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, rg, vnet, name, &stack.SubnetsClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[stack.SubnetsClientDeleteResponse]), nil
}
