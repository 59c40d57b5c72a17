// Package vmextension reads and writes ARM virtual machine extensions, on Azure (armcompute)
// and on Azure Stack Hub (the 2020-09-01-hybrid profile's armcompute, api-version
// 2020-06-01): what the suite runs its data-plane probe with (CustomScript).
package vmextension

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the extension model both clouds' clients speak.
type Model = armcompute.VirtualMachineExtension

// Client reads and writes a VM's extensions on one cloud, by VM and name.
type Client = *armclient.Client[Model, armclient.Parent]

// New returns the client for a cloud's kind. Its Get expands the instance view, which holds
// the last run's status; the SDK's List is one call, not a pager, and is made one.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armcompute.NewVirtualMachineExtensionsClient, stack.NewVirtualMachineExtensionsClient,
		func(c *armcompute.VirtualMachineExtensionsClient) Client {
			return extensions(c, &armcompute.VirtualMachineExtensionsClientGetOptions{Expand: to.Ptr("instanceView")})
		},
		func(c *stack.VirtualMachineExtensionsClient) Client {
			return extensions(c, &stack.VirtualMachineExtensionsClientGetOptions{Expand: to.Ptr("instanceView")})
		})
}

// sdk is the calls of one profile's extensions client.
type sdk[P, GO, G, LO, L any, CO, DO ~armclient.Resume, C, D any] interface {
	Get(ctx context.Context, rg, vm, name string, o *GO) (G, error)
	List(ctx context.Context, rg, vm string, o *LO) (L, error)
	BeginCreateOrUpdate(ctx context.Context, rg, vm, name string, m P, o *CO) (*runtime.Poller[C], error)
	BeginDelete(ctx context.Context, rg, vm, name string, o *DO) (*runtime.Poller[D], error)
}

// extensions is the Client over c's calls, whose Get takes get.
func extensions[P, GO, G, LO, L any, CO, DO ~armclient.Resume, C, D any](c sdk[P, GO, G, LO, L, CO, DO, C, D], get *GO) Client {
	return armclient.Child[Model](
		func(ctx context.Context, rg, vm, name string, _ *struct{}) (G, error) {
			return c.Get(ctx, rg, vm, name, get)
		},
		func(rg, vm string, _ *struct{}) *runtime.Pager[L] {
			return onePage(func(ctx context.Context) (L, error) { return c.List(ctx, rg, vm, nil) })
		},
		c.BeginCreateOrUpdate, c.BeginDelete)
}

// onePage is a pager over a list that comes in one answer.
func onePage[L any](fetch func(context.Context) (L, error)) *runtime.Pager[L] {
	return runtime.NewPager(runtime.PagingHandler[L]{
		More:    func(L) bool { return false },
		Fetcher: func(ctx context.Context, _ *L) (L, error) { return fetch(ctx) },
	})
}
