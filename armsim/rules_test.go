package armsim_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	ashresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/armsim"
)

// ruleCase is one request a cloud rule must refuse, with the ARM error it must produce.
type ruleCase struct {
	name   string
	do     func() error
	code   string
	status int
	// target, when set, is the property path the error must name.
	target string
	// check inspects the error further.
	check func(t *testing.T, err error)
}

// armError is the body of an ARM error, as the SDK received it.
type armError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target"`
}

// armBody decodes the ARM error envelope carried by an SDK error.
func armBody(t testing.TB, err error) armError {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.RawResponse == nil {
		t.Fatalf("not an ARM response error: %v", err)
	}
	b, rerr := runtime.Payload(re.RawResponse)
	must(t, rerr)
	var env struct {
		Error armError `json:"error"`
	}
	if jerr := json.Unmarshal(b, &env); jerr != nil {
		t.Fatalf("ARM error body %q: %v", b, jerr)
	}
	return env.Error
}

// snapshot lists every resource armsim holds on every cloud.
func snapshot(t testing.TB, sim *armsim.Sim) []armsim.ResourceView {
	t.Helper()
	rs, err := sim.Admin.Resources(ctx)
	must(t, err)
	return rs
}

// runRules runs each case, checks its ARM error and that the rejected request changed nothing.
func runRules(t *testing.T, sim *armsim.Sim, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, sim)
			err := tc.do()
			wantCode(t, err, tc.code, tc.status)
			body := armBody(t, err)
			if body.Code != tc.code || body.Message == "" {
				t.Fatalf("ARM error body: %+v", body)
			}
			if tc.target != "" && body.Target != tc.target {
				t.Errorf("error target = %q, want %q", body.Target, tc.target)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
			if after := snapshot(t, sim); !reflect.DeepEqual(before, after) {
				t.Errorf("a rejected request changed armsim's state:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// fastPathStamp is an extra Azure Stack Hub stamp with VPN Fast Path enabled.
const fastPathStamp = "stamp-fastpath"

// rulesSim starts armsim with the default clouds and the fast-path stamp.
func rulesSim(t *testing.T, cfg armsim.Config) *armsim.Sim {
	t.Helper()
	cfg.Clouds = freeClouds(armsim.CloudConfig{ID: fastPathStamp, Kind: armsim.KindAzureStackHub,
		Locations: []string{"local"}, VPNFastPath: true})
	return startSim(t, cfg)
}

// Azure builders -------------------------------------------------------------

// azGroup creates the resource group rg in eastus.
func azGroup(t testing.TB, c azureClients, rg string) {
	t.Helper()
	_, err := c.groups.CreateOrUpdate(ctx, rg, armresources.ResourceGroup{Location: to("eastus")}, nil)
	must(t, err)
}

func azVnet(t testing.TB, c azureClients, rg, name, space string, subnets map[string]string) armnetwork.VirtualNetwork {
	t.Helper()
	v, err := done(c.net.NewVirtualNetworksClient().BeginCreateOrUpdate(ctx, rg, name, azVnetBody(space, subnets), nil))
	must(t, err)
	return v.VirtualNetwork
}

func azVnetBody(space string, subnets map[string]string) armnetwork.VirtualNetwork {
	v := armnetwork.VirtualNetwork{Location: to("eastus"), Properties: &armnetwork.VirtualNetworkPropertiesFormat{
		AddressSpace: &armnetwork.AddressSpace{AddressPrefixes: []*string{to(space)}}}}
	for n, p := range subnets {
		v.Properties.Subnets = append(v.Properties.Subnets,
			&armnetwork.Subnet{Name: to(n), Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to(p)}})
	}
	return v
}

func azPIP(t testing.TB, c azureClients, rg, name string, sku armnetwork.PublicIPAddressSKUName, method armnetwork.IPAllocationMethod) armnetwork.PublicIPAddress {
	t.Helper()
	p, err := done(c.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, rg, name, azPIPBody(sku, method), nil))
	must(t, err)
	return p.PublicIPAddress
}

func azPIPBody(sku armnetwork.PublicIPAddressSKUName, method armnetwork.IPAllocationMethod) armnetwork.PublicIPAddress {
	return armnetwork.PublicIPAddress{Location: to("eastus"), SKU: &armnetwork.PublicIPAddressSKU{Name: to(sku)},
		Properties: &armnetwork.PublicIPAddressPropertiesFormat{PublicIPAllocationMethod: to(method)}}
}

func azGatewayBody(sku armnetwork.VirtualNetworkGatewaySKUName, subnet, pip *string) armnetwork.VirtualNetworkGateway {
	return armnetwork.VirtualNetworkGateway{Location: to("eastus"), Properties: &armnetwork.VirtualNetworkGatewayPropertiesFormat{
		GatewayType: to(armnetwork.VirtualNetworkGatewayTypeVPN),
		VPNType:     to(armnetwork.VPNTypeRouteBased),
		SKU:         &armnetwork.VirtualNetworkGatewaySKU{Name: to(sku), Tier: to(armnetwork.VirtualNetworkGatewaySKUTier(sku))},
		IPConfigurations: []*armnetwork.VirtualNetworkGatewayIPConfiguration{{Name: to("default"),
			Properties: &armnetwork.VirtualNetworkGatewayIPConfigurationPropertiesFormat{
				Subnet: &armnetwork.SubResource{ID: subnet}, PublicIPAddress: &armnetwork.SubResource{ID: pip}}}},
	}}
}

func azConnBody(gw, lng *string, key string, policy *armnetwork.IPSecPolicy) armnetwork.VirtualNetworkGatewayConnection {
	c := armnetwork.VirtualNetworkGatewayConnection{Location: to("eastus"), Properties: &armnetwork.VirtualNetworkGatewayConnectionPropertiesFormat{
		ConnectionType:         to(armnetwork.VirtualNetworkGatewayConnectionTypeIPsec),
		VirtualNetworkGateway1: &armnetwork.VirtualNetworkGateway{ID: gw},
		LocalNetworkGateway2:   &armnetwork.LocalNetworkGateway{ID: lng},
		SharedKey:              to(key),
	}}
	if policy != nil {
		c.Properties.IPSecPolicies = []*armnetwork.IPSecPolicy{policy}
	}
	return c
}

func azLNGBody(ip string, prefixes ...string) armnetwork.LocalNetworkGateway {
	l := armnetwork.LocalNetworkGateway{Location: to("eastus"), Properties: &armnetwork.LocalNetworkGatewayPropertiesFormat{
		GatewayIPAddress: to(ip)}}
	if len(prefixes) > 0 {
		l.Properties.LocalNetworkAddressSpace = &armnetwork.AddressSpace{}
		for _, p := range prefixes {
			l.Properties.LocalNetworkAddressSpace.AddressPrefixes = append(l.Properties.LocalNetworkAddressSpace.AddressPrefixes, to(p))
		}
	}
	return l
}

func azNICBody(subnet *string) armnetwork.Interface {
	return armnetwork.Interface{Location: to("eastus"), Properties: &armnetwork.InterfacePropertiesFormat{
		IPConfigurations: []*armnetwork.InterfaceIPConfiguration{{Name: to("ipconfig1"),
			Properties: &armnetwork.InterfaceIPConfigurationPropertiesFormat{Subnet: &armnetwork.Subnet{ID: subnet}}}}}}
}

func azVMBody(nic *string, password string) armcompute.VirtualMachine {
	return armcompute.VirtualMachine{Location: to("eastus"), Properties: &armcompute.VirtualMachineProperties{
		HardwareProfile: &armcompute.HardwareProfile{VMSize: to(armcompute.VirtualMachineSizeTypes("Standard_B2s"))},
		StorageProfile: &armcompute.StorageProfile{ImageReference: &armcompute.ImageReference{
			Publisher: to("Canonical"), Offer: to("ubuntu-24_04-lts"), SKU: to("server"), Version: to("latest")}},
		OSProfile:      &armcompute.OSProfile{ComputerName: to("vm"), AdminUsername: to("azureuser"), AdminPassword: to(password)},
		NetworkProfile: &armcompute.NetworkProfile{NetworkInterfaces: []*armcompute.NetworkInterfaceReference{{ID: nic}}},
	}}
}

// TestAzureRules proves the rules of the azure cloud with the current SDK modules.
func TestAzureRules(t *testing.T) {
	sim := rulesSim(t, armsim.Config{})
	c := newAzure(t, sim, "azure")
	const rg = "rg-rules"
	azGroup(t, c, rg)

	// vnet-a: a complete site with gateway, VM, local network gateway and connection
	vnetA := azVnet(t, c, rg, "vnet-a", "10.10.0.0/16", map[string]string{"workload": "10.10.1.0/24", "GatewaySubnet": "10.10.255.0/27"})
	// vnet-b: a misnamed gateway subnet and a GatewaySubnet below /29
	vnetB := azVnet(t, c, rg, "vnet-b", "10.12.0.0/16", map[string]string{"gateway": "10.12.0.0/27", "GatewaySubnet": "10.12.1.0/30"})
	// vnet-c: a free GatewaySubnet; vnet-d: a Basic gateway
	vnetC := azVnet(t, c, rg, "vnet-c", "10.13.0.0/16", map[string]string{"GatewaySubnet": "10.13.0.0/27"})
	vnetD := azVnet(t, c, rg, "vnet-d", "10.14.0.0/16", map[string]string{"GatewaySubnet": "10.14.0.0/27"})
	pipStd := azPIP(t, c, rg, "pip-std", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	pipStd2 := azPIP(t, c, rg, "pip-std2", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	pipBasic := azPIP(t, c, rg, "pip-basic", armnetwork.PublicIPAddressSKUNameBasic, armnetwork.IPAllocationMethodDynamic)
	pipBasic2 := azPIP(t, c, rg, "pip-basic2", armnetwork.PublicIPAddressSKUNameBasic, armnetwork.IPAllocationMethodDynamic)
	gws := c.net.NewVirtualNetworkGatewaysClient()
	gwA, err := done(gws.BeginCreateOrUpdate(ctx, rg, "gw-a",
		azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, subnetID(vnetA.Properties.Subnets, "GatewaySubnet"), pipStd.ID), nil))
	must(t, err)
	gwD, err := done(gws.BeginCreateOrUpdate(ctx, rg, "gw-basic",
		azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameBasic, subnetID(vnetD.Properties.Subnets, "GatewaySubnet"), pipBasic2.ID), nil))
	must(t, err)
	lngs := c.net.NewLocalNetworkGatewaysClient()
	lngA, err := done(lngs.BeginCreateOrUpdate(ctx, rg, "lng-a", azLNGBody("203.0.113.10", "10.20.0.0/16"), nil))
	must(t, err)
	conns := c.net.NewVirtualNetworkGatewayConnectionsClient()
	_, err = done(conns.BeginCreateOrUpdate(ctx, rg, "conn-a", azConnBody(gwA.ID, lngA.ID, sharedKey, nil), nil))
	must(t, err)
	nics := c.net.NewInterfacesClient()
	nicA, err := done(nics.BeginCreateOrUpdate(ctx, rg, "nic-a", azNICBody(subnetID(vnetA.Properties.Subnets, "workload")), nil))
	must(t, err)
	nicFree, err := done(nics.BeginCreateOrUpdate(ctx, rg, "nic-free", azNICBody(subnetID(vnetA.Properties.Subnets, "workload")), nil))
	must(t, err)
	_, err = done(c.vms.BeginCreateOrUpdate(ctx, rg, "vm-a", azVMBody(nicA.ID, "Passw0rd!2026"), nil))
	must(t, err)

	vnets, subnets, pips := c.net.NewVirtualNetworksClient(), c.net.NewSubnetsClient(), c.net.NewPublicIPAddressesClient()
	subnet := func(prefix string) armnetwork.Subnet {
		return armnetwork.Subnet{Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to(prefix)}}
	}
	missing := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Network/"
	gcmMismatch := documentedPolicy()
	gcmMismatch.IPSecIntegrity = to(armnetwork.IPSecIntegritySHA256)
	longKey := strings.Repeat("k3y-", 32) + "X" // 129 characters

	runRules(t, sim, []ruleCase{
		// virtual network and subnet address rules
		{name: "GatewaySubnetName", code: "InvalidGatewaySubnetName", status: 400,
			target: "properties.ipConfigurations[0].properties.subnet.id", do: func() error {
				_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-b", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1,
					subnetID(vnetB.Properties.Subnets, "gateway"), pipStd2.ID), nil)
				return err
			}},
		{name: "GatewaySubnetTooSmall", code: "GatewaySubnetTooSmall", status: 400, do: func() error {
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-b", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1,
				subnetID(vnetB.Properties.Subnets, "GatewaySubnet"), pipStd2.ID), nil)
			return err
		}},
		{name: "SecondGatewayInVnet", code: "VirtualNetworkCannotHaveMoreThanOneGateway", status: 400, do: func() error {
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-a2", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1,
				subnetID(vnetA.Properties.Subnets, "GatewaySubnet"), pipStd2.ID), nil)
			return err
		}},
		{name: "VnetSubnetOutsideSpace", code: "NetcfgSubnetRangeOutsideVnet", status: 400,
			target: "properties.subnets[0].properties.addressPrefix", do: func() error {
				_, err := vnets.BeginCreateOrUpdate(ctx, rg, "vnet-x", azVnetBody("10.30.0.0/16", map[string]string{"s": "10.31.0.0/24"}), nil)
				return err
			}},
		{name: "SubnetOutsideSpace", code: "NetcfgSubnetRangeOutsideVnet", status: 400, target: "properties.addressPrefix", do: func() error {
			_, err := subnets.BeginCreateOrUpdate(ctx, rg, "vnet-a", "outside", subnet("10.99.0.0/24"), nil)
			return err
		}},
		{name: "VnetSubnetsOverlap", code: "NetcfgSubnetRangesOverlap", status: 400, do: func() error {
			v := azVnetBody("10.30.0.0/16", nil)
			for _, p := range []string{"10.30.0.0/24", "10.30.0.128/25"} {
				v.Properties.Subnets = append(v.Properties.Subnets, &armnetwork.Subnet{Name: to("s" + p[8:9] + p[len(p)-2:]),
					Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to(p)}})
			}
			_, err := vnets.BeginCreateOrUpdate(ctx, rg, "vnet-x", v, nil)
			return err
		}},
		{name: "SubnetOverlapsSibling", code: "NetcfgSubnetRangesOverlap", status: 400, do: func() error {
			_, err := subnets.BeginCreateOrUpdate(ctx, rg, "vnet-a", "overlap", subnet("10.10.1.128/25"), nil)
			return err
		}},
		{name: "VnetSpaceHostBits", code: "InvalidCIDRNotation", status: 400,
			target: "properties.addressSpace.addressPrefixes[0]", do: func() error {
				_, err := vnets.BeginCreateOrUpdate(ctx, rg, "vnet-x", azVnetBody("10.30.0.1/16", nil), nil)
				return err
			}},
		{name: "SubnetHostBits", code: "InvalidCIDRNotation", status: 400, do: func() error {
			_, err := subnets.BeginCreateOrUpdate(ctx, rg, "vnet-a", "hostbits", subnet("10.10.2.1/24"), nil)
			return err
		}},
		{name: "MalformedPrefix", code: "InvalidAddressPrefixFormat", status: 400, do: func() error {
			_, err := vnets.BeginCreateOrUpdate(ctx, rg, "vnet-x", azVnetBody("10.30.0.0/33", nil), nil)
			return err
		}},
		{name: "MalformedSubnetPrefix", code: "InvalidAddressPrefixFormat", status: 400, do: func() error {
			_, err := subnets.BeginCreateOrUpdate(ctx, rg, "vnet-a", "garbage", subnet("ten.ten.3.0/24"), nil)
			return err
		}},
		// gateway SKUs and public IPs
		{name: "LegacyStandardSKU", code: "InvalidGatewaySize", status: 400, target: "properties.sku.name", do: func() error {
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-c", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameStandard,
				subnetID(vnetC.Properties.Subnets, "GatewaySubnet"), pipStd2.ID), nil)
			return err
		}},
		{name: "BasicPublicIPOnVpnGw1", code: "PublicIpWithBasicSkuNotAllowedOnVPNGateways", status: 400, do: func() error {
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-c", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1,
				subnetID(vnetC.Properties.Subnets, "GatewaySubnet"), pipBasic.ID), nil)
			return err
		}},
		{name: "StandardDynamicPublicIP", code: "StandardSkuPublicIPAddressesMustBeStatic", status: 400, do: func() error {
			_, err := pips.BeginCreateOrUpdate(ctx, rg, "pip-x",
				azPIPBody(armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodDynamic), nil)
			return err
		}},
		// connections and local network gateways
		{name: "IpsecPolicyOnBasicGateway", code: "IpsecPolicyNotSupportedForGatewaySku", status: 400, do: func() error {
			_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-x", azConnBody(gwD.ID, lngA.ID, sharedKey, documentedPolicy()), nil)
			return err
		}},
		{name: "GCMAESMismatch", code: "InvalidIpsecPolicy", status: 400, target: "properties.ipsecPolicies[0].ipsecIntegrity",
			do: func() error {
				_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-x", azConnBody(gwA.ID, lngA.ID, sharedKey, gcmMismatch), nil)
				return err
			}},
		{name: "SharedKeyTooLong", code: "InvalidSharedKey", status: 400, target: "properties.sharedKey",
			do: func() error {
				_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-x", azConnBody(gwA.ID, lngA.ID, longKey, nil), nil)
				return err
			},
			check: func(t *testing.T, err error) {
				if strings.Contains(err.Error(), longKey) || strings.Contains(err.Error(), longKey[:40]) {
					t.Fatal("the error quotes the shared key")
				}
			}},
		{name: "LNGInvalidIP", code: "InvalidLocalNetworkGatewayIpAddress", status: 400, do: func() error {
			_, err := lngs.BeginCreateOrUpdate(ctx, rg, "lng-x", azLNGBody("203.0.113.300", "10.20.0.0/16"), nil)
			return err
		}},
		{name: "LNGNoPrefixes", code: "LocalNetworkGatewayAddressSpaceRequired", status: 400, do: func() error {
			_, err := lngs.BeginCreateOrUpdate(ctx, rg, "lng-x", azLNGBody("203.0.113.11"), nil)
			return err
		}},
		// references
		{name: "NICMissingSubnet", code: "InvalidResourceReference", status: 400, do: func() error {
			_, err := nics.BeginCreateOrUpdate(ctx, rg, "nic-x", azNICBody(to(missing+"virtualNetworks/nope/subnets/workload")), nil)
			return err
		}},
		{name: "GatewayMissingPublicIP", code: "InvalidResourceReference", status: 400,
			target: "properties.ipConfigurations[0].properties.publicIPAddress.id", do: func() error {
				_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-c", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1,
					subnetID(vnetC.Properties.Subnets, "GatewaySubnet"), to(missing+"publicIPAddresses/nope")), nil)
				return err
			}},
		{name: "ConnectionMissingLNG", code: "InvalidResourceReference", status: 400, do: func() error {
			_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-x", azConnBody(gwA.ID, to(missing+"localNetworkGateways/nope"), sharedKey, nil), nil)
			return err
		}},
		{name: "NICInGatewaySubnet", code: "GatewaySubnet", status: 400, do: func() error {
			_, err := nics.BeginCreateOrUpdate(ctx, rg, "nic-x", azNICBody(subnetID(vnetC.Properties.Subnets, "GatewaySubnet")), nil)
			return err
		}},
		// virtual machines
		{name: "VMWeakPassword", code: "InvalidParameter", status: 400, target: "osProfile.adminPassword", do: func() error {
			_, err := c.vms.BeginCreateOrUpdate(ctx, rg, "vm-x", azVMBody(nicFree.ID, "password"), nil)
			return err
		}},
		{name: "VMMissingNIC", code: "NotFound", status: 404, target: "networkProfile.networkInterfaces[0].id", do: func() error {
			_, err := c.vms.BeginCreateOrUpdate(ctx, rg, "vm-x", azVMBody(to(missing+"networkInterfaces/nope"), "Passw0rd!2026"), nil)
			return err
		}},
		// deletes of resources in use
		{name: "DeleteSubnetInUse", code: "InUseSubnetCannotBeDeleted", status: 400, do: func() error {
			_, err := subnets.BeginDelete(ctx, rg, "vnet-a", "workload", nil)
			return err
		}},
		{name: "DeleteVnetInUse", code: "InUseSubnetCannotBeDeleted", status: 400, do: func() error {
			_, err := vnets.BeginDelete(ctx, rg, "vnet-a", nil)
			return err
		}},
		{name: "DropSubnetInUseFromVnet", code: "InUseSubnetCannotBeDeleted", status: 400, do: func() error {
			_, err := vnets.BeginCreateOrUpdate(ctx, rg, "vnet-a", azVnetBody("10.10.0.0/16", map[string]string{"GatewaySubnet": "10.10.255.0/27"}), nil)
			return err
		}},
		{name: "DeletePublicIPInUse", code: "PublicIPAddressCannotBeDeleted", status: 400, do: func() error {
			_, err := pips.BeginDelete(ctx, rg, "pip-std", nil)
			return err
		}},
		{name: "DeleteNICInUse", code: "NicInUse", status: 400, do: func() error {
			_, err := nics.BeginDelete(ctx, rg, "nic-a", nil)
			return err
		}},
		{name: "DeleteGatewayInUse", code: "VirtualNetworkGatewayCannotBeDeleted", status: 400, do: func() error {
			_, err := gws.BeginDelete(ctx, rg, "gw-a", nil)
			return err
		}},
		{name: "DeleteLNGInUse", code: "LocalNetworkGatewayCannotBeDeleted", status: 400, do: func() error {
			_, err := lngs.BeginDelete(ctx, rg, "lng-a", nil)
			return err
		}},
		// reads and resource groups
		{name: "PutInMissingGroup", code: "ResourceGroupNotFound", status: 404, do: func() error {
			_, err := vnets.BeginCreateOrUpdate(ctx, "rg-nope", "vnet-x", azVnetBody("10.30.0.0/16", nil), nil)
			return err
		}},
		{name: "SubnetOfMissingVnet", code: "ParentResourceNotFound", status: 404, do: func() error {
			_, err := subnets.BeginCreateOrUpdate(ctx, rg, "vnet-nope", "s", subnet("10.99.0.0/24"), nil)
			return err
		}},
		{name: "GetMissingResource", code: "ResourceNotFound", status: 404, do: func() error {
			_, err := vnets.Get(ctx, rg, "nope", nil)
			return err
		}},
		{name: "GetInMissingGroup", code: "ResourceGroupNotFound", status: 404, do: func() error {
			_, err := vnets.Get(ctx, "rg-nope", "vnet-a", nil)
			return err
		}},
		{name: "GroupBadLocation", code: "LocationNotAvailableForResourceGroup", status: 400, do: func() error {
			_, err := c.groups.CreateOrUpdate(ctx, "rg-x", armresources.ResourceGroup{Location: to("mars")}, nil)
			return err
		}},
	})

	t.Run("DeleteMissingResource", func(t *testing.T) {
		before := snapshot(t, sim)
		var raw *http.Response
		_, err := done(vnets.BeginDelete(runtime.WithCaptureResponse(ctx, &raw), rg, "nope", nil))
		must(t, err)
		if raw == nil || raw.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE of a missing resource: want 204, got %+v", raw)
		}
		if after := snapshot(t, sim); !reflect.DeepEqual(before, after) {
			t.Fatal("a DELETE of nothing changed armsim")
		}
	})

	t.Run("GatewaySubnetMinimum", func(t *testing.T) {
		// /29 is the floor and is accepted
		v := azVnet(t, c, rg, "vnet-29", "10.15.0.0/16", map[string]string{"GatewaySubnet": "10.15.0.0/29"})
		pip := azPIP(t, c, rg, "pip-29", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
		_, err := done(gws.BeginCreateOrUpdate(ctx, rg, "gw-29", azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1,
			subnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID), nil))
		must(t, err)
	})
}

