// Package location lists the ARM locations of a cloud's subscription, on Azure
// (armsubscriptions, api-version 2022-12-01) and on Azure Stack Hub (the 2020-09-01-hybrid
// profile's armsubscriptions, api-version 2016-06-01).
package location

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the location model both clouds' clients speak.
type Model = armsubscriptions.Location

// Client lists one cloud's locations.
type Client interface {
	List(ctx context.Context) ([]*Model, error)
}

// New returns the client for a cloud's kind. The subscriptions clients take no
// subscription; their list of locations does.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn,
		func(_ string, cred azcore.TokenCredential, o *arm.ClientOptions) (*armsubscriptions.Client, error) {
			return armsubscriptions.NewClient(cred, o)
		},
		func(_ string, cred azcore.TokenCredential, o *arm.ClientOptions) (*stack.Client, error) {
			return stack.NewClient(cred, o)
		},
		func(c *armsubscriptions.Client) Client {
			return locations{armclient.Pages[Model](c.NewListLocationsPager), conn.Subscription}
		},
		func(c *stack.Client) Client {
			return locations{armclient.Pages[Model](c.NewListLocationsPager), conn.Subscription}
		})
}

// locations lists a subscription's locations.
type locations struct {
	list         armclient.Lister[Model, string]
	subscription string
}

func (l locations) List(ctx context.Context) ([]*Model, error) { return l.list(ctx, l.subscription) }
