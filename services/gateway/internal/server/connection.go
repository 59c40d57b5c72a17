package server

import (
	"context"
	"crypto/subtle"
	"slices"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/gateway/internal/connection"
)

// CreateConnection ensures a site-to-site connection. ARM's GET of a connection leaves the
// shared key out, so an existing connection's key is read apart and compared: a changed key
// updates the connection.
func (s *Server) CreateConnection(ctx context.Context, req *gatewayv1.CreateConnectionRequest) (*longrunningpb.Operation, error) {
	return connType.Create(ctx, s.clouds, req, req.GetConnectionId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*connection.Model], error) {
		spec, err := validateConnection(c.conn.Kind, n.Parent(), req)
		if err != nil {
			return nil, err
		}
		want := req.GetConnection()
		gw, err := referenced(ctx, c.vngs, "virtual network gateway", spec.gateway)
		if err != nil {
			return nil, err
		}
		if err := checkConnectionGateway(c.conn.Kind, spec, want, gw); err != nil {
			return nil, err
		}
		location := want.GetLocation()
		if location == "" {
			location = azsdk.Deref(gw.Location)
		}
		gwID := spec.gateway.ARMID(c.conn.Subscription, network)
		lngID := spec.local.ARMID(c.conn.Subscription, network)
		key := want.GetSharedKey()
		matches := func(cur *connection.Model) (bool, error) {
			p := cur.Properties
			if p == nil || p.VirtualNetworkGateway1 == nil || p.LocalNetworkGateway2 == nil ||
				!azsdk.SameLocation(azsdk.Deref(cur.Location), location) || !azsdk.SameTags(cur.Tags, want.GetTags()) ||
				!strings.EqualFold(azsdk.Deref(p.VirtualNetworkGateway1.ID), gwID) || !strings.EqualFold(azsdk.Deref(p.LocalNetworkGateway2.ID), lngID) ||
				!strings.EqualFold(string(azsdk.Deref(p.ConnectionProtocol)), spec.protocol) || azsdk.Deref(p.EnableBgp) != want.GetEnableBgp() ||
				azsdk.Deref(p.RoutingWeight) != spec.routingWeight || !samePolicy(p.IPSecPolicies, spec.policy) {
				return false, nil
			}
			have, err := c.conns.SharedKey(ctx, n.ResourceGroup, n.ID())
			if err != nil {
				return false, err
			}
			return sameKey(have, key), nil
		}
		model := connection.Model{
			Location: to.Ptr(location),
			Tags:     azsdk.TagsToARM(want.GetTags()),
			Properties: &armnetwork.VirtualNetworkGatewayConnectionPropertiesFormat{
				ConnectionType:         to.Ptr(armnetwork.VirtualNetworkGatewayConnectionTypeIPsec),
				VirtualNetworkGateway1: &armnetwork.VirtualNetworkGateway{ID: to.Ptr(gwID)},
				LocalNetworkGateway2:   &armnetwork.LocalNetworkGateway{ID: to.Ptr(lngID)},
				ConnectionProtocol:     to.Ptr(armnetwork.VirtualNetworkGatewayConnectionProtocol(spec.protocol)),
				SharedKey:              to.Ptr(key),
				EnableBgp:              to.Ptr(want.GetEnableBgp()),
				RoutingWeight:          to.Ptr(spec.routingWeight),
				IPSecPolicies:          []*armnetwork.IPSecPolicy{},
			},
		}
		if spec.policy != nil {
			model.Properties.IPSecPolicies = append(model.Properties.IPSecPolicies, policyToARM(spec.policy))
		}
		return &kind.Want[*connection.Model]{Matches: matches, Model: &model}, nil
	})
}

// DeleteConnection starts deleting a connection.
func (s *Server) DeleteConnection(ctx context.Context, req *gatewayv1.DeleteConnectionRequest) (*longrunningpb.Operation, error) {
	return connType.Delete(ctx, s.clouds, req.GetName())
}

// sameKey compares shared keys in constant time.
func sameKey(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// samePolicy reports whether ARM's policies are exactly the wanted one, or none.
func samePolicy(have []*armnetwork.IPSecPolicy, want *gatewayv1.IpsecPolicy) bool {
	if want == nil {
		return len(have) == 0
	}
	return len(have) == 1 && proto.Equal(policyToAPI(have[0]), want)
}

// checkConnectionGateway checks the request against the gateway it names: custom IPsec/IKE
// policies need a SKU that takes them, and BGP on the connection needs it on the gateway.
func checkConnectionGateway(k cloud.Kind, spec connectionSpec, want *gatewayv1.Connection, gw *armnetwork.VirtualNetworkGateway) error {
	var v apierr.Violations
	sku, bgp := "", false
	if p := gw.Properties; p != nil {
		if p.SKU != nil {
			sku = string(azsdk.Deref(p.SKU.Name))
		}
		bgp = azsdk.Deref(p.EnableBgp)
	}
	if spec.policy != nil {
		if allowed, limited := azrules.PolicySKUs[k]; (limited && !slices.Contains(allowed, sku)) || strings.EqualFold(sku, "Basic") {
			v.Add("connection.ipsec_policy", "gateway %s has SKU %s, which takes no custom IPsec/IKE policy on %s; remove the policy or use another SKU", spec.gateway, sku, k.Display())
		}
	}
	if want.GetEnableBgp() && !bgp {
		v.Add("connection.enable_bgp", "gateway %s does not run BGP; enable it on the gateway first", spec.gateway)
	}
	return v.Err()
}

// SetConnectionSharedKey sets a connection's shared key through ARM's sharedkey resource; the
// operation is done at once when the key already is the one asked for.
func (s *Server) SetConnectionSharedKey(ctx context.Context, req *gatewayv1.SetConnectionSharedKeyRequest) (*longrunningpb.Operation, error) {
	if err := limits.Err(req); err != nil {
		return nil, err
	}
	n, c, err := s.clouds.Parse(req.GetName(), "name", "connections")
	if err != nil {
		return nil, err
	}
	var v apierr.Violations
	checkSharedKey(&v, "shared_key", req.GetSharedKey())
	if err := v.Err(); err != nil {
		return nil, err
	}
	armID := n.ARMID(c.conn.Subscription, network)
	cur, err := c.conns.Get(ctx, n.ResourceGroup, n.ID())
	if err != nil {
		return nil, apierr.FromARM(err, n.String())
	}
	have, err := c.conns.SharedKey(ctx, n.ResourceGroup, n.ID())
	if err != nil {
		return nil, apierr.FromARM(err, n.String())
	}
	if sameKey(have, req.GetSharedKey()) {
		return s.clouds.Operations.Done(n.Cloud, n.String(), armID, connectionToAPI(n.Cloud, cur))
	}
	op, err := c.conns.SetSharedKey(ctx, n.ResourceGroup, n.ID(), req.GetSharedKey(), "")
	return lro.Begin(s.clouds.Operations, n.Cloud, n.String(), verbSetSharedKey, armID, op, err)
}

// GetConnection reads a connection with its live status and byte counters.
func (s *Server) GetConnection(ctx context.Context, req *gatewayv1.GetConnectionRequest) (*gatewayv1.Connection, error) {
	return connType.Get(ctx, s.clouds, req.GetName())
}

// ListConnections lists a resource group's connections.
func (s *Server) ListConnections(ctx context.Context, req *gatewayv1.ListConnectionsRequest) (*gatewayv1.ListConnectionsResponse, error) {
	page, next, err := connType.List(ctx, s.clouds, req)
	return &gatewayv1.ListConnectionsResponse{Connections: page, NextPageToken: next}, err
}