// Azure Stack Hub builders ---------------------------------------------------

// ashGroup creates the resource group rg in local.
func ashGroup(t testing.TB, c stackClients, rg string) {
	t.Helper()
	_, err := c.groups.CreateOrUpdate(ctx, rg, ashresources.ResourceGroup{Location: to("local")}, nil)
	must(t, err)
}

func ashVnet(t testing.TB, c stackClients, rg, name, space string, subnets map[string]string) ashnetwork.VirtualNetwork {
	t.Helper()
	got, err := done(c.net.NewVirtualNetworksClient().BeginCreateOrUpdate(ctx, rg, name, ashVnetBody(space, subnets), nil))
	must(t, err)
	return got.VirtualNetwork
}

func ashVnetBody(space string, subnets map[string]string) ashnetwork.VirtualNetwork {
	v := ashnetwork.VirtualNetwork{Location: to("local"), Properties: &ashnetwork.VirtualNetworkPropertiesFormat{
		AddressSpace: &ashnetwork.AddressSpace{AddressPrefixes: []*string{to(space)}}}}
	for n, p := range subnets {
		v.Properties.Subnets = append(v.Properties.Subnets,
			&ashnetwork.Subnet{Name: to(n), Properties: &ashnetwork.SubnetPropertiesFormat{AddressPrefix: to(p)}})
	}
	return v
}

