package deployrules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Secrets of the valid spec, distinctive enough that a finding quoting one is caught.
const (
	linuxPassword   = "Hybr1d-Link!pw"
	windowsPassword = "Hybr1d-Win#pw9"
	sharedKey       = "s3cret-Shared-Key-0042"
)

// clouds is the default configuration: azure (eastus) and azure-stack-hub (local).
var clouds = cloud.Default("").Clouds

// valid returns a valid Azure <-> Azure Stack Hub deployment: a Linux VM with a password on
// Azure, a Windows VM and a Linux VM with an SSH key on the stamp.
func valid() *orchestratorv1.Deployment {
	return &orchestratorv1.Deployment{Spec: &orchestratorv1.DeploymentSpec{
		Sites: []*orchestratorv1.Site{
			{
				Name: "hub", Cloud: "azure", Location: "eastus", ResourceGroup: "hybridlink-hub",
				AddressPrefixes:      []string{"10.1.0.0/16"},
				WorkloadSubnetPrefix: "10.1.1.0/24", GatewaySubnetPrefix: "10.1.255.0/27",
				GatewaySku: "VpnGw1",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{{
					Name: "hub-vm1", Size: "Standard_B2s",
					ImagePublisher: "Canonical", ImageOffer: "ubuntu-24_04-lts", ImageSku: "server",
					AdminUsername: "azureuser", AdminPassword: linuxPassword,
				}},
			},
			{
				Name: "stack", Cloud: "azure-stack-hub", ResourceGroup: "hybridlink-stack",
				AddressPrefixes:      []string{"10.2.0.0/16", "172.16.0.0/24"},
				WorkloadSubnetPrefix: "10.2.1.0/24", GatewaySubnetPrefix: "10.2.255.0/28",
				VirtualMachines: []*orchestratorv1.VirtualMachineSpec{
					{
						Name: "stack-win1", Size: "Standard_A2_v2",
						ImagePublisher: "MicrosoftWindowsServer", ImageOffer: "WindowsServer", ImageSku: "2019-Datacenter",
						ImageVersion: "17763.1.2", AdminUsername: "hladmin", AdminPassword: windowsPassword,
					},
					{
						Name: "stack-vm2", Size: "Standard_A2_v2",
						ImagePublisher: "Canonical", ImageOffer: "UbuntuServer", ImageSku: "18.04-LTS", ImageVersion: "latest",
						AdminUsername: "azureuser", SshPublicKeys: []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@host"},
					},
				},
			},
		},
		Connection: &orchestratorv1.ConnectionSpec{SharedKey: sharedKey},
	}}
}

// policy returns a custom policy both clouds accept.
func policy() *gatewayv1.IpsecPolicy {
	return &gatewayv1.IpsecPolicy{
		IkeEncryption: "AES256", IkeIntegrity: "SHA256", DhGroup: "DHGroup14",
		IpsecEncryption: "AES256", IpsecIntegrity: "SHA256", PfsGroup: "PFS2048",
		SaLifetimeSeconds: 3600, SaDataSizeKilobytes: 102400000,
	}
}

// input is what Validate is given.
type input struct {
	d  *orchestratorv1.Deployment
	id string
}

func (in *input) site(i int) *orchestratorv1.Site { return in.d.Spec.Sites[i] }

func (in *input) vm(site, vm int) *orchestratorv1.VirtualMachineSpec {
	return in.d.Spec.Sites[site].VirtualMachines[vm]
}

// withPolicy sets a valid custom policy and lets change alter it.
func withPolicy(change func(p *gatewayv1.IpsecPolicy)) func(in *input) {
	return func(in *input) {
		p := policy()
		change(p)
		in.d.Spec.Connection.IpsecPolicy = p
	}
}

