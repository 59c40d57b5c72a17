package armsim_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	ashcompute "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	ashresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	ashsubscriptions "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestListLocations lists each cloud's locations with the SDK of its profile: Azure's
// regions with their display names and metadata (2022-12-01), the stamp's one region with
// the 2016-06-01 shape; the current SDK is refused by the stamp.
func TestListLocations(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	azure := tenantClient(t, sim, "azure", armsubscriptions.NewClient)
	stack := tenantClient(t, sim, "azure-stack-hub", ashsubscriptions.NewClient)
	current := tenantClient(t, sim, "azure-stack-hub", armsubscriptions.NewClient)

	var names []string
	for p := azure.NewListLocationsPager(sub, nil); p.More(); {
		page, err := p.NextPage(ctx)
		must(t, err)
		for _, l := range page.Value {
			names = append(names, *l.Name)
			if *l.Name == "westeurope" && (*l.DisplayName != "West Europe" || *l.RegionalDisplayName != "(Europe) West Europe" ||
				*l.ID != "/subscriptions/"+sub+"/locations/westeurope" || *l.Metadata.PairedRegion[0].Name != "northeurope") {
				t.Errorf("westeurope: %+v %+v", l, l.Metadata)
			}
		}
	}
	if len(names) < 12 || !slices.Contains(names, "eastus") || !slices.Contains(names, "northeurope") || slices.Contains(names, "mars") {
		t.Fatalf("Azure's locations: %v", names)
	}

	page, err := stack.NewListLocationsPager(sub, nil).NextPage(ctx)
	must(t, err)
	if len(page.Value) != 1 || *page.Value[0].Name != "local" || *page.Value[0].SubscriptionID != sub {
		t.Fatalf("the stamp's locations: %+v", page.Value)
	}

	_, err = current.NewListLocationsPager(sub, nil).NextPage(ctx)
	wantCode(t, err, "InvalidApiVersionParameter", http.StatusBadRequest)
	if msg := armBody(t, err).Message; !strings.Contains(msg, "'2022-12-01' is invalid") || !strings.Contains(msg, "'2016-06-01'") {
		t.Errorf("message: %s", msg)
	}
}

// TestVMSizes lists each cloud's VM sizes: Azure offers the Ev5 sizes, the stamp its
// documented list without them; a location the cloud lacks is NoRegisteredProviderFound,
// as is the current SDK's api-version on the stamp.
func TestVMSizes(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	azure := sdkClient(t, sim, "azure", armcompute.NewVirtualMachineSizesClient)
	stack := sdkClient(t, sim, "azure-stack-hub", ashcompute.NewVirtualMachineSizesClient)
	current := sdkClient(t, sim, "azure-stack-hub", armcompute.NewVirtualMachineSizesClient)

	page, err := azure.NewListPager("westeurope", nil).NextPage(ctx)
	must(t, err)
	var e64 *armcompute.VirtualMachineSize
	for _, s := range page.Value {
		if *s.Name == "Standard_E64_v5" {
			e64 = s
		}
	}
	if e64 == nil || *e64.NumberOfCores != 64 || *e64.MemoryInMB != 524288 || *e64.OSDiskSizeInMB != 1047552 || *e64.MaxDataDiskCount != 32 {
		t.Fatalf("Azure's Standard_E64_v5: %+v", e64)
	}

	sp, err := stack.NewListPager("local", nil).NextPage(ctx)
	must(t, err)
	var stackSizes []string
	for _, s := range sp.Value {
		stackSizes = append(stackSizes, *s.Name)
	}
	for _, want := range []string{"Standard_A2_v2", "Basic_A1", "Standard_DS2_v2", "Standard_F8s_v2", "Standard_E4_v3"} {
		if !slices.Contains(stackSizes, want) {
			t.Errorf("the stamp does not list %s: %v", want, stackSizes)
		}
	}
	for _, not := range []string{"Standard_E64_v5", "Standard_B2s", "Standard_D2s_v5"} {
		if slices.Contains(stackSizes, not) {
			t.Errorf("the stamp lists %s, which Azure Stack Hub does not offer", not)
		}
	}

	for _, tc := range []struct {
		name string
		do   func() error
		want string // in the message
	}{
		{"AzureMars", func() error { _, err := azure.NewListPager("mars", nil).NextPage(ctx); return err }, "location 'mars'"},
		{"StackEastUS", func() error { _, err := stack.NewListPager("eastus", nil).NextPage(ctx); return err }, "supported locations are 'local'"},
		{"StackCurrentSDK", func() error { _, err := current.NewListPager("local", nil).NextPage(ctx); return err }, "supported api-versions are '2020-06-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			wantCode(t, err, "NoRegisteredProviderFound", http.StatusBadRequest)
			if msg := armBody(t, err).Message; !strings.Contains(msg, tc.want) || !strings.Contains(msg, "'locations/vmSizes'") {
				t.Errorf("message: %s", msg)
			}
		})
	}
}