func ashPIPBody(sku ashnetwork.PublicIPAddressSKUName, method ashnetwork.IPAllocationMethod) ashnetwork.PublicIPAddress {
	return ashnetwork.PublicIPAddress{Location: to("local"), SKU: &ashnetwork.PublicIPAddressSKU{Name: to(sku)},
		Properties: &ashnetwork.PublicIPAddressPropertiesFormat{PublicIPAllocationMethod: to(method)}}
}

func ashPIP(t testing.TB, c stackClients, rg, name string, method ashnetwork.IPAllocationMethod) ashnetwork.PublicIPAddress {
	t.Helper()
	p, err := done(c.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, rg, name, ashPIPBody(ashnetwork.PublicIPAddressSKUNameBasic, method), nil))
	must(t, err)
	return p.PublicIPAddress
}

func ashGatewayBody(sku ashnetwork.VirtualNetworkGatewaySKUName, subnet, pip *string) ashnetwork.VirtualNetworkGateway {
	return ashnetwork.VirtualNetworkGateway{Location: to("local"), Properties: &ashnetwork.VirtualNetworkGatewayPropertiesFormat{
		GatewayType: to(ashnetwork.VirtualNetworkGatewayTypeVPN),
		VPNType:     to(ashnetwork.VPNTypeRouteBased),
		SKU:         &ashnetwork.VirtualNetworkGatewaySKU{Name: to(sku), Tier: to(ashnetwork.VirtualNetworkGatewaySKUTier(sku))},
		IPConfigurations: []*ashnetwork.VirtualNetworkGatewayIPConfiguration{{Name: to("default"),
			Properties: &ashnetwork.VirtualNetworkGatewayIPConfigurationPropertiesFormat{
				Subnet: &ashnetwork.SubResource{ID: subnet}, PublicIPAddress: &ashnetwork.SubResource{ID: pip}}}},
	}}
}

