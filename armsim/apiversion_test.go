package armsim_test

import (
	"net/http"
	"strings"
	"testing"

	ashresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestAPIVersionProfiles proves that each cloud serves its own api-version profile: the
// current SDK modules are refused by Azure Stack Hub with ARM's NoRegisteredProviderFound,
// which lists the versions the stamp supports, while the 2020-09-01-hybrid profile works.
func TestAPIVersionProfiles(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	st := newStack(t, sim, "azure-stack-hub")
	ashGroup(t, st, "rg-api")

	current := newAzure(t, sim, "azure-stack-hub")
	for _, tc := range []struct {
		name     string
		do       func() error
		versions []string // some of the versions the message must list
	}{
		{"NetworkGet", func() error {
			_, err := current.net.NewVirtualNetworksClient().Get(ctx, "rg-api", "vnet", nil)
			return err
		}, []string{"2018-11-01", "2017-10-01"}},
		{"NetworkPut", func() error {
			_, err := current.net.NewVirtualNetworksClient().BeginCreateOrUpdate(ctx, "rg-api", "vnet", azVnetBody("10.0.0.0/16", nil), nil)
			return err
		}, []string{"2018-11-01"}},
		{"NetworkList", func() error {
			_, err := current.net.NewVirtualNetworksClient().NewListPager("rg-api", nil).NextPage(ctx)
			return err
		}, []string{"2018-11-01"}},
		{"ResourceGroups", func() error {
			_, err := current.groups.Get(ctx, "rg-api", nil)
			return err
		}, []string{"2019-10-01"}},
		{"Compute", func() error {
			_, err := current.vms.Get(ctx, "rg-api", "vm", nil)
			return err
		}, []string{"2020-06-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, sim)
			err := tc.do()
			wantCode(t, err, "NoRegisteredProviderFound", http.StatusBadRequest)
			msg := armBody(t, err).Message
			for _, v := range tc.versions {
				if !strings.Contains(msg, v) {
					t.Errorf("the message should list supported version %s: %s", v, msg)
				}
			}
			i := strings.Index(msg, "supported api-versions")
			if i < 0 || strings.Contains(msg[i:], "2025-") || !strings.Contains(msg[i:], "locations are 'local'") {
				t.Errorf("message: %s", msg)
			}
			if after := snapshot(t, sim); len(after) != len(before) {
				t.Fatal("a refused api-version stored something")
			}
		})
	}

	// the hybrid profile's modules work against the stamp
	vnet := ashVnet(t, st, "rg-api", "vnet", "10.0.0.0/16", map[string]string{"workload": "10.0.1.0/24"})
	if *vnet.Properties.ProvisioningState != "Succeeded" {
		t.Fatalf("profile client on the stamp: %+v", vnet.Properties)
	}
	got, err := st.net.NewVirtualNetworksClient().Get(ctx, "rg-api", "vnet", nil)
	must(t, err)
	if len(got.Properties.Subnets) != 1 {
		t.Fatalf("subnets: %+v", got.Properties.Subnets)
	}
	// and Azure, which still serves the profile's older versions, accepts them too
	az := newStack(t, sim, "azure")
	_, err = az.groups.CreateOrUpdate(ctx, "rg-api", ashresources.ResourceGroup{Location: to("eastus")}, nil)
	must(t, err)
	_, err = az.net.NewVirtualNetworksClient().Get(ctx, "rg-api", "vnet", nil)
	wantCode(t, err, "ResourceNotFound", http.StatusNotFound)
	// the current modules work against Azure
	cur := newAzure(t, sim, "azure")
	_, err = cur.groups.Get(ctx, "rg-api", nil)
	must(t, err)
	_, err = cur.net.NewVirtualNetworksClient().Get(ctx, "rg-api", "vnet", nil)
	wantCode(t, err, "ResourceNotFound", http.StatusNotFound)
}

// TestAPIVersionParameter proves ARM's answers to a missing or malformed api-version.
func TestAPIVersionParameter(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-api")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	for _, tc := range []struct {
		name, cloud, method, path, body, code string
	}{
		{"ResourceGet", "azure", http.MethodGet, netPath("rg-api", "virtualNetworks", "v"), "", "MissingApiVersionParameter"},
		{"ResourcePut", "azure", http.MethodPut, netPath("rg-api", "virtualNetworks", "v"),
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`, "MissingApiVersionParameter"},
		{"ResourceDelete", "azure", http.MethodDelete, netPath("rg-api", "virtualNetworks", "v"), "", "MissingApiVersionParameter"},
		{"Group", "azure", http.MethodGet, groupPath("rg-api"), "", "MissingApiVersionParameter"},
		{"Groups", "azure", http.MethodGet, "/subscriptions/" + sub + "/resourcegroups", "", "MissingApiVersionParameter"},
		{"Subscription", "azure", http.MethodGet, "/subscriptions/" + sub, "", "MissingApiVersionParameter"},
		{"Stack", "azure-stack-hub", http.MethodGet, netPath("rg-api", "virtualNetworks", "v"), "", "MissingApiVersionParameter"},
		{"Empty", "azure", http.MethodGet, netPath("rg-api", "virtualNetworks", "v") + "?api-version=", "", "MissingApiVersionParameter"},
		{"Malformed", "azure", http.MethodGet, netPath("rg-api", "virtualNetworks", "v") + "?api-version=2018-11", "", "InvalidApiVersionParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b []byte
			if tc.body != "" {
				b = []byte(tc.body)
			}
			raw(t, sim, tc.cloud, tc.method, tc.path, b).wantError(t, http.StatusBadRequest, tc.code)
		})
	}
	if n := len(snapshot(t, sim)); n != 1 {
		t.Fatalf("only the resource group should be stored, armsim holds %d resources", n)
	}
}
