package servicetest

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	stacknetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	stackresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Network creates resource group "rg" and virtual network "vnet" in it, with address space
// space and subnets by name and prefix, directly in ARM with the cloud's SDK: what the
// network service would make, for the tests of the services that need a network but are not
// the network service.
func (s *Stack) Network(t testing.TB, id, space string, subnets map[string]string) {
	t.Helper()
	conn, err := s.Env.Clouds.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	vnet := armnetwork.VirtualNetwork{Location: to.Ptr(conn.Location), Properties: &armnetwork.VirtualNetworkPropertiesFormat{
		AddressSpace: &armnetwork.AddressSpace{AddressPrefixes: to.SliceOfPtrs(space)},
		Subnets:      []*armnetwork.Subnet{},
	}}
	for _, name := range slices.Sorted(maps.Keys(subnets)) {
		vnet.Properties.Subnets = append(vnet.Properties.Subnets,
			&armnetwork.Subnet{Name: to.Ptr(name), Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr(subnets[name])}})
	}
	if conn.Kind == cloud.Azure {
		err = azureNetwork(conn, vnet)
	} else {
		err = stackNetwork(conn, vnet)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// poll is how often Network polls its virtual network's creation, unless ARM says otherwise
// (Retry-After).
var poll = &runtime.PollUntilDoneOptions{Frequency: time.Second}

// azureNetwork makes Network's resource group and virtual network on Azure.
func azureNetwork(conn *cloud.Conn, vnet armnetwork.VirtualNetwork) error {
	ctx := context.Background()
	groups, err := armresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
	if err != nil {
		return err
	}
	if _, err := groups.CreateOrUpdate(ctx, "rg", armresources.ResourceGroup{Location: vnet.Location}, nil); err != nil {
		return err
	}
	vnets, err := armnetwork.NewVirtualNetworksClient(conn.Subscription, conn.Credential, conn.Options)
	if err != nil {
		return err
	}
	p, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", vnet, nil)
	if err == nil {
		_, err = p.PollUntilDone(ctx, poll)
	}
	return err
}

// stackNetwork makes Network's resource group and virtual network on Azure Stack Hub.
func stackNetwork(conn *cloud.Conn, vnet armnetwork.VirtualNetwork) error {
	ctx := context.Background()
	in, err := azsdk.Convert[stacknetwork.VirtualNetwork](vnet)
	if err != nil {
		return err
	}
	groups, err := stackresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
	if err != nil {
		return err
	}
	if _, err := groups.CreateOrUpdate(ctx, "rg", stackresources.ResourceGroup{Location: vnet.Location}, nil); err != nil {
		return err
	}
	vnets, err := stacknetwork.NewVirtualNetworksClient(conn.Subscription, conn.Credential, conn.Options)
	if err != nil {
		return err
	}
	p, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", in, nil)
	if err == nil {
		_, err = p.PollUntilDone(ctx, poll)
	}
	return err
}
