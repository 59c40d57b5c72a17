package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/gateway/service"
)

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	site(t, st, "azure-stack-hub")
	resp, err := st.HTTP.Post(st.REST+"/v1/clouds/azure-stack-hub/resourceGroups/rg/publicIPAddresses?publicIpAddressId=gw-ip", "application/json", strings.NewReader(`{"tags":{"site":"stack"}}`))
	if err != nil {
		t.Fatal(err)
	}
	op := servicetest.DecodeJSON(t, resp)
	for done, _ := op["done"].(bool); !done; done, _ = op["done"].(bool) {
		name, _ := op["name"].(string)
		resp, err := st.HTTP.Post(st.REST+"/v1/"+name+":wait", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		op = servicetest.DecodeJSON(t, resp)
	}
	resp, err = st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/publicIPAddresses/gw-ip")
	if err != nil {
		t.Fatal(err)
	}
	pip := servicetest.DecodeJSON(t, resp)
	if pip["sku"] != "SKU_BASIC" || pip["allocationMethod"] != "ALLOCATION_METHOD_DYNAMIC" || pip["provisioningState"] != "PROVISIONING_STATE_SUCCEEDED" {
		t.Fatalf("REST get: %v", pip)
	}
	resp, err = st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/connections/missing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("REST answers NotFound with 404, got %s", resp.Status)
	}
}

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	servicetest.CheckReflection(t, st.Conn, service.Name)
}
