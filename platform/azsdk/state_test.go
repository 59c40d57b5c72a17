package azsdk

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
)

// TestState: a model's provisioning state is read from its properties, whatever their type,
// and is empty when the model has none.
func TestState(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"subnet", State(&armnetwork.Subnet{Properties: &armnetwork.SubnetPropertiesFormat{ProvisioningState: to.Ptr(armnetwork.ProvisioningStateUpdating)}}), "Updating"},
		{"gateway", State(&armnetwork.VirtualNetworkGateway{Properties: &armnetwork.VirtualNetworkGatewayPropertiesFormat{ProvisioningState: to.Ptr(armnetwork.ProvisioningStateSucceeded)}}), "Succeeded"},
		{"no state", State(&armnetwork.Subnet{Properties: &armnetwork.SubnetPropertiesFormat{}}), ""},
		{"no properties", State(&armnetwork.Subnet{}), ""},
		{"nil", State[armnetwork.Subnet](nil), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// TestLocation: a model's location is ARM's, and empty when the model has none.
func TestLocation(t *testing.T) {
	if got := Location(&armnetwork.PublicIPAddress{Location: to.Ptr("westus")}); got != "westus" {
		t.Errorf("Location of a public IP address in westus = %q", got)
	}
	if got := Location(&armnetwork.Subnet{}); got != "" {
		t.Errorf("Location of a subnet = %q, want none", got)
	}
}