// badCases each break one rule of the valid deployment; field is what the finding must name.
var badCases = []struct {
	name   string
	mutate func(in *input)
	field  string
}{
	{"empty deployment id", func(in *input) { in.id = "" }, "deployment_id"},
	{"upper-case deployment id", func(in *input) { in.id = "Demo" }, "deployment_id"},
	{"deployment id starting with a digit", func(in *input) { in.id = "1demo" }, "deployment_id"},
	{"deployment id of 64 characters", func(in *input) { in.id = "d" + strings.Repeat("x", 63) }, "deployment_id"},
	{"deployment id with '_'", func(in *input) { in.id = "my_demo" }, "deployment_id"},
	{"no deployment", func(in *input) { in.d = nil }, "deployment"},
	{"no spec", func(in *input) { in.d.Spec = nil }, "deployment.spec"},
	{"one site", func(in *input) { in.d.Spec.Sites = in.d.Spec.Sites[:1] }, "deployment.spec.sites"},
	{"a key rotated every minute", func(in *input) { in.d.Spec.Connection.RotateEvery = durationpb.New(time.Minute) }, "deployment.spec.connection.rotate_every"},
	{"a key rotated every two years", func(in *input) { in.d.Spec.Connection.RotateEvery = durationpb.New(2 * 366 * 24 * time.Hour) }, "deployment.spec.connection.rotate_every"},
	{"an unknown drift policy", func(in *input) { in.d.Spec.DriftPolicy = 9 }, "deployment.spec.drift_policy"},
	{"two spokes on one stamp", func(in *input) {
		third := proto.Clone(in.site(1)).(*orchestratorv1.Site)
		third.Name, third.AddressPrefixes = "third", []string{"10.3.0.0/16"}
		third.WorkloadSubnetPrefix, third.GatewaySubnetPrefix = "10.3.1.0/24", "10.3.255.0/27"
		in.d.Spec.Sites = append(in.d.Spec.Sites, third)
	}, "deployment.spec.sites[2].cloud"},
	{"same site names", func(in *input) { in.site(1).Name = "hub" }, "deployment.spec.sites[1].name"},
	{"empty site name", func(in *input) { in.site(0).Name = "" }, "deployment.spec.sites[0].name"},
	{"site name of 17 characters", func(in *input) { in.site(0).Name = strings.Repeat("h", 17) }, "deployment.spec.sites[0].name"},
	{"upper-case site name", func(in *input) { in.site(1).Name = "Stack" }, "deployment.spec.sites[1].name"},
	{"no cloud", func(in *input) { in.site(0).Cloud = "" }, "deployment.spec.sites[0].cloud"},
	{"unknown cloud", func(in *input) { in.site(1).Cloud = "stamp2" }, "deployment.spec.sites[1].cloud"},
	{"location with spaces", func(in *input) { in.site(0).Location = "East US" }, "deployment.spec.sites[0].location"},
	{"location not the stamp's region", func(in *input) { in.site(1).Location = "westus" }, "deployment.spec.sites[1].location"},
	{"no resource group", func(in *input) { in.site(0).ResourceGroup = "" }, "deployment.spec.sites[0].resource_group"},
	{"resource group ending in '.'", func(in *input) { in.site(1).ResourceGroup = "rg." }, "deployment.spec.sites[1].resource_group"},
	{"resource group with '/'", func(in *input) { in.site(0).ResourceGroup = "rg/x" }, "deployment.spec.sites[0].resource_group"},
	{"no address space", func(in *input) { in.site(0).AddressPrefixes = nil }, "deployment.spec.sites[0].address_prefixes"},
	{"address prefix without length", func(in *input) { in.site(0).AddressPrefixes = []string{"10.1.0.0"} }, "deployment.spec.sites[0].address_prefixes[0]"},
	{"address prefix with host bits", func(in *input) { in.site(0).AddressPrefixes = []string{"10.1.0.1/16"} }, "deployment.spec.sites[0].address_prefixes[0]"},
	{"IPv6 address prefix", func(in *input) { in.site(0).AddressPrefixes = []string{"10.1.0.0/16", "fd00::/48"} }, "deployment.spec.sites[0].address_prefixes[1]"},
	{"overlap within a site", func(in *input) { in.site(0).AddressPrefixes = []string{"10.1.0.0/16", "10.1.128.0/17"} }, "deployment.spec.sites[0].address_prefixes[1]"},
	{"overlap between sites", func(in *input) { in.site(1).AddressPrefixes[1] = "10.1.128.0/20" }, "deployment.spec.sites[1].address_prefixes[1]"},
	{"same space on both sites", func(in *input) {
		in.site(1).AddressPrefixes = []string{"10.1.0.0/16"}
		in.site(1).WorkloadSubnetPrefix, in.site(1).GatewaySubnetPrefix = "10.1.1.0/24", "10.1.255.0/27"
	}, "deployment.spec.sites[1].address_prefixes[0]"},
	{"link-local address space", func(in *input) { in.site(1).AddressPrefixes[1] = "169.254.0.0/16" }, "deployment.spec.sites[1].address_prefixes[1]"},
	{"no workload subnet", func(in *input) { in.site(0).WorkloadSubnetPrefix = "" }, "deployment.spec.sites[0].workload_subnet_prefix"},
	{"workload subnet outside the space", func(in *input) { in.site(0).WorkloadSubnetPrefix = "10.9.1.0/24" }, "deployment.spec.sites[0].workload_subnet_prefix"},
	{"workload subnet with host bits", func(in *input) { in.site(1).WorkloadSubnetPrefix = "10.2.1.5/24" }, "deployment.spec.sites[1].workload_subnet_prefix"},
	{"workload subnet /30", func(in *input) { in.site(0).WorkloadSubnetPrefix = "10.1.1.0/30" }, "deployment.spec.sites[0].workload_subnet_prefix"},
	{"workload subnet larger than the space", func(in *input) { in.site(0).WorkloadSubnetPrefix = "10.0.0.0/8" }, "deployment.spec.sites[0].workload_subnet_prefix"},
	{"no GatewaySubnet", func(in *input) { in.site(1).GatewaySubnetPrefix = "" }, "deployment.spec.sites[1].gateway_subnet_prefix"},
	{"GatewaySubnet /30", func(in *input) { in.site(0).GatewaySubnetPrefix = "10.1.255.0/30" }, "deployment.spec.sites[0].gateway_subnet_prefix"},
	{"GatewaySubnet outside the space", func(in *input) { in.site(1).GatewaySubnetPrefix = "10.1.255.0/27" }, "deployment.spec.sites[1].gateway_subnet_prefix"},
	{"GatewaySubnet not a prefix", func(in *input) { in.site(0).GatewaySubnetPrefix = "GatewaySubnet" }, "deployment.spec.sites[0].gateway_subnet_prefix"},
	{"GatewaySubnet overlapping the workload subnet", func(in *input) { in.site(0).GatewaySubnetPrefix = "10.1.1.0/27" }, "deployment.spec.sites[0].gateway_subnet_prefix"},
	{"legacy Standard SKU on Azure", func(in *input) { in.site(0).GatewaySku = "Standard" }, "deployment.spec.sites[0].gateway_sku"},
	{"VpnGw4 on Azure Stack Hub", func(in *input) { in.site(1).GatewaySku = "VpnGw4" }, "deployment.spec.sites[1].gateway_sku"},
	{"unknown SKU", func(in *input) { in.site(0).GatewaySku = "UltraFast" }, "deployment.spec.sites[0].gateway_sku"},
	{"BGP on Basic", func(in *input) { in.site(1).GatewaySku, in.site(1).EnableBgp = "Basic", true }, "deployment.spec.sites[1].enable_bgp"},
	{"Azure Basic SKU facing a stamp", func(in *input) { in.site(0).GatewaySku = "Basic" }, "deployment.spec.sites[0].gateway_sku"},
	{"custom policy on a Fast Path SKU", func(in *input) {
		in.site(1).GatewaySku = "VpnGw1"
		in.d.Spec.Connection.IpsecPolicy = policy()
	}, "deployment.spec.sites[1].gateway_sku"},
	{"empty VM name", func(in *input) { in.vm(0, 0).Name = "" }, "deployment.spec.sites[0].virtual_machines[0].name"},
	{"VM name starting with '-'", func(in *input) { in.vm(0, 0).Name = "-vm" }, "deployment.spec.sites[0].virtual_machines[0].name"},
	{"VM name of 65 characters", func(in *input) { in.vm(0, 0).Name = strings.Repeat("v", 65) }, "deployment.spec.sites[0].virtual_machines[0].name"},
	{"Windows VM name of 16 characters", func(in *input) { in.vm(1, 0).Name = strings.Repeat("w", 16) }, "deployment.spec.sites[1].virtual_machines[0].name"},
	{"Windows VM name of digits only", func(in *input) { in.vm(1, 0).Name = "12345" }, "deployment.spec.sites[1].virtual_machines[0].name"},
	{"VM names differing in case only", func(in *input) { in.vm(1, 1).Name = "STACK-WIN1" }, "deployment.spec.sites[1].virtual_machines[1].name"},
	{"no VM size", func(in *input) { in.vm(0, 0).Size = "" }, "deployment.spec.sites[0].virtual_machines[0].size"},
	{"VM size without tier", func(in *input) { in.vm(0, 0).Size = "B2s" }, "deployment.spec.sites[0].virtual_machines[0].size"},
	{"no image publisher", func(in *input) { in.vm(0, 0).ImagePublisher = "" }, "deployment.spec.sites[0].virtual_machines[0].image_publisher"},
	{"no image offer", func(in *input) { in.vm(1, 1).ImageOffer = "" }, "deployment.spec.sites[1].virtual_machines[1].image_offer"},
	{"no image sku", func(in *input) { in.vm(1, 0).ImageSku = "" }, "deployment.spec.sites[1].virtual_machines[0].image_sku"},
	{"bad image version", func(in *input) { in.vm(0, 0).ImageVersion = "v1" }, "deployment.spec.sites[0].virtual_machines[0].image_version"},
	{"no admin user name", func(in *input) { in.vm(0, 0).AdminUsername = "" }, "deployment.spec.sites[0].virtual_machines[0].admin_username"},
	{"reserved admin user name", func(in *input) { in.vm(0, 0).AdminUsername = "Root" }, "deployment.spec.sites[0].virtual_machines[0].admin_username"},
	{"admin user name starting with '.'", func(in *input) { in.vm(1, 1).AdminUsername = ".ops" }, "deployment.spec.sites[1].virtual_machines[1].admin_username"},
	{"Windows admin user name of 21 characters", func(in *input) { in.vm(1, 0).AdminUsername = strings.Repeat("o", 21) }, "deployment.spec.sites[1].virtual_machines[0].admin_username"},
	{"no password nor key", func(in *input) { in.vm(0, 0).AdminPassword = "" }, "deployment.spec.sites[0].virtual_machines[0].admin_password"},
	{"Windows VM without password", func(in *input) { in.vm(1, 0).AdminPassword = "" }, "deployment.spec.sites[1].virtual_machines[0].admin_password"},
	{"short Linux password", func(in *input) { in.vm(0, 0).AdminPassword = "Ab1!x" }, "deployment.spec.sites[0].virtual_machines[0].admin_password"},
	{"Linux password of one class", func(in *input) { in.vm(0, 0).AdminPassword = "onlylowercaseletters" }, "deployment.spec.sites[0].virtual_machines[0].admin_password"},
	{"Linux password of 73 characters", func(in *input) { in.vm(0, 0).AdminPassword = "Aa1!" + strings.Repeat("q", 69) }, "deployment.spec.sites[0].virtual_machines[0].admin_password"},
	{"short Windows password", func(in *input) { in.vm(1, 0).AdminPassword = "Wi7!pwd" }, "deployment.spec.sites[1].virtual_machines[0].admin_password"},
	{"password with a control character", func(in *input) { in.vm(0, 0).AdminPassword = "Hybr1d\x07Link" }, "deployment.spec.sites[0].virtual_machines[0].admin_password"},
	{"more VMs than the workload subnet holds", func(in *input) {
		in.site(1).WorkloadSubnetPrefix = "10.2.1.0/29" // 8 addresses, 5 of them Azure's
		for _, name := range []string{"stack-vm3", "stack-vm4"} {
			vm := proto.Clone(in.vm(1, 1)).(*orchestratorv1.VirtualMachineSpec)
			vm.Name = name
			in.site(1).VirtualMachines = append(in.site(1).VirtualMachines, vm)
		}
	}, "deployment.spec.sites[1].virtual_machines"},
	{"a site of 2000 VMs", func(in *input) {
		for i := range 2000 {
			vm := proto.Clone(in.vm(0, 0)).(*orchestratorv1.VirtualMachineSpec)
			vm.Name = fmt.Sprintf("vm%d", i)
			in.site(0).VirtualMachines = append(in.site(0).VirtualMachines, vm)
		}
	}, "deployment.spec.sites[0].virtual_machines"},
	{"image offer of a megabyte", func(in *input) { in.vm(0, 0).ImageOffer = strings.Repeat("o", 1<<20) }, "deployment.spec.sites[0].virtual_machines[0].image_offer"},
	{"deployment id of a megabyte", func(in *input) { in.id = strings.Repeat("d", 1<<20) }, "deployment_id"},
	{"SSH key of another format", func(in *input) { in.vm(1, 1).SshPublicKeys = []string{"AAAAB3NzaC1yc2E"} }, "deployment.spec.sites[1].virtual_machines[1].ssh_public_keys[0]"},
	{"SSH key on a Windows VM", func(in *input) { in.vm(1, 0).SshPublicKeys = []string{"ssh-rsa AAAA"} }, "deployment.spec.sites[1].virtual_machines[0].ssh_public_keys"},
	{"shared key of 129 characters", func(in *input) { in.d.Spec.Connection.SharedKey = strings.Repeat("k", 129) }, "deployment.spec.connection.shared_key"},
	{"shared key with a tab", func(in *input) { in.d.Spec.Connection.SharedKey = "tabbed\tsecret-key" }, "deployment.spec.connection.shared_key"},
	{"shared key not ASCII", func(in *input) { in.d.Spec.Connection.SharedKey = "clé-secrète-partagée" }, "deployment.spec.connection.shared_key"},
	{"shared key of three spaces", func(in *input) { in.d.Spec.Connection.SharedKey = "   " }, "deployment.spec.connection.shared_key"},
	{"shared key with a leading space", func(in *input) { in.d.Spec.Connection.SharedKey = " " + sharedKey }, "deployment.spec.connection.shared_key"},
	{"shared key with a trailing space", func(in *input) { in.d.Spec.Connection.SharedKey = sharedKey + " " }, "deployment.spec.connection.shared_key"},
	{"shared key with a line break", func(in *input) { in.d.Spec.Connection.SharedKey = sharedKey + "\r\n" }, "deployment.spec.connection.shared_key"},
	{"GCMAES IKE encryption with a stamp", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.IkeEncryption = "GCMAES256" }), "deployment.spec.connection.ipsec_policy.ike_encryption"},
	{"unknown IKE integrity", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.IkeIntegrity = "SHA512" }), "deployment.spec.connection.ipsec_policy.ike_integrity"},
	{"unknown DH group", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.DhGroup = "DHGroup5" }), "deployment.spec.connection.ipsec_policy.dh_group"},
	{"empty IPsec encryption", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.IpsecEncryption = "" }), "deployment.spec.connection.ipsec_policy.ipsec_encryption"},
	{"PFS14 with a stamp", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.PfsGroup = "PFS14" }), "deployment.spec.connection.ipsec_policy.pfs_group"},
	{"GCMAES encryption with SHA integrity", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.IpsecEncryption = "GCMAES256" }), "deployment.spec.connection.ipsec_policy.ipsec_integrity"},
	{"GCMAES integrity with AES encryption", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.IpsecIntegrity = "GCMAES128" }), "deployment.spec.connection.ipsec_policy.ipsec_encryption"},
	{"SA lifetime too short", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.SaLifetimeSeconds = 299 }), "deployment.spec.connection.ipsec_policy.sa_lifetime_seconds"},
	{"SA lifetime too long", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.SaLifetimeSeconds = 172800 }), "deployment.spec.connection.ipsec_policy.sa_lifetime_seconds"},
	{"SA data size too small", withPolicy(func(p *gatewayv1.IpsecPolicy) { p.SaDataSizeKilobytes = 1023 }), "deployment.spec.connection.ipsec_policy.sa_data_size_kilobytes"},
	{"unknown failure policy", func(in *input) { in.d.Spec.FailurePolicy = 7 }, "deployment.spec.failure_policy"},
}

