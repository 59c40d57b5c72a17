package armsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// pageOf records one page a pager returned: its item names and whether it had a nextLink.
type pageOf struct {
	names []string
	next  *string
}

// pagesOf drains a pager, recording each page's item names and nextLink as ARM sent them.
func pagesOf[T any](t testing.TB, p *runtime.Pager[T]) []pageOf {
	t.Helper()
	var pages []pageOf
	for p.More() {
		page, err := p.NextPage(ctx)
		must(t, err)
		b, err := json.Marshal(page)
		must(t, err)
		var list struct {
			Value []struct {
				Name string `json:"name"`
			} `json:"value"`
			NextLink *string `json:"nextLink"`
		}
		must(t, json.Unmarshal(b, &list))
		pg := pageOf{next: list.NextLink}
		for _, v := range list.Value {
			pg.names = append(pg.names, v.Name)
		}
		pages = append(pages, pg)
	}
	return pages
}

// namesOf returns the names of all the items a pager lists, page after page.
func namesOf[T any](t testing.TB, p *runtime.Pager[T]) []string {
	t.Helper()
	var names []string
	for _, pg := range pagesOf(t, p) {
		names = append(names, pg.names...)
	}
	return names
}

// pagedNames flattens pages and checks the paging contract: pageSize items on every page but
// the last, and a nextLink that keeps the api-version and points back at the same endpoint.
func pagedNames(t *testing.T, endpoint string, pageSize int, pages []pageOf) []string {
	t.Helper()
	var all []string
	for i, p := range pages {
		last := i == len(pages)-1
		if !last && len(p.names) != pageSize {
			t.Fatalf("page %d of %d has %d items, want %d", i+1, len(pages), len(p.names), pageSize)
		}
		if last != (p.next == nil || *p.next == "") {
			t.Fatalf("page %d of %d: nextLink %v", i+1, len(pages), p.next)
		}
		if p.next != nil {
			u, err := url.Parse(*p.next)
			must(t, err)
			if !strings.HasPrefix(*p.next, endpoint+"/subscriptions/") || u.Query().Get("api-version") == "" {
				t.Fatalf("nextLink %s should be absolute on %s and keep the api-version", *p.next, endpoint)
			}
		}
		all = append(all, p.names...)
	}
	sort.Strings(all)
	return all
}

func wantSameNames(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s: want %v, got %v", what, want, got)
	}
}

// TestPagingBothClouds lists more items than fit on a page with the SDKs' pagers.
func TestPagingBothClouds(t *testing.T) {
	const pageSize = 2
	sim := startSim(t, armsim.Config{PageSize: pageSize})
	az, st := newAzure(t, sim, "azure"), newStack(t, sim, "azure-stack-hub")
	names := []string{"pip-0", "pip-1", "pip-2", "pip-3", "pip-4"}
	groups := []string{"rg-a", "rg-b", "rg-c", "rg-d", "rg-e"}
	for _, rg := range groups {
		azGroup(t, az, rg)
		ashGroup(t, st, rg)
	}

	for _, tc := range []struct {
		cloud string
		// lists creates the public IPs, then lists rg-a's public IPs, the
		// subscription's and the resource groups.
		lists func(t *testing.T) (rgA, all, rgs []pageOf)
	}{
		{"azure", func(t *testing.T) (rgA, all, rgs []pageOf) {
			pips := az.net.NewPublicIPAddressesClient()
			for _, n := range names {
				_, err := done(pips.BeginCreateOrUpdate(ctx, "rg-a", n, armnetwork.PublicIPAddress{
					Location: to("eastus"), SKU: &armnetwork.PublicIPAddressSKU{Name: to(armnetwork.PublicIPAddressSKUNameStandard)},
				}, nil))
				must(t, err)
			}
			// one more in another group: the group's list leaves it out, the subscription's has it
			_, err := done(pips.BeginCreateOrUpdate(ctx, "rg-b", "pip-elsewhere", armnetwork.PublicIPAddress{Location: to("eastus")}, nil))
			must(t, err)
			return pagesOf(t, pips.NewListPager("rg-a", nil)), pagesOf(t, pips.NewListAllPager(nil)), pagesOf(t, az.groups.NewListPager(nil))
		}},
		{"azure-stack-hub", func(t *testing.T) (rgA, all, rgs []pageOf) {
			pips := st.net.NewPublicIPAddressesClient()
			for _, n := range names {
				_, err := done(pips.BeginCreateOrUpdate(ctx, "rg-a", n, ashnetwork.PublicIPAddress{
					Location: to("local"), Properties: &ashnetwork.PublicIPAddressPropertiesFormat{
						PublicIPAllocationMethod: to(ashnetwork.IPAllocationMethodStatic)},
				}, nil))
				must(t, err)
			}
			_, err := done(pips.BeginCreateOrUpdate(ctx, "rg-b", "pip-elsewhere", ashnetwork.PublicIPAddress{Location: to("local")}, nil))
			must(t, err)
			return pagesOf(t, pips.NewListPager("rg-a", nil)), pagesOf(t, pips.NewListAllPager(nil)), pagesOf(t, st.groups.NewListPager(nil))
		}},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			rgA, all, rgs := tc.lists(t)
			if len(rgA) != 3 {
				t.Fatalf("5 public IPs at 2 a page are 3 pages, got %d", len(rgA))
			}
			endpoint := sim.Endpoints[tc.cloud]
			wantSameNames(t, "public IPs of rg-a", pagedNames(t, endpoint, pageSize, rgA), names...)
			wantSameNames(t, "public IPs of the subscription", pagedNames(t, endpoint, pageSize, all), append(names, "pip-elsewhere")...)
			wantSameNames(t, "resource groups", pagedNames(t, endpoint, pageSize, rgs), groups...)
		})
	}

	// the clouds do not see each other's resources
	t.Run("isolation", func(t *testing.T) {
		if n := len(namesOf(t, az.net.NewPublicIPAddressesClient().NewListAllPager(nil))); n != len(names)+1 {
			t.Fatalf("azure lists %d public IPs, want %d", n, len(names)+1)
		}
	})
}

// TestPagingSkipToken: a tampered skip token is refused as ARM does, not served as a page.
func TestPagingSkipToken(t *testing.T) {
	sim := startSim(t, armsim.Config{PageSize: 2})
	az := newAzure(t, sim, "azure")
	for i := range 3 {
		azGroup(t, az, fmt.Sprintf("rg-%d", i))
	}
	hc := sim.HTTPClient()
	for _, tok := range []string{"x", "-1", "99"} {
		req, err := http.NewRequest(http.MethodGet, sim.Endpoints["azure"]+"/subscriptions/"+sub+"/resourcegroups?api-version=2022-09-01&%24skiptoken="+tok, nil)
		must(t, err)
		req.Header.Set("Authorization", "Bearer armsim-test")
		resp, err := hc.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Fatalf("skip token %q: want 400, got %d", tok, resp.StatusCode)
		}
	}
}
