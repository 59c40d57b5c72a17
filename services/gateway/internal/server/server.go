// Package server implements hybridlink.gateway.v1.GatewayService: public IP addresses, VPN
// gateways, local network gateways and site-to-site connections on every configured cloud,
// with ensure semantics and long-running operations whose names are sealed handles.
package server

import (
	"context"

	stack "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/armclient"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/gateway/internal/connection"
)

// The ARM provider namespace of every resource this service manages.
const network = "Microsoft.Network"

// clients are one cloud's resource clients, on Azure (armnetwork) and on Azure Stack Hub (the
// 2020-09-01-hybrid profile's armnetwork, api-version 2018-11-01), by resource group and name.
type clients struct {
	conn *cloud.Conn
	pips *armclient.Client[armnetwork.PublicIPAddress, string]
	// vngs are the virtual network gateways (VPN gateways).
	vngs *armclient.Client[armnetwork.VirtualNetworkGateway, string]
	// locals are the local network gateways, the remote sites of site-to-site connections.
	locals *armclient.Client[armnetwork.LocalNetworkGateway, string]
	conns  connection.Client
}

// The service's resource types.
var (
	// pipType is the public IP address type.
	pipType = kind.TypeOf(network, func(c *clients) kind.Kind[string, *armnetwork.PublicIPAddress, *gatewayv1.PublicIPAddress] {
		return kind.Of(c.pips, kind.Group, kind.Plain(c.conn.ID, pipToAPI))
	}, "publicIPAddresses")
	// lngType is the local network gateway type.
	lngType = kind.TypeOf(network, func(c *clients) kind.Kind[string, *armnetwork.LocalNetworkGateway, *gatewayv1.LocalNetworkGateway] {
		return kind.Of(c.locals, kind.Group, kind.Plain(c.conn.ID, localToAPI))
	}, "localNetworkGateways")
	// vngType is the VPN gateway type; its kind renders a gateway with its public IP
	// address's address.
	vngType = kind.TypeOf(network, func(c *clients) kind.Kind[string, *armnetwork.VirtualNetworkGateway, *gatewayv1.VirtualNetworkGateway] {
		return kind.Of(c.vngs, kind.Group, c.renderGateway)
	}, "virtualNetworkGateways")
	// connType is the connection type.
	connType = kind.TypeOf(network, func(c *clients) kind.Kind[string, *connection.Model, *gatewayv1.Connection] {
		return kind.Of(c.conns, kind.Group, kind.Plain(c.conn.ID, connectionToAPI))
	}, "connections")
)

// Server implements GatewayService.
type Server struct {
	gatewayv1.UnimplementedGatewayServiceServer
	clouds kind.Clouds[*clients]
}

// Service builds the GatewayService on every configured cloud, as serve runs it: the service
// and its long-running operations on gRPC, the REST gateway, the OpenAPI document.
func Service(env serve.Env) (serve.Service, error) {
	return kind.Serve(env, kind.Service[*clients]{Clients: newClients, Subscription: subscription, Metadata: metadata, Kinds: resumable, Limits: limits},
		func(clouds kind.Clouds[*clients]) gatewayv1.GatewayServiceServer { return &Server{clouds: clouds} },
		gatewayv1.RegisterGatewayServiceServer, gatewayv1.RegisterGatewayServiceHandler, openapi.Gateway)
}

// newClients builds one cloud's clients.
func newClients(conn *cloud.Conn) (*clients, error) {
	c := &clients{conn: conn}
	if err := cloud.Clients(conn, cloud.Client(&c.pips, armclient.Group[armnetwork.PublicIPAddress](armnetwork.NewPublicIPAddressesClient, stack.NewPublicIPAddressesClient)),
		cloud.Client(&c.vngs, armclient.Group[armnetwork.VirtualNetworkGateway](armnetwork.NewVirtualNetworkGatewaysClient, stack.NewVirtualNetworkGatewaysClient)),
		cloud.Client(&c.locals, armclient.Group[armnetwork.LocalNetworkGateway](armnetwork.NewLocalNetworkGatewaysClient, stack.NewLocalNetworkGatewaysClient)),
		cloud.Client(&c.conns, connection.New)); err != nil {
		return nil, err
	}
	return c, nil
}

// subscription is the subscription of the cloud of c.
func subscription(c *clients) string { return c.conn.Subscription }

// metadata builds the service's OperationMetadata.
func metadata(h handle.Handle, armID, state string) proto.Message {
	return &gatewayv1.OperationMetadata{Target: h.Resource, Verb: h.Verb, ArmId: armID,
		CreateTime: timestamppb.New(h.Created), ProvisioningState: azsdk.ProvisioningState[gatewayv1.ProvisioningState](state)}
}

// referenced reads with cl the resource n, a what the request refers to: FailedPrecondition
// when it does not exist, as it must be created first.
func referenced[M any](ctx context.Context, cl *armclient.Client[M, string], what string, n names.Name) (*M, error) {
	m, err := cl.Get(ctx, n.ResourceGroup, n.ID())
	switch {
	case apierr.IsNotFound(err):
		return nil, status.Errorf(codes.FailedPrecondition, "%s %s does not exist; create it first", what, n)
	case err != nil:
		return nil, apierr.FromARM(err, n.String())
	}
	return m, nil
}
