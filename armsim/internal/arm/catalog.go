package arm

import (
	"slices"
	"strings"
)

// What each kind of cloud offers: its regions' descriptions, its VM sizes and its marketplace
// images. One catalogue serves both the read endpoints (locations, vmSizes, image lists) and
// the rules of a VM PUT, so that what a list says is offered is exactly what a PUT accepts.
// Every location of a cloud offers the same sizes and images (a known difference: Azure's
// vary by region).

// region describes an Azure region as Subscriptions_ListLocations does.
type region struct {
	display, geography, group, physical, lat, long, paired string
}

// regions are Azure's public regions armsim knows the description of, from
// Subscriptions_ListLocations (2022-12-01). A configured location not listed here is
// described by its name only, as a stamp's region is.
var regions = map[string]region{
	"eastus":             {"East US", "United States", "US", "Virginia", "37.3719", "-79.8164", "westus"},
	"eastus2":            {"East US 2", "United States", "US", "Virginia", "36.6681", "-78.3889", "centralus"},
	"westus":             {"West US", "United States", "US", "California", "37.783", "-122.417", "eastus"},
	"westus2":            {"West US 2", "United States", "US", "Washington", "47.233", "-119.852", "westcentralus"},
	"westus3":            {"West US 3", "United States", "US", "Phoenix", "33.448376", "-112.074036", "eastus"},
	"centralus":          {"Central US", "United States", "US", "Iowa", "41.5908", "-93.6208", "eastus2"},
	"southcentralus":     {"South Central US", "United States", "US", "Texas", "29.4167", "-98.5", "northcentralus"},
	"northeurope":        {"North Europe", "Europe", "Europe", "Ireland", "53.3478", "-6.2597", "westeurope"},
	"westeurope":         {"West Europe", "Europe", "Europe", "Netherlands", "52.3667", "4.9", "northeurope"},
	"uksouth":            {"UK South", "United Kingdom", "UK", "London", "50.941", "-0.799", "ukwest"},
	"francecentral":      {"France Central", "France", "Europe", "Paris", "46.3772", "2.373", "francesouth"},
	"germanywestcentral": {"Germany West Central", "Germany", "Europe", "Frankfurt", "50.110924", "8.682127", "germanynorth"},
	"swedencentral":      {"Sweden Central", "Sweden", "Europe", "Gävle", "60.67488", "17.14127", "swedensouth"},
	"japaneast":          {"Japan East", "Japan", "Asia Pacific", "Tokyo, Saitama", "35.68", "139.77", "japanwest"},
	"australiaeast":      {"Australia East", "Australia", "Asia Pacific", "New South Wales", "-33.86", "151.2094", "australiasoutheast"},
	"southeastasia":      {"Southeast Asia", "Asia Pacific", "Asia Pacific", "Singapore", "1.283", "103.833", "eastasia"},
	"canadacentral":      {"Canada Central", "Canada", "Canada", "Toronto", "43.653", "-79.383", "canadaeast"},
}

// vmSize is one VM size as VirtualMachineSizes_List describes it.
type vmSize struct {
	name                                   string
	cores, memoryMB, resourceDiskMB, disks int
}

// osDiskSizeMB is the OS disk size every size allows (1023 GiB), as both clouds answer.
const osDiskSizeMB = 1047552