func ashLNGBody(ip string, prefixes ...string) ashnetwork.LocalNetworkGateway {
	l := ashnetwork.LocalNetworkGateway{Location: to("local"), Properties: &ashnetwork.LocalNetworkGatewayPropertiesFormat{
		GatewayIPAddress: to(ip), LocalNetworkAddressSpace: &ashnetwork.AddressSpace{}}}
	for _, p := range prefixes {
		l.Properties.LocalNetworkAddressSpace.AddressPrefixes = append(l.Properties.LocalNetworkAddressSpace.AddressPrefixes, to(p))
	}
	return l
}

// TestStackRules proves the rules of Azure Stack Hub with the hybrid profile's SDK, and
// that a stamp with VPN Fast Path accepts the VpnGw SKUs.
func TestStackRules(t *testing.T) {
	sim := rulesSim(t, armsim.Config{})
	c := newStack(t, sim, "azure-stack-hub")
	const rg = "rg-rules"
	ashGroup(t, c, rg)
	vnetS := ashVnet(t, c, rg, "vnet-s", "10.40.0.0/16", map[string]string{"workload": "10.40.1.0/24", "GatewaySubnet": "10.40.255.0/27"})
	vnetT := ashVnet(t, c, rg, "vnet-t", "10.41.0.0/16", map[string]string{"GatewaySubnet": "10.41.255.0/27"})
	pipDyn := ashPIP(t, c, rg, "pip-dyn", ashnetwork.IPAllocationMethodDynamic)
	pipDyn2 := ashPIP(t, c, rg, "pip-dyn2", ashnetwork.IPAllocationMethodDynamic)
	pipStatic := ashPIP(t, c, rg, "pip-static", ashnetwork.IPAllocationMethodStatic)
	gws := c.net.NewVirtualNetworkGatewaysClient()
	gwS, err := done(gws.BeginCreateOrUpdate(ctx, rg, "gw-s", ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameStandard,
		stackSubnetID(vnetS.Properties.Subnets, "GatewaySubnet"), pipDyn.ID), nil))
	must(t, err)
	lngs := c.net.NewLocalNetworkGatewaysClient()
	lngS, err := done(lngs.BeginCreateOrUpdate(ctx, rg, "lng-s", ashLNGBody("198.18.0.50", "10.1.0.0/16"), nil))
	must(t, err)
	conns := c.net.NewVirtualNetworkGatewayConnectionsClient()
	connBody := func(policy *ashnetwork.IPSecPolicy) ashnetwork.VirtualNetworkGatewayConnection {
		b := ashConnBody(gwS.ID, lngS.ID)
		if policy != nil {
			b.Properties.IPSecPolicies = []*ashnetwork.IPSecPolicy{policy}
		}
		return b
	}
	ashPolicy := func() *ashnetwork.IPSecPolicy {
		return &ashnetwork.IPSecPolicy{
			IkeEncryption: to(ashnetwork.IkeEncryptionAES256), IkeIntegrity: to(ashnetwork.IkeIntegritySHA384),
			DhGroup: to(ashnetwork.DhGroupECP384), IPSecEncryption: to(ashnetwork.IPSecEncryptionGCMAES256),
			IPSecIntegrity: to(ashnetwork.IPSecIntegrityGCMAES256), PfsGroup: to(ashnetwork.PfsGroupECP384),
			SaLifeTimeSeconds: to[int32](27000), SaDataSizeKilobytes: to[int32](102400000)}
	}
	gwSubnetT := stackSubnetID(vnetT.Properties.Subnets, "GatewaySubnet")

	runRules(t, sim, []ruleCase{
		{name: "VpnGw1WithoutFastPath", code: "InvalidGatewaySize", status: 400, target: "properties.sku.name", do: func() error {
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-t", ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameVPNGw1, gwSubnetT, pipDyn2.ID), nil)
			return err
		}},
		{name: "PolicyBased", code: "PolicyBasedVpnTypeNotSupported", status: 400, target: "properties.vpnType", do: func() error {
			b := ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameStandard, gwSubnetT, pipDyn2.ID)
			b.Properties.VPNType = to(ashnetwork.VPNTypePolicyBased)
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-t", b, nil)
			return err
		}},
		{name: "ActiveActive", code: "ActiveActiveGatewayNotSupported", status: 400, do: func() error {
			b := ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameHighPerformance, gwSubnetT, pipDyn2.ID)
			b.Properties.Active = to(true)
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-t", b, nil)
			return err
		}},
		{name: "StaticPublicIPOnGateway", code: "VirtualNetworkGatewayPublicIPMustBeDynamic", status: 400, do: func() error {
			_, err := gws.BeginCreateOrUpdate(ctx, rg, "gw-t", ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameStandard, gwSubnetT, pipStatic.ID), nil)
			return err
		}},
		{name: "StandardPublicIP", code: "PublicIPAddressSkuNotSupported", status: 400, target: "sku.name", do: func() error {
			_, err := c.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, rg, "pip-x",
				ashPIPBody(ashnetwork.PublicIPAddressSKUNameStandard, ashnetwork.IPAllocationMethodStatic), nil)
			return err
		}},
		{name: "IpsecValueUnsupportedOnStack", code: "InvalidIpsecPolicy", status: 400, target: "properties.ipsecPolicies[0].ikeEncryption",
			do: func() error {
				p := ashPolicy()
				p.IkeEncryption = to(ashnetwork.IkeEncryptionGCMAES256)
				_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-x", connBody(p), nil)
				return err
			}},
		{name: "GCMAESMismatch", code: "InvalidIpsecPolicy", status: 400, target: "properties.ipsecPolicies[0].ipsecEncryption",
			do: func() error {
				p := ashPolicy()
				p.IPSecEncryption = to(ashnetwork.IPSecEncryptionAES256)
				_, err := conns.BeginCreateOrUpdate(ctx, rg, "conn-x", connBody(p), nil)
				return err
			}},
		{name: "LNGSameIPTwice", code: "LocalNetworkGatewayIpAddressAlreadyInUse", status: 400, do: func() error {
			_, err := lngs.BeginCreateOrUpdate(ctx, rg, "lng-dup", ashLNGBody("198.18.0.50", "10.3.0.0/16"), nil)
			return err
		}},
	})

	t.Run("DocumentedPolicyAccepted", func(t *testing.T) {
		_, err := done(conns.BeginCreateOrUpdate(ctx, rg, "conn-s", connBody(ashPolicy()), nil))
		must(t, err)
	})

	t.Run("VpnGw1WithFastPath", func(t *testing.T) {
		fp := newStack(t, sim, fastPathStamp)
		ashGroup(t, fp, rg)
		v := ashVnet(t, fp, rg, "vnet-fp", "10.42.0.0/16", map[string]string{"GatewaySubnet": "10.42.255.0/27"})
		pip := ashPIP(t, fp, rg, "pip-fp", ashnetwork.IPAllocationMethodDynamic)
		gw, err := done(fp.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "gw-fp",
			ashGatewayBody(ashnetwork.VirtualNetworkGatewaySKUNameVPNGw1, stackSubnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID), nil))
		must(t, err)
		if *gw.Properties.SKU.Name != ashnetwork.VirtualNetworkGatewaySKUNameVPNGw1 || *gw.Properties.ProvisioningState != "Succeeded" {
			t.Fatalf("fast path gateway: %+v", gw.Properties)
		}
	})
}

