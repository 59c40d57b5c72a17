package armsim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/armsim"
)

// Api-versions of the current SDK modules, for raw requests to the azure cloud.
const (
	netAPI       = "2025-05-01"
	resourcesAPI = "2025-04-01"
	computeAPI   = "2026-04-01"
)

// rawResponse is an answer to a raw HTTP request.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// armErr decodes the ARM error envelope of a raw answer.
func (r rawResponse) armErr(t testing.TB) armError {
	t.Helper()
	var env struct {
		Error *armError `json:"error"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil || env.Error == nil {
		t.Fatalf("want an ARM error body, got %d %q", r.status, r.body)
	}
	return *env.Error
}

// wantError fails unless the raw answer is the ARM error code with the status.
func (r rawResponse) wantError(t testing.TB, status int, code string) armError {
	t.Helper()
	e := r.armErr(t)
	if r.status != status || e.Code != code || e.Message == "" {
		t.Fatalf("want %d %s, got %d %s", status, code, r.status, r.body)
	}
	return e
}

// raw sends one HTTP request to a cloud of sim. Authorization is "Bearer x" unless the
// headers set it (to "" to send none).
func raw(t testing.TB, sim *armsim.Sim, cloudID, method, path string, body []byte, headers ...string) rawResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, sim.Endpoints[cloudID]+path, rd)
	must(t, err)
	req.Header.Set("Authorization", "Bearer x")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	c := sim.HTTPClient()
	c.Timeout = 20 * time.Second
	resp, err := c.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

func groupPath(rg string) string { return "/subscriptions/" + sub + "/resourceGroups/" + rg }

func netPath(rg, typ, name string) string {
	return groupPath(rg) + "/providers/Microsoft.Network/" + typ + "/" + name
}

func TestRequestNeedsToken(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, cloudID := range []string{"azure", "azure-stack-hub"} {
		r := raw(t, sim, cloudID, http.MethodGet, "/subscriptions/"+sub+"/resourcegroups?api-version=2019-10-01", nil, "Authorization", "")
		e := r.wantError(t, http.StatusUnauthorized, "AuthenticationFailed")
		if !strings.Contains(e.Message, "Authorization") {
			t.Errorf("message: %q", e.Message)
		}
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("a 401 carries a Bearer challenge, got %q", r.header.Get("WWW-Authenticate"))
		}
		if r.header.Get("x-ms-request-id") == "" {
			t.Error("a 401 carries x-ms-request-id")
		}
	}
	if rs := snapshot(t, sim); len(rs) != 0 {
		t.Fatalf("unauthenticated requests stored %+v", rs)
	}
}

func TestInvalidRequestContent(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	r := raw(t, sim, "azure", http.MethodPut, groupPath("rg-req")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	if r.status != http.StatusCreated {
		t.Fatalf("create group: %d %s", r.status, r.body)
	}
	vnet := netPath("rg-req", "virtualNetworks", "vnet") + "?api-version=" + netAPI
	group := groupPath("rg-bad") + "?api-version=" + resourcesAPI
	conn := netPath("rg-req", "connections", "conn") + "?api-version=" + netAPI
	vm := groupPath("rg-req") + "/providers/Microsoft.Compute/virtualMachines/vm?api-version=" + computeAPI
	for _, tc := range []struct {
		name, path, body string
	}{
		{"TruncatedJSON", vnet, `{"location":"eastus","properties":{`},
		{"NotJSON", vnet, `location=eastus`},
		{"TrailingGarbage", vnet, `{"location":"eastus"} {}`},
		{"ArrayBody", vnet, `[]`},
		{"EmptyBody", vnet, ``},
		{"PrefixesNotArray", vnet, `{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":"10.0.0.0/16"}}}`},
		{"PrefixNotString", vnet, `{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":[10]}}}`},
		{"LocationNumber", vnet, `{"location":42,"properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`},
		{"TagsNotStrings", vnet, `{"location":"eastus","tags":{"a":1},"properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`},
		{"GroupTruncated", group, `{"location":`},
		{"GroupLocationObject", group, `{"location":{"name":"eastus"}}`},
		{"GroupEmptyBody", group, ``},
		{"ConnectionWeightString", conn, `{"location":"eastus","properties":{"routingWeight":"ten"}}`},
		{"ConnectionWeightOverflow", conn, `{"location":"eastus","properties":{"routingWeight":99999999999}}`},
		{"VMPropertiesArray", vm, `{"location":"eastus","properties":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, sim)
			r := raw(t, sim, "azure", http.MethodPut, tc.path, []byte(tc.body))
			r.wantError(t, http.StatusBadRequest, "InvalidRequestContent")
			if after := snapshot(t, sim); !reflect.DeepEqual(before, after) {
				t.Fatalf("a rejected body changed armsim:\nbefore %+v\nafter  %+v", before, after)
			}
			if g := raw(t, sim, "azure", http.MethodGet, tc.path, nil); g.status != http.StatusNotFound {
				t.Fatalf("nothing is stored after a rejected body, GET answers %d %s", g.status, g.body)
			}
		})
	}
}

func TestUnknownTypesAndNamespaces(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-req")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	body := []byte(`{"location":"eastus"}`)
	for _, tc := range []struct {
		name, method, path, code string
	}{
		{"UnknownType", http.MethodPut, groupPath("rg-req") + "/providers/Microsoft.Network/virtualRouters2/x?api-version=" + netAPI, "InvalidResourceType"},
		{"UnknownTypeGet", http.MethodGet, groupPath("rg-req") + "/providers/Microsoft.Network/fooBars/x?api-version=" + netAPI, "InvalidResourceType"},
		{"UnknownSubType", http.MethodGet, netPath("rg-req", "virtualNetworks", "v") + "/gizmos/g?api-version=" + netAPI, "InvalidResourceType"},
		{"UnknownNamespace", http.MethodPut, groupPath("rg-req") + "/providers/Microsoft.Nope/things/x?api-version=2024-01-01", "InvalidResourceNamespace"},
		{"UnknownNamespaceSubscription", http.MethodGet, "/subscriptions/" + sub + "/providers/Microsoft.Nope/things?api-version=2024-01-01", "InvalidResourceNamespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b []byte
			if tc.method == http.MethodPut {
				b = body
			}
			raw(t, sim, "azure", tc.method, tc.path, b).wantError(t, http.StatusBadRequest, tc.code)
		})
	}
	if n := len(snapshot(t, sim)); n != 1 {
		t.Fatalf("only the resource group should be stored, armsim holds %d resources", n)
	}
}

func TestBodyTooLarge(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-req")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	big := append([]byte(`{"location":"eastus","tags":{"t":"`), bytes.Repeat([]byte("a"), 4<<20)...)
	big = append(big, `"}}`...)
	r := raw(t, sim, "azure", http.MethodPut, netPath("rg-req", "virtualNetworks", "big")+"?api-version="+netAPI, big)
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("want 413, got %d %s", r.status, r.body)
	}
	r.armErr(t)
	if n := len(snapshot(t, sim)); n != 1 {
		t.Fatalf("a refused body stored something: %d resources", n)
	}
}

func TestResponseHeaders(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	ids := map[string]bool{}
	for i, tc := range []struct {
		name, cloud, method, path, body string
		status                          int
		limit                           string // reads or writes, or "" for none
	}{
		{"CreateGroup", "azure", http.MethodPut, groupPath("rg-h") + "?api-version=" + resourcesAPI, `{"location":"eastus"}`, 201, "writes"},
		{"GetGroup", "azure", http.MethodGet, groupPath("rg-h") + "?api-version=" + resourcesAPI, "", 200, "reads"},
		{"ListGroups", "azure", http.MethodGet, "/subscriptions/" + sub + "/resourcegroups?api-version=" + resourcesAPI, "", 200, "reads"},
		{"CreateVnet", "azure", http.MethodPut, netPath("rg-h", "virtualNetworks", "v") + "?api-version=" + netAPI,
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`, 201, "writes"},
		{"GetMissing", "azure", http.MethodGet, netPath("rg-h", "virtualNetworks", "nope") + "?api-version=" + netAPI, "", 404, "reads"},
		{"BadBody", "azure", http.MethodPut, netPath("rg-h", "virtualNetworks", "bad") + "?api-version=" + netAPI, `{`, 400, "writes"},
		{"DeleteMissing", "azure", http.MethodDelete, netPath("rg-h", "virtualNetworks", "nope") + "?api-version=" + netAPI, "", 204, "writes"},
		{"Register", "azure", http.MethodPost, "/subscriptions/" + sub + "/providers/Microsoft.Network/register?api-version=" + resourcesAPI, "", 200, "writes"},
		{"StackGroup", "azure-stack-hub", http.MethodPut, groupPath("rg-h") + "?api-version=2019-10-01", `{"location":"local"}`, 201, "writes"},
		{"StackBadVersion", "azure-stack-hub", http.MethodGet, groupPath("rg-h") + "?api-version=" + resourcesAPI, "", 400, "reads"},
		{"Metadata", "azure", http.MethodGet, "/metadata/endpoints?api-version=2015-01-01", "", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			corr := "c0ffee00-0000-4000-8000-" + strings.Repeat("0", 10) + string(rune('a'+i)) + "0"
			var b []byte
			if tc.body != "" {
				b = []byte(tc.body)
			}
			r := raw(t, sim, tc.cloud, tc.method, tc.path, b, "x-ms-correlation-request-id", corr)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			id := r.header.Get("x-ms-request-id")
			if id == "" || ids[id] {
				t.Errorf("x-ms-request-id must be present and unique, got %q", id)
			}
			ids[id] = true
			if got := r.header.Get("x-ms-correlation-request-id"); got != corr {
				t.Errorf("x-ms-correlation-request-id = %q, want the caller's %q", got, corr)
			}
			if tc.limit != "" {
				other := map[string]string{"reads": "writes", "writes": "reads"}[tc.limit]
				if r.header.Get("x-ms-ratelimit-remaining-subscription-"+tc.limit) == "" ||
					r.header.Get("x-ms-ratelimit-remaining-subscription-"+other) != "" {
					t.Errorf("want x-ms-ratelimit-remaining-subscription-%s only, got %v", tc.limit, r.header)
				}
			}
		})
	}
	// without a correlation id, armsim makes one
	r := raw(t, sim, "azure", http.MethodGet, groupPath("rg-h")+"?api-version="+resourcesAPI, nil)
	if r.header.Get("x-ms-correlation-request-id") == "" {
		t.Error("x-ms-correlation-request-id is always answered")
	}
}

func TestNamesCaseInsensitive(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	c := newAzure(t, sim, "azure")
	_, err := c.groups.CreateOrUpdate(ctx, "RG-Case", armresources.ResourceGroup{Location: to("East US")}, nil)
	must(t, err)
	g, err := c.groups.Get(ctx, "rg-case", nil)
	must(t, err)
	if *g.Name != "RG-Case" || *g.Location != "eastus" {
		t.Fatalf("group: name %s location %s", *g.Name, *g.Location)
	}
	vnets := c.net.NewVirtualNetworksClient()
	_, err = done(vnets.BeginCreateOrUpdate(ctx, "RG-Case", "VNet1", azVnetBody("10.70.0.0/16", map[string]string{"Workload": "10.70.1.0/24"}), nil))
	must(t, err)
	check := func(v armnetwork.VirtualNetwork) {
		t.Helper()
		if *v.Name != "VNet1" || !strings.HasSuffix(*v.ID, "/virtualNetworks/VNet1") {
			t.Fatalf("the resource keeps the spelling it was created with: name %s id %s", *v.Name, *v.ID)
		}
		if len(v.Properties.Subnets) != 1 || *v.Properties.Subnets[0].Name != "Workload" {
			t.Fatalf("subnets: %+v", v.Properties.Subnets)
		}
	}
	got, err := vnets.Get(ctx, "rg-case", "vnet1", nil)
	must(t, err)
	check(got.VirtualNetwork)
	s, err := c.net.NewSubnetsClient().Get(ctx, "rg-case", "VNET1", "workload", nil)
	must(t, err)
	if *s.Name != "Workload" {
		t.Fatalf("subnet name %s", *s.Name)
	}
	// an update through another spelling updates the same resource and keeps its name
	upd, err := done(vnets.BeginCreateOrUpdate(ctx, "rg-case", "VNET1", azVnetBody("10.70.0.0/16", map[string]string{"workload": "10.70.1.0/24"}), nil))
	must(t, err)
	check(upd.VirtualNetwork)
	got, err = vnets.Get(ctx, "Rg-Case", "vNet1", nil)
	must(t, err)
	check(got.VirtualNetwork)
	n := 0
	pager := vnets.NewListPager("rg-case", nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		must(t, err)
		n += len(page.Value)
	}
	if n != 1 {
		t.Fatalf("one virtual network, listed %d", n)
	}
}

func TestMetadataEndpoints(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, tc := range []struct{ cloud, login, audience string }{
		// each cloud's directory is armsim itself, at the cloud's address
		{"azure", sim.Endpoints["azure"] + "/", "https://management.core.windows.net/"},
		{"azure-stack-hub", sim.Endpoints["azure-stack-hub"] + "/", "https://management.local.azurestack.external/"},
	} {
		r := raw(t, sim, tc.cloud, http.MethodGet, "/metadata/endpoints?api-version=2015-01-01", nil, "Authorization", "")
		if r.status != http.StatusOK {
			t.Fatalf("%s: metadata answers without a token: %d %s", tc.cloud, r.status, r.body)
		}
		var md struct {
			Authentication struct {
				LoginEndpoint string   `json:"loginEndpoint"`
				Audiences     []string `json:"audiences"`
			} `json:"authentication"`
		}
		must(t, json.Unmarshal(r.body, &md))
		if md.Authentication.LoginEndpoint != tc.login || len(md.Authentication.Audiences) == 0 ||
			!strings.HasPrefix(md.Authentication.Audiences[0], tc.audience) {
			t.Fatalf("%s: metadata %s", tc.cloud, r.body)
		}
	}
}

func TestProviderRegistration(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	r := raw(t, sim, "azure", http.MethodPost, "/subscriptions/"+sub+"/providers/Microsoft.Network/register?api-version="+resourcesAPI, nil)
	var p struct {
		Namespace         string `json:"namespace"`
		RegistrationState string `json:"registrationState"`
	}
	must(t, json.Unmarshal(r.body, &p))
	if r.status != http.StatusOK || p.Namespace != "Microsoft.Network" || p.RegistrationState != "Registered" {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	// the SDK's providers client on both profiles
	opts := clientOptions(sim, "azure")
	prov, err := armresources.NewProvidersClient(sub, cred, opts)
	must(t, err)
	got, err := prov.Register(ctx, "Microsoft.Compute", nil)
	must(t, err)
	if *got.Namespace != "Microsoft.Compute" || *got.RegistrationState != "Registered" {
		t.Fatalf("register through the SDK: %+v", got.Provider)
	}
	r = raw(t, sim, "azure-stack-hub", http.MethodPost, "/subscriptions/"+sub+"/providers/microsoft.network/register?api-version=2019-10-01", nil)
	must(t, json.Unmarshal(r.body, &p))
	if r.status != http.StatusOK || p.Namespace != "Microsoft.Network" || p.RegistrationState != "Registered" {
		t.Fatalf("register on the stamp: %d %s", r.status, r.body)
	}
}

// TestEmptyPathSegments: ARM reads empty path segments as absent, so a client that joins an
// endpoint ending in / with a path (az cloud register) is answered.
func TestEmptyPathSegments(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, path := range []string{"//metadata/endpoints?api-version=2015-01-01", "/subscriptions//" + sub + "//resourcegroups?api-version=" + resourcesAPI} {
		if r := raw(t, sim, "azure", http.MethodGet, path, nil); r.status != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
}
