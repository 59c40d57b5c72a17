package armsim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
)

// twoSites is a template of two sites on one cloud, each a virtual network with a
// GatewaySubnet, a Standard public IP, a VPN gateway, a local network gateway pointing at
// the other site's gateway (reference() to its address) and a connection, built with copy
// loops; its outputs read the result.
const twoSites = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"sharedKey": {"type": "securestring"}, "sku": {"type": "string", "defaultValue": "VpnGw1"}},
  "variables": {"sites": [
    {"name": "a", "space": "10.10.0.0/16", "gw": "10.10.255.0/27", "peer": "b", "peerSpace": "10.20.0.0/16"},
    {"name": "b", "space": "10.20.0.0/16", "gw": "10.20.255.0/27", "peer": "a", "peerSpace": "10.10.0.0/16"}]},
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "[concat('vnet-', variables('sites')[copyIndex()].name)]",
     "location": "[resourceGroup().location]", "copy": {"name": "vnets", "count": 2},
     "properties": {"addressSpace": {"addressPrefixes": ["[variables('sites')[copyIndex()].space]"]},
       "subnets": [{"name": "GatewaySubnet", "properties": {"addressPrefix": "[variables('sites')[copyIndex()].gw]"}}]}},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2024-05-01", "name": "[format('pip-{0}', variables('sites')[copyIndex()].name)]",
     "location": "[resourceGroup().location]", "copy": {"name": "pips", "count": 2},
     "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Static"}},
    {"type": "Microsoft.Network/virtualNetworkGateways", "apiVersion": "2024-05-01", "name": "[concat('gw-', variables('sites')[copyIndex()].name)]",
     "location": "[resourceGroup().location]", "copy": {"name": "gateways", "count": 2}, "dependsOn": ["vnets", "pips"],
     "properties": {"gatewayType": "Vpn", "vpnType": "RouteBased", "sku": {"name": "[parameters('sku')]", "tier": "[parameters('sku')]"},
       "ipConfigurations": [{"name": "default", "properties": {
         "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', concat('vnet-', variables('sites')[copyIndex()].name), 'GatewaySubnet')]"},
         "publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', concat('pip-', variables('sites')[copyIndex()].name))]"}}}]}},
    {"type": "Microsoft.Network/localNetworkGateways", "apiVersion": "2024-05-01", "name": "[concat('lng-', variables('sites')[copyIndex()].name)]",
     "location": "[resourceGroup().location]", "copy": {"name": "lngs", "count": 2},
     "properties": {"gatewayIpAddress": "[reference(concat('pip-', variables('sites')[copyIndex()].peer)).ipAddress]",
       "localNetworkAddressSpace": {"addressPrefixes": ["[variables('sites')[copyIndex()].peerSpace]"]}}},
    {"type": "Microsoft.Network/connections", "apiVersion": "2024-05-01", "name": "[concat('conn-', variables('sites')[copyIndex()].name)]",
     "location": "[resourceGroup().location]", "copy": {"name": "connections", "count": 2}, "dependsOn": ["gateways", "lngs"],
     "properties": {"connectionType": "IPsec", "routingWeight": 0, "sharedKey": "[parameters('sharedKey')]",
       "virtualNetworkGateway1": {"id": "[resourceId('Microsoft.Network/virtualNetworkGateways', concat('gw-', variables('sites')[copyIndex()].name))]"},
       "localNetworkGateway2": {"id": "[resourceId('Microsoft.Network/localNetworkGateways', concat('lng-', variables('sites')[copyIndex()].name))]"}}}
  ],
  "outputs": {
    "gatewayA": {"type": "string", "value": "[reference('pip-a').ipAddress]"},
    "tunnel": {"type": "string", "value": "[reference(resourceId('Microsoft.Network/connections', 'conn-a')).connectionStatus]"},
    "suffix": {"type": "string", "value": "[uniqueString(subscription().subscriptionId, resourceGroup().id)]"}
  }
}`

// deploy PUTs a deployment and returns its answer.
func deploy(t *testing.T, sim *armsim.Sim, rg, name, template, params string) rawResponse {
	t.Helper()
	body := `{"properties":{"mode":"Incremental","template":` + template + `,"parameters":` + params + `}}`
	return raw(t, sim, "azure", http.MethodPut, groupPath(rg)+"/providers/Microsoft.Resources/deployments/"+name+"?api-version="+resourcesAPI, []byte(body))
}

// deploymentDone polls a deployment's Azure-AsyncOperation until it ends, then GETs it.
func deploymentDone(t *testing.T, sim *armsim.Sim, put rawResponse) map[string]any {
	t.Helper()
	op := put.header.Get("Azure-AsyncOperation")
	if put.status != http.StatusCreated || op == "" {
		t.Fatalf("deployment PUT: %d %s", put.status, put.body)
	}
	path := strings.TrimPrefix(op, sim.Endpoints["azure"])
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var st struct{ Status string }
		r := raw(t, sim, "azure", http.MethodGet, path, nil)
		must(t, json.Unmarshal(r.body, &st))
		if st.Status != "Running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deployment never ended: %s", r.body)
		}
	}
	var v map[string]any
	var id struct{ ID string }
	must(t, json.Unmarshal(put.body, &id))
	r := raw(t, sim, "azure", http.MethodGet, id.ID+"?api-version="+resourcesAPI, nil)
	must(t, json.Unmarshal(r.body, &v))
	return v
}

// TestDeploymentTwoSites: a template of two sites is applied through the same engine as
// direct PUTs, in dependency order (reference() included), and both tunnels come up; its
// outputs, parameters (the secure one without its value) and operations are answered.
func TestDeploymentTwoSites(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-dep")+"?api-version="+resourcesAPI, []byte(`{"location":"westeurope"}`))
	d := deploymentDone(t, sim, deploy(t, sim, "rg-dep", "sites", twoSites, `{"sharedKey":{"value":"s3cret-key"}}`))
	if at(d, "properties.provisioningState") != "Succeeded" {
		t.Fatalf("deployment: %v", d)
	}
	wantAt(t, "deployment", d, map[string]string{
		"properties.outputs.tunnel.value":  `"Connected"`,
		"properties.parameters.sharedKey":  `{"type":"securestring"}`,
		"properties.parameters.sku":        `{"type":"string","value":"VpnGw1"}`,
		"properties.outputResources[9].id": js(netPath("rg-dep", "connections", "conn-b")),
		"properties.mode":                  `"Incremental"`,
	})
	if ip := str(at(d, "properties.outputs.gatewayA.value")); !strings.HasPrefix(ip, "198.18.") {
		t.Errorf("gatewayA output: %q", ip)
	}
	if s := str(at(d, "properties.outputs.suffix.value")); len(s) != 13 {
		t.Errorf("uniqueString output: %q", s)
	}
	conn := getSucceeded(t, sim, "azure", netPath("rg-dep", "connections", "conn-b")+"?api-version="+netAPI)
	wantAt(t, "conn-b", conn, map[string]string{"properties.connectionStatus": `"Connected"`, "properties.routingWeight": `0`})
	ops := raw(t, sim, "azure", http.MethodGet, groupPath("rg-dep")+"/providers/Microsoft.Resources/deployments/sites/operations?api-version="+resourcesAPI, nil)
	var list struct {
		Value []struct {
			Properties struct{ ProvisioningState, StatusCode string }
		}
	}
	must(t, json.Unmarshal(ops.body, &list))
	if len(list.Value) != 10 || list.Value[0].Properties.StatusCode != "Created" {
		t.Fatalf("operations: %s", ops.body)
	}
	var resources struct{ Value []any }
	must(t, json.Unmarshal(raw(t, sim, "azure", http.MethodGet, groupPath("rg-dep")+"/resources?api-version="+resourcesAPI, nil).body, &resources))
	if len(resources.Value) != 10 {
		t.Errorf("the group lists %d resources, want the template's 10 (deployments are not resources)", len(resources.Value))
	}
	if strings.Contains(string(raw(t, sim, "azure", http.MethodGet, groupPath("rg-dep")+"/providers/Microsoft.Resources/deployments?api-version="+resourcesAPI, nil).body), "s3cret-key") {
		t.Fatal("a deployment answer quotes a secure parameter")
	}
}

// TestDeploymentErrors: templates that do not validate are refused with InvalidTemplate and
// store nothing; a resource ARM refuses fails the deployment with DeploymentFailed and the
// resource's error; validate answers without deploying.
func TestDeploymentErrors(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-bad")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	vnet := func(name, prefix, extra string) string {
		return `{"type":"Microsoft.Network/virtualNetworks","apiVersion":"2024-05-01","name":"` + name + `","location":"eastus"` + extra +
			`,"properties":{"addressSpace":{"addressPrefixes":["` + prefix + `"]}}}`
	}
	tmpl := func(resources ...string) string {
		return `{"parameters":{"p":{"type":"string"}},"resources":[` + strings.Join(resources, ",") + `]}`
	}
	for _, tc := range []struct {
		name, template, params, want string
	}{
		{"a bad reference", tmpl(vnet("v1", "10.0.0.0/16", `,"dependsOn":["nope"]`)), `{"p":{"value":"x"}}`, "The resource 'nope' is not defined in the template."},
		{"a cycle in dependsOn", tmpl(vnet("v1", "10.0.0.0/16", `,"dependsOn":["v2"]`), vnet("v2", "10.1.0.0/16", `,"dependsOn":["v1"]`)), `{"p":{"value":"x"}}`, "Circular dependency detected"},
		{"an unknown function", tmpl(vnet("[nosuch('v')]", "10.0.0.0/16", "")), `{"p":{"value":"x"}}`, "The template function 'nosuch' is not valid."},
		{"a missing parameter", tmpl(vnet("v1", "10.0.0.0/16", "")), `{}`, "The value for the template parameter 'p' is not provided."},
		{"an unknown parameter", tmpl(vnet("v1", "10.0.0.0/16", "")), `{"p":{"value":"x"},"q":{"value":"y"}}`, "The template parameters 'q'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, sim)
			e := deploy(t, sim, "rg-bad", "d", tc.template, tc.params).wantError(t, http.StatusBadRequest, "InvalidTemplate")
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q, want %q in it", e.Message, tc.want)
			}
			v := raw(t, sim, "azure", http.MethodPost, groupPath("rg-bad")+"/providers/Microsoft.Resources/deployments/d/validate?api-version="+resourcesAPI,
				[]byte(`{"properties":{"template":`+tc.template+`,"parameters":`+tc.params+`}}`))
			v.wantError(t, http.StatusBadRequest, "InvalidTemplate")
			if after := snapshot(t, sim); len(after) != len(before) {
				t.Fatal("a template that does not validate stored something")
			}
		})
	}
	ok := tmpl(vnet("v1", "10.0.0.0/16", ""))
	if v := raw(t, sim, "azure", http.MethodPost, groupPath("rg-bad")+"/providers/Microsoft.Resources/deployments/d/validate?api-version="+resourcesAPI,
		[]byte(`{"properties":{"template":`+ok+`,"parameters":{"p":{"value":"x"}}}}`)); v.status != http.StatusOK {
		t.Fatalf("validate: %d %s", v.status, v.body)
	}
	d := deploymentDone(t, sim, deploy(t, sim, "rg-bad", "fails", tmpl(vnet("v1", "10.0.0.0/16", ""), vnet("v2", "10.0.0.1/16", `,"dependsOn":["v1"]`)), `{"p":{"value":"x"}}`))
	wantAt(t, "failed deployment", d, map[string]string{
		"properties.provisioningState":     `"Failed"`,
		"properties.error.code":            `"DeploymentFailed"`,
		"properties.error.details[0].code": `"InvalidCIDRNotation"`,
	})
}

// TestDeploymentWhatIf: what-if predicts, without changing anything, a Create for a new
// resource, a Modify with its delta for a changed one, NoChange for an unchanged one and
// Ignore for the group's resources the template leaves alone.
func TestDeploymentWhatIf(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-what")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	for name, prefix := range map[string]string{"same": "10.1.0.0/16", "changed": "10.2.0.0/16", "other": "10.3.0.0/16"} {
		putSucceeded(t, sim, "azure", netPath("rg-what", "virtualNetworks", name)+"?api-version="+netAPI,
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["`+prefix+`"]}}}`)
	}
	vnet := func(name, prefix string) string {
		return `{"type":"Microsoft.Network/virtualNetworks","apiVersion":"2024-05-01","name":"` + name + `","location":"eastus","properties":{"addressSpace":{"addressPrefixes":["` + prefix + `"]}}}`
	}
	template := `{"resources":[` + vnet("same", "10.1.0.0/16") + "," + vnet("changed", "10.20.0.0/16") + "," + vnet("new", "10.4.0.0/16") + `]}`
	before := snapshot(t, sim)
	r := raw(t, sim, "azure", http.MethodPost, groupPath("rg-what")+"/providers/Microsoft.Resources/deployments/w/whatIf?api-version="+resourcesAPI,
		[]byte(`{"properties":{"mode":"Incremental","template":`+template+`}}`))
	var res map[string]any
	if r.status != http.StatusOK || json.Unmarshal(r.body, &res) != nil {
		t.Fatalf("what-if: %d %s", r.status, r.body)
	}
	got := map[string]string{}
	for _, c := range at(res, "properties.changes").([]any) {
		got[lastSegment(str(at(c, "resourceId")))] = str(at(c, "changeType"))
		if lastSegment(str(at(c, "resourceId"))) == "changed" {
			wantAt(t, "the change", c.(map[string]any), map[string]string{
				"delta[0].path": `"properties.addressSpace.addressPrefixes"`, "delta[0].before": `["10.2.0.0/16"]`, "delta[0].after": `["10.20.0.0/16"]`})
		}
	}
	want := map[string]string{"same": "NoChange", "changed": "Modify", "new": "Create", "other": "Ignore"}
	if js(got) != js(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	if after := snapshot(t, sim); len(after) != len(before) {
		t.Fatal("what-if changed something")
	}
}

