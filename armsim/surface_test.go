package armsim_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	ashsubscriptions "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestSubscriptionsAndTenants lists each cloud's subscriptions and tenant with the SDK of
// its profile: the configured subscription from the start, then every one holding a group.
func TestSubscriptionsAndTenants(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	subs := tenantClient(t, sim, "azure", armsubscriptions.NewClient)
	tenants := tenantClient(t, sim, "azure", armsubscriptions.NewTenantsClient)
	list := func() (ids []string, tenant string) {
		for p := subs.NewListPager(nil); p.More(); {
			page, err := p.NextPage(ctx)
			must(t, err)
			for _, s := range page.Value {
				ids = append(ids, *s.SubscriptionID)
				if *s.State != armsubscriptions.SubscriptionStateEnabled || s.TenantID == nil || *s.ID != "/subscriptions/"+*s.SubscriptionID {
					t.Errorf("subscription %+v", s)
				}
				tenant = *s.TenantID
			}
		}
		return ids, tenant
	}
	if ids, _ := list(); !slices.Equal(ids, []string{armsim.DefaultSubscription}) {
		t.Fatalf("before anything is created: %v", ids)
	}
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-sub")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	ids, tenant := list()
	if !slices.Equal(ids, []string{armsim.DefaultSubscription, sub}) {
		t.Fatalf("after a group in %s: %v", sub, ids)
	}
	page, err := tenants.NewListPager(nil).NextPage(ctx)
	must(t, err)
	if len(page.Value) != 1 || *page.Value[0].TenantID != tenant || *page.Value[0].ID != "/tenants/"+tenant {
		t.Fatalf("tenants: %+v, subscriptions' tenant %s", page.Value, tenant)
	}
	got, err := subs.Get(ctx, sub, nil)
	must(t, err)
	if *got.TenantID != tenant {
		t.Errorf("Subscriptions_Get's tenant %s, the list's %s", *got.TenantID, tenant)
	}

	stack := tenantClient(t, sim, "azure-stack-hub", ashsubscriptions.NewClient)
	sp, err := stack.NewListPager(nil).NextPage(ctx)
	must(t, err)
	if len(sp.Value) != 1 || *sp.Value[0].SubscriptionID != armsim.DefaultSubscription {
		t.Fatalf("the stamp's subscriptions: %+v", sp.Value)
	}
	raw(t, sim, "azure-stack-hub", http.MethodGet, "/tenants?api-version=2022-12-01", nil).
		wantError(t, http.StatusBadRequest, "InvalidApiVersionParameter")
}

// TestProviders: each cloud lists its providers with the resource types, locations and
// api-versions of its profile.
func TestProviders(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, tc := range []struct {
		cloud, version, location, network, notNetwork string
	}{
		{"azure", resourcesAPI, "East US", netAPI, ""},
		{"azure-stack-hub", "2019-10-01", "local", "2018-11-01", netAPI},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			r := raw(t, sim, tc.cloud, http.MethodGet, "/subscriptions/"+sub+"/providers?api-version="+tc.version, nil)
			var body struct {
				Value []struct {
					Namespace, RegistrationState string
					ResourceTypes                []struct {
						ResourceType string
						Locations    []string
						APIVersions  []string
					}
				}
			}
			if r.status != http.StatusOK || json.Unmarshal(r.body, &body) != nil {
				t.Fatalf("providers: %d %s", r.status, r.body)
			}
			types := map[string][]string{}
			for _, p := range body.Value {
				for _, rt := range p.ResourceTypes {
					types[p.Namespace+"/"+rt.ResourceType] = rt.APIVersions
					if !slices.Contains(rt.Locations, tc.location) {
						t.Errorf("%s/%s locations %v", p.Namespace, rt.ResourceType, rt.Locations)
					}
				}
			}
			gw := types["Microsoft.Network/virtualNetworkGateways"]
			if !slices.Contains(gw, tc.network) || (tc.notNetwork != "" && slices.Contains(gw, tc.notNetwork)) {
				t.Errorf("virtualNetworkGateways api-versions %v", gw)
			}
			for _, want := range []string{"Microsoft.Compute/virtualMachines", "Microsoft.Compute/skus", "Microsoft.Network/virtualNetworks/subnets", "Microsoft.Network/connections"} {
				if types[want] == nil {
					t.Errorf("%s not listed: %v", want, types)
				}
			}
		})
	}
	prov := sdkClient(t, sim, "azure", armresources.NewProvidersClient)
	p, err := prov.Get(ctx, "Microsoft.Network", nil)
	must(t, err)
	if *p.RegistrationState != "Registered" || len(p.ResourceTypes) < 7 {
		t.Fatalf("Microsoft.Network: %+v", p)
	}
}

