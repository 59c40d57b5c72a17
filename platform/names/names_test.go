package names

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name        string
		collections []string
		wantErr     string
	}{
		{"clouds/azure/resourceGroups/rg-1", nil, ""},
		{"clouds/azure-stack-hub/resourceGroups/rg/virtualNetworks/vnet.1/subnets/GatewaySubnet", []string{"virtualNetworks", "subnets"}, ""},
		{"clouds/azure/resourceGroups/rg", []string{"virtualNetworks"}, "not of the form"},
		{"clouds/Azure/resourceGroups/rg", nil, "cloud"},
		{"clouds/azure/resourcegroups/rg", nil, "not of the form"},
		{"clouds/azure/resourceGroups/rg./", nil, "not of the form"},
		{"clouds/azure/resourceGroups/rg.", nil, "resource group"},
		{"clouds/azure/resourceGroups/rg/virtualNetworks/-bad", []string{"virtualNetworks"}, "must be 1-80"},
		{"clouds/azure/resourceGroups/rg/publicIPAddresses/p", []string{"virtualNetworks"}, "not of the form"},
		{"clouds/azure/resourceGroups/rg/virtualNetworks/" + strings.Repeat("a", 81), []string{"virtualNetworks"}, "must be 1-80"},
		{"clouds/azure/resourceGroups/rg/virtualNetworks/" + strings.Repeat("a", 600), []string{"virtualNetworks"}, "a name of 600 bytes must be 1-80"},
		{strings.Repeat("clouds/", 100), nil, "a name of 700 bytes is not of the form"},
		{"", nil, "not of the form"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.name, tc.collections...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if n.String() != tc.name {
					t.Fatalf("round trip: %s", n)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestARMIDRoundTrip(t *testing.T) {
	n, err := Parse("clouds/azure/resourceGroups/rg/virtualNetworks/v/subnets/s", "virtualNetworks", "subnets")
	if err != nil {
		t.Fatal(err)
	}
	id := n.ARMID("sub", "Microsoft.Network")
	if id != "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s" {
		t.Fatal(id)
	}
	back, err := FromARMID("azure", strings.ToLower(id), map[string]string{"virtualnetworks": "virtualNetworks", "subnets": "subnets"})
	if err != nil {
		t.Fatal(err)
	}
	if back.String() != "clouds/azure/resourceGroups/rg/virtualNetworks/v/subnets/s" {
		t.Fatal(back)
	}
	for _, bad := range []string{"", "/subscriptions/s", "/subscriptions/s/resourceGroups/rg/providers/X", "/foo/s/resourceGroups/rg"} {
		if _, err := FromARMID("azure", bad, nil); err == nil {
			t.Fatalf("%q must be refused", bad)
		}
	}
}