// TestVMImages reads each cloud's marketplace: publishers, offers, SKUs, versions and one
// version; what a cloud lacks is ARM's NotFound.
func TestVMImages(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	azure := sdkClient(t, sim, "azure", armcompute.NewVirtualMachineImagesClient)
	stack := sdkClient(t, sim, "azure-stack-hub", ashcompute.NewVirtualMachineImagesClient)
	const jammy = "0001-com-ubuntu-server-jammy"
	names := func(items []*armcompute.VirtualMachineImageResource) []string {
		var out []string
		for _, i := range items {
			out = append(out, *i.Name)
		}
		return out
	}

	pubs, err := azure.ListPublishers(ctx, "eastus", nil)
	must(t, err)
	offers, err := azure.ListOffers(ctx, "eastus", "canonical", nil)
	must(t, err)
	skus, err := azure.ListSKUs(ctx, "eastus", "Canonical", jammy, nil)
	must(t, err)
	versions, err := azure.List(ctx, "eastus", "Canonical", jammy, "22_04-lts-gen2", nil)
	must(t, err)
	if got := names(pubs.VirtualMachineImageResourceArray); !slices.Contains(got, "Canonical") || !slices.Contains(got, "MicrosoftWindowsServer") {
		t.Errorf("publishers: %v", got)
	}
	if got := names(offers.VirtualMachineImageResourceArray); !slices.Contains(got, jammy) || !slices.Contains(got, "ubuntu-24_04-lts") {
		t.Errorf("offers: %v", got)
	}
	if got := names(skus.VirtualMachineImageResourceArray); !slices.Equal(got, []string{"22_04-lts", "22_04-lts-gen2"}) {
		t.Errorf("skus: %v", got)
	}
	vs := versions.VirtualMachineImageResourceArray
	if len(vs) == 0 || *vs[0].Location != "eastus" ||
		*vs[0].ID != "/Subscriptions/"+sub+"/Providers/Microsoft.Compute/Locations/eastus/Publishers/Canonical/ArtifactTypes/VMImage/Offers/"+jammy+"/Skus/22_04-lts-gen2/Versions/"+*vs[0].Name {
		t.Fatalf("versions: %+v", vs)
	}
	one, err := azure.Get(ctx, "eastus", "Canonical", jammy, "22_04-lts-gen2", *vs[0].Name, nil)
	must(t, err)
	if *one.Properties.HyperVGeneration != armcompute.HyperVGenerationTypesV2 || *one.Properties.OSDiskImage.OperatingSystem != armcompute.OperatingSystemTypesLinux {
		t.Errorf("version: %+v", one.Properties)
	}

	sv, err := stack.List(ctx, "local", "Canonical", jammy, "22_04-lts", nil)
	must(t, err)
	if len(sv.VirtualMachineImageResourceArray) == 0 {
		t.Fatal("the stamp lists no jammy version")
	}

	for _, tc := range []struct {
		name, message string
		do            func() error
	}{
		{"Gen2OnStamp", "Artifact: VMImage was not found.", func() error {
			_, err := stack.List(ctx, "local", "Canonical", jammy, "22_04-lts-gen2", nil)
			return err
		}},
		{"UnknownOffer", "Artifact: VMImage was not found.", func() error {
			_, err := azure.List(ctx, "eastus", "Canonical", "no-such-offer", "22_04-lts", nil)
			return err
		}},
		{"UnknownPublisher", "Publisher: Nobody was not found.", func() error {
			_, err := azure.ListOffers(ctx, "eastus", "Nobody", nil)
			return err
		}},
		{"UnknownVersion", "Artifact: VMImage was not found.", func() error {
			_, err := azure.Get(ctx, "eastus", "Canonical", jammy, "22_04-lts", "1.2.3", nil)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			wantCode(t, err, "NotFound", http.StatusNotFound)
			if msg := armBody(t, err).Message; msg != tc.message {
				t.Errorf("message %q, want %q", msg, tc.message)
			}
		})
	}
	_, err = azure.List(ctx, "mars", "Canonical", jammy, "22_04-lts", nil)
	wantCode(t, err, "NoRegisteredProviderFound", http.StatusBadRequest)
}