// bad returns the valid input broken by mutate.
func bad(mutate func(in *input)) *input {
	in := &input{d: valid(), id: "demo"}
	mutate(in)
	return in
}

// secrets are the passwords and shared key of a deployment.
func secrets(d *orchestratorv1.Deployment) []string {
	out := []string{d.GetSpec().GetConnection().GetSharedKey()}
	for _, s := range d.GetSpec().GetSites() {
		for _, vm := range s.GetVirtualMachines() {
			out = append(out, vm.GetAdminPassword())
		}
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

func fields(v apierr.Violations) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.Field
	}
	return out
}

func TestValidateValid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(in *input)
	}{
		{"Azure and Azure Stack Hub", func(*input) {}},
		{"defaults left empty", func(in *input) {
			for _, s := range in.d.Spec.Sites {
				s.Location, s.GatewaySku = "", ""
			}
			in.d.Spec.Connection = nil
		}},
		{"GatewaySubnet /29", func(in *input) { in.site(0).GatewaySubnetPrefix = "10.1.255.0/29" }},
		{"Fast Path SKU on the stamp with BGP", func(in *input) { in.site(1).GatewaySku, in.site(1).EnableBgp = "VpnGw3", true }},
		{"SKU in another case", func(in *input) { in.site(0).GatewaySku = "vpngw2az" }},
		{"custom policy with policy SKUs", func(in *input) {
			in.site(1).GatewaySku = "HighPerformance"
			in.d.Spec.Connection.IpsecPolicy = policy()
		}},
		{"two Azure sites, one Basic", func(in *input) {
			in.site(1).Cloud, in.site(1).Location, in.site(1).GatewaySku = "azure", "westeurope", "VpnGw2"
			in.site(0).GatewaySku = "Basic"
		}},
		{"two Azure sites with a GCMAES IKE policy", func(in *input) {
			in.site(1).Cloud, in.site(1).Location = "azure", "westeurope"
			in.d.Spec.Connection.IpsecPolicy = policy()
			in.d.Spec.Connection.IpsecPolicy.IkeEncryption, in.d.Spec.Connection.IpsecPolicy.IkeIntegrity = "gcmaes256", "GCMAES256"
		}},
		{"two stamps with Basic", func(in *input) {
			in.site(0).Cloud, in.site(0).Location, in.site(0).GatewaySku = "azure-stack-hub", "local", "Basic"
		}},
		{"rollback", func(in *input) { in.d.Spec.FailurePolicy = orchestratorv1.DeploymentSpec_FAILURE_POLICY_ROLLBACK }},
		{"a key rotated every 90 days", func(in *input) { in.d.Spec.Connection.RotateEvery = durationpb.New(90 * 24 * time.Hour) }},
		{"drift repaired", func(in *input) { in.d.Spec.DriftPolicy = orchestratorv1.DeploymentSpec_DRIFT_POLICY_REPAIR }},
		{"no virtual machines", func(in *input) { in.site(0).VirtualMachines, in.site(1).VirtualMachines = nil, nil }},
		{"deployment id of 63 characters", func(in *input) { in.id = "d" + strings.Repeat("-", 62) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := bad(tc.mutate)
			if v := Validate(in.d, in.id, clouds); len(v) != 0 {
				t.Fatalf("findings on a valid deployment: %v", v)
			}
		})
	}
}

