package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/gateway/service"
)

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := gateway.Start(t, armsim.Config{})
	site(t, st, "azure-stack-hub")
	st.WaitJSON(t, st.PostJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/publicIPAddresses?publicIpAddressId=gw-ip", `{"tags":{"site":"stack"}}`))
	pip := st.GetJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/publicIPAddresses/gw-ip")
	if pip["sku"] != "SKU_BASIC" || pip["allocationMethod"] != "ALLOCATION_METHOD_DYNAMIC" || pip["provisioningState"] != "PROVISIONING_STATE_SUCCEEDED" {
		t.Fatalf("REST get: %v", pip)
	}
	st.CheckNotFound(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/connections/missing")
}

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := gateway.Start(t, armsim.Config{})
	servicetest.CheckReflection(t, st.Conn, service.Name)
}
