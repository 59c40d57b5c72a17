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
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Model is the extension model both clouds' clients speak.
type Model = armcompute.VirtualMachineExtension

// Client reads and writes a VM's extensions on one cloud, by VM and name.
type Client = *armclient.Client[Model, armclient.Parent]

// In names a virtual machine, the parent of extensions.
func In(rg, vm string) armclient.Parent { return armclient.Parent{ResourceGroup: rg, Name: vm} }

// New returns the client for a cloud's kind. Its Get expands the instance view, which holds
// the last run's status; the SDK's List is one call, not a pager, and is made one.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armcompute.NewVirtualMachineExtensionsClient, stack.NewVirtualMachineExtensionsClient,
		func(c *armcompute.VirtualMachineExtensionsClient) Client {
			return armclient.Child[Model](
				func(ctx context.Context, rg, vm, name string, _ *struct{}) (armcompute.VirtualMachineExtensionsClientGetResponse, error) {
					return c.Get(ctx, rg, vm, name, &armcompute.VirtualMachineExtensionsClientGetOptions{Expand: to.Ptr("instanceView")})
				},
				func(rg, vm string, _ *struct{}) *runtime.Pager[armcompute.VirtualMachineExtensionsListResult] {
					return onePage(func(ctx context.Context) (armcompute.VirtualMachineExtensionsListResult, error) {
						r, err := c.List(ctx, rg, vm, nil)
						return r.VirtualMachineExtensionsListResult, err
					})
				},
				func(ctx context.Context, rg, vm, name string, m Model, o *armclient.Resume) (*runtime.Poller[armcompute.VirtualMachineExtensionsClientCreateOrUpdateResponse], error) {
					return c.BeginCreateOrUpdate(ctx, rg, vm, name, m, &armcompute.VirtualMachineExtensionsClientBeginCreateOrUpdateOptions{ResumeToken: o.ResumeToken})
				},
				func(ctx context.Context, rg, vm, name string, o *armclient.Resume) (*runtime.Poller[armcompute.VirtualMachineExtensionsClientDeleteResponse], error) {
					return c.BeginDelete(ctx, rg, vm, name, &armcompute.VirtualMachineExtensionsClientBeginDeleteOptions{ResumeToken: o.ResumeToken})
				})
		},
		func(c *stack.VirtualMachineExtensionsClient) Client {
			return armclient.Child[Model](
				func(ctx context.Context, rg, vm, name string, _ *struct{}) (stack.VirtualMachineExtensionsClientGetResponse, error) {
					return c.Get(ctx, rg, vm, name, &stack.VirtualMachineExtensionsClientGetOptions{Expand: to.Ptr("instanceView")})
				},
				func(rg, vm string, _ *struct{}) *runtime.Pager[stack.VirtualMachineExtensionsListResult] {
					return onePage(func(ctx context.Context) (stack.VirtualMachineExtensionsListResult, error) {
						r, err := c.List(ctx, rg, vm, nil)
						return r.VirtualMachineExtensionsListResult, err
					})
				},
				func(ctx context.Context, rg, vm, name string, m stack.VirtualMachineExtension, o *armclient.Resume) (*runtime.Poller[stack.VirtualMachineExtensionsClientCreateOrUpdateResponse], error) {
					return c.BeginCreateOrUpdate(ctx, rg, vm, name, m, &stack.VirtualMachineExtensionsClientBeginCreateOrUpdateOptions{ResumeToken: o.ResumeToken})
				},
				func(ctx context.Context, rg, vm, name string, o *armclient.Resume) (*runtime.Poller[stack.VirtualMachineExtensionsClientDeleteResponse], error) {
					return c.BeginDelete(ctx, rg, vm, name, &stack.VirtualMachineExtensionsClientBeginDeleteOptions{ResumeToken: o.ResumeToken})
				})
		})
}

// onePage is a pager over a list that comes in one answer.
func onePage[L any](fetch func(context.Context) (L, error)) *runtime.Pager[L] {
	return runtime.NewPager(runtime.PagingHandler[L]{
		More:    func(L) bool { return false },
		Fetcher: func(ctx context.Context, _ *L) (L, error) { return fetch(ctx) },
	})
}

// State is an extension's provisioning state.
func State(m *Model) string {
	if m.Properties == nil {
		return ""
	}
	return azsdk.Deref(m.Properties.ProvisioningState)
}
