package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/armsim"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/network/service"
)

var ctx = context.Background()

// network is the service under test.
var network = servicetest.Service[networkv1.NetworkServiceClient]{Name: service.Name, Build: service.Service, NewAPI: networkv1.NewNetworkServiceClient}

// clients are the network service's clients.
type clients = servicetest.Clients[networkv1.NetworkServiceClient]

// group creates resource group rg on cloud.
func group(t *testing.T, c clients, cloud string) {
	t.Helper()
	if _, err := c.API.CreateResourceGroup(ctx, &networkv1.CreateResourceGroupRequest{Parent: "clouds/" + cloud, ResourceGroupId: "rg", ResourceGroup: &networkv1.ResourceGroup{}}); err != nil {
		t.Fatal(err)
	}
}

func vnetRequest(cloud string) *networkv1.CreateVirtualNetworkRequest {
	return &networkv1.CreateVirtualNetworkRequest{
		Parent:           "clouds/" + cloud + "/resourceGroups/rg",
		VirtualNetworkId: "vnet",
		VirtualNetwork: &networkv1.VirtualNetwork{
			AddressPrefixes: []string{"10.1.0.0/16"},
			Subnets: []*networkv1.Subnet{
				{Name: "workload", AddressPrefix: "10.1.1.0/24"},
				{Name: "GatewaySubnet", AddressPrefix: "10.1.255.0/27"},
			},
		},
	}
}

// TestLifecycle runs create, get, list, idempotent create, update, subnet create and
// delete, and teardown on both clouds, and counts ARM writes in armsim.
func TestLifecycle(t *testing.T) {
	st, c := network.Start(t, armsim.Config{})
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		t.Run(cloud, func(t *testing.T) {
			rg, err := c.API.CreateResourceGroup(ctx, &networkv1.CreateResourceGroupRequest{
				Parent: "clouds/" + cloud, ResourceGroupId: "rg", ResourceGroup: &networkv1.ResourceGroup{Tags: map[string]string{"owner": "test"}}})
			if err != nil {
				t.Fatal(err)
			}
			if rg.GetName() != "clouds/"+cloud+"/resourceGroups/rg" || rg.GetLocation() == "" ||
				rg.GetProvisioningState() != networkv1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED {
				t.Fatalf("resource group: %v", rg)
			}
			op, err := c.API.CreateVirtualNetwork(ctx, vnetRequest(cloud))
			vnet := servicetest.Result(t, servicetest.Wait(t, c.Ops, op, err), &networkv1.VirtualNetwork{})
			if vnet.GetName() != "clouds/"+cloud+"/resourceGroups/rg/virtualNetworks/vnet" || len(vnet.GetSubnets()) != 2 ||
				vnet.GetSubnets()[0].GetName() != vnet.GetName()+"/subnets/GatewaySubnet" {
				t.Fatalf("virtual network: %v", vnet)
			}

			puts := countPUTs(t, st, cloud)
			op, err = c.API.CreateVirtualNetwork(ctx, vnetRequest(cloud))
			if err != nil || !op.GetDone() {
				t.Fatalf("creating an unchanged virtual network again is done at once: %v %v", op, err)
			}
			if got := countPUTs(t, st, cloud); got != puts {
				t.Fatalf("an unchanged create must not write to ARM: %d PUTs became %d", puts, got)
			}

			req := vnetRequest(cloud)
			req.VirtualNetwork.Subnets = append(req.VirtualNetwork.Subnets, &networkv1.Subnet{Name: "apps", AddressPrefix: "10.1.2.0/24"})
			op, err = c.API.CreateVirtualNetwork(ctx, req)
			if got := len(servicetest.Result(t, servicetest.Wait(t, c.Ops, op, err), &networkv1.VirtualNetwork{}).GetSubnets()); got != 3 {
				t.Fatalf("an update adds the subnet: %d subnets", got)
			}
			op, err = c.API.CreateSubnet(ctx, &networkv1.CreateSubnetRequest{Parent: vnet.GetName(), SubnetId: "db", Subnet: &networkv1.Subnet{AddressPrefix: "10.1.3.0/24"}})
			servicetest.Wait(t, c.Ops, op, err)
			list, err := c.API.ListSubnets(ctx, &networkv1.ListSubnetsRequest{Parent: vnet.GetName(), PageSize: 3})
			if err != nil || len(list.GetSubnets()) != 3 || list.GetNextPageToken() == "" {
				t.Fatalf("first page of 4 subnets by 3: %v %v", list, err)
			}
			list, err = c.API.ListSubnets(ctx, &networkv1.ListSubnetsRequest{Parent: vnet.GetName(), PageSize: 3, PageToken: list.GetNextPageToken()})
			if err != nil || len(list.GetSubnets()) != 1 || list.GetNextPageToken() != "" {
				t.Fatalf("second page: %v %v", list, err)
			}
			op, err = c.API.DeleteSubnet(ctx, &networkv1.DeleteSubnetRequest{Name: vnet.GetName() + "/subnets/db"})
			servicetest.Wait(t, c.Ops, op, err)
			op, err = c.API.DeleteVirtualNetwork(ctx, &networkv1.DeleteVirtualNetworkRequest{Name: vnet.GetName()})
			servicetest.Wait(t, c.Ops, op, err)
			op, err = c.API.DeleteVirtualNetwork(ctx, &networkv1.DeleteVirtualNetworkRequest{Name: vnet.GetName()})
			if err != nil || !op.GetDone() {
				t.Fatalf("deleting what is gone is done at once: %v %v", op, err)
			}
			_, err = c.API.GetVirtualNetwork(ctx, &networkv1.GetVirtualNetworkRequest{Name: vnet.GetName()})
			if status.Code(err) != codes.NotFound {
				t.Fatalf("want NotFound, got %v", err)
			}
			op, err = c.API.DeleteResourceGroup(ctx, &networkv1.DeleteResourceGroupRequest{Name: rg.GetName()})
			servicetest.Wait(t, c.Ops, op, err)
		})
	}
	left, err := st.Sim.Admin.Resources(ctx)
	if err != nil || len(left) != 0 {
		t.Fatalf("teardown leaves armsim empty: %v %v", left, err)
	}
}

