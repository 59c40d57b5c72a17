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
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
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
			return withKeys(armclient.Of[Model](c), c)
		},
		func(c *stack.VirtualNetworkGatewayConnectionsClient) Client {
			return withKeys(armclient.Of[Model](c), c)
		})
}

// keys is one profile's shared key calls: GetSharedKey answers R, which converts as the key
// model it embeds, and BeginSetSharedKey takes the profile's key model K.
type keys[GO, R, K any, SO ~armclient.Resume, SR any] interface {
	GetSharedKey(ctx context.Context, rg, name string, o *GO) (R, error)
	BeginSetSharedKey(ctx context.Context, rg, name string, key K, o *SO) (*runtime.Poller[SR], error)
}

// keyClient adds a profile's shared key calls to its connection calls; the result of setting
// a key is dropped.
type keyClient[GO, R, K any, SO ~armclient.Resume, SR any] struct {
	*armclient.Client[Model, string]
	c keys[GO, R, K, SO, SR]
}

// withKeys is the Client of a profile's connection calls and shared key calls c.
func withKeys[GO, R, K any, SO ~armclient.Resume, SR any](calls *armclient.Client[Model, string], c keys[GO, R, K, SO, SR]) Client {
	return keyClient[GO, R, K, SO, SR]{calls, c}
}

func (k keyClient[GO, R, K, SO, SR]) SharedKey(ctx context.Context, rg, name string) (string, error) {
	r, err := k.c.GetSharedKey(ctx, rg, name, nil)
	if err != nil {
		return "", err
	}
	key, err := azsdk.Convert[armnetwork.ConnectionSharedKey](r)
	return azsdk.Deref(key.Value), err
}

func (k keyClient[GO, R, K, SO, SR]) SetSharedKey(ctx context.Context, rg, name, key, token string) (lro.Op[struct{}], error) {
	m, err := azsdk.Convert[K](armnetwork.ConnectionSharedKey{Value: to.Ptr(key)})
	if err != nil {
		return nil, err
	}
	return armclient.Discard(k.c.BeginSetSharedKey(ctx, rg, name, m, to.Ptr(SO(armclient.Resume{ResumeToken: token}))))
}