func TestValidateBad(t *testing.T) {
	if len(badCases) < 40 {
		t.Fatalf("%d bad cases; at least 40 are required", len(badCases))
	}
	for _, tc := range badCases {
		t.Run(tc.name, func(t *testing.T) {
			in := bad(tc.mutate)
			v := Validate(in.d, in.id, clouds)
			if !slices.Contains(fields(v), tc.field) {
				t.Fatalf("no finding on %s; findings: %v", tc.field, v)
			}
			for _, x := range v {
				if x.Description == "" {
					t.Errorf("finding on %s has no description", x.Field)
				}
				for _, s := range secrets(in.d) {
					if strings.Contains(x.Description, s) {
						t.Errorf("finding on %s quotes a secret: %s", x.Field, x.Description)
					}
				}
			}
		})
	}
}

func TestValidateListsConfiguredClouds(t *testing.T) {
	in := bad(func(in *input) { in.site(1).Cloud = "stamp2" })
	v := Validate(in.d, in.id, clouds)
	if len(v) != 1 || !strings.Contains(v[0].Description, "azure, azure-stack-hub") {
		t.Fatalf("want one finding listing the configured clouds; got %v", v)
	}
}

func TestValidateWithoutClouds(t *testing.T) {
	in := bad(withPolicy(func(p *gatewayv1.IpsecPolicy) { p.IkeEncryption = "GCMAES256" }))
	v := Validate(in.d, in.id, nil)
	want := []string{"deployment.spec.sites[0].cloud", "deployment.spec.sites[1].cloud", "deployment.spec.connection.ipsec_policy.ike_encryption"}
	if got := fields(v); !slices.Equal(got, want) {
		t.Fatalf("got findings on %v; want %v: %v", got, want, v)
	}
	if !strings.Contains(v[0].Description, "configured clouds: none") {
		t.Errorf("the cloud finding does not say that no cloud is configured: %s", v[0].Description)
	}
}

