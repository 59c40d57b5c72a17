// Package compare tells whether a resource in the cloud is as a deployment's step would
// ensure it: what a plan calls NO_CHANGE, and a drift check in sync.
package compare

import (
	"context"
	"path"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// Readers are the resource services resources are read from.
type Readers struct {
	Network networkv1.NetworkServiceClient
	Gateway gatewayv1.GatewayServiceClient
	Compute computev1.ComputeServiceClient
}

// Matches reads r's resource from its service and reports whether it is as r's Create
// request wants it. The comparison is deliberately simple: it looks only at the fields
// the request sets and an apply could change, and lets the resource service decide the
// rest (defaults, output-only fields):
//   - every resource: its location, when the request sets one (case-insensitively), and
//     the tags the request sets (extra tags on the resource are left alone);
//   - virtual network: its address prefixes, and its subnets by name and prefix, no more
//     and no fewer (a create replaces the set);
//   - public IP address: nothing more (SKU and allocation are the service's choice);
//   - VPN gateway: SKU, GatewaySubnet, public IP address and BGP;
//   - local network gateway: address prefixes, and the gateway IP address only when the
//     request knows it (a plan does not: it depends on the peer gateway);
//   - connection: its gateway, local network gateway and IPsec policy (the shared key
//     cannot be read);
//   - network interface: its subnet;
//   - virtual machine: size and network interfaces.
//
// Resource references are compared case-insensitively, as ARM does. The error is the Get's.
func (c Readers) Matches(ctx context.Context, r workflow.PlannedResource) (bool, error) {
	switch req := r.Request.(type) {
	case *networkv1.CreateResourceGroupRequest:
		return matches(ctx, c.Network.GetResourceGroup, &networkv1.GetResourceGroupRequest{Name: r.Resource}, req.GetResourceGroup(), nil)
	case *networkv1.CreateVirtualNetworkRequest:
		return matches(ctx, c.Network.GetVirtualNetwork, &networkv1.GetVirtualNetworkRequest{Name: r.Resource}, req.GetVirtualNetwork(), func(want, got *networkv1.VirtualNetwork) bool {
			return samePrefixes(want.GetAddressPrefixes(), got.GetAddressPrefixes()) && sameSubnets(want.GetSubnets(), got.GetSubnets())
		})
	case *gatewayv1.CreatePublicIPAddressRequest:
		return matches(ctx, c.Gateway.GetPublicIPAddress, &gatewayv1.GetPublicIPAddressRequest{Name: r.Resource}, req.GetPublicIpAddress(), nil)
	case *gatewayv1.CreateVirtualNetworkGatewayRequest:
		return matches(ctx, c.Gateway.GetVirtualNetworkGateway, &gatewayv1.GetVirtualNetworkGatewayRequest{Name: r.Resource}, req.GetVirtualNetworkGateway(), func(want, got *gatewayv1.VirtualNetworkGateway) bool {
			return strings.EqualFold(want.GetSku(), got.GetSku()) && strings.EqualFold(want.GetSubnet(), got.GetSubnet()) &&
				strings.EqualFold(want.GetPublicIpAddress(), got.GetPublicIpAddress()) && want.GetEnableBgp() == got.GetEnableBgp()
		})
	case *gatewayv1.CreateLocalNetworkGatewayRequest:
		return matches(ctx, c.Gateway.GetLocalNetworkGateway, &gatewayv1.GetLocalNetworkGatewayRequest{Name: r.Resource}, req.GetLocalNetworkGateway(), func(want, got *gatewayv1.LocalNetworkGateway) bool {
			return samePrefixes(want.GetAddressPrefixes(), got.GetAddressPrefixes()) &&
				(want.GetGatewayIpAddress() == "" || want.GetGatewayIpAddress() == got.GetGatewayIpAddress())
		})
	case *gatewayv1.CreateConnectionRequest:
		return matches(ctx, c.Gateway.GetConnection, &gatewayv1.GetConnectionRequest{Name: r.Resource}, req.GetConnection(), func(want, got *gatewayv1.Connection) bool {
			return strings.EqualFold(want.GetVirtualNetworkGateway(), got.GetVirtualNetworkGateway()) &&
				strings.EqualFold(want.GetLocalNetworkGateway(), got.GetLocalNetworkGateway()) && samePolicy(want.GetIpsecPolicy(), got.GetIpsecPolicy())
		})
	case *computev1.CreateNetworkInterfaceRequest:
		return matches(ctx, c.Compute.GetNetworkInterface, &computev1.GetNetworkInterfaceRequest{Name: r.Resource}, req.GetNetworkInterface(), func(want, got *computev1.NetworkInterface) bool {
			return strings.EqualFold(want.GetSubnet(), got.GetSubnet())
		})
	case *computev1.CreateVirtualMachineRequest:
		return matches(ctx, c.Compute.GetVirtualMachine, &computev1.GetVirtualMachineRequest{Name: r.Resource}, req.GetVirtualMachine(), func(want, got *computev1.VirtualMachine) bool {
			return strings.EqualFold(want.GetSize(), got.GetSize()) && slices.EqualFunc(want.GetNetworkInterfaces(), got.GetNetworkInterfaces(), strings.EqualFold)
		})
	}
	return false, status.Errorf(codes.Internal, "planning %s: no reader for %T", r.Resource, r.Request)
}

// samePolicy compares two IPsec/IKE policies, none on both sides included; names
// case-insensitively, as ARM takes them.
func samePolicy(want, got *gatewayv1.IpsecPolicy) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	for _, p := range [][2]string{
		{want.GetIkeEncryption(), got.GetIkeEncryption()}, {want.GetIkeIntegrity(), got.GetIkeIntegrity()},
		{want.GetDhGroup(), got.GetDhGroup()}, {want.GetIpsecEncryption(), got.GetIpsecEncryption()},
		{want.GetIpsecIntegrity(), got.GetIpsecIntegrity()}, {want.GetPfsGroup(), got.GetPfsGroup()},
	} {
		if !strings.EqualFold(p[0], p[1]) {
			return false
		}
	}
	return want.GetSaLifetimeSeconds() == got.GetSaLifetimeSeconds() && want.GetSaDataSizeKilobytes() == got.GetSaDataSizeKilobytes()
}

