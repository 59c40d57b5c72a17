// Package compare tells whether a resource in the cloud is as a deployment's step would
// ensure it: what a plan calls NO_CHANGE, and a drift check in sync.
package compare

import (
	"context"
	"path"
	"slices"
	"strings"

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
		got, err := c.Network.GetResourceGroup(ctx, &networkv1.GetResourceGroupRequest{Name: r.Resource})
		want := req.GetResourceGroup()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()), err
	case *networkv1.CreateVirtualNetworkRequest:
		got, err := c.Network.GetVirtualNetwork(ctx, &networkv1.GetVirtualNetworkRequest{Name: r.Resource})
		want := req.GetVirtualNetwork()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()) &&
			samePrefixes(want.GetAddressPrefixes(), got.GetAddressPrefixes()) &&
			sameSubnets(want.GetSubnets(), got.GetSubnets()), err
	case *gatewayv1.CreatePublicIPAddressRequest:
		got, err := c.Gateway.GetPublicIPAddress(ctx, &gatewayv1.GetPublicIPAddressRequest{Name: r.Resource})
		want := req.GetPublicIpAddress()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()), err
	case *gatewayv1.CreateVirtualNetworkGatewayRequest:
		got, err := c.Gateway.GetVirtualNetworkGateway(ctx, &gatewayv1.GetVirtualNetworkGatewayRequest{Name: r.Resource})
		want := req.GetVirtualNetworkGateway()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()) &&
			strings.EqualFold(want.GetSku(), got.GetSku()) && strings.EqualFold(want.GetSubnet(), got.GetSubnet()) &&
			strings.EqualFold(want.GetPublicIpAddress(), got.GetPublicIpAddress()) && want.GetEnableBgp() == got.GetEnableBgp(), err
	case *gatewayv1.CreateLocalNetworkGatewayRequest:
		got, err := c.Gateway.GetLocalNetworkGateway(ctx, &gatewayv1.GetLocalNetworkGatewayRequest{Name: r.Resource})
		want := req.GetLocalNetworkGateway()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()) &&
			samePrefixes(want.GetAddressPrefixes(), got.GetAddressPrefixes()) &&
			(want.GetGatewayIpAddress() == "" || want.GetGatewayIpAddress() == got.GetGatewayIpAddress()), err
	case *gatewayv1.CreateConnectionRequest:
		got, err := c.Gateway.GetConnection(ctx, &gatewayv1.GetConnectionRequest{Name: r.Resource})
		want := req.GetConnection()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()) &&
			strings.EqualFold(want.GetVirtualNetworkGateway(), got.GetVirtualNetworkGateway()) &&
			strings.EqualFold(want.GetLocalNetworkGateway(), got.GetLocalNetworkGateway()) &&
			samePolicy(want.GetIpsecPolicy(), got.GetIpsecPolicy()), err
	case *computev1.CreateNetworkInterfaceRequest:
		got, err := c.Compute.GetNetworkInterface(ctx, &computev1.GetNetworkInterfaceRequest{Name: r.Resource})
		want := req.GetNetworkInterface()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()) &&
			strings.EqualFold(want.GetSubnet(), got.GetSubnet()), err
	case *computev1.CreateVirtualMachineRequest:
		got, err := c.Compute.GetVirtualMachine(ctx, &computev1.GetVirtualMachineRequest{Name: r.Resource})
		want := req.GetVirtualMachine()
		return err == nil && common(want.GetLocation(), got.GetLocation(), want.GetTags(), got.GetTags()) &&
			strings.EqualFold(want.GetSize(), got.GetSize()) &&
			slices.EqualFunc(want.GetNetworkInterfaces(), got.GetNetworkInterfaces(), strings.EqualFold), err
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

// common compares what every resource has: the location when wanted, and the wanted tags.
func common(wantLocation, gotLocation string, wantTags, gotTags map[string]string) bool {
	if wantLocation != "" && !azsdk.SameLocation(wantLocation, gotLocation) {
		return false
	}
	for k, v := range wantTags {
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
