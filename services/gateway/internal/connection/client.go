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

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the connection model both clouds' clients speak.
type Model = armnetwork.VirtualNetworkGatewayConnection

// Client reads and writes connections on one cloud, by resource group and name. Get
// reads a connection with its status and byte counters; ARM leaves the shared key out.
type Client interface {
	Get(ctx context.Context, rg, name string) (*Model, error)
	List(ctx context.Context, rg string) ([]*Model, error)
	CreateOrUpdate(ctx context.Context, rg, name string, conn Model, resumeToken string) (lro.Op[*Model], error)
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
	// SharedKey reads the connection's shared key.
	SharedKey(ctx context.Context, rg, name string) (string, error)
	// SetSharedKey starts setting the shared key, or resumes the operation a token describes
	// (key is then unused).
	SetSharedKey(ctx context.Context, rg, name, key, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armnetwork.NewVirtualNetworkGatewayConnectionsClient, stack.NewVirtualNetworkGatewayConnectionsClient,
		func(c *armnetwork.VirtualNetworkGatewayConnectionsClient) Client {
			return azureClient{armclient.Of[Model](c), c}
		},
		func(c *stack.VirtualNetworkGatewayConnectionsClient) Client {
			return stackClient{armclient.Of[Model](c), c}
		})
}

// azureClient adds Azure's shared key calls; the result of setting a key is dropped.
type azureClient struct {
	*armclient.Client[Model, string]
	c *armnetwork.VirtualNetworkGatewayConnectionsClient
}

func (a azureClient) SharedKey(ctx context.Context, rg, name string) (string, error) {
	r, err := a.c.GetSharedKey(ctx, rg, name, nil)
	return azsdk.Deref(r.Value), err
}

func (a azureClient) SetSharedKey(ctx context.Context, rg, name, key, token string) (lro.Op[struct{}], error) {
	return armclient.Discard(a.c.BeginSetSharedKey(ctx, rg, name, armnetwork.ConnectionSharedKey{Value: to.Ptr(key)},
		&armnetwork.VirtualNetworkGatewayConnectionsClientBeginSetSharedKeyOptions{ResumeToken: token}))
}

// stackClient adds Azure Stack Hub's shared key calls; the result of setting a key is dropped.
type stackClient struct {
	*armclient.Client[Model, string]
	c *stack.VirtualNetworkGatewayConnectionsClient
}

func (s stackClient) SharedKey(ctx context.Context, rg, name string) (string, error) {
	r, err := s.c.GetSharedKey(ctx, rg, name, nil)
	return azsdk.Deref(r.Value), err
}

func (s stackClient) SetSharedKey(ctx context.Context, rg, name, key, token string) (lro.Op[struct{}], error) {
	return armclient.Discard(s.c.BeginSetSharedKey(ctx, rg, name, stack.ConnectionSharedKey{Value: to.Ptr(key)},
		&stack.VirtualNetworkGatewayConnectionsClientBeginSetSharedKeyOptions{ResumeToken: token}))
}
