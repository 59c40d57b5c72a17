package armsim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestInvalidSubscriptionId: ARM refuses a subscription id that is not a GUID, on every
// route, before anything else.
func TestInvalidSubscriptionId(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, tc := range []struct {
		name, cloud, method, path, body string
	}{
		{"word", "azure", http.MethodGet, "/subscriptions/sub/resourcegroups?api-version=" + resourcesAPI, ""},
		{"display name", "azure", http.MethodPut, "/subscriptions/Pay-As-You-Go/resourceGroups/rg?api-version=" + resourcesAPI, `{"location":"eastus"}`},
		{"GUID one digit short", "azure-stack-hub", http.MethodGet, "/subscriptions/00000000-0000-0000-0000-00000000000/resourcegroups/rg?api-version=2019-10-01", ""},
		{"resource", "azure-stack-hub", http.MethodPut, "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v?api-version=2018-11-01",
			`{"location":"local","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`},
		{"subscription", "azure", http.MethodGet, "/subscriptions/x?api-version=2022-12-01", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b []byte
			if tc.body != "" {
				b = []byte(tc.body)
			}
			e := raw(t, sim, tc.cloud, tc.method, tc.path, b).wantError(t, http.StatusBadRequest, "InvalidSubscriptionId")
			if !strings.Contains(e.Message, "is malformed or invalid") {
				t.Errorf("message: %s", e.Message)
			}
		})
	}
	if rs := snapshot(t, sim); len(rs) != 0 {
		t.Fatalf("refused requests stored %+v", rs)
	}
}

// TestETagPreconditions: writes honour If-Match and If-None-Match with 412 PreconditionFailed.
func TestETagPreconditions(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-etag")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	path := netPath("rg-etag", "virtualNetworks", "vnet") + "?api-version=" + netAPI
	body := `{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`
	etag := str(putSucceeded(t, sim, "azure", path, body)["etag"])
	for _, tc := range []struct {
		name, method, path, header, value, body string
		status                                  int
	}{
		{"PUT with a stale etag", http.MethodPut, path, "If-Match", `W/"00000000-0000-0000-0000-000000000000"`, body, http.StatusPreconditionFailed},
		{"PATCH with a stale etag", http.MethodPatch, path, "If-Match", `"stale"`, `{"tags":{}}`, http.StatusPreconditionFailed},
		{"DELETE with a stale etag", http.MethodDelete, path, "If-Match", `"stale"`, "", http.StatusPreconditionFailed},
		{"If-None-Match * on an existing resource", http.MethodPut, path, "If-None-Match", "*", body, http.StatusPreconditionFailed},
		{"If-Match on a missing resource", http.MethodPut, netPath("rg-etag", "virtualNetworks", "other") + "?api-version=" + netAPI, "If-Match", "*", body, http.StatusPreconditionFailed},
		{"If-None-Match * creates", http.MethodPut, netPath("rg-etag", "virtualNetworks", "new") + "?api-version=" + netAPI, "If-None-Match", "*",
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.1.0.0/16"]}}}`, http.StatusCreated},
		{"If-Match with the current etag", http.MethodPatch, path, "If-Match", etag, `{"tags":{"a":"b"}}`, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b []byte
			if tc.body != "" {
				b = []byte(tc.body)
			}
			r := raw(t, sim, "azure", tc.method, tc.path, b, tc.header, tc.value)
			if tc.status == http.StatusPreconditionFailed {
				r.wantError(t, tc.status, "PreconditionFailed")
			} else if r.status != tc.status {
				t.Fatalf("want %d, got %d %s", tc.status, r.status, r.body)
			}
		})
	}
	// the etag the PATCH answered is the one a later If-Match needs
	cur := getSucceeded(t, sim, "azure", path)
	if r := raw(t, sim, "azure", http.MethodPut, path, []byte(body), "If-Match", str(cur["etag"])); r.status != http.StatusOK {
		t.Fatalf("PUT with the current etag: %d %s", r.status, r.body)
	}
}

// TestOlderResourcesAPIVersions: Azure still serves the resources api-versions older
// clients send; the stamp keeps its profile's.
func TestOlderResourcesAPIVersions(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	for _, v := range []string{"2018-05-01", "2019-05-01", "2016-09-01", "2021-01-01"} {
		t.Run(v, func(t *testing.T) {
			r := raw(t, sim, "azure", http.MethodPut, groupPath("rg-"+v)+"?api-version="+v, []byte(`{"location":"eastus"}`))
			if r.status != http.StatusCreated {
				t.Fatalf("PUT group at %s: %d %s", v, r.status, r.body)
			}
			if g := raw(t, sim, "azure", http.MethodGet, "/subscriptions/"+sub+"/resourcegroups?api-version="+v, nil); g.status != http.StatusOK {
				t.Fatalf("list groups at %s: %d %s", v, g.status, g.body)
			}
		})
	}
	raw(t, sim, "azure-stack-hub", http.MethodGet, groupPath("rg")+"?api-version="+resourcesAPI, nil).
		wantError(t, http.StatusBadRequest, "NoRegisteredProviderFound")
}

// TestStampErrorsKeepSubscriptionsApart: the stamp's one-local-gateway-per-IP rule holds
// across subscriptions, but its error names no other subscription's resource.
func TestStampErrorsKeepSubscriptionsApart(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	const other = "00000000-0000-0000-0000-0000000000bb"
	lng := `{"location":"local","properties":{"gatewayIpAddress":"203.0.113.9","localNetworkAddressSpace":{"addressPrefixes":["10.1.0.0/16"]}}}`
	for _, s := range []string{sub, other} {
		raw(t, sim, "azure-stack-hub", http.MethodPut, "/subscriptions/"+s+"/resourceGroups/rg?api-version=2019-10-01", []byte(`{"location":"local"}`))
	}
	putSucceeded(t, sim, "azure-stack-hub", "/subscriptions/"+other+"/resourceGroups/rg/providers/Microsoft.Network/localNetworkGateways/theirs?api-version=2018-11-01", lng)
	e := raw(t, sim, "azure-stack-hub", http.MethodPut, netPath("rg", "localNetworkGateways", "mine")+"?api-version=2018-11-01", []byte(lng)).
		wantError(t, http.StatusBadRequest, "LocalNetworkGatewayIpAddressAlreadyInUse")
	if strings.Contains(e.Message, other) || strings.Contains(e.Message, "theirs") {
		t.Fatalf("the error quotes another subscription's resource: %s", e.Message)
	}
}
