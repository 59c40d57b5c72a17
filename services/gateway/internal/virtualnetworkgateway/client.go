// Package virtualnetworkgateway reads and writes ARM virtual network gateways (VPN gateways)
// on Azure (armnetwork) and on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork,
// api-version 2018-11-01).
package virtualnetworkgateway

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the virtual network gateway model both clouds' clients speak.
type Model = armnetwork.VirtualNetworkGateway

// Client reads and writes virtual network gateways (VPN gateways) on one cloud.
type Client interface {
	Get(ctx context.Context, rg, name string) (*Model, error)
	List(ctx context.Context, rg string) ([]*Model, error)
	// CreateOrUpdate starts a PUT, or resumes the one a token describes (gw is then unused).
	CreateOrUpdate(ctx context.Context, rg, name string, gw Model, resumeToken string) (lro.Op[*Model], error)
	// Delete starts a DELETE, or resumes the one a token describes.
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armnetwork.NewVirtualNetworkGatewaysClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewVirtualNetworkGatewaysClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

func gone[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct {
	c *armnetwork.VirtualNetworkGatewaysClient
}

func (a azureClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := a.c.Get(ctx, rg, name, nil)
	return &r.VirtualNetworkGateway, err
}

func (a azureClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(rg, nil), func(p armnetwork.VirtualNetworkGatewaysClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, rg, name string, gw Model, token string) (lro.Op[*Model], error) {
	p, err := a.c.BeginCreateOrUpdate(ctx, rg, name, gw, &armnetwork.VirtualNetworkGatewaysClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r armnetwork.VirtualNetworkGatewaysClientCreateOrUpdateResponse) (*Model, error) {
		return &r.VirtualNetworkGateway, nil
	}), nil
}

func (a azureClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, rg, name, &armnetwork.VirtualNetworkGatewaysClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[armnetwork.VirtualNetworkGatewaysClientDeleteResponse]), nil
}

type stackClient struct {
	c *stack.VirtualNetworkGatewaysClient
}

func (s stackClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := s.c.Get(ctx, rg, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.VirtualNetworkGateway)
}

func (s stackClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(rg, nil), func(p stack.VirtualNetworkGatewaysClientListResponse) []*stack.VirtualNetworkGateway { return p.Value })
}

func (s stackClient) CreateOrUpdate(ctx context.Context, rg, name string, gw Model, token string) (lro.Op[*Model], error) {
	in, err := azsdk.Convert[stack.VirtualNetworkGateway](gw)
	if err != nil {
		return nil, err
	}
	p, err := s.c.BeginCreateOrUpdate(ctx, rg, name, in, &stack.VirtualNetworkGatewaysClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r stack.VirtualNetworkGatewaysClientCreateOrUpdateResponse) (*Model, error) {
		return azsdk.Convert[*Model](r.VirtualNetworkGateway)
	}), nil
}

func (s stackClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, rg, name, &stack.VirtualNetworkGatewaysClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[stack.VirtualNetworkGatewaysClientDeleteResponse]), nil
}