func countPUTs(t *testing.T, st *servicetest.Stack, cloud string) int64 {
	t.Helper()
	n, err := st.Sim.Admin.Count(ctx, cloud, http.MethodPut, "Microsoft.Network/virtualNetworks")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAdoptAndResume: a create while ARM is still creating the same virtual network adopts
// that operation (one PUT in ARM), and a fresh service instance resumes an operation from
// its name alone.
func TestAdoptAndResume(t *testing.T) {
	st, c := network.Start(t, armsim.Config{TimeScale: 0.01}) // a virtual network takes 40 ms
	group(t, c, "azure")
	first, second := servicetest.Twice(t, func() (*longrunningpb.Operation, error) { return c.API.CreateVirtualNetwork(ctx, vnetRequest("azure")) })
	c = network.Restart(t, st)
	for _, op := range []*longrunningpb.Operation{first, second} {
		servicetest.Wait(t, c.Ops, op, nil)
	}
	if n := countPUTs(t, st, "azure"); n != 1 {
		t.Fatalf("one virtual network creation must reach ARM once, counted %d PUTs", n)
	}
}

// TestTamperedHandle: an altered operation name is refused with InvalidArgument.
func TestTamperedHandle(t *testing.T) {
	_, c := network.Start(t, armsim.Config{})
	group(t, c, "azure")
	op, err := c.API.CreateVirtualNetwork(ctx, vnetRequest("azure"))
	servicetest.CheckTampered(t, c.Ops, op, err)
}

// TestValidation: bad input is refused before any ARM write, naming the field.
func TestValidation(t *testing.T) {
	st, c := network.Start(t, armsim.Config{})
	mutate := func(f func(r *networkv1.CreateVirtualNetworkRequest)) *networkv1.CreateVirtualNetworkRequest {
		r := vnetRequest("azure")
		f(r)
		return r
	}
	tests := []struct {
		name  string
		req   *networkv1.CreateVirtualNetworkRequest
		field string
	}{
		{"unknown cloud", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.Parent = "clouds/gcp/resourceGroups/rg" }), "parent"},
		{"bad parent", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.Parent = "rg" }), "parent"},
		{"bad id", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetworkId = "-x" }), "virtual_network_id"},
		{"no space", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.AddressPrefixes = nil }), "virtual_network.address_prefixes"},
		{"bad prefix", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.AddressPrefixes = []string{"10.1.0.0/33"}
		}), "virtual_network.address_prefixes[0]"},
		{"host bits", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.AddressPrefixes = []string{"10.1.0.1/16"}
		}), "virtual_network.address_prefixes[0]"},
		{"overlapping space", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.AddressPrefixes = []string{"10.1.0.0/16", "10.1.128.0/17"}
		}), "virtual_network.address_prefixes[1]"},
		{"subnet outside", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.Subnets[0].AddressPrefix = "10.2.0.0/24"
		}), "virtual_network.subnets[0].address_prefix"},
		{"subnets overlap", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.Subnets[1].AddressPrefix = "10.1.1.0/27"
		}), "virtual_network.subnets[1].address_prefix"},
		{"gateway subnet too small", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.Subnets[1].AddressPrefix = "10.1.255.0/30"
		}), "virtual_network.subnets[1].address_prefix"},
		{"gateway subnet misspelt", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Subnets[1].Name = "gatewaysubnet" }), "virtual_network.subnets[1].name"},
		{"duplicate subnet", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Subnets[1].Name = "Workload" }), "virtual_network.subnets[1].name"},
		{"601 address prefixes", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.AddressPrefixes = nil
			for i := range 601 {
				r.VirtualNetwork.AddressPrefixes = append(r.VirtualNetwork.AddressPrefixes, fmt.Sprintf("10.%d.%d.0/24", i/256, i%256))
			}
		}), "virtual_network.address_prefixes"},
		{"a prefix of a megabyte", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			r.VirtualNetwork.AddressPrefixes = []string{huge}
		}), "virtual_network.address_prefixes[0]"},
		{"3001 subnets", mutate(func(r *networkv1.CreateVirtualNetworkRequest) {
			for range 3000 {
				r.VirtualNetwork.Subnets = append(r.VirtualNetwork.Subnets, r.VirtualNetwork.Subnets[0])
			}
		}), "virtual_network.subnets"},
		{"a subnet name of a megabyte", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Subnets[0].Name = huge }), "virtual_network.subnets[0].name"},
		{"a location of a megabyte", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Location = huge }), "virtual_network.location"},
		{"51 tags", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Tags = tags(51, 3, 3) }), "virtual_network.tags"},
		{"a tag name of 513 characters", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Tags = tags(1, 513, 3) }), "virtual_network.tags"},
		{"a tag value of 257 characters", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.VirtualNetwork.Tags = tags(1, 3, 257) }), "virtual_network.tags"},
		{"a parent of a megabyte", mutate(func(r *networkv1.CreateVirtualNetworkRequest) { r.Parent = huge }), "parent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.API.CreateVirtualNetwork(ctx, tc.req)
			if msg := status.Convert(err).Message(); strings.Contains(msg, huge[:64]) {
				t.Fatalf("the error quotes the megabyte: %.200s", msg)
			}
			servicetest.CheckInvalid(t, err, tc.field)
		})
	}
	for _, tc := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"a resource group of 51 tags", func() error {
			_, err := c.API.CreateResourceGroup(ctx, &networkv1.CreateResourceGroupRequest{Parent: "clouds/azure", ResourceGroupId: "rg",
				ResourceGroup: &networkv1.ResourceGroup{Tags: tags(51, 3, 3)}})
			return err
		}, "resource_group.tags"},
		{"a resource group id of a megabyte", func() error {
			_, err := c.API.CreateResourceGroup(ctx, &networkv1.CreateResourceGroupRequest{Parent: "clouds/azure", ResourceGroupId: huge,
				ResourceGroup: &networkv1.ResourceGroup{}})
			return err
		}, "resource_group_id"},
		{"a subnet prefix of a megabyte", func() error {
			_, err := c.API.CreateSubnet(ctx, &networkv1.CreateSubnetRequest{Parent: "clouds/azure/resourceGroups/rg/virtualNetworks/vnet", SubnetId: "s",
				Subnet: &networkv1.Subnet{AddressPrefix: huge}})
			return err
		}, "subnet.address_prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			servicetest.CheckInvalid(t, tc.call(), tc.field)
		})
	}
	if n, _ := st.Sim.Admin.Count(ctx, "", http.MethodPut, ""); n != 0 {
		t.Fatalf("invalid requests wrote %d times to ARM", n)
	}
}