// TestOperationInProgress proves the rules about resources whose operation is still running:
// a write to them is refused with 409 and a reference to them with ReferencedResourceNotProvisioned.
func TestOperationInProgress(t *testing.T) {
	sim := startSim(t, armsim.Config{Latencies: map[string]armsim.Latency{
		// 20 s of wall-clock time at the test TimeScale: the operation outlives the test
		"publicipaddresses": armsim.Fixed(1_000_000 * time.Second),
		"delete":            armsim.Fixed(1_000_000 * time.Second),
	}})
	c := newAzure(t, sim, "azure")
	const rg = "rg-busy"
	azGroup(t, c, rg)
	v := azVnet(t, c, rg, "vnet", "10.50.0.0/16", map[string]string{"GatewaySubnet": "10.50.255.0/27"})
	pips := c.net.NewPublicIPAddressesClient()
	slow, err := pips.BeginCreateOrUpdate(ctx, rg, "pip-slow",
		azPIPBody(armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic), nil)
	must(t, err)
	if slow.Done() {
		t.Fatal("the public IP should still be provisioning")
	}
	pipID := to("/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Network/publicIPAddresses/pip-slow")
	azGroup(t, c, "rg-doomed")
	azVnet(t, c, "rg-doomed", "vnet", "10.51.0.0/16", nil)
	deleting, err := c.groups.BeginDelete(ctx, "rg-doomed", nil)
	must(t, err)
	if deleting.Done() {
		t.Fatal("the resource group should still be being deleted")
	}
	g, err := c.groups.Get(ctx, "rg-doomed", nil)
	must(t, err)
	if *g.Properties.ProvisioningState != "Deleting" {
		t.Fatalf("a resource group being deleted is Deleting, got %s", *g.Properties.ProvisioningState)
	}

	runRules(t, sim, []ruleCase{
		{name: "WriteDuringOperation", code: "AnotherOperationInProgress", status: 409, do: func() error {
			_, err := pips.BeginCreateOrUpdate(ctx, rg, "pip-slow",
				azPIPBody(armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic), nil)
			return err
		}},
		{name: "DeleteDuringOperation", code: "AnotherOperationInProgress", status: 409, do: func() error {
			_, err := pips.BeginDelete(ctx, rg, "pip-slow", nil)
			return err
		}},
		{name: "WriteIntoGroupBeingDeleted", code: "ResourceGroupBeingDeleted", status: 409, do: func() error {
			_, err := c.net.NewVirtualNetworksClient().BeginCreateOrUpdate(ctx, "rg-doomed", "vnet2", azVnetBody("10.52.0.0/16", nil), nil)
			return err
		}},
		{name: "UpdateGroupBeingDeleted", code: "ResourceGroupBeingDeleted", status: 409, do: func() error {
			_, err := c.groups.CreateOrUpdate(ctx, "rg-doomed", armresources.ResourceGroup{Location: to("eastus")}, nil)
			return err
		}},
		{name: "ReferenceStillProvisioning", code: "ReferencedResourceNotProvisioned", status: 400,
			target: "properties.ipConfigurations[0].properties.publicIPAddress.id", do: func() error {
				_, err := c.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "gw",
					azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, subnetID(v.Properties.Subnets, "GatewaySubnet"), pipID), nil)
				return err
			}},
	})
}

