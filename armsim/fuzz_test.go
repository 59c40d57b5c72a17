package armsim_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"

	"github.com/hybridlink/hybridlink/armsim"
)

// fuzzTarget is a resource a fuzzed body is PUT to.
type fuzzTarget struct {
	cloud, path string
}

// FuzzPutBody PUTs arbitrary bytes as the body of every kind of resource, on both clouds,
// next to existing resources the body may reference, and checks that armsim never answers
// 5xx nor fails to answer. Under plain go test it runs the seed corpus only.
func FuzzPutBody(f *testing.F) {
	sim := startSim(f, armsim.Config{})
	c := newAzure(f, sim, "azure")
	const rg = "rg-fuzz"
	azGroup(f, c, rg)
	vnet := azVnet(f, c, rg, "vnet", "10.80.0.0/16", map[string]string{"workload": "10.80.1.0/24", "GatewaySubnet": "10.80.255.0/27"})
	pip := azPIP(f, c, rg, "pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	gw, err := done(c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "gw",
		azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, subnetID(vnet.Properties.Subnets, "GatewaySubnet"), pip.ID), nil))
	must(f, err)
	lng, err := done(c.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "lng", azLNGBody("203.0.113.20", "10.81.0.0/16"), nil))
	must(f, err)
	nic, err := done(c.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, rg, "nic", azNICBody(subnetID(vnet.Properties.Subnets, "workload")), nil))
	must(f, err)
	_, err = done(c.net.NewVirtualNetworkGatewayConnectionsClient().BeginCreateOrUpdate(ctx, rg, "conn", azConnBody(gw.ID, lng.ID, sharedKey, nil), nil))
	must(f, err)
	r := raw(f, sim, "azure-stack-hub", http.MethodPut, groupPath(rg)+"?api-version=2019-10-01", []byte(`{"location":"local"}`))
	if r.status != http.StatusCreated {
		f.Fatalf("stack group: %d %s", r.status, r.body)
	}

	net := func(typ, name string) string { return netPath(rg, typ, name) + "?api-version=" + netAPI }
	targets := []fuzzTarget{
		{"azure", groupPath("rg-fuzzed") + "?api-version=" + resourcesAPI},
		{"azure", net("virtualNetworks", "fuzz-vnet")},
		{"azure", netPath(rg, "virtualNetworks", "vnet") + "/subnets/fuzz-subnet?api-version=" + netAPI},
		{"azure", net("publicIPAddresses", "fuzz-pip")},
		{"azure", net("networkInterfaces", "fuzz-nic")},
		{"azure", net("virtualNetworkGateways", "fuzz-gw")},
		{"azure", net("localNetworkGateways", "fuzz-lng")},
		{"azure", net("connections", "fuzz-conn")},
		{"azure", netPath(rg, "connections", "conn") + "/sharedkey?api-version=" + netAPI},
		{"azure", groupPath(rg) + "/providers/Microsoft.Compute/virtualMachines/fuzz-vm?api-version=" + computeAPI},
		{"azure-stack-hub", netPath(rg, "virtualNetworks", "fuzz-vnet") + "?api-version=2018-11-01"},
		{"azure-stack-hub", netPath(rg, "connections", "fuzz-conn") + "?api-version=2018-11-01"},
		{"azure-stack-hub", groupPath(rg) + "/providers/Microsoft.Compute/virtualMachines/fuzz-vm?api-version=2020-06-01"},
	}
	gwID, lngID, nicID := *gw.ID, *lng.ID, *nic.ID
	workload := *subnetID(vnet.Properties.Subnets, "workload")
	seeds := map[int][]string{
		0: {`{"location":"eastus"}`, `{"location":"westus2","tags":{"a":"b"}}`, `{"location":null}`, `{"location":""}`},
		1: {`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.90.0.0/16"]},"subnets":[{"name":"a","properties":{"addressPrefix":"10.90.1.0/24"}}]}}`,
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.90.0.0/16"]},"subnets":[null,{"name":"","properties":null}]}}`,
			`{"location":"eastus","properties":{"addressSpace":null,"subnets":[{}]}}`,
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.90.0.0/16","10.90.0.0/17",""]}}}`,
			`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["::/0"]},"subnets":[{"name":"x","properties":{"addressPrefix":"::/64"}}]}}`},
		2: {`{"properties":{"addressPrefix":"10.80.2.0/24"}}`, `{"properties":{"addressPrefix":null}}`, `{"properties":{"addressPrefix":"10.80.1.0/24"}}`, `{}`},
		3: {`{"location":"eastus","sku":{"name":"Standard"},"properties":{"publicIPAllocationMethod":"Static"}}`,
			`{"location":"eastus","sku":null,"properties":{"publicIPAllocationMethod":"Sometimes","publicIPAddressVersion":"IPv6"}}`,
			`{"location":"eastus","sku":{"name":"Basic"},"properties":{"publicIPAllocationMethod":"Dynamic"}}`},
		4: {`{"location":"eastus","properties":{"ipConfigurations":[{"name":"c","properties":{"subnet":{"id":"` + workload + `"}}}]}}`,
			`{"location":"eastus","properties":{"ipConfigurations":[null,{"name":"c","properties":{"subnet":null,"publicIPAddress":{"id":""}}}]}}`,
			`{"location":"eastus","properties":{"ipConfigurations":[{"name":"c","properties":{"subnet":{"id":"` + workload + `"},"privateIPAddress":"10.80.1.300","privateIPAllocationMethod":"Static"}}]}}`,
			`{"location":"eastus","properties":{"ipConfigurations":[{"name":"c","properties":{"subnet":{"id":"` + workload + `"},"publicIPAddress":{"id":"` + *pip.ID + `"}}}]}}`},
		5: {`{"location":"eastus","properties":{"sku":{"name":"VpnGw2"},"ipConfigurations":[{"name":"d","properties":{"subnet":{"id":"` + *subnetID(vnet.Properties.Subnets, "GatewaySubnet") + `"},"publicIPAddress":{"id":"` + *pip.ID + `"}}}]}}`,
			`{"location":"eastus","properties":{"activeActive":true,"sku":{"name":"VpnGw1"},"ipConfigurations":[null,null]}}`,
			`{"location":"eastus","properties":{"sku":{},"ipConfigurations":[]}}`,
			`{"location":"eastus","properties":{"enableBgp":true,"sku":{"name":"Basic"}}}`},
		6: {`{"location":"eastus","properties":{"gatewayIpAddress":"203.0.113.21","localNetworkAddressSpace":{"addressPrefixes":["10.82.0.0/16"]}}}`,
			`{"location":"eastus","properties":{"gatewayIpAddress":"","fqdn":"vpn.example.com","bgpSettings":{"asn":0}}}`,
			`{"location":"eastus","properties":{"gatewayIpAddress":"::1","localNetworkAddressSpace":null}}`},
		7: {`{"location":"eastus","properties":{"connectionType":"IPsec","virtualNetworkGateway1":{"id":"` + gwID + `"},"localNetworkGateway2":{"id":"` + lngID + `"},"sharedKey":"k"}}`,
			`{"location":"eastus","properties":{"connectionType":"IPsec","virtualNetworkGateway1":{"id":"` + gwID + `"},"localNetworkGateway2":{"id":"` + lngID + `"},"ipsecPolicies":[null,{}]}}`,
			`{"location":"eastus","properties":{"connectionType":"IPsec","virtualNetworkGateway1":{"id":"` + gwID + `"},"localNetworkGateway2":{"id":"` + lngID + `"},"ipsecPolicies":[{"ikeEncryption":"AES256","ikeIntegrity":"SHA384","dhGroup":"ECP384","ipsecEncryption":"GCMAES256","ipsecIntegrity":"GCMAES256","pfsGroup":"ECP384","saLifeTimeSeconds":27000,"saDataSizeKilobytes":102400000}]}}`,
			`{"location":"eastus","properties":{"connectionType":"Vnet2Vnet","virtualNetworkGateway1":null,"localNetworkGateway2":{}}}`,
			`{"location":"eastus","properties":{"connectionType":"IPsec","virtualNetworkGateway1":{"id":"` + lngID + `"},"localNetworkGateway2":{"id":"` + gwID + `"},"sharedKey":"\u0000"}}`},
		8: {`{"value":"abc"}`, `{"value":null}`},
		9: {`{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_B2s"},"storageProfile":{"imageReference":{"publisher":"Canonical","offer":"ubuntu-24_04-lts","sku":"server"}},"osProfile":{"adminUsername":"azureuser","adminPassword":"Passw0rd!2026"},"networkProfile":{"networkInterfaces":[{"id":"` + nicID + `"}]}}}`,
			`{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_B2s"},"storageProfile":{"imageReference":{"publisher":"Canonical","offer":"o","sku":"s"}},"osProfile":{"adminUsername":"azureuser","adminPassword":"Passw0rd!2026"},"networkProfile":{"networkInterfaces":[null]}}}`,
			`{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_B2s"},"storageProfile":{"imageReference":{"publisher":"MicrosoftWindowsServer","offer":"WindowsServer","sku":"2022"}},"osProfile":{"computerName":"a-very-long-windows-name","adminUsername":"root","adminPassword":"x","linuxConfiguration":{"disablePasswordAuthentication":true,"ssh":null}},"networkProfile":{"networkInterfaces":[]}}}`,
			`{"location":"eastus","properties":{"hardwareProfile":null,"storageProfile":{"osDisk":null},"osProfile":null,"networkProfile":null}}`},
	}
	generic := []string{``, `null`, `{}`, `[]`, `"x"`, `{"location":"eastus","properties":null}`, `{"location":"eastus","properties":{}}`,
		`{"location":"local","properties":{}}`, `{`, "\xff\xfe", `{"location":"eastus","properties":{"a":` + string(bytes.Repeat([]byte("["), 20000)) + `}}`}
	for i := range targets {
		for _, s := range append(seeds[i], generic...) {
			f.Add(uint8(i), []byte(s))
		}
	}
	// the stack targets reuse the azure seeds of their type
	for i, from := range map[int]int{10: 1, 11: 7, 12: 9} {
		for _, s := range seeds[from] {
			f.Add(uint8(i), bytes.ReplaceAll([]byte(s), []byte(`"eastus"`), []byte(`"local"`)))
		}
	}

	client := sim.HTTPClient()
	client.Timeout = 10 * time.Second
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		tg := targets[int(which)%len(targets)]
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, sim.Endpoints[tg.cloud]+tg.path, bytes.NewReader(body))
		must(t, err)
		req.Header.Set("Authorization", "Bearer fuzz")
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("PUT %s with %q: no answer (did the engine panic?): %v", tg.path, body, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("PUT %s with %q: %d %s", tg.path, body, resp.StatusCode, b)
		}
	})
}
