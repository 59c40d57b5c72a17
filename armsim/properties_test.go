package armsim_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
)

// putSucceeded PUTs a raw body and returns the resource's GET body once it has Succeeded.
func putSucceeded(t *testing.T, sim *armsim.Sim, cloudID, path, body string) map[string]any {
	t.Helper()
	r := raw(t, sim, cloudID, http.MethodPut, path, []byte(body))
	if r.status != http.StatusCreated && r.status != http.StatusOK {
		t.Fatalf("PUT %s: %d %s", path, r.status, r.body)
	}
	return getSucceeded(t, sim, cloudID, path)
}

// getSucceeded GETs a resource until its provisioningState is Succeeded.
func getSucceeded(t *testing.T, sim *armsim.Sim, cloudID, path string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g := raw(t, sim, cloudID, http.MethodGet, path, nil)
		var v map[string]any
		if err := json.Unmarshal(g.body, &v); err != nil || g.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, g.status, g.body)
		}
		if at(v, "properties.provisioningState") == "Succeeded" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s never Succeeded: %s", path, g.body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var indexed = regexp.MustCompile(`^(\w+)\[(\d+)\]$`)

// at returns the value at a dotted path of a decoded body, with [i] for array elements:
// properties.subnets[0].properties.addressPrefixes.
func at(v any, path string) any {
	for _, seg := range strings.Split(path, ".") {
		i := -1
		if m := indexed.FindStringSubmatch(seg); m != nil {
			seg = m[1]
			i, _ = strconv.Atoi(m[2])
		}
		obj, _ := v.(map[string]any)
		v = obj[seg]
		if i >= 0 {
			list, _ := v.([]any)
			if i >= len(list) {
				return nil
			}
			v = list[i]
		}
	}
	return v
}

// wantAt fails unless each path of the body holds the JSON value given.
func wantAt(t *testing.T, what string, body map[string]any, want map[string]string) {
	t.Helper()
	for path, w := range want {
		var wv any
		if err := json.Unmarshal([]byte(w), &wv); err != nil {
			t.Fatalf("bad want %s: %v", w, err)
		}
		got, _ := json.Marshal(at(body, path))
		exp, _ := json.Marshal(wv)
		if string(got) != string(exp) {
			t.Errorf("%s: %s = %s, want %s", what, path, got, exp)
		}
	}
}