// TestDeleteResourceGroup proves that deleting a resource group removes what it holds, and
// only that.
func TestDeleteResourceGroup(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	c := newAzure(t, sim, "azure")
	for _, rg := range []string{"rg-gone", "rg-kept"} {
		azGroup(t, c, rg)
		v := azVnet(t, c, rg, "vnet", "10.60.0.0/16", map[string]string{"workload": "10.60.1.0/24"})
		_, err := done(c.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, rg, "nic", azNICBody(subnetID(v.Properties.Subnets, "workload")), nil))
		must(t, err)
		azPIP(t, c, rg, "pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	}
	_, err := done(c.groups.BeginDelete(ctx, "rg-gone", nil))
	must(t, err)
	for _, r := range snapshot(t, sim) {
		if strings.Contains(strings.ToLower(r.ID), "/resourcegroups/rg-gone") {
			t.Errorf("still stored after its resource group was deleted: %s", r.ID)
		}
	}
	if n := len(snapshot(t, sim)); n != 5 { // rg-kept, vnet, subnet, nic, pip
		t.Errorf("the other resource group should keep its 5 resources, armsim holds %d", n)
	}
	_, err = c.groups.Get(ctx, "rg-gone", nil)
	wantCode(t, err, "ResourceGroupNotFound", 404)
	_, err = c.net.NewVirtualNetworksClient().Get(ctx, "rg-gone", "vnet", nil)
	wantCode(t, err, "ResourceGroupNotFound", 404)
	// the deleted group's public IP address went back to the pool: a new one gets it
	kept, err := c.net.NewPublicIPAddressesClient().Get(ctx, "rg-kept", "pip", nil)
	must(t, err)
	azGroup(t, c, "rg-gone")
	again := azPIP(t, c, "rg-gone", "pip", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	if *again.Properties.IPAddress == *kept.Properties.IPAddress {
		t.Fatalf("two public IPs share %s", *kept.Properties.IPAddress)
	}
}
