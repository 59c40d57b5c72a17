package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestListLocations lists each cloud's locations through the service, with armsim behind
// the real SDK of each profile, page by page; one ARM read per call.
func TestListLocations(t *testing.T) {
	st, c := network.Start(t, armsim.Config{})
	tests := []struct {
		cloud   string
		want    []string // among the location ids listed
		display map[string]string
		regions string // regional display name of the first wanted
		atLeast int
	}{
		{"azure", []string{"eastus", "westeurope", "northeurope", "westus2"},
			map[string]string{"eastus": "East US", "westeurope": "West Europe"}, "(US) East US", 12},
		{"azure-stack-hub", []string{"local"}, map[string]string{"local": "local"}, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.cloud, func(t *testing.T) {
			if err := st.Sim.Admin.ResetCounters(ctx); err != nil {
				t.Fatal(err)
			}
			got, calls := servicetest.AllPages(t, func(token string) ([]*networkv1.Location, string, error) {
				resp, err := c.API.ListLocations(ctx, &networkv1.ListLocationsRequest{Parent: "clouds/" + tc.cloud, PageSize: 5, PageToken: token})
				return resp.GetLocations(), resp.GetNextPageToken(), err
			})
			var ids []string
			for _, l := range got {
				id, ok := strings.CutPrefix(l.GetName(), "clouds/"+tc.cloud+"/locations/")
				if !ok {
					t.Fatalf("location name %q", l.GetName())
				}
				ids = append(ids, id)
				if d, ok := tc.display[id]; ok && l.GetDisplayName() != d {
					t.Errorf("%s: display name %q, want %q", id, l.GetDisplayName(), d)
				}
				if id == tc.want[0] && l.GetRegionalDisplayName() != tc.regions {
					t.Errorf("%s: regional display name %q, want %q", id, l.GetRegionalDisplayName(), tc.regions)
				}
			}
			if len(ids) < tc.atLeast || !slices.IsSorted(ids) {
				t.Fatalf("locations: %v", ids)
			}
			for _, w := range tc.want {
				if !slices.Contains(ids, w) {
					t.Errorf("%s is not listed: %v", w, ids)
				}
			}
			if n, _ := st.Sim.Admin.Count(ctx, tc.cloud, http.MethodGet, "Microsoft.Resources/locations"); n != int64(calls) {
				t.Errorf("%d calls read ARM's locations %d times, want once each", calls, n)
			}
		})
	}
}

// TestListLocationsInvalid: a bad request is refused naming its field, before any ARM call.
func TestListLocationsInvalid(t *testing.T) {
	st, c := network.Start(t, armsim.Config{})
	tests := []struct {
		name, field string
		req         *networkv1.ListLocationsRequest
	}{
		{"malformed parent", "parent", &networkv1.ListLocationsRequest{Parent: "clouds/Azure"}},
		{"parent below a cloud", "parent", &networkv1.ListLocationsRequest{Parent: "clouds/azure/resourceGroups/rg"}},
		{"cloud not configured", "parent", &networkv1.ListLocationsRequest{Parent: "clouds/mars"}},
		{"negative page size", "page_size", &networkv1.ListLocationsRequest{Parent: "clouds/azure", PageSize: -1}},
		{"foreign page token", "page_token", &networkv1.ListLocationsRequest{Parent: "clouds/azure", PageToken: "https://evil/nextLink"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.API.ListLocations(ctx, tc.req)
			servicetest.CheckInvalid(t, err, tc.field)
		})
	}
	if n, _ := st.Sim.Admin.Count(ctx, "", "", "Microsoft.Resources/locations"); n != 0 {
		t.Fatalf("invalid requests read ARM %d times", n)
	}
}
