// Package connection reads and writes ARM virtual network gateway connections (site-to-site
// IPsec connections) on Azure (armnetwork) and on Azure Stack Hub (the 2020-09-01-hybrid
// profile's armnetwork, api-version 2018-11-01): the connection itself, with its live status
// and byte counters, and its shared key.
//
// The shared key is a secret. It goes to ARM in a PUT and comes back only from SharedKey,
// whose caller compares it; the result of SetSharedKey is dropped here so that the key ARM
// echoes never travels further.
package connection

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the connection model both clouds' clients speak.
type Model = armnetwork.VirtualNetworkGatewayConnection

// Client reads and writes connections on one cloud.
type Client interface {
	// Get reads a connection with its status and byte counters; ARM leaves the shared key out.
	Get(ctx context.Context, rg, name string) (*Model, error)
	List(ctx context.Context, rg string) ([]*Model, error)
	// CreateOrUpdate starts a PUT, or resumes the one a token describes (conn is then unused).
	CreateOrUpdate(ctx context.Context, rg, name string, conn Model, resumeToken string) (lro.Op[*Model], error)
	// Delete starts a DELETE, or resumes the one a token describes.
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
	// SharedKey reads the connection's shared key.
	SharedKey(ctx context.Context, rg, name string) (string, error)
	// SetSharedKey starts setting the shared key, or resumes the operation a token describes
	// (key is then unused).
	SetSharedKey(ctx context.Context, rg, name, key, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armnetwork.NewVirtualNetworkGatewayConnectionsClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewVirtualNetworkGatewayConnectionsClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

// dropped discards an operation's result: a deletion's nothing, or the shared key ARM echoes.
func dropped[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct {
	c *armnetwork.VirtualNetworkGatewayConnectionsClient
}

func (a azureClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := a.c.Get(ctx, rg, name, nil)
	return &r.VirtualNetworkGatewayConnection, err
}

func (a azureClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(rg, nil), func(p armnetwork.VirtualNetworkGatewayConnectionsClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, rg, name string, conn Model, token string) (lro.Op[*Model], error) {
	p, err := a.c.BeginCreateOrUpdate(ctx, rg, name, conn, &armnetwork.VirtualNetworkGatewayConnectionsClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r armnetwork.VirtualNetworkGatewayConnectionsClientCreateOrUpdateResponse) (*Model, error) {
		return &r.VirtualNetworkGatewayConnection, nil
	}), nil
}

func (a azureClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, rg, name, &armnetwork.VirtualNetworkGatewayConnectionsClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, dropped[armnetwork.VirtualNetworkGatewayConnectionsClientDeleteResponse]), nil
}

func (a azureClient) SharedKey(ctx context.Context, rg, name string) (string, error) {
	r, err := a.c.GetSharedKey(ctx, rg, name, nil)
	return azsdk.Deref(r.Value), err
}

func (a azureClient) SetSharedKey(ctx context.Context, rg, name, key, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginSetSharedKey(ctx, rg, name, armnetwork.ConnectionSharedKey{Value: to.Ptr(key)},
		&armnetwork.VirtualNetworkGatewayConnectionsClientBeginSetSharedKeyOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, dropped[armnetwork.VirtualNetworkGatewayConnectionsClientSetSharedKeyResponse]), nil
}

type stackClient struct {
	c *stack.VirtualNetworkGatewayConnectionsClient
}

func (s stackClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := s.c.Get(ctx, rg, name, nil)
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.VirtualNetworkGatewayConnection)
}

func (s stackClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(rg, nil), func(p stack.VirtualNetworkGatewayConnectionsClientListResponse) []*stack.VirtualNetworkGatewayConnection {
		return p.Value
	})
}

func (s stackClient) CreateOrUpdate(ctx context.Context, rg, name string, conn Model, token string) (lro.Op[*Model], error) {
	in, err := azsdk.Convert[stack.VirtualNetworkGatewayConnection](conn)
	if err != nil {
		return nil, err
	}
	p, err := s.c.BeginCreateOrUpdate(ctx, rg, name, in, &stack.VirtualNetworkGatewayConnectionsClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r stack.VirtualNetworkGatewayConnectionsClientCreateOrUpdateResponse) (*Model, error) {
		return azsdk.Convert[*Model](r.VirtualNetworkGatewayConnection)
	}), nil
}

func (s stackClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, rg, name, &stack.VirtualNetworkGatewayConnectionsClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, dropped[stack.VirtualNetworkGatewayConnectionsClientDeleteResponse]), nil
}

func (s stackClient) SharedKey(ctx context.Context, rg, name string) (string, error) {
	r, err := s.c.GetSharedKey(ctx, rg, name, nil)
	return azsdk.Deref(r.Value), err
}

func (s stackClient) SetSharedKey(ctx context.Context, rg, name, key, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginSetSharedKey(ctx, rg, name, stack.ConnectionSharedKey{Value: to.Ptr(key)},
		&stack.VirtualNetworkGatewayConnectionsClientBeginSetSharedKeyOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, dropped[stack.VirtualNetworkGatewayConnectionsClientSetSharedKeyResponse]), nil
}