// TestPropertiesKept builds the Azure site from bodies carrying properties armsim does not
// model, zero values and empty arrays, and checks that each GET answers them as sent, merged
// with the read-only fields ARM computes.
func TestPropertiesKept(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	rg := "rg-props"
	if r := raw(t, sim, "azure", http.MethodPut, groupPath(rg)+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`)); r.status != http.StatusCreated {
		t.Fatalf("group: %d %s", r.status, r.body)
	}
	id := func(typ, name string) string {
		return groupPath(rg) + "/providers/Microsoft.Network/" + typ + "/" + name
	}
	q := "?api-version=" + netAPI
	vnet := putSucceeded(t, sim, "azure", id("virtualNetworks", "vnet")+q, `{"location":"eastus","properties":{
		"addressSpace":{"addressPrefixes":["10.9.0.0/16"]},"flowTimeoutInMinutes":10,"dhcpOptions":{"dnsServers":[]},
		"subnets":[
			{"name":"GatewaySubnet","properties":{"addressPrefix":"10.9.255.0/27"}},
			{"name":"apps","properties":{"addressPrefixes":["10.9.1.0/24"],"privateEndpointNetworkPolicies":"Enabled",
				"serviceEndpoints":[{"service":"Microsoft.Storage","locations":["eastus"]}]}}]}}`)
	pip := putSucceeded(t, sim, "azure", id("publicIPAddresses", "gw-pip")+q,
		`{"location":"eastus","sku":{"name":"Standard","tier":"Regional"},"properties":{"publicIPAllocationMethod":"Static","ipTags":[]}}`)
	gwBody := `{"location":"eastus","properties":{"gatewayType":"Vpn","vpnType":"RouteBased","sku":{"name":"VpnGw1","tier":"VpnGw1"},
		"ipConfigurations":[{"name":"default","properties":{"subnet":{"id":"` + id("virtualNetworks", "vnet") + `/subnets/GatewaySubnet"},
			"publicIPAddress":{"id":"` + id("publicIPAddresses", "gw-pip") + `"}}}],
		"natRules":[{"name":"nat1","properties":{"type":"Static","mode":"EgressSnat","internalMappings":[{"addressSpace":"10.9.0.0/24"}],"externalMappings":[{"addressSpace":"100.64.0.0/24"}]}}],
		"vpnClientConfiguration":{"vpnClientAddressPool":{"addressPrefixes":["172.16.0.0/24"]},"vpnClientProtocols":["OpenVPN"]},
		"customRoutes":{"addressPrefixes":["192.168.0.0/24"]},"enableDnsForwarding":false,"disableIPSecReplayProtection":true,
		"allowRemoteVnetTraffic":true,"bgpSettings":{"asn":65010,"peerWeight":0}}}`
	gw := putSucceeded(t, sim, "azure", id("virtualNetworkGateways", "gw")+q, gwBody)
	lng := putSucceeded(t, sim, "azure", id("localNetworkGateways", "lng")+q,
		`{"location":"eastus","properties":{"gatewayIpAddress":"198.19.0.1","localNetworkAddressSpace":{"addressPrefixes":["10.2.0.0/16"]},"bgpSettings":{"asn":65020,"bgpPeeringAddress":"10.2.255.30","peerWeight":0}}}`)
	connBody := func(rule string) string {
		return `{"location":"eastus","properties":{"connectionType":"IPsec","routingWeight":0,"dpdTimeoutSeconds":30,"connectionMode":"InitiatorOnly",
			"virtualNetworkGateway1":{"id":"` + id("virtualNetworkGateways", "gw") + `"},"localNetworkGateway2":{"id":"` + id("localNetworkGateways", "lng") + `"},
			"ingressNatRules":[],"egressNatRules":[{"id":"` + id("virtualNetworkGateways", "gw") + `/natRules/` + rule + `"}],"sharedKey":"k3y"}}`
	}
	conn := putSucceeded(t, sim, "azure", id("connections", "conn")+q, connBody("nat1"))
	nic := putSucceeded(t, sim, "azure", id("networkInterfaces", "nic")+q, `{"location":"eastus","properties":{"enableAcceleratedNetworking":true,
		"ipConfigurations":[
			{"name":"ipconfig1","properties":{"primary":true,"subnet":{"id":"`+id("virtualNetworks", "vnet")+`/subnets/apps"}}},
			{"name":"ipconfig2","properties":{"primary":false,"privateIPAddressPrefixLength":28,"privateIPAllocationMethod":"Dynamic","subnet":{"id":"`+id("virtualNetworks", "vnet")+`/subnets/apps"}}}]}}`)
	vmPath := groupPath(rg) + "/providers/Microsoft.Compute/virtualMachines/vm?api-version=" + computeAPI
	vm := putSucceeded(t, sim, "azure", vmPath, `{"location":"eastus","properties":{
		"hardwareProfile":{"vmSize":"Standard_B2s"},
		"storageProfile":{"imageReference":{"publisher":"Canonical","offer":"0001-com-ubuntu-server-jammy","sku":"22_04-lts","version":"latest"},
			"osDisk":{"name":"vm-os","createOption":"FromImage","caching":"ReadOnly","managedDisk":{"storageAccountType":"Premium_LRS"}}},
		"osProfile":{"computerName":"vm","adminUsername":"azureuser","adminPassword":"Passw0rd!x"},
		"networkProfile":{"networkInterfaces":[{"id":"`+id("networkInterfaces", "nic")+`","properties":{"primary":true}}]},
		"diagnosticsProfile":{"bootDiagnostics":{"enabled":true}}}}`)
	iv := getSucceeded(t, sim, "azure", strings.Replace(vmPath, "?", "?$expand=instanceView&", 1))
	ext := putSucceeded(t, sim, "azure", strings.Replace(vmPath, "?", "/extensions/probe?", 1), `{"location":"eastus","tags":{"t":"1"},
		"properties":{"publisher":"Microsoft.Azure.Extensions","type":"CustomScript","typeHandlerVersion":"2.1","autoUpgradeMinorVersion":true,
		"enableAutomaticUpgrade":false,"suppressFailures":true,"settings":{"fileUris":[],"timestamp":7},
		"protectedSettings":{"commandToExecute":"# hybridlink-probe v1 port=22 count=1 targets=10.9.1.4"}}}`)

	for _, tc := range []struct {
		name string
		body map[string]any
		want map[string]string
	}{
		{"virtual network", vnet, map[string]string{
			"properties.flowTimeoutInMinutes":                                 `10`,
			"properties.dhcpOptions":                                          `{"dnsServers":[]}`,
			"properties.virtualNetworkPeerings":                               `[]`,
			"properties.enableDdosProtection":                                 `false`,
			"properties.subnets[0].name":                                      `"apps"`,
			"properties.subnets[0].properties.addressPrefixes":                `["10.9.1.0/24"]`,
			"properties.subnets[0].properties.serviceEndpoints":               `[{"service":"Microsoft.Storage","locations":["eastus"]}]`,
			"properties.subnets[0].properties.privateEndpointNetworkPolicies": `"Enabled"`,
			"properties.subnets[1].properties.privateEndpointNetworkPolicies": `"Disabled"`,
			"properties.subnets[1].properties.delegations":                    `[]`,
		}},
		{"public IP", pip, map[string]string{"properties.ipTags": `[]`}},
		{"gateway", gw, map[string]string{
			"properties.sku":                                      `{"name":"VpnGw1","tier":"VpnGw1","capacity":2}`,
			"properties.natRules[0].id":                           `"` + id("virtualNetworkGateways", "gw") + `/natRules/nat1"`,
			"properties.natRules[0].etag":                         js(at(gw, "etag")),
			"properties.natRules[0].properties.mode":              `"EgressSnat"`,
			"properties.natRules[0].properties.provisioningState": `"Succeeded"`,
			"properties.vpnClientConfiguration":                   `{"vpnClientAddressPool":{"addressPrefixes":["172.16.0.0/24"]},"vpnClientProtocols":["OpenVPN"]}`,
			"properties.customRoutes":                             `{"addressPrefixes":["192.168.0.0/24"]}`,
			"properties.enableDnsForwarding":                      `false`,
			"properties.disableIPSecReplayProtection":             `true`,
			"properties.allowRemoteVnetTraffic":                   `true`,
			"properties.allowVirtualWanTraffic":                   `false`,
			"properties.enablePrivateIpAddress":                   `false`,
			"properties.bgpSettings.asn":                          `65010`,
			"properties.bgpSettings.peerWeight":                   `0`,
			"properties.bgpSettings.bgpPeeringAddress":            `"10.9.255.30"`,
			"properties.bgpSettings.bgpPeeringAddresses":          `[{"ipconfigurationId":"` + id("virtualNetworkGateways", "gw") + `/ipConfigurations/default","defaultBgpIpAddresses":["10.9.255.30"],"customBgpIpAddresses":[],"tunnelIpAddresses":["` + str(at(pip, "properties.ipAddress")) + `"]}]`,
			"properties.ipConfigurations[0].etag":                 js(at(gw, "etag")),
		}},
		{"local network gateway", lng, map[string]string{"properties.bgpSettings": `{"asn":65020,"bgpPeeringAddress":"10.2.255.30","peerWeight":0}`}},
		{"connection", conn, map[string]string{
			"properties.routingWeight":     `0`,
			"properties.dpdTimeoutSeconds": `30`,
			"properties.connectionMode":    `"InitiatorOnly"`,
			"properties.ingressNatRules":   `[]`,
			"properties.egressNatRules":    `[{"id":"` + id("virtualNetworkGateways", "gw") + `/natRules/nat1"}]`,
			"properties.ipsecPolicies":     `[]`,
			"properties.sharedKey":         `null`,
		}},
		{"network interface", nic, map[string]string{
			"properties.enableAcceleratedNetworking":                                 `true`,
			"properties.enableIPForwarding":                                          `false`,
			"properties.dnsSettings.dnsServers":                                      `[]`,
			"properties.dnsSettings.appliedDnsServers":                               `[]`,
			"properties.ipConfigurations[1].properties.privateIPAddressPrefixLength": `28`,
			"properties.ipConfigurations[1].properties.primary":                      `false`,
			"properties.ipConfigurations[0].etag":                                    js(at(nic, "etag")),
		}},
		{"virtual machine", vm, map[string]string{
			"properties.diagnosticsProfile":                             `{"bootDiagnostics":{"enabled":true}}`,
			"properties.storageProfile.osDisk.caching":                  `"ReadOnly"`,
			"properties.storageProfile.osDisk.diskSizeGB":               `30`,
			"properties.storageProfile.osDisk.managedDisk":              `{"storageAccountType":"Premium_LRS","id":"` + groupPath(rg) + `/providers/Microsoft.Compute/disks/vm-os"}`,
			"properties.storageProfile.dataDisks":                       `[]`,
			"properties.osProfile.secrets":                              `[]`,
			"properties.osProfile.adminPassword":                        `null`,
			"properties.networkProfile.networkInterfaces[0].properties": `{"primary":true}`,
		}},
		{"VM extension", ext, map[string]string{
			"location":                          `"eastus"`,
			"tags":                              `{"t":"1"}`,
			"properties.enableAutomaticUpgrade": `false`,
			"properties.suppressFailures":       `true`,
			"properties.settings":               `{"fileUris":[],"timestamp":7}`,
			"properties.protectedSettings":      `null`,
			"properties.instanceView":           `null`,
			"armsimLastRun":                     `null`,
		}},
		{"virtual machine instance view", iv, map[string]string{
			"properties.instanceView.osName":                            `"ubuntu"`,
			"properties.instanceView.osVersion":                         `"22.04"`,
			"properties.instanceView.hyperVGeneration":                  `"V1"`,
			"properties.instanceView.vmAgent.statuses[0].displayStatus": `"Ready"`,
			"properties.instanceView.disks[0].name":                     `"vm-os"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantAt(t, tc.name, tc.body, tc.want) })
	}
	if s := str(at(iv, "properties.instanceView.statuses[0].time")); s == "" || str(at(iv, "properties.instanceView.vmAgent.vmAgentVersion")) == "" {
		t.Errorf("the instance view carries the provisioning time and the agent's version: %v", at(iv, "properties.instanceView"))
	}

	t.Run("NAT rule reference", func(t *testing.T) {
		r := raw(t, sim, "azure", http.MethodPut, id("connections", "conn2")+q, []byte(connBody("missing")))
		if e := r.wantError(t, http.StatusBadRequest, "InvalidResourceReference"); e.Target != "properties.egressNatRules[0].id" {
			t.Errorf("target %q", e.Target)
		}
	})
	t.Run("PATCH tags", func(t *testing.T) {
		r := raw(t, sim, "azure", http.MethodPatch, id("virtualNetworks", "vnet")+q, []byte(`{"tags":{"env":"test"}}`))
		var v map[string]any
		if r.status != http.StatusOK || json.Unmarshal(r.body, &v) != nil {
			t.Fatalf("PATCH: %d %s", r.status, r.body)
		}
		wantAt(t, "patched vnet", v, map[string]string{"tags": `{"env":"test"}`, "properties.flowTimeoutInMinutes": `10`})
		if at(v, "etag") == at(vnet, "etag") {
			t.Error("a PATCH gives the resource a new etag")
		}
	})
	t.Run("PATCH virtual machine", func(t *testing.T) {
		r := raw(t, sim, "azure", http.MethodPatch, vmPath, []byte(`{"properties":{"diagnosticsProfile":{"bootDiagnostics":{"enabled":false}}},"tags":{"a":"b"}}`))
		if r.status != http.StatusOK || r.header.Get("Azure-AsyncOperation") == "" {
			t.Fatalf("PATCH: %d %s", r.status, r.body)
		}
		v := getSucceeded(t, sim, "azure", vmPath)
		wantAt(t, "patched vm", v, map[string]string{"properties.diagnosticsProfile.bootDiagnostics.enabled": `false`,
			"properties.storageProfile.osDisk.caching": `"ReadOnly"`, "tags": `{"a":"b"}`, "properties.hardwareProfile.vmSize": `"Standard_B2s"`})
	})
}

