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

	"github.com/hybridlink/hybridlink/platform/azsdk"
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
	// CreateOrUpdate starts a PUT, or resumes the one a token describes (vm is then unused).
	CreateOrUpdate(ctx context.Context, rg, name string, vm Model, resumeToken string) (lro.Op[*Model], error)
	// Delete starts a DELETE, or resumes the one a token describes.
	Delete(ctx context.Context, rg, name, resumeToken string) (lro.Op[struct{}], error)
	// Power starts a power action, or resumes the one a token describes.
	Power(ctx context.Context, rg, name string, action Action, resumeToken string) (lro.Op[struct{}], error)
}

// New returns the client for a cloud's kind.
func New(conn *cloud.Conn) (Client, error) {
	switch conn.Kind {
	case cloud.Azure:
		c, err := armcompute.NewVirtualMachinesClient(conn.Subscription, conn.Credential, conn.Options)
		return azureClient{c}, err
	case cloud.AzureStackHub:
		c, err := stack.NewVirtualMachinesClient(conn.Subscription, conn.Credential, conn.Options)
		return stackClient{c}, err
	}
	return nil, fmt.Errorf("cloud %s: unknown kind %q", conn.ID, conn.Kind)
}

func done[T any](T) (struct{}, error) { return struct{}{}, nil }

type azureClient struct {
	c *armcompute.VirtualMachinesClient
}

func (a azureClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := a.c.Get(ctx, rg, name, &armcompute.VirtualMachinesClientGetOptions{Expand: to.Ptr(armcompute.InstanceViewTypesInstanceView)})
	return &r.VirtualMachine, err
}

func (a azureClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, a.c.NewListPager(rg, nil), func(p armcompute.VirtualMachinesClientListResponse) []*Model { return p.Value })
}

func (a azureClient) CreateOrUpdate(ctx context.Context, rg, name string, vm Model, token string) (lro.Op[*Model], error) {
	p, err := a.c.BeginCreateOrUpdate(ctx, rg, name, vm, &armcompute.VirtualMachinesClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r armcompute.VirtualMachinesClientCreateOrUpdateResponse) (*Model, error) {
		return &r.VirtualMachine, nil
	}), nil
}

func (a azureClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := a.c.BeginDelete(ctx, rg, name, &armcompute.VirtualMachinesClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, done[armcompute.VirtualMachinesClientDeleteResponse]), nil
}

func (a azureClient) Power(ctx context.Context, rg, name string, action Action, token string) (lro.Op[struct{}], error) {
	switch action {
	case Start:
		p, err := a.c.BeginStart(ctx, rg, name, &armcompute.VirtualMachinesClientBeginStartOptions{ResumeToken: token})
		return wrap(p, err, done[armcompute.VirtualMachinesClientStartResponse])
	case PowerOff:
		p, err := a.c.BeginPowerOff(ctx, rg, name, &armcompute.VirtualMachinesClientBeginPowerOffOptions{ResumeToken: token})
		return wrap(p, err, done[armcompute.VirtualMachinesClientPowerOffResponse])
	case Deallocate:
		p, err := a.c.BeginDeallocate(ctx, rg, name, &armcompute.VirtualMachinesClientBeginDeallocateOptions{ResumeToken: token})
		return wrap(p, err, done[armcompute.VirtualMachinesClientDeallocateResponse])
	case Restart:
		p, err := a.c.BeginRestart(ctx, rg, name, &armcompute.VirtualMachinesClientBeginRestartOptions{ResumeToken: token})
		return wrap(p, err, done[armcompute.VirtualMachinesClientRestartResponse])
	}
	return nil, fmt.Errorf("unknown power action %q", action)
}

type stackClient struct{ c *stack.VirtualMachinesClient }

func (s stackClient) Get(ctx context.Context, rg, name string) (*Model, error) {
	r, err := s.c.Get(ctx, rg, name, &stack.VirtualMachinesClientGetOptions{Expand: to.Ptr("instanceView")})
	if err != nil {
		return nil, err
	}
	return azsdk.Convert[*Model](r.VirtualMachine)
}

func (s stackClient) List(ctx context.Context, rg string) ([]*Model, error) {
	return azsdk.Collect[*Model](ctx, s.c.NewListPager(rg, nil), func(p stack.VirtualMachinesClientListResponse) []*stack.VirtualMachine { return p.Value })
}

func (s stackClient) CreateOrUpdate(ctx context.Context, rg, name string, vm Model, token string) (lro.Op[*Model], error) {
	in, err := azsdk.Convert[stack.VirtualMachine](vm)
	if err != nil {
		return nil, err
	}
	p, err := s.c.BeginCreateOrUpdate(ctx, rg, name, in, &stack.VirtualMachinesClientBeginCreateOrUpdateOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, func(r stack.VirtualMachinesClientCreateOrUpdateResponse) (*Model, error) {
		return azsdk.Convert[*Model](r.VirtualMachine)
	}), nil
}

func (s stackClient) Delete(ctx context.Context, rg, name, token string) (lro.Op[struct{}], error) {
	p, err := s.c.BeginDelete(ctx, rg, name, &stack.VirtualMachinesClientBeginDeleteOptions{ResumeToken: token})
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, done[stack.VirtualMachinesClientDeleteResponse]), nil
}

func (s stackClient) Power(ctx context.Context, rg, name string, action Action, token string) (lro.Op[struct{}], error) {
	switch action {
	case Start:
		p, err := s.c.BeginStart(ctx, rg, name, &stack.VirtualMachinesClientBeginStartOptions{ResumeToken: token})
		return wrap(p, err, done[stack.VirtualMachinesClientStartResponse])
	case PowerOff:
		p, err := s.c.BeginPowerOff(ctx, rg, name, &stack.VirtualMachinesClientBeginPowerOffOptions{ResumeToken: token})
		return wrap(p, err, done[stack.VirtualMachinesClientPowerOffResponse])
	case Deallocate:
		p, err := s.c.BeginDeallocate(ctx, rg, name, &stack.VirtualMachinesClientBeginDeallocateOptions{ResumeToken: token})
		return wrap(p, err, done[stack.VirtualMachinesClientDeallocateResponse])
	case Restart:
		p, err := s.c.BeginRestart(ctx, rg, name, &stack.VirtualMachinesClientBeginRestartOptions{ResumeToken: token})
		return wrap(p, err, done[stack.VirtualMachinesClientRestartResponse])
	}
	return nil, fmt.Errorf("unknown power action %q", action)
}

// wrap adapts a power action's poller, or passes on the error that prevented it.
func wrap[T any](p *runtime.Poller[T], err error, convert func(T) (struct{}, error)) (lro.Op[struct{}], error) {
	if err != nil {
		return nil, err
	}
	return lro.Wrap(p, convert), nil
}