// vmSizes are the sizes each kind of cloud offers. Azure's: the general-purpose B, Av2,
// Dv2, Dv3, Dsv3, Dv5, Dsv5, memory-optimised Ev5, Esv5 and compute-optimised Fsv2 sizes of
// the Azure VM size docs (A-series v1 and Basic A were retired in 2024). Azure Stack Hub's:
// every size of "VM sizes supported in Azure Stack Hub" (2102 and later), memory and temp
// storage converted from GiB; no B, v4, v5 or later series.
var vmSizes = map[CloudKind][]vmSize{
	Azure: {
		{"Standard_B1ls", 1, 512, 4096, 2}, {"Standard_B1s", 1, 1024, 4096, 2}, {"Standard_B1ms", 1, 2048, 4096, 2},
		{"Standard_B2s", 2, 4096, 8192, 4}, {"Standard_B2ms", 2, 8192, 16384, 4}, {"Standard_B4ms", 4, 16384, 32768, 8},
		{"Standard_B8ms", 8, 32768, 65536, 16},
		{"Standard_A1_v2", 1, 2048, 10240, 2}, {"Standard_A2_v2", 2, 4096, 20480, 4}, {"Standard_A4_v2", 4, 8192, 40960, 8},
		{"Standard_A8_v2", 8, 16384, 81920, 16}, {"Standard_A2m_v2", 2, 16384, 20480, 4}, {"Standard_A4m_v2", 4, 32768, 40960, 8},
		{"Standard_A8m_v2", 8, 65536, 81920, 16},
		{"Standard_D1_v2", 1, 3584, 51200, 4}, {"Standard_D2_v2", 2, 7168, 102400, 8}, {"Standard_D3_v2", 4, 14336, 204800, 16},
		{"Standard_D4_v2", 8, 28672, 409600, 32}, {"Standard_DS1_v2", 1, 3584, 7168, 4}, {"Standard_DS2_v2", 2, 7168, 14336, 8},
		{"Standard_DS3_v2", 4, 14336, 28672, 16},
		{"Standard_D2_v3", 2, 8192, 51200, 4}, {"Standard_D4_v3", 4, 16384, 102400, 8}, {"Standard_D8_v3", 8, 32768, 204800, 16},
		{"Standard_D16_v3", 16, 65536, 409600, 32},
		{"Standard_D2s_v3", 2, 8192, 16384, 4}, {"Standard_D4s_v3", 4, 16384, 32768, 8}, {"Standard_D8s_v3", 8, 32768, 65536, 16},
		{"Standard_D16s_v3", 16, 65536, 131072, 32},
		{"Standard_D2_v5", 2, 8192, 0, 4}, {"Standard_D4_v5", 4, 16384, 0, 8}, {"Standard_D8_v5", 8, 32768, 0, 16},
		{"Standard_D16_v5", 16, 65536, 0, 32}, {"Standard_D32_v5", 32, 131072, 0, 32}, {"Standard_D64_v5", 64, 262144, 0, 32},
		{"Standard_D2s_v5", 2, 8192, 0, 4}, {"Standard_D4s_v5", 4, 16384, 0, 8}, {"Standard_D8s_v5", 8, 32768, 0, 16},
		{"Standard_D16s_v5", 16, 65536, 0, 32},
		{"Standard_E2_v5", 2, 16384, 0, 4}, {"Standard_E4_v5", 4, 32768, 0, 8}, {"Standard_E8_v5", 8, 65536, 0, 16},
		{"Standard_E16_v5", 16, 131072, 0, 32}, {"Standard_E32_v5", 32, 262144, 0, 32}, {"Standard_E64_v5", 64, 524288, 0, 32},
		{"Standard_E2s_v5", 2, 16384, 0, 4}, {"Standard_E4s_v5", 4, 32768, 0, 8}, {"Standard_E8s_v5", 8, 65536, 0, 16},
		{"Standard_F2s_v2", 2, 4096, 16384, 4}, {"Standard_F4s_v2", 4, 8192, 32768, 8}, {"Standard_F8s_v2", 8, 16384, 65536, 16},
		{"Standard_F16s_v2", 16, 32768, 131072, 32}, {"Standard_F32s_v2", 32, 65536, 262144, 32},
	},
	AzureStackHub: {
		{"Basic_A0", 1, 768, 20480, 1}, {"Basic_A1", 1, 1792, 40960, 2}, {"Basic_A2", 2, 3584, 61440, 4},
		{"Basic_A3", 4, 7168, 122880, 8}, {"Basic_A4", 8, 14336, 245760, 16},
		{"Standard_A0", 1, 768, 20480, 1}, {"Standard_A1", 1, 1792, 71680, 2}, {"Standard_A2", 2, 3584, 138240, 4},
		{"Standard_A3", 4, 7168, 291840, 8}, {"Standard_A4", 8, 14336, 619520, 16}, {"Standard_A5", 2, 14336, 138240, 4},
		{"Standard_A6", 4, 28672, 291840, 8}, {"Standard_A7", 8, 57344, 619520, 16},
		{"Standard_A1_v2", 1, 2048, 10240, 2}, {"Standard_A2_v2", 2, 4096, 20480, 4}, {"Standard_A4_v2", 4, 8192, 40960, 8},
		{"Standard_A8_v2", 8, 16384, 81920, 16}, {"Standard_A2m_v2", 2, 16384, 20480, 4}, {"Standard_A4m_v2", 4, 32768, 40960, 8},
		{"Standard_A8m_v2", 8, 65536, 81920, 16},
		{"Standard_D1", 1, 3584, 51200, 4}, {"Standard_D2", 2, 7168, 102400, 8}, {"Standard_D3", 4, 14336, 204800, 16},
		{"Standard_D4", 8, 28672, 409600, 32},
		{"Standard_DS1", 1, 3584, 7168, 4}, {"Standard_DS2", 2, 7168, 14336, 8}, {"Standard_DS3", 4, 14336, 28672, 16},
		{"Standard_DS4", 8, 28672, 57344, 32},
		{"Standard_D1_v2", 1, 3584, 51200, 4}, {"Standard_D2_v2", 2, 7168, 102400, 8}, {"Standard_D3_v2", 4, 14336, 204800, 16},
		{"Standard_D4_v2", 8, 28672, 409600, 32}, {"Standard_D5_v2", 16, 57344, 819200, 64},
		{"Standard_DS1_v2", 1, 3584, 7168, 4}, {"Standard_DS2_v2", 2, 7168, 14336, 8}, {"Standard_DS3_v2", 4, 14336, 28672, 16},
		{"Standard_DS4_v2", 8, 28672, 57344, 32}, {"Standard_DS5_v2", 16, 57344, 114688, 64},
		{"Standard_F1", 1, 2048, 16384, 4}, {"Standard_F2", 2, 4096, 32768, 8}, {"Standard_F4", 4, 8192, 65536, 16},
		{"Standard_F8", 8, 16384, 131072, 32}, {"Standard_F16", 16, 32768, 262144, 64},
		{"Standard_F1s", 1, 2048, 4096, 4}, {"Standard_F2s", 2, 4096, 8192, 8}, {"Standard_F4s", 4, 8192, 16384, 16},
		{"Standard_F8s", 8, 16384, 32768, 32}, {"Standard_F16s", 16, 32768, 65536, 64},
		{"Standard_F2s_v2", 2, 4096, 16384, 4}, {"Standard_F4s_v2", 4, 8192, 32768, 8}, {"Standard_F8s_v2", 8, 16384, 65536, 16},
		{"Standard_F16s_v2", 16, 32768, 131072, 32}, {"Standard_F32s_v2", 32, 65536, 262144, 32}, {"Standard_F64s_v2", 64, 131072, 524288, 32},
		{"Standard_D11", 2, 14336, 102400, 8}, {"Standard_D12", 4, 28672, 204800, 16}, {"Standard_D13", 8, 57344, 409600, 32},
		{"Standard_D14", 16, 114688, 819200, 64},
		{"Standard_DS11", 2, 14336, 28672, 8}, {"Standard_DS12", 4, 28672, 57344, 16}, {"Standard_DS13", 8, 57344, 114688, 32},
		{"Standard_DS14", 16, 114688, 229376, 64},
		{"Standard_D11_v2", 2, 14336, 102400, 8}, {"Standard_D12_v2", 4, 28672, 204800, 16}, {"Standard_D13_v2", 8, 57344, 409600, 32},
		{"Standard_D14_v2", 16, 114688, 819200, 64},
		{"Standard_DS11_v2", 2, 14336, 28672, 8}, {"Standard_DS12_v2", 4, 28672, 57344, 16}, {"Standard_DS13_v2", 8, 57344, 114688, 32},
		{"Standard_DS14_v2", 16, 114688, 229376, 64},
		{"Standard_D2_v3", 2, 8192, 51200, 4}, {"Standard_D4_v3", 4, 16384, 102400, 8}, {"Standard_D8_v3", 8, 32768, 204800, 16},
		{"Standard_D16_v3", 16, 65536, 409600, 32}, {"Standard_D32_v3", 32, 131072, 819200, 32},
		{"Standard_DS11-1_v2", 1, 14336, 28672, 8}, {"Standard_DS12-1_v2", 1, 28672, 57344, 16}, {"Standard_DS12-2_v2", 2, 28672, 57344, 16},
		{"Standard_DS13-2_v2", 2, 57344, 114688, 32}, {"Standard_DS13-4_v2", 4, 57344, 114688, 32},
		{"Standard_DS14-4_v2", 4, 114688, 229376, 64}, {"Standard_DS14-8_v2", 8, 114688, 229376, 64},
		{"Standard_E2_v3", 2, 16384, 51200, 4}, {"Standard_E4_v3", 4, 32768, 102400, 8}, {"Standard_E8_v3", 8, 65536, 204800, 16},
		{"Standard_E16_v3", 16, 131072, 409600, 32},
	},
}