// TestPropertiesRefused: settings a cloud does not support are refused with a code naming
// them, whether the subnet comes in its virtual network's body or on its own.
func TestPropertiesRefused(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	rg := "rg-refused"
	const stackNet = "2018-11-01"
	if r := raw(t, sim, "azure-stack-hub", http.MethodPut, groupPath(rg)+"?api-version=2019-10-01", []byte(`{"location":"local"}`)); r.status != http.StatusCreated {
		t.Fatalf("group: %d %s", r.status, r.body)
	}
	vnet := groupPath(rg) + "/providers/Microsoft.Network/virtualNetworks/vnet"
	putSucceeded(t, sim, "azure-stack-hub", vnet+"?api-version="+stackNet, `{"location":"local","properties":{"addressSpace":{"addressPrefixes":["10.3.0.0/16"]}}}`)
	for _, tc := range []struct {
		name, path, body, code, target string
	}{
		{"service endpoints in the virtual network", vnet, `{"location":"local","properties":{"addressSpace":{"addressPrefixes":["10.3.0.0/16"]},
			"subnets":[{"name":"a","properties":{"addressPrefix":"10.3.1.0/24","serviceEndpoints":[{"service":"Microsoft.Storage"}]}}]}}`,
			"ServiceEndpointsNotSupported", "properties.subnets[0].properties.serviceEndpoints"},
		{"service endpoints on a subnet", vnet + "/subnets/b", `{"properties":{"addressPrefix":"10.3.2.0/24","serviceEndpoints":[{"service":"Microsoft.Sql"}]}}`,
			"ServiceEndpointsNotSupported", "properties.serviceEndpoints"},
		{"service endpoint policies", vnet + "/subnets/b", `{"properties":{"addressPrefix":"10.3.2.0/24","serviceEndpointPolicies":[{"id":"x"}]}}`,
			"ServiceEndpointPoliciesNotSupported", "properties.serviceEndpointPolicies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, sim, "azure-stack-hub", http.MethodPut, tc.path+"?api-version="+stackNet, []byte(tc.body))
			if e := r.wantError(t, http.StatusBadRequest, tc.code); e.Target != tc.target {
				t.Errorf("target %q, want %q", e.Target, tc.target)
			}
		})
	}
	// an empty list is no service endpoint: kept as sent
	v := putSucceeded(t, sim, "azure-stack-hub", vnet+"/subnets/c?api-version="+stackNet, `{"properties":{"addressPrefix":"10.3.3.0/24","serviceEndpoints":[]}}`)
	wantAt(t, "stack subnet", v, map[string]string{"properties.serviceEndpoints": `[]`})
}

// js is a value as JSON.
func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// TestPropertiesKeptAcrossRestart: the body kept from a PUT is in the state file, so a
// restarted armsim still answers the properties it does not model.
func TestPropertiesKeptAcrossRestart(t *testing.T) {
	cfg := armsim.Config{StateFile: filepath.Join(t.TempDir(), "state.json")}
	first := startSim(t, cfg)
	raw(t, first, "azure", http.MethodPut, groupPath("rg-keep")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	path := netPath("rg-keep", "virtualNetworks", "vnet") + "?api-version=" + netAPI
	putSucceeded(t, first, "azure", path, `{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},
		"flowTimeoutInMinutes":0,"subnets":[{"name":"a","properties":{"addressPrefix":"10.0.1.0/24","serviceEndpoints":[{"service":"Microsoft.Storage"}]}}]}}`)
	must(t, first.Close())
	cfg.Clouds = sameAddresses(first)
	second := startSim(t, cfg)
	wantAt(t, "after a restart", getSucceeded(t, second, "azure", path), map[string]string{
		"properties.flowTimeoutInMinutes":                   `0`,
		"properties.subnets[0].properties.serviceEndpoints": `[{"service":"Microsoft.Storage"}]`,
	})
}
