// Package server implements hybridlink.network.v1.NetworkService: resource groups, virtual
// networks and subnets on every configured cloud, with ensure semantics and long-running
// operations whose names are sealed handles.
package server

import (
	"context"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/network/internal/location"
	"github.com/hybridlink/hybridlink/services/network/internal/resourcegroup"
)

// The ARM provider namespace of the virtual networks and subnets this service manages.
const network = "Microsoft.Network"

// clients are one cloud's resource clients. The virtual networks (by resource group and name)
// and their subnets (by virtual network and name) are on Azure (armnetwork) and on Azure
// Stack Hub (the 2020-09-01-hybrid profile's armnetwork, api-version 2018-11-01).
type clients struct {
	conn      *cloud.Conn
	locations location.Client
	groups    resourcegroup.Client
	vnets     *armclient.Client[armnetwork.VirtualNetwork, string]
	subnets   *armclient.Client[armnetwork.Subnet, armclient.Parent]
}

// The service's resource types.
var (
	// vnetType is the virtual network type.
	vnetType = kind.TypeOf(network, func(c *clients) kind.Kind[string, *armnetwork.VirtualNetwork, *networkv1.VirtualNetwork] {
		return kind.Of(c.vnets, kind.Group, kind.Plain(c.conn.ID, vnetToAPI))
	}, "virtualNetworks")
	// subnetType is the subnet type, whose resources are a virtual network's.
	subnetType = kind.TypeOf(network, func(c *clients) kind.Kind[armclient.Parent, *armnetwork.Subnet, *networkv1.Subnet] {
		return kind.Of(c.subnets, kind.Child, kind.Plain(c.conn.ID, subnetToAPI))
	}, "virtualNetworks", "subnets")
)

// Server implements NetworkService.
type Server struct {
	networkv1.UnimplementedNetworkServiceServer
	clouds kind.Clouds[*clients]
}

// Service builds the NetworkService on every configured cloud, as serve runs it: the service
// and its long-running operations on gRPC, the REST gateway, the OpenAPI document.
func Service(env serve.Env) (serve.Service, error) {
	return kind.Serve(env, kind.Service[*clients]{Clients: newClients, Subscription: subscription, Metadata: metadata, Kinds: resumable, Limits: limits},
		func(clouds kind.Clouds[*clients]) networkv1.NetworkServiceServer { return &Server{clouds: clouds} },
		networkv1.RegisterNetworkServiceServer, networkv1.RegisterNetworkServiceHandler, openapi.Network)
}

// newClients builds one cloud's clients.
func newClients(conn *cloud.Conn) (*clients, error) {
	c := &clients{conn: conn}
	if err := cloud.Clients(conn, cloud.Client(&c.locations, location.New), cloud.Client(&c.groups, resourcegroup.New),
		cloud.Client(&c.vnets, armclient.Group[armnetwork.VirtualNetwork](armnetwork.NewVirtualNetworksClient, stack.NewVirtualNetworksClient)),
		cloud.Client(&c.subnets, armclient.Children[armnetwork.Subnet](armnetwork.NewSubnetsClient, stack.NewSubnetsClient))); err != nil {
		return nil, err
	}
	return c, nil
}

// subscription is the subscription of the cloud of c.
func subscription(c *clients) string { return c.conn.Subscription }

// GetResourceGroup reads a resource group.
func (s *Server) GetResourceGroup(ctx context.Context, req *networkv1.GetResourceGroupRequest) (*networkv1.ResourceGroup, error) {
	n, c, err := s.clouds.Parse(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	rg, err := c.groups.Get(ctx, n.ResourceGroup)
	if err != nil {
		return nil, apierr.FromARM(err, req.GetName())
	}
	return groupToAPI(n.Cloud, rg), nil
}

// ListResourceGroups lists a cloud's resource groups.
func (s *Server) ListResourceGroups(ctx context.Context, req *networkv1.ListResourceGroupsRequest) (*networkv1.ListResourceGroupsResponse, error) {
	id, err := names.ParseCloud(req.GetParent())
	if err != nil {
		return nil, apierr.Invalid("parent", "%v", err)
	}
	c, err := s.clouds.Get(id, "parent")
	if err != nil {
		return nil, err
	}
	groups, err := c.groups.List(ctx)
	if err != nil {
		return nil, apierr.FromARM(err, req.GetParent())
	}
	page, next, err := paging.Render(groups, func(g *resourcegroup.Model) *networkv1.ResourceGroup {
		return groupToAPI(id, g)
	}, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &networkv1.ListResourceGroupsResponse{ResourceGroups: page, NextPageToken: next}, nil
}

// CreateResourceGroup ensures a resource group: created when absent, its tags updated when
// they differ, left alone when it matches.
func (s *Server) CreateResourceGroup(ctx context.Context, req *networkv1.CreateResourceGroupRequest) (*networkv1.ResourceGroup, error) {
	if err := limits.Err(req); err != nil {
		return nil, err
	}
	var v apierr.Violations
	id, err := names.ParseCloud(req.GetParent())
	if err != nil {
		v.Add("parent", "%v", err)
	}
	v.Check("resource_group_id", names.CheckResourceGroup(req.GetResourceGroupId()))
	if req.GetResourceGroup() == nil {
		v.Add("resource_group", "required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.clouds.Get(id, "parent")
	if err != nil {
		return nil, err
	}
	want := req.GetResourceGroup()
	location := want.GetLocation()
	if location == "" {
		location = c.conn.Location
	}
	n := names.Name{Cloud: id, ResourceGroup: req.GetResourceGroupId()}
	name := n.String()
	cur, err := c.groups.Get(ctx, req.GetResourceGroupId())
	switch {
	case err == nil && !azsdk.SameLocation(azsdk.Deref(cur.Location), location):
		return nil, kind.Fixed(n, "location", azsdk.Deref(cur.Location), location)
	case err == nil && azsdk.SameTags(cur.Tags, want.GetTags()):
		return groupToAPI(id, cur), nil
	case err != nil && !apierr.IsNotFound(err):
		return nil, apierr.FromARM(err, name)
	}
	created := err != nil // not found: the PUT creates it
	rg, err := c.groups.CreateOrUpdate(ctx, req.GetResourceGroupId(), resourcegroup.Model{Location: to.Ptr(location), Tags: azsdk.TagsToARM(want.GetTags())})
	if err != nil {
		return nil, apierr.FromARM(err, name)
	}
	out := groupToAPI(id, rg)
	out.Created = created
	return out, nil
}

// DeleteResourceGroup starts deleting a resource group and all it holds.
func (s *Server) DeleteResourceGroup(ctx context.Context, req *networkv1.DeleteResourceGroupRequest) (*longrunningpb.Operation, error) {
	n, c, err := s.clouds.Parse(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	op, err := c.groups.Delete(ctx, n.ResourceGroup, "")
	return lro.Begin(s.clouds.Operations, n.Cloud, n.String(), "delete", n.ARMID(c.conn.Subscription, ""), op, err)
}

// metadata builds the service's OperationMetadata.
func metadata(h handle.Handle, armID, state string) proto.Message {
	return &networkv1.OperationMetadata{Target: h.Resource, Verb: h.Verb, ArmId: armID,
		CreateTime: timestamppb.New(h.Created), ProvisioningState: azsdk.ProvisioningState[networkv1.ProvisioningState](state)}
}
