package armsim_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	ashresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestConcurrentWriters: 16 writers per cloud, each building its own resource group,
// virtual network with subnets and public IP, while readers get and list; all succeed and
// every writer finds exactly what it built.
func TestConcurrentWriters(t *testing.T) {
	const writers = 16
	sim := startSim(t, armsim.Config{})
	az, st := newAzure(t, sim, "azure"), newStack(t, sim, "azure-stack-hub")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range writers {
		rg := fmt.Sprintf("rg-%02d", i)
		wg.Go(func() {
			if _, err := az.groups.CreateOrUpdate(ctx, rg, armresources.ResourceGroup{Location: to("eastus")}, nil); err != nil {
				t.Errorf("azure %s: %v", rg, err)
				return
			}
			vnet, err := done(az.net.NewVirtualNetworksClient().BeginCreateOrUpdate(ctx, rg, "vnet",
				azVnetBody("10.1.0.0/16", map[string]string{"a": "10.1.1.0/24", "b": "10.1.2.0/24"}), nil))
			if err != nil {
				t.Errorf("azure %s vnet: %v", rg, err)
				return
			}
			if len(vnet.Properties.Subnets) != 2 {
				t.Errorf("azure %s vnet has %d subnets", rg, len(vnet.Properties.Subnets))
			}
			// a third subnet as a child resource of its own
			if _, err := done(az.net.NewSubnetsClient().BeginCreateOrUpdate(ctx, rg, "vnet", "c", armnetwork.Subnet{
				Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to("10.1.3.0/24")},
			}, nil)); err != nil {
				t.Errorf("azure %s subnet: %v", rg, err)
			}
			if _, err := done(az.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, rg, "pip", armnetwork.PublicIPAddress{
				Location: to("eastus"), SKU: &armnetwork.PublicIPAddressSKU{Name: to(armnetwork.PublicIPAddressSKUNameStandard)},
			}, nil)); err != nil {
				t.Errorf("azure %s public IP: %v", rg, err)
			}
		})
		wg.Go(func() {
			if _, err := st.groups.CreateOrUpdate(ctx, rg, ashresources.ResourceGroup{Location: to("local")}, nil); err != nil {
				t.Errorf("stack %s: %v", rg, err)
				return
			}
			if _, err := done(st.net.NewVirtualNetworksClient().BeginCreateOrUpdate(ctx, rg, "vnet",
				ashVnetBody("10.2.0.0/16", map[string]string{"a": "10.2.1.0/24", "b": "10.2.2.0/24"}), nil)); err != nil {
				t.Errorf("stack %s vnet: %v", rg, err)
				return
			}
			if _, err := done(st.net.NewPublicIPAddressesClient().BeginCreateOrUpdate(ctx, rg, "pip", ashnetwork.PublicIPAddress{
				Location:   to("local"),
				Properties: &ashnetwork.PublicIPAddressPropertiesFormat{PublicIPAllocationMethod: to(ashnetwork.IPAllocationMethodStatic)},
			}, nil)); err != nil {
				t.Errorf("stack %s public IP: %v", rg, err)
			}
		})
	}
	// readers: gets that may race the creates (404 is fine then) and lists that must not fail
	var readers sync.WaitGroup
	for i := range 4 {
		readers.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				rg := fmt.Sprintf("rg-%02d", (i*5+n)%writers)
				if _, err := az.net.NewVirtualNetworksClient().Get(ctx, rg, "vnet", nil); err != nil {
					if _, st := armCode(err); st != http.StatusNotFound {
						t.Errorf("get %s: %v", rg, err)
					}
				}
				for p := az.net.NewPublicIPAddressesClient().NewListAllPager(nil); p.More(); {
					if _, err := p.NextPage(ctx); err != nil {
						t.Errorf("list public IPs: %v", err)
						break
					}
				}
				for p := st.groups.NewListPager(nil); p.More(); {
					if _, err := p.NextPage(ctx); err != nil {
						t.Errorf("list groups: %v", err)
						break
					}
				}
				if _, err := sim.Admin.Resources(ctx); err != nil {
					t.Errorf("admin resources: %v", err)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	if t.Failed() {
		return
	}

	// every writer's resources are there, and every public IP got its own address
	addrs := map[string]string{}
	for i := range writers {
		rg := fmt.Sprintf("rg-%02d", i)
		n := 0
		for p := az.net.NewSubnetsClient().NewListPager(rg, "vnet", nil); p.More(); {
			page, err := p.NextPage(ctx)
			must(t, err)
			n += len(page.Value)
		}
		if n != 3 {
			t.Errorf("%s: %d subnets, want 3", rg, n)
		}
		pa, err := az.net.NewPublicIPAddressesClient().Get(ctx, rg, "pip", nil)
		must(t, err)
		pb, err := st.net.NewPublicIPAddressesClient().Get(ctx, rg, "pip", nil)
		must(t, err)
		for _, ip := range []*string{pa.Properties.IPAddress, pb.Properties.IPAddress} {
			if ip == nil {
				t.Fatalf("%s: a static public IP has an address", rg)
			}
			if other, dup := addrs[*ip]; dup {
				t.Fatalf("%s and %s were both given %s", other, rg, *ip)
			}
			addrs[*ip] = rg
		}
	}
	left, err := sim.Admin.Resources(ctx)
	must(t, err)
	// azure: group, vnet, 3 subnets, public IP; stack: group, vnet, 2 subnets, public IP
	if want := writers * (6 + 5); len(left) != want {
		t.Fatalf("armsim holds %d resources, want %d", len(left), want)
	}
}

// TestConcurrentWritesToOneResource: while an operation runs on a resource, ARM answers
// other writes to it with 409 AnotherOperationInProgress: of racing PUTs exactly one wins.
func TestConcurrentWritesToOneResource(t *testing.T) {
	const racers = 12
	// a virtual network takes 100 emulated hours (7 s): nothing here waits for it
	sim := startSim(t, armsim.Config{Latencies: map[string]armsim.Latency{"virtualnetworks": armsim.Fixed(100 * time.Hour)}})
	az, st := newAzure(t, sim, "azure"), newStack(t, sim, "azure-stack-hub")
	azGroup(t, az, "rg")
	ashGroup(t, st, "rg")

	type outcome struct {
		code   string
		status int
	}
	race := func(put func(i int) error) []outcome {
		out := make([]outcome, racers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				if err := put(i); err != nil {
					out[i].code, out[i].status = armCode(err)
					if out[i].code == "" {
						t.Errorf("racer %d: %v", i, err)
					}
				}
			})
		}
		close(start)
		wg.Wait()
		return out
	}
	check := func(name string, out []outcome) {
		t.Helper()
		wins := 0
		for i, o := range out {
			switch {
			case o.code == "":
				wins++
			case o.code != "AnotherOperationInProgress" || o.status != http.StatusConflict:
				t.Errorf("%s racer %d: want 409 AnotherOperationInProgress, got %d %s", name, i, o.status, o.code)
			}
		}
		if wins != 1 {
			t.Errorf("%s: %d racers won, want exactly 1", name, wins)
		}
	}

	azBody := func(i int) armnetwork.VirtualNetwork {
		v := azVnetBody("10.1.0.0/16", nil)
		v.Tags = map[string]*string{"racer": to(fmt.Sprint(i))}
		return v
	}
	vnets := az.net.NewVirtualNetworksClient()
	check("azure create", race(func(i int) error {
		_, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", azBody(i), nil)
		return err
	}))
	// the winner's body is the one stored
	got, err := vnets.Get(ctx, "rg", "vnet", nil)
	must(t, err)
	if *got.Properties.ProvisioningState != armnetwork.ProvisioningStateUpdating || got.Tags["racer"] == nil {
		t.Fatalf("the virtual network being created: %+v %v", got.Properties.ProvisioningState, got.Tags)
	}
	// a child subnet write is refused too while its virtual network's operation runs
	_, err = az.net.NewSubnetsClient().BeginCreateOrUpdate(ctx, "rg", "vnet", "late", armnetwork.Subnet{
		Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to("10.1.9.0/24")}}, nil)
	wantCode(t, err, "AnotherOperationInProgress", http.StatusConflict)

	stVnets := st.net.NewVirtualNetworksClient()
	check("azure-stack-hub create", race(func(i int) error {
		_, err := stVnets.BeginCreateOrUpdate(ctx, "rg", "vnet", ashVnetBody("10.2.0.0/16", nil), nil)
		return err
	}))
}