// offersSize reports whether a kind of cloud offers a VM size; ARM compares size names
// case-insensitively.
func offersSize(k CloudKind, name string) bool {
	return slices.ContainsFunc(vmSizes[k], func(s vmSize) bool { return strings.EqualFold(s.name, name) })
}

// image is one marketplace image SKU with its versions, oldest first.
type image struct {
	publisher, offer, sku string
	// gen2 images boot Hyper-V generation 2 VMs, which Azure Stack Hub does not run.
	gen2     bool
	windows  bool
	versions []string
}

// images are each kind of cloud's marketplace images. Azure's: a few current Canonical and
// Windows Server images, among them every image the suite's examples and tests use.
// Azure Stack Hub's: what an operator typically downloads to a stamp's marketplace, all of
// generation 1 (Azure Stack Hub runs generation 1 VMs only); a real stamp has exactly what
// its operator downloaded, and none by default.
var images = map[CloudKind][]image{
	Azure: {
		{"Canonical", "ubuntu-24_04-lts", "server", true, false, []string{"24.04.202404230", "24.04.202409120", "24.04.202502210"}},
		{"Canonical", "ubuntu-24_04-lts", "server-gen1", false, false, []string{"24.04.202404230", "24.04.202409120", "24.04.202502210"}},
		{"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", false, false, []string{"22.04.202401120", "22.04.202404230", "22.04.202409170"}},
		{"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", true, false, []string{"22.04.202401120", "22.04.202404230", "22.04.202409170"}},
		{"Canonical", "0001-com-ubuntu-server-focal", "20_04-lts-gen2", true, false, []string{"20.04.202308310", "20.04.202404220"}},
		{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition", true, true, []string{"20348.2402.240405", "20348.2700.240911"}},
		{"MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", false, true, []string{"17763.5696.240406", "17763.6293.240905"}},
	},
	AzureStackHub: {
		{"Canonical", "UbuntuServer", "16.04-LTS", false, false, []string{"16.04.202104290"}},
		{"Canonical", "UbuntuServer", "18.04-LTS", false, false, []string{"18.04.202303080", "18.04.202306070"}},
		{"Canonical", "0001-com-ubuntu-server-focal", "20_04-lts", false, false, []string{"20.04.202308310", "20.04.202404220"}},
		{"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", false, false, []string{"22.04.202401120", "22.04.202404230"}},
		{"MicrosoftWindowsServer", "WindowsServer", "2016-Datacenter", false, true, []string{"14393.6897.240404"}},
		{"MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", false, true, []string{"17763.5696.240406"}},
	},
}

// findImage returns a kind of cloud's image SKU, compared case-insensitively as ARM does.
func findImage(k CloudKind, publisher, offer, sku string) *image {
	for i, img := range images[k] {
		if strings.EqualFold(img.publisher, publisher) && strings.EqualFold(img.offer, offer) && strings.EqualFold(img.sku, sku) {
			return &images[k][i]
		}
	}
	return nil
}

// offersImage reports whether a kind of cloud has an image version ("latest" or "" for
// its newest).
func offersImage(k CloudKind, ref *ImageReference) bool {
	img := findImage(k, ref.Publisher, ref.Offer, ref.SKU)
	return img != nil && (ref.Version == "" || strings.EqualFold(ref.Version, "latest") || slices.Contains(img.versions, ref.Version))
}
