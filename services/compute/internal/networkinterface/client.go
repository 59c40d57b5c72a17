// Package networkinterface reads and writes ARM network interfaces on Azure (armnetwork)
// and on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork, api-version 2018-11-01).
package networkinterface

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the network interface model both clouds' clients speak.
type Model = armnetwork.Interface

// Client reads and writes network interfaces on one cloud.
type Client interface {
	Get(ctx context.Context, rg, name string) (*Model, error)
	List(ctx context.Context, rg string) ([]*Model, error)
	// CreateOrUpdate starts a PUT, or resumes the one a token describes (nic is then unused).
	CreateOrUpdate(ctx context.Context, rg, name string, nic Model, resumeToken string) (lro.Op[*Model], error)
	// Delete starts a DELETE, or resumes the one a token describes.
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armnetwork.NewInterfacesClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewInterfacesClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

func gone[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct{ c *armnetwork.InterfacesClient }

func (a azureClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := a.c.Get(ctx, rg, name, nil)
	return &r.Interface, err
}

func (a azureClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(rg, nil), func(p armnetwork.InterfacesClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, rg, name string, nic Model, token string) (lro.Op[*Model], error) {
	p, err := a.c.BeginCreateOrUpdate(ctx, rg, name, nic, &armnetwork.InterfacesClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r armnetwork.InterfacesClientCreateOrUpdateResponse) (*Model, error) { return &r.Interface, nil }), nil
}

func (a azureClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, rg, name, &armnetwork.InterfacesClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[armnetwork.InterfacesClientDeleteResponse]), nil
}

type stackClient struct{ c *stack.InterfacesClient }

func (s stackClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := s.c.Get(ctx, rg, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.Interface)
}

func (s stackClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(rg, nil), func(p stack.InterfacesClientListResponse) []*stack.Interface { return p.Value })
}

func (s stackClient) CreateOrUpdate(ctx context.Context, rg, name string, nic Model, token string) (lro.Op[*Model], error) {
	in, err := azsdk.Convert[stack.Interface](nic)
	if err != nil {
		return nil, err
	}
	p, err := s.c.BeginCreateOrUpdate(ctx, rg, name, in, &stack.InterfacesClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r stack.InterfacesClientCreateOrUpdateResponse) (*Model, error) {
		return azsdk.Convert[*Model](r.Interface)
	}), nil
}

func (s stackClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, rg, name, &stack.InterfacesClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, gone[stack.InterfacesClientDeleteResponse]), nil
}
