package cloud

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// groupReader reads a resource group's location with the SDK of the cloud's kind.
type groupReader func(ctx context.Context, group string) (*string, error)

// newGroupReader builds the resource groups client of a cloud once, at connect time.
func newGroupReader(c Cloud, cred azcore.TokenCredential, opts *arm.ClientOptions) (groupReader, error) {
	if c.Kind == AzureStackHub {
		client, err := stack.NewResourceGroupsClient(c.Subscription, cred, opts)
		if err != nil {
			return nil, err
		}
		return readGroups(client.Get, func(r stack.ResourceGroupsClientGetResponse) *string { return r.Location }), nil
	}
	client, err := armresources.NewResourceGroupsClient(c.Subscription, cred, opts)
	if err != nil {
		return nil, err
	}
	return readGroups(client.Get, func(r armresources.ResourceGroupsClientGetResponse) *string { return r.Location }), nil
}

// readGroups is the groupReader over one SDK profile's ResourceGroupsClient.Get, whose
// response's location is location.
func readGroups[O, R any](get func(ctx context.Context, group string, o *O) (R, error), location func(R) *string) groupReader {
	return func(ctx context.Context, group string) (*string, error) {
		r, err := get(ctx, group, nil)
		return location(r), err
	}
}

// GroupLocation returns a resource group's location, where resources created in it go when
// a request names none. A missing group is FailedPrecondition: create it first.
func (c *Conn) GroupLocation(ctx context.Context, group string) (string, error) {
	loc, err := c.groups(ctx, group)
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

// LocationIn is where a resource created in group goes: want, or the group's location when
// the request names none (see GroupLocation).
func (c *Conn) LocationIn(ctx context.Context, group, want string) (string, error) {
	if want != "" {
		return want, nil
	}
	return c.GroupLocation(ctx, group)
}
