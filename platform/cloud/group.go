package cloud

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// GroupLocation returns a resource group's location, where resources created in it go when
// a request names none. A missing group is FailedPrecondition: create it first.
func (c *Conn) GroupLocation(ctx context.Context, group string) (string, error) {
	var (
		loc *string
		err error
	)
	switch c.Kind {
	case AzureStackHub:
		var client *stack.ResourceGroupsClient
		if client, err = stack.NewResourceGroupsClient(c.Subscription, c.Credential, c.Options); err == nil {
			var r stack.ResourceGroupsClientGetResponse
			r, err = client.Get(ctx, group, nil)
			loc = r.Location
		}
	default:
		var client *armresources.ResourceGroupsClient
		if client, err = armresources.NewResourceGroupsClient(c.Subscription, c.Credential, c.Options); err == nil {
			var r armresources.ResourceGroupsClientGetResponse
			r, err = client.Get(ctx, group, nil)
			loc = r.Location
		}
	}
	name := "clouds/" + c.ID + "/resourceGroups/" + group
	switch {
	case apierr.IsNotFound(err):
		return "", status.Errorf(codes.FailedPrecondition, "resource group %s does not exist; create it first", name)
	case err != nil:
		return "", apierr.FromARM(err, name)
	case loc == nil:
		return "", status.Errorf(codes.Internal, "ARM returned resource group %s without a location", name)
	}
	return *loc, nil
}
