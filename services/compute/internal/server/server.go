// Package server implements hybridlink.compute.v1.ComputeService: network interfaces and
// virtual machines, with their power actions, on every configured cloud, with ensure
// semantics and long-running operations whose names are sealed handles.
package server

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/compute/internal/image"
	"github.com/hybridlink/hybridlink/services/compute/internal/machinesize"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
	"github.com/hybridlink/hybridlink/services/compute/internal/vmextension"
)

// The ARM provider namespaces of the network interfaces and of the virtual machines.
const (
	providerNetwork = "Microsoft.Network"
	providerCompute = "Microsoft.Compute"
)

// clients are one cloud's resource clients.
type clients struct {
	conn *cloud.Conn
	// nics are the network interfaces, by resource group and name, on Azure (armnetwork) and
	// on Azure Stack Hub (the 2020-09-01-hybrid profile's armnetwork, api-version 2018-11-01).
	nics   *armclient.Client[armnetwork.Interface, string]
	vms    virtualmachine.Client
	exts   vmextension.Client
	sizes  machinesize.Client
	images image.Client
}

// The service's resource types.
var (
	// nicType is the network interface type.
	nicType = kind.TypeOf(providerNetwork, func(c *clients) kind.Kind[string, *armnetwork.Interface, *computev1.NetworkInterface] {
		return kind.Of(c.nics, kind.Group, kind.Plain(c.conn.ID, nicToAPI))
	}, "networkInterfaces")
	// vmType is the virtual machine type. Its kind's Get reads the instance view, which
	// holds the power state; its List has none.
	vmType = kind.TypeOf(providerCompute, func(c *clients) kind.Kind[string, *virtualmachine.Model, *computev1.VirtualMachine] {
		return kind.Of(c.vms, kind.Group, kind.Plain(c.conn.ID, vmToAPI))
	}, "virtualMachines")
	// extType is the VM extension type, whose resources are a virtual machine's; its kind's
	// Get reads the instance view, which holds the last run's status.
	extType = kind.TypeOf(providerCompute, func(c *clients) kind.Kind[armclient.Parent, *vmextension.Model, *computev1.VirtualMachineExtension] {
		return kind.Of(c.exts, kind.Child, kind.Plain(c.conn.ID, extToAPI))
	}, "virtualMachines", "extensions")
)

// Server implements ComputeService.
type Server struct {
	computev1.UnimplementedComputeServiceServer
	clouds kind.Clouds[*clients]
}

// Service builds the ComputeService on every configured cloud, as serve runs it: the service
// and its long-running operations on gRPC, the REST gateway, the OpenAPI document.
func Service(env serve.Env) (serve.Service, error) {
	return kind.Serve(env, kind.Service[*clients]{Clients: newClients, Subscription: subscription, Metadata: metadata, Kinds: resumable, Limits: limits},
		func(clouds kind.Clouds[*clients]) computev1.ComputeServiceServer { return &Server{clouds: clouds} },
		computev1.RegisterComputeServiceServer, computev1.RegisterComputeServiceHandler, openapi.Compute)
}

// newClients builds one cloud's clients.
func newClients(conn *cloud.Conn) (*clients, error) {
	c := &clients{conn: conn}
	if err := cloud.Clients(conn, cloud.Client(&c.nics, armclient.Group[armnetwork.Interface](armnetwork.NewInterfacesClient, stack.NewInterfacesClient)),
		cloud.Client(&c.vms, virtualmachine.New), cloud.Client(&c.exts, vmextension.New), cloud.Client(&c.sizes, machinesize.New), cloud.Client(&c.images, image.New)); err != nil {
		return nil, err
	}
	return c, nil
}

// subscription is the subscription of the cloud of c.
func subscription(c *clients) string { return c.conn.Subscription }

// location is where the resource n goes: where it is (cur), or, for a new one (cur nil),
// where the request wants it, want, or in its resource group's location.
func location[M any](ctx context.Context, c *clients, n names.Name, cur **M, want string) (string, error) {
	if cur != nil {
		return azsdk.Location(*cur), nil
	}
	return c.conn.LocationIn(ctx, n.ResourceGroup, want)
}

// metadata builds the service's OperationMetadata.
func metadata(h handle.Handle, armID, state string) proto.Message {
	return &computev1.OperationMetadata{Target: h.Resource, Verb: h.Verb, ArmId: armID,
		CreateTime: timestamppb.New(h.Created), ProvisioningState: azsdk.ProvisioningState[computev1.ProvisioningState](state)}
}