// huge is a megabyte, sent where a few bytes are expected.
var huge = strings.Repeat("h", 1<<20)

// tags returns n tags with names of nameLen bytes and values of valueLen.
func tags(n, nameLen, valueLen int) map[string]string {
	out := map[string]string{}
	for i := range n {
		out[fmt.Sprintf("%0*d", nameLen, i)] = strings.Repeat("v", valueLen)
	}
	return out
}

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := network.Start(t, armsim.Config{})
	st.PostJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups?resourceGroupId=rg", `{}`)
	st.WaitJSON(t, st.PostJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/virtualNetworks?virtualNetworkId=vnet",
		`{"addressPrefixes":["10.2.0.0/16"],"subnets":[{"name":"GatewaySubnet","addressPrefix":"10.2.255.0/27"}]}`))
	if vnet := st.GetJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/virtualNetworks/vnet"); vnet["provisioningState"] != "PROVISIONING_STATE_SUCCEEDED" {
		t.Fatalf("REST get: %v", vnet)
	}
	st.CheckNotFound(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/virtualNetworks/missing")
}

// TestOpenAPI validates the network service's OpenAPI document and checks it against the
// routes its REST port serves.
func TestOpenAPI(t *testing.T) {
	st, _ := network.Start(t, armsim.Config{})
	st.CheckOpenAPI(t)
}

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := network.Start(t, armsim.Config{})
	servicetest.CheckReflection(t, st.Conn, service.Name)
}

