package server_test

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"google.golang.org/grpc/codes"

	"github.com/hybridlink/hybridlink/armsim"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestDeleteInUse: deleting a subnet a NIC sits in fails with FailedPrecondition naming the
// NIC, with ARM's code in ErrorInfo; the subnet lists the NIC's IP configuration.
func TestDeleteInUse(t *testing.T) {
	st, c := network.Start(t, armsim.Config{})
	group(t, c, "azure")
	op, err := c.API.CreateVirtualNetwork(ctx, vnetRequest("azure"))
	vnet := servicetest.Result(t, servicetest.Wait(t, c.Ops, op, err), &networkv1.VirtualNetwork{})
	workload := vnet.GetSubnets()[1]

	// a NIC made with the SDK directly, as another tool would
	conn, err := st.Env.Clouds.Get("azure")
	if err != nil {
		t.Fatal(err)
	}
	nics, err := armnetwork.NewInterfacesClient(conn.Subscription, conn.Credential, conn.Options)
	if err != nil {
		t.Fatal(err)
	}
	p, err := nics.BeginCreateOrUpdate(ctx, "rg", "nic1", armnetwork.Interface{Location: to.Ptr("eastus"),
		Properties: &armnetwork.InterfacePropertiesFormat{IPConfigurations: []*armnetwork.InterfaceIPConfiguration{{
			Name: to.Ptr("ipconfig1"), Properties: &armnetwork.InterfaceIPConfigurationPropertiesFormat{Subnet: &armnetwork.Subnet{ID: to.Ptr(workload.GetArmId())}},
		}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PollUntilDone(ctx, nil); err != nil {
		t.Fatal(err)
	}

	sn, err := c.API.GetSubnet(ctx, &networkv1.GetSubnetRequest{Name: workload.GetName()})
	if err != nil || len(sn.GetIpConfigurations()) != 1 {
		t.Fatalf("the subnet lists the NIC's IP configuration: %v %v", sn, err)
	}
	_, err = c.API.DeleteSubnet(ctx, &networkv1.DeleteSubnetRequest{Name: workload.GetName()})
	servicetest.CheckStatus(t, err, codes.FailedPrecondition, "nic1")
	if reason := servicetest.Reason(err); reason != "InUseSubnetCannotBeDeleted" {
		t.Fatalf("ErrorInfo keeps ARM's code, got %q", reason)
	}
}
