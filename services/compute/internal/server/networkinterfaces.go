package server

import (
	"context"
	"fmt"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/grpc/status"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
)

// CreateNetworkInterface ensures a network interface with one IP configuration.
func (s *Server) CreateNetworkInterface(ctx context.Context, req *computev1.CreateNetworkInterfaceRequest) (*longrunningpb.Operation, error) {
	return nicType.Create(ctx, s.clouds, req, req.GetNetworkInterfaceId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*armnetwork.Interface], error) {
		want, spec, err := validateNetworkInterface(req, n.Parent(), c.conn.Subscription)
		if err != nil {
			return nil, err
		}
		matches := func(cur *armnetwork.Interface) (bool, error) { return nicMatches(cur, want, spec), nil }
		return &kind.Want[*armnetwork.Interface]{Matches: matches, Location: want.GetLocation(), Put: func(ctx context.Context, cur **armnetwork.Interface) (lro.Op[*armnetwork.Interface], error) {
			loc, err := location(ctx, c, n, cur, want.GetLocation())
			if err != nil {
				return nil, err
			}
			config := "ipconfig1"
			if cur != nil {
				if pc := primaryConfig(*cur); pc != nil && pc.Name != nil {
					config = *pc.Name
				}
			}
			return c.nics.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), nicModel(loc, config, want.GetTags(), spec), "")
		}}, nil
	})
}

// DeleteNetworkInterface starts deleting a network interface; one a virtual machine uses is
// refused with FailedPrecondition naming the virtual machine.
func (s *Server) DeleteNetworkInterface(ctx context.Context, req *computev1.DeleteNetworkInterfaceRequest) (*longrunningpb.Operation, error) {
	n, c, err := s.clouds.Parse(req.GetName(), "name", "networkInterfaces")
	if err != nil {
		return nil, err
	}
	op, err := c.nics.Delete(ctx, n.ResourceGroup, n.ID(), "")
	if apierr.ARMCode(err) == "NicInUse" {
		return nil, nicInUse(ctx, c, n, err)
	}
	return lro.Begin(s.clouds.Operations, n.Cloud, n.String(), "delete", n.ARMID(c.conn.Subscription, providerNetwork), op, err)
}

// nicModel is the ARM network interface a request describes.
func nicModel(location, config string, tags map[string]string, spec nicSpec) armnetwork.Interface {
	ip := &armnetwork.InterfaceIPConfigurationPropertiesFormat{
		Subnet:                    &armnetwork.Subnet{ID: to.Ptr(spec.subnetID)},
		PrivateIPAllocationMethod: to.Ptr(armnetwork.IPAllocationMethodDynamic),
		Primary:                   to.Ptr(true),
	}
	if spec.privateIP != "" {
		ip.PrivateIPAllocationMethod = to.Ptr(armnetwork.IPAllocationMethodStatic)
		ip.PrivateIPAddress = to.Ptr(spec.privateIP)
	}
	if spec.publicIPID != "" {
		ip.PublicIPAddress = &armnetwork.PublicIPAddress{ID: to.Ptr(spec.publicIPID)}
	}
	return armnetwork.Interface{
		Location: to.Ptr(location),
		Tags:     azsdk.TagsToARM(tags),
		Properties: &armnetwork.InterfacePropertiesFormat{
			IPConfigurations: []*armnetwork.InterfaceIPConfiguration{{Name: to.Ptr(config), Properties: ip}},
		},
	}
}

// nicMatches reports whether ARM's network interface already is what the request wants.
func nicMatches(cur *armnetwork.Interface, want *computev1.NetworkInterface, spec nicSpec) bool {
	if !azsdk.SameTags(cur.Tags, want.GetTags()) || cur.Properties == nil || len(cur.Properties.IPConfigurations) != 1 {
		return false
	}
	p := cur.Properties.IPConfigurations[0].Properties
	if p == nil || p.Subnet == nil || !strings.EqualFold(azsdk.Deref(p.Subnet.ID), spec.subnetID) {
		return false
	}
	pip := ""
	if p.PublicIPAddress != nil {
		pip = azsdk.Deref(p.PublicIPAddress.ID)
	}
	if !strings.EqualFold(pip, spec.publicIPID) {
		return false
	}
	static := p.PrivateIPAllocationMethod != nil && *p.PrivateIPAllocationMethod == armnetwork.IPAllocationMethodStatic
	if spec.privateIP == "" {
		return !static
	}
	return static && azsdk.Deref(p.PrivateIPAddress) == spec.privateIP
}

// nicInUse turns ARM's NicInUse into FailedPrecondition naming the virtual machine by this
// service's resource name, keeping ARM's details.
func nicInUse(ctx context.Context, c *clients, n names.Name, err error) error {
	st := status.Convert(apierr.FromARM(err, n.String()))
	user := "a virtual machine"
	if nic, gerr := c.nics.Get(ctx, n.ResourceGroup, n.ID()); gerr == nil && nic.Properties != nil && nic.Properties.VirtualMachine != nil {
		user = "virtual machine " + apiName(n.Cloud, azsdk.Deref(nic.Properties.VirtualMachine.ID))
	}
	p := st.Proto()
	p.Message = fmt.Sprintf("network interface %s is used by %s; delete the virtual machine first", n, user)
	return status.ErrorProto(p)
}

// GetNetworkInterface reads a network interface.
func (s *Server) GetNetworkInterface(ctx context.Context, req *computev1.GetNetworkInterfaceRequest) (*computev1.NetworkInterface, error) {
	return nicType.Get(ctx, s.clouds, req.GetName())
}

// ListNetworkInterfaces lists a resource group's network interfaces.
func (s *Server) ListNetworkInterfaces(ctx context.Context, req *computev1.ListNetworkInterfacesRequest) (*computev1.ListNetworkInterfacesResponse, error) {
	page, next, err := nicType.List(ctx, s.clouds, req)
	return &computev1.ListNetworkInterfacesResponse{NetworkInterfaces: page, NextPageToken: next}, err
}
