// Package publicipaddress reads and writes ARM public IP addresses on Azure (armnetwork) and
// on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork, api-version 2018-11-01).
package publicipaddress

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the public IP address model both clouds' clients speak.
type Model = armnetwork.PublicIPAddress

// Client reads and writes public IP addresses on one cloud.
type Client interface {
	Get(ctx context.Context, rg, name string) (*Model, error)
	List(ctx context.Context, rg string) ([]*Model, error)
	// CreateOrUpdate starts a PUT, or resumes the one a token describes (pip is then unused).
	CreateOrUpdate(ctx context.Context, rg, name string, pip Model, resumeToken string) (lro.Op[*Model], error)
	// Delete starts a DELETE, or resumes the one a token describes.
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armnetwork.NewPublicIPAddressesClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewPublicIPAddressesClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

func gone[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct {
	c *armnetwork.PublicIPAddressesClient
}

func (a azureClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := a.c.Get(ctx, rg, name, nil)
	return &r.PublicIPAddress, err
}

func (a azureClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(rg, nil), func(p armnetwork.PublicIPAddressesClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, rg, name string, pip Model, token string) (lro.Op[*Model], error) {
	p, err := a.c.BeginCreateOrUpdate(ctx, rg, name, pip, &armnetwork.PublicIPAddressesClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r armnetwork.PublicIPAddressesClientCreateOrUpdateResponse) (*Model, error) {
		return &r.PublicIPAddress, nil
	}), nil
}

func (a azureClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, rg, name, &armnetwork.PublicIPAddressesClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[armnetwork.PublicIPAddressesClientDeleteResponse]), nil
}

type stackClient struct {
	c *stack.PublicIPAddressesClient
}

func (s stackClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := s.c.Get(ctx, rg, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.PublicIPAddress)
}

func (s stackClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(rg, nil), func(p stack.PublicIPAddressesClientListResponse) []*stack.PublicIPAddress { return p.Value })
}

func (s stackClient) CreateOrUpdate(ctx context.Context, rg, name string, pip Model, token string) (lro.Op[*Model], error) {
	in, err := azsdk.Convert[stack.PublicIPAddress](pip)
	if err != nil {
		return nil, err
	}
	p, err := s.c.BeginCreateOrUpdate(ctx, rg, name, in, &stack.PublicIPAddressesClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r stack.PublicIPAddressesClientCreateOrUpdateResponse) (*Model, error) {
		return azsdk.Convert[*Model](r.PublicIPAddress)
	}), nil
}

func (s stackClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, rg, name, &stack.PublicIPAddressesClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[stack.PublicIPAddressesClientDeleteResponse]), nil
}