// TestWritesFollowTheOffer proves that a PUT accepts exactly what the lists offer: a
// resource group in a location the cloud lacks, a VM size or image the cloud does not list
// are refused with ARM's codes, and a size only Azure lists is accepted there.
func TestWritesFollowTheOffer(t *testing.T) {
	sim := startSim(t, armsim.Config{})
	az, st := newAzure(t, sim, "azure"), newStack(t, sim, "azure-stack-hub")
	const rg = "rg-offer"
	azGroup(t, az, rg)
	ashGroup(t, st, rg)
	azNet := azVnet(t, az, rg, "vnet", "10.60.0.0/16", map[string]string{"workload": "10.60.1.0/24"})
	azNIC, err := done(az.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, rg, "nic", azNICBody(subnetID(azNet.Properties.Subnets, "workload")), nil))
	must(t, err)
	stNet := ashVnet(t, st, rg, "vnet", "10.61.0.0/16", map[string]string{"workload": "10.61.1.0/24"})
	stNIC, err := done(st.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, rg, "nic", ashnetwork.Interface{Location: to("local"),
		Properties: &ashnetwork.InterfacePropertiesFormat{IPConfigurations: []*ashnetwork.InterfaceIPConfiguration{{Name: to("ipconfig1"),
			Properties: &ashnetwork.InterfaceIPConfigurationPropertiesFormat{Subnet: &ashnetwork.Subnet{ID: stackSubnetID(stNet.Properties.Subnets, "workload")}}}}}}, nil))
	must(t, err)
	stackVM := func(size, offer, sku, version string) ashcompute.VirtualMachine {
		return ashcompute.VirtualMachine{Location: to("local"), Properties: &ashcompute.VirtualMachineProperties{
			HardwareProfile: &ashcompute.HardwareProfile{VMSize: to(ashcompute.VirtualMachineSizeTypes(size))},
			StorageProfile: &ashcompute.StorageProfile{ImageReference: &ashcompute.ImageReference{
				Publisher: to("Canonical"), Offer: to(offer), SKU: to(sku), Version: to(version)}},
			OSProfile:      &ashcompute.OSProfile{ComputerName: to("vm"), AdminUsername: to("azureuser"), AdminPassword: to("Passw0rd!2026")},
			NetworkProfile: &ashcompute.NetworkProfile{NetworkInterfaces: []*ashcompute.NetworkInterfaceReference{{ID: stNIC.ID}}},
		}}
	}
	const jammy = "0001-com-ubuntu-server-jammy"

	runRules(t, sim, []ruleCase{
		{name: "GroupOnMars", code: "LocationNotAvailableForResourceGroup", status: 400, target: "location", do: func() error {
			_, err := az.groups.CreateOrUpdate(ctx, "rg-mars", armresources.ResourceGroup{Location: to("mars")}, nil)
			return err
		}},
		{name: "StackGroupInEastUS", code: "LocationNotAvailableForResourceGroup", status: 400, target: "location", do: func() error {
			_, err := st.groups.CreateOrUpdate(ctx, "rg-eastus", ashresources.ResourceGroup{Location: to("eastus")}, nil)
			return err
		}},
		{name: "E64OnStamp", code: "SkuNotAvailable", status: 409, target: "hardwareProfile.vmSize", do: func() error {
			_, err := st.vms.BeginCreateOrUpdate(ctx, rg, "vm", stackVM("Standard_E64_v5", jammy, "22_04-lts", "latest"), nil)
			return err
		}, check: func(t *testing.T, err error) {
			if msg := armBody(t, err).Message; !strings.Contains(msg, "currently not available in location 'local'") {
				t.Errorf("message: %s", msg)
			}
		}},
		{name: "Gen2ImageOnStamp", code: "PlatformImageNotFound", status: 404, target: "imageReference", do: func() error {
			_, err := st.vms.BeginCreateOrUpdate(ctx, rg, "vm", stackVM("Standard_A2_v2", jammy, "22_04-lts-gen2", "latest"), nil)
			return err
		}, check: func(t *testing.T, err error) {
			if msg := armBody(t, err).Message; !strings.HasPrefix(msg, "The platform image 'Canonical:"+jammy+":22_04-lts-gen2:latest' is not available.") {
				t.Errorf("message: %s", msg)
			}
		}},
		{name: "UnlistedVersion", code: "PlatformImageNotFound", status: 404, target: "imageReference", do: func() error {
			_, err := st.vms.BeginCreateOrUpdate(ctx, rg, "vm", stackVM("Standard_A2_v2", jammy, "22_04-lts", "22.04.1"), nil)
			return err
		}},
		{name: "UnknownImageOnAzure", code: "PlatformImageNotFound", status: 404, target: "imageReference", do: func() error {
			vm := azVMBody(azNIC.ID, "Passw0rd!2026")
			vm.Properties.StorageProfile.ImageReference.Offer = to("no-such-offer")
			_, err := az.vms.BeginCreateOrUpdate(ctx, rg, "vm", vm, nil)
			return err
		}},
	})

	vm := azVMBody(azNIC.ID, "Passw0rd!2026")
	vm.Properties.HardwareProfile.VMSize = to(armcompute.VirtualMachineSizeTypes("Standard_E64_v5"))
	_, err = done(az.vms.BeginCreateOrUpdate(ctx, rg, "vm-e64", vm, nil))
	must(t, err)
	_, err = done(st.vms.BeginCreateOrUpdate(ctx, rg, "vm", stackVM("standard_a2_v2", jammy, "22_04-lts", "latest"), nil))
	must(t, err)
}
