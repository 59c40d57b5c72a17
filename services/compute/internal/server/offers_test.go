package server_test

import (
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestListMachineSizes lists each cloud's sizes through the service, page by page, with
// armsim behind the real SDK of each profile: Azure offers Standard_E64_v5, the stamp not.
func TestListMachineSizes(t *testing.T) {
	st, c := compute.Start(t, armsim.Config{})
	tests := []struct {
		parent     string
		has, lacks []string
	}{
		{"clouds/azure/locations/westeurope", []string{"Standard_B2s", "Standard_E64_v5", "Standard_D2s_v5"}, []string{"Basic_A1"}},
		{"clouds/azure-stack-hub/locations/local", []string{"Standard_A2_v2", "Standard_DS2_v2", "Standard_F8s_v2"}, []string{"Standard_E64_v5", "Standard_B2s"}},
	}
	for _, tc := range tests {
		t.Run(tc.parent, func(t *testing.T) {
			if err := st.Sim.Admin.ResetCounters(ctx); err != nil {
				t.Fatal(err)
			}
			sizes, calls := servicetest.AllPages(t, func(token string) ([]*computev1.MachineSize, string, error) {
				resp, err := c.API.ListMachineSizes(ctx, &computev1.ListMachineSizesRequest{Parent: tc.parent, PageSize: 20, PageToken: token})
				return resp.GetMachineSizes(), resp.GetNextPageToken(), err
			})
			byName := map[string]*computev1.MachineSize{}
			var names []string
			for _, s := range sizes {
				if path.Dir(s.GetName()) != tc.parent+"/machineSizes" || s.GetCores() == 0 || s.GetMemoryMb() == 0 || s.GetOsDiskSizeMb() == 0 {
					t.Fatalf("size %v", s)
				}
				byName[path.Base(s.GetName())] = s
				names = append(names, path.Base(s.GetName()))
			}
			if !slices.IsSorted(names) || calls < 2 {
				t.Fatalf("%d calls listed %v", calls, names)
			}
			for _, h := range tc.has {
				if byName[h] == nil {
					t.Errorf("%s does not list %s", tc.parent, h)
				}
			}
			for _, l := range tc.lacks {
				if byName[l] != nil {
					t.Errorf("%s lists %s", tc.parent, l)
				}
			}
			if e := byName["Standard_E64_v5"]; e != nil && (e.GetCores() != 64 || e.GetMemoryMb() != 524288 || e.GetMaxDataDisks() != 32) {
				t.Errorf("Standard_E64_v5: %v", e)
			}
			if n, _ := st.Sim.Admin.Count(ctx, "", http.MethodGet, "Microsoft.Compute/locations/vmSizes"); n != int64(calls) {
				t.Errorf("%d calls read ARM %d times, want once each", calls, n)
			}
		})
	}
}

// TestListImageVersions lists an image SKU's versions on each cloud; what a location lacks
// is NotFound naming the image.
func TestListImageVersions(t *testing.T) {
	_, c := compute.Start(t, armsim.Config{})
	const jammy = "/publishers/Canonical/offers/0001-com-ubuntu-server-jammy/skus/"
	tests := []struct {
		parent string
		code   codes.Code
		says   string
	}{
		{"clouds/azure/locations/eastus" + jammy + "22_04-lts-gen2", codes.OK, ""},
		{"clouds/azure/locations/eastus/publishers/Canonical/offers/ubuntu-24_04-lts/skus/server", codes.OK, ""},
		{"clouds/azure-stack-hub/locations/local" + jammy + "22_04-lts", codes.OK, ""},
		{"clouds/azure-stack-hub/locations/local" + jammy + "22_04-lts-gen2", codes.NotFound,
			"image Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2 is not offered in location local of cloud azure-stack-hub"},
		{"clouds/azure/locations/eastus/publishers/Nobody/offers/o/skus/s", codes.NotFound, "image Nobody:o:s is not offered"},
		{"clouds/azure/locations/mars" + jammy + "22_04-lts", codes.InvalidArgument, `offers nothing in location "mars"`},
	}
	for _, tc := range tests {
		t.Run(tc.parent, func(t *testing.T) {
			resp, err := c.API.ListImageVersions(ctx, &computev1.ListImageVersionsRequest{Parent: tc.parent})
			servicetest.CheckStatus(t, err, tc.code, tc.says)
			if tc.code != codes.OK {
				return
			}
			vs := resp.GetImageVersions()
			if len(vs) == 0 || !strings.HasPrefix(vs[0].GetName(), tc.parent+"/versions/") {
				t.Fatalf("versions: %v", vs)
			}
		})
	}
}

// TestOffersInvalid: a bad read is refused naming its field, before any ARM call.
func TestOffersInvalid(t *testing.T) {
	st, c := compute.Start(t, armsim.Config{})
	if err := st.Sim.Admin.ResetCounters(ctx); err != nil { // the stamp's metadata was read at start
		t.Fatal(err)
	}
	sizes := func(r *computev1.ListMachineSizesRequest) func() error {
		return func() error { _, err := c.API.ListMachineSizes(ctx, r); return err }
	}
	versions := func(r *computev1.ListImageVersionsRequest) func() error {
		return func() error { _, err := c.API.ListImageVersions(ctx, r); return err }
	}
	const sku = "clouds/azure/locations/eastus/publishers/Canonical/offers/UbuntuServer/skus/18.04-LTS"
	tests := []struct {
		name, field string
		call        func() error
	}{
		{"sizes of a cloud", "parent", sizes(&computev1.ListMachineSizesRequest{Parent: "clouds/azure"})},
		{"display name as location", "parent", sizes(&computev1.ListMachineSizesRequest{Parent: "clouds/azure/locations/West Europe"})},
		{"sizes on an unknown cloud", "parent", sizes(&computev1.ListMachineSizesRequest{Parent: "clouds/gcp/locations/eastus"})},
		{"negative page size", "page_size", sizes(&computev1.ListMachineSizesRequest{Parent: "clouds/azure/locations/eastus", PageSize: -5})},
		{"nextLink as token", "page_token", sizes(&computev1.ListMachineSizesRequest{Parent: "clouds/azure/locations/eastus", PageToken: "https://management.azure.com/x"})},
		{"versions without sku", "parent", versions(&computev1.ListImageVersionsRequest{Parent: strings.TrimSuffix(sku, "/skus/18.04-LTS")})},
		{"publisher with a space", "parent", versions(&computev1.ListImageVersionsRequest{Parent: strings.Replace(sku, "Canonical", "Can onical", 1)})},
		{"sku too long", "parent", versions(&computev1.ListImageVersionsRequest{Parent: sku + strings.Repeat("x", 64)})},
		{"offer with a path", "parent", versions(&computev1.ListImageVersionsRequest{Parent: strings.Replace(sku, "UbuntuServer", "..", 1)})},
		{"versions on an unknown cloud", "parent", versions(&computev1.ListImageVersionsRequest{Parent: strings.Replace(sku, "azure", "gcp", 1)})},
		{"versions page token", "page_token", versions(&computev1.ListImageVersionsRequest{Parent: sku, PageToken: "%%"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			servicetest.CheckInvalid(t, tc.call(), tc.field)
		})
	}
	if n, _ := st.Sim.Admin.Count(ctx, "", "", ""); n != 0 {
		t.Fatalf("invalid requests reached ARM %d times", n)
	}
}

// TestOffersREST reads the offer lists on the REST port, as the README's curl lines do.
func TestOffersREST(t *testing.T) {
	st, _ := compute.Start(t, armsim.Config{})
	sizes, _ := st.GetJSON(t, "/v1/clouds/azure-stack-hub/locations/local/machineSizes?pageSize=1000")["machineSizes"].([]any)
	if len(sizes) < 50 {
		t.Fatalf("the stamp's sizes on REST: %v", sizes)
	}
	versions, _ := st.GetJSON(t, "/v1/clouds/azure/locations/eastus/publishers/Canonical/offers/ubuntu-24_04-lts/skus/server/versions")["imageVersions"].([]any)
	if len(versions) == 0 || !strings.Contains(versions[0].(map[string]any)["name"].(string), "/skus/server/versions/24.04.") {
		t.Fatalf("image versions on REST: %v", versions)
	}
}