// TestFreshResourceGroup: CreateResourceGroup says created only when it created the group;
// a Create with fresh_resource_group writes without reading the resource first (no GET in
// ARM before its PUT), one without reads first, on both clouds.
func TestFreshResourceGroup(t *testing.T) {
	st, c := network.Start(t, armsim.Config{})
	for _, cloud := range []string{"azure", "azure-stack-hub"} {
		t.Run(cloud, func(t *testing.T) {
			create := &networkv1.CreateResourceGroupRequest{Parent: "clouds/" + cloud, ResourceGroupId: "fresh", ResourceGroup: &networkv1.ResourceGroup{}}
			for i, want := range []bool{true, false} {
				rg, err := c.API.CreateResourceGroup(ctx, create)
				if err != nil || rg.GetCreated() != want {
					t.Fatalf("create %d: created %v (%v), want %v", i+1, rg.GetCreated(), err, want)
				}
			}
			for _, fresh := range []bool{true, false} {
				if err := st.Sim.Admin.ResetCounters(ctx); err != nil {
					t.Fatal(err)
				}
				req := vnetRequest(cloud)
				req.Parent, req.FreshResourceGroup = "clouds/"+cloud+"/resourceGroups/fresh", fresh
				req.VirtualNetworkId = map[bool]string{true: "first", false: "second"}[fresh]
				op, err := c.API.CreateVirtualNetwork(ctx, req)
				servicetest.Wait(t, c.Ops, op, err)
				counters, err := st.Sim.Admin.Counters(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var gets, puts int64
				for _, cv := range counters {
					if cv.Type != "Microsoft.Network/virtualNetworks" {
						continue
					}
					switch cv.Method {
					case http.MethodGet:
						gets += cv.Count
					case http.MethodPut:
						puts += cv.Count
					}
				}
				// one GET is the operation's final read of the network, as the SDK makes it
				if wantGets := map[bool]int64{true: 1, false: 2}[fresh]; gets != wantGets || puts != 1 {
					t.Errorf("fresh %v: %d GETs and %d PUTs of the network, want %d and 1", fresh, gets, puts, wantGets)
				}
			}
		})
	}
}
