// Package virtualmachine reads and writes ARM virtual machines and runs their power actions,
// on Azure (armcompute) and on Azure Stack Hub (the 2020-09-01-hybrid profile's armcompute,
// api-version 2020-06-01).
package virtualmachine

import (
	"context"
	"fmt"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/lro"
)

// Model is the virtual machine model both clouds' clients speak.
type Model = armcompute.VirtualMachine

// Action is a power action on a virtual machine.
type Action string

// The power actions, as ARM names them.
const (
	Start      Action = "start"
	PowerOff   Action = "powerOff"
	Deallocate Action = "deallocate"
	Restart    Action = "restart"
)

// Client reads and writes virtual machines on one cloud.
type Client interface {
	// Get reads a virtual machine with its instance view, which holds the power state.
	Get(ctx context.Context, rg, name string) (*Model, error)
	// List reads a resource group's virtual machines, without instance views.
	List(ctx context.Context, rg string) ([]*Model, error)
	CreateOrUpdate(ctx context.Context, rg, name string, vm Model, resumeToken string) (lro.Op[*Model], error)
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
	// Power starts a power action, or resumes the one a token describes.
	Power(ctx context.Context, rg, name string, action Action, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind. Its Get expands the instance view; Azure's
// create and delete take more options than a resume token, none of which it sets.
func New(conn *cloud.Conn) (Client, error) {
	return armclient.New(conn, armcompute.NewVirtualMachinesClient, stack.NewVirtualMachinesClient,
		func(c *armcompute.VirtualMachinesClient) Client {
			return azureClient{armclient.Profile[Model](
				func(ctx context.Context, rg, name string, _ *struct{}) (armcompute.VirtualMachinesClientGetResponse, error) {
					return c.Get(ctx, rg, name, &armcompute.VirtualMachinesClientGetOptions{Expand: to.Ptr(armcompute.InstanceViewTypesInstanceView)})
				},
				c.NewListPager,
				func(ctx context.Context, rg, name string, vm Model, o *armclient.Resume) (*runtime.Poller[armcompute.VirtualMachinesClientCreateOrUpdateResponse], error) {
					return c.BeginCreateOrUpdate(ctx, rg, name, vm, &armcompute.VirtualMachinesClientBeginCreateOrUpdateOptions{ResumeToken: o.ResumeToken})
				},
				func(ctx context.Context, rg, name string, o *armclient.Resume) (*runtime.Poller[armcompute.VirtualMachinesClientDeleteResponse], error) {
					return c.BeginDelete(ctx, rg, name, &armcompute.VirtualMachinesClientBeginDeleteOptions{ResumeToken: o.ResumeToken})
				},
			), c}
		},
		func(c *stack.VirtualMachinesClient) Client {
			return stackClient{armclient.Profile[Model](
				func(ctx context.Context, rg, name string, _ *struct{}) (stack.VirtualMachinesClientGetResponse, error) {
					return c.Get(ctx, rg, name, &stack.VirtualMachinesClientGetOptions{Expand: to.Ptr("instanceView")})
				},
				c.NewListPager,
				c.BeginCreateOrUpdate,
				func(ctx context.Context, rg, name string, o *armclient.Resume) (*runtime.Poller[stack.VirtualMachinesClientDeleteResponse], error) {
					return c.BeginDelete(ctx, rg, name, &stack.VirtualMachinesClientBeginDeleteOptions{ResumeToken: o.ResumeToken})
				},
			), c}
		})
}

// azureClient adds Azure's power actions.
type azureClient struct {
	*armclient.Client[Model, string]
	c *armcompute.VirtualMachinesClient
}

func (a azureClient) Power(ctx context.Context, rg, name string, action Action, token string) (lro.Op[struct{}], error) {
	switch action {
	case Start:
		return armclient.Discard(a.c.BeginStart(ctx, rg, name, &armcompute.VirtualMachinesClientBeginStartOptions{ResumeToken: token}))
	case PowerOff:
		return armclient.Discard(a.c.BeginPowerOff(ctx, rg, name, &armcompute.VirtualMachinesClientBeginPowerOffOptions{ResumeToken: token}))
	case Deallocate:
		return armclient.Discard(a.c.BeginDeallocate(ctx, rg, name, &armcompute.VirtualMachinesClientBeginDeallocateOptions{ResumeToken: token}))
	case Restart:
		return armclient.Discard(a.c.BeginRestart(ctx, rg, name, &armcompute.VirtualMachinesClientBeginRestartOptions{ResumeToken: token}))
	}
	return nil, fmt.Errorf("unknown power action %q", action)
}

// stackClient adds Azure Stack Hub's power actions.
type stackClient struct {
	*armclient.Client[Model, string]
	c *stack.VirtualMachinesClient
}

func (s stackClient) Power(ctx context.Context, rg, name string, action Action, token string) (lro.Op[struct{}], error) {
	switch action {
	case Start:
		return armclient.Discard(s.c.BeginStart(ctx, rg, name, &stack.VirtualMachinesClientBeginStartOptions{ResumeToken: token}))
	case PowerOff:
		return armclient.Discard(s.c.BeginPowerOff(ctx, rg, name, &stack.VirtualMachinesClientBeginPowerOffOptions{ResumeToken: token}))
	case Deallocate:
		return armclient.Discard(s.c.BeginDeallocate(ctx, rg, name, &stack.VirtualMachinesClientBeginDeallocateOptions{ResumeToken: token}))
	case Restart:
		return armclient.Discard(s.c.BeginRestart(ctx, rg, name, &stack.VirtualMachinesClientBeginRestartOptions{ResumeToken: token}))
	}
	return nil, fmt.Errorf("unknown power action %q", action)
}
