package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	subnet := network(t, st, sites[1])
	post := func(path, body string) map[string]any {
		t.Helper()
		resp, err := st.HTTP.Post(st.REST+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return servicetest.DecodeJSON(t, resp)
	}
	op := post("/v1/clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces?networkInterfaceId=nic", `{"subnet":"`+subnet+`"}`)
	name, _ := op["name"].(string)
	for done, _ := op["done"].(bool); !done; done, _ = op["done"].(bool) {
		op = post("/v1/"+name+":wait", "")
	}
	resp, err := st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces/nic")
	if err != nil {
		t.Fatal(err)
	}
	if nic := servicetest.DecodeJSON(t, resp); nic["allocatedPrivateIpAddress"] != "10.2.1.4" || nic["subnet"] != subnet {
		t.Fatalf("REST get: %v", nic)
	}
	resp, err = st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/virtualMachines/missing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("REST answers NotFound with 404, got %s", resp.Status)
	}
}