// placed is what every resource message has: a location and tags.
type placed interface {
	GetLocation() string
	GetTags() map[string]string
}

// matches reads the resource with get and reports whether it has what want asks: what every
// resource has (common) and, unless more is nil, what more compares.
func matches[Q any, M placed](ctx context.Context, get func(context.Context, Q, ...grpc.CallOption) (M, error), q Q, want M, more func(want, got M) bool) (bool, error) {
	got, err := get(ctx, q)
	return err == nil && common(want, got) && (more == nil || more(want, got)), err
}

// common compares what every resource has: the location when wanted, and the wanted tags.
func common(want, got placed) bool {
	if want.GetLocation() != "" && !azsdk.SameLocation(want.GetLocation(), got.GetLocation()) {
		return false
	}
	gotTags := got.GetTags()
	for k, v := range want.GetTags() {
		if got, ok := gotTags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// samePrefixes compares two lists of address prefixes as sets.
func samePrefixes(want, got []string) bool {
	return slices.Equal(sorted(want), sorted(got))
}

// sorted returns a sorted copy of list.
func sorted(list []string) []string {
	c := slices.Clone(list)
	slices.Sort(c)
	return c
}

// sameSubnets compares subnets by name (the last segment of a resource name) and prefix,
// as sets.
func sameSubnets(want, got []*networkv1.Subnet) bool {
	key := func(subnets []*networkv1.Subnet) []string {
		out := make([]string, len(subnets))
		for i, sn := range subnets {
			out[i] = strings.ToLower(path.Base(sn.GetName())) + "=" + sn.GetAddressPrefix()
		}
		return out
	}
	return samePrefixes(key(want), key(got))
}