// FuzzValidate runs Validate, Complete and Policies on arbitrary wire bytes of a Deployment:
// none may panic, a valid spec completes, and its sites are within MaxVirtualMachines,
// which the workflow refuses to exceed. Under plain go test it runs the seed corpus only:
// the valid deployment and every bad case.
func FuzzValidate(f *testing.F) {
	seed := func(d *orchestratorv1.Deployment, id string) {
		b, err := proto.Marshal(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, id)
	}
	seed(valid(), "demo")
	for _, tc := range badCases {
		in := bad(tc.mutate)
		seed(in.d, in.id)
	}
	f.Fuzz(func(t *testing.T, b []byte, id string) {
		var d orchestratorv1.Deployment
		if err := proto.Unmarshal(b, &d); err != nil {
			return
		}
		v := Validate(&d, id, clouds)
		Policies(d.GetSpec(), clouds)
		full, err := Complete(d.GetSpec(), clouds)
		if len(v) > 0 {
			return
		}
		if err != nil {
			t.Fatalf("a valid spec does not complete: %v", err)
		}
		for _, site := range full.GetSites() {
			if n := len(site.GetVirtualMachines()); n > MaxVirtualMachines {
				t.Fatalf("a valid spec has a site of %d VMs", n)
			}
		}
	})
}
