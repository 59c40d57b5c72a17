package servicetest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	stacknetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	stackresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/platform/armclient"
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
	if err := createNetwork(conn, vnet); err != nil {
		t.Fatal(err)
	}
}

// createNetwork makes Network's resource group and virtual network with the SDK of the
// cloud's kind, the virtual network through armclient as the services make theirs. It
// polls the network's creation every second unless ARM says otherwise (Retry-After).
func createNetwork(conn *cloud.Conn, vnet armnetwork.VirtualNetwork) error {
	ctx := context.Background()
	group, err := armclient.New(conn, armresources.NewResourceGroupsClient, stackresources.NewResourceGroupsClient,
		func(c *armresources.ResourceGroupsClient) func() error {
			return func() error {
				_, err := c.CreateOrUpdate(ctx, "rg", armresources.ResourceGroup{Location: vnet.Location}, nil)
				return err
			}
		},
		func(c *stackresources.ResourceGroupsClient) func() error {
			return func() error {
				_, err := c.CreateOrUpdate(ctx, "rg", stackresources.ResourceGroup{Location: vnet.Location}, nil)
				return err
			}
		})
	if err == nil {
		err = group()
	}
	if err != nil {
		return err
	}
	vnets, err := armclient.Group[armnetwork.VirtualNetwork](armnetwork.NewVirtualNetworksClient, stacknetwork.NewVirtualNetworksClient)(conn)
	if err != nil {
		return err
	}
	op, err := vnets.CreateOrUpdate(ctx, "rg", "vnet", vnet, "")
	if err != nil {
		return err
	}
	for !op.Done() {
		done, after, err := op.Poll(ctx)
		if err != nil {
			return err
		}
		if !done {
			time.Sleep(cmp.Or(after, time.Second))
		}
	}
	_, err = op.Result(ctx)
	return err
}