// TestResourceLists: the generic lists of a subscription and a group hold the top-level
// resources (no subnets), filtered by $filter.
func TestResourceLists(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, rg := range []string{"rg-a", "rg-b"} {
		raw(t, sim, "azure", http.MethodPut, groupPath(rg)+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
		putSucceeded(t, sim, "azure", netPath(rg, "virtualNetworks", "vnet")+"?api-version="+netAPI,
			`{"location":"eastus","tags":{"site":"`+rg+`"},"properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},"subnets":[{"name":"s","properties":{"addressPrefix":"10.0.1.0/24"}}]}}`)
	}
	putSucceeded(t, sim, "azure", netPath("rg-a", "publicIPAddresses", "pip")+"?api-version="+netAPI, `{"location":"eastus","sku":{"name":"Standard"}}`)
	res := sdkClient(t, sim, "azure", armresources.NewClient)
	names := func(filter string, group string) []string {
		var out []string
		var opts *armresources.ClientListOptions
		if filter != "" {
			opts = &armresources.ClientListOptions{Filter: to(filter)}
		}
		if group == "" {
			for p := res.NewListPager(opts); p.More(); {
				page, err := p.NextPage(ctx)
				must(t, err)
				for _, r := range page.Value {
					out = append(out, *r.ID)
				}
			}
			return out
		}
		var gopts *armresources.ClientListByResourceGroupOptions
		if filter != "" {
			gopts = &armresources.ClientListByResourceGroupOptions{Filter: to(filter)}
		}
		for p := res.NewListByResourceGroupPager(group, gopts); p.More(); {
			page, err := p.NextPage(ctx)
			must(t, err)
			for _, r := range page.Value {
				out = append(out, *r.ID)
			}
		}
		return out
	}
	pip, vnetA, vnetB := netPath("rg-a", "publicIPAddresses", "pip"), netPath("rg-a", "virtualNetworks", "vnet"), netPath("rg-b", "virtualNetworks", "vnet")
	for _, tc := range []struct {
		name, filter, group string
		want                []string
	}{
		{"subscription", "", "", []string{pip, vnetA, vnetB}},
		{"by type", "resourceType eq 'Microsoft.Network/virtualNetworks'", "", []string{vnetA, vnetB}},
		{"by type, any case", "resourceType eq 'microsoft.network/publicipaddresses'", "", []string{pip}},
		{"by tag", "tagName eq 'site' and tagValue eq 'rg-b'", "", []string{vnetB}},
		{"group", "", "rg-a", []string{pip, vnetA}},
		{"group by type", "resourceType eq 'Microsoft.Network/virtualNetworks'", "rg-a", []string{vnetA}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(tc.filter, tc.group); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	raw(t, sim, "azure", http.MethodGet, "/subscriptions/"+sub+"/resources?api-version="+resourcesAPI+"&$filter=substringof('v',name)", nil).
		wantError(t, http.StatusBadRequest, "InvalidFilterInQueryString")
	raw(t, sim, "azure", http.MethodGet, groupPath("rg-none")+"/resources?api-version="+resourcesAPI, nil).
		wantError(t, http.StatusNotFound, "ResourceGroupNotFound")
}

// TestResourceSKUs: Compute's resource SKU list is the cloud's VM sizes, per location.
func TestResourceSKUs(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, tc := range []struct {
		cloud, version, location, size string
		n                              int
	}{
		{"azure", "2021-07-01", "eastus", "Standard_D2s_v5", 53},
		{"azure-stack-hub", "2019-04-01", "local", "Standard_DS2_v2", 86},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			r := raw(t, sim, tc.cloud, http.MethodGet, "/subscriptions/"+sub+"/providers/Microsoft.Compute/skus?api-version="+tc.version+
				"&$filter=location%20eq%20'"+tc.location+"'", nil)
			var body struct {
				Value []struct {
					Name, ResourceType string
					Locations          []string
					Capabilities       []struct{ Name, Value string }
				}
			}
			if r.status != http.StatusOK || json.Unmarshal(r.body, &body) != nil {
				t.Fatalf("skus: %d %s", r.status, r.body)
			}
			if len(body.Value) != tc.n {
				t.Fatalf("%d skus, want %d", len(body.Value), tc.n)
			}
			i := slices.IndexFunc(body.Value, func(s struct {
				Name, ResourceType string
				Locations          []string
				Capabilities       []struct{ Name, Value string }
			}) bool {
				return s.Name == tc.size
			})
			if i < 0 || body.Value[i].Locations[0] != tc.location || body.Value[i].Capabilities[0].Name != "vCPUs" || body.Value[i].Capabilities[0].Value != "2" {
				t.Fatalf("%s: %+v", tc.size, body.Value)
			}
		})
	}
	raw(t, sim, "azure-stack-hub", http.MethodGet, "/subscriptions/"+sub+"/providers/Microsoft.Compute/skus?api-version=2021-07-01", nil).
		wantError(t, http.StatusBadRequest, "NoRegisteredProviderFound")
}