func lastSegment(id string) string { return id[strings.LastIndex(id, "/")+1:] }

// TestDeploymentJSONC: ARM deserializes the JSON with comments az sends, the template
// spliced in as text after an unquoted key, comments and trailing commas included.
func TestDeploymentJSONC(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	raw(t, sim, "azure", http.MethodPut, groupPath("rg-jsonc")+"?api-version="+resourcesAPI, []byte(`{"location":"eastus"}`))
	body := `{"properties": {"parameters": {}, "mode": "Incremental", template:{
	  // az keeps the template file's comments
	  "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "v", /* inline */ "location": "eastus",
	    "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16",]}, "dhcpOptions": {"dnsServers": ["10.0.0.4"]}}},],
	}}}`
	put := raw(t, sim, "azure", http.MethodPut, groupPath("rg-jsonc")+"/providers/Microsoft.Resources/deployments/d?api-version="+resourcesAPI, []byte(body))
	if d := deploymentDone(t, sim, put); at(d, "properties.provisioningState") != "Succeeded" {
		t.Fatalf("deployment: %v", d)
	}
	wantAt(t, "vnet", getSucceeded(t, sim, "azure", netPath("rg-jsonc", "virtualNetworks", "v")+"?api-version="+netAPI),
		map[string]string{"properties.dhcpOptions": `{"dnsServers":["10.0.0.4"]}`})
}
