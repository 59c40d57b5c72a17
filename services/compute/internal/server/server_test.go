package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/compute/service"
)

var ctx = context.Background()

// password is the admin password every test VM gets; it must never come back out.
const password = "Hl-Secr3t-9f2kQ!"

// compute is the service under test.
var compute = servicetest.Service[computev1.ComputeServiceClient]{Name: service.Name, Build: service.Service, NewAPI: computev1.NewComputeServiceClient}

// clients are the compute service's clients.
type clients = servicetest.Clients[computev1.ComputeServiceClient]

// site is one cloud's test setting: the octet of its 10.x.0.0/16 space, and a VM size and
// an image it offers (Azure Stack Hub runs generation 1 images only).
type site struct {
	cloud, size string
	octet       string
	image       *computev1.ImageReference
}

var sites = []site{
	{"azure", "Standard_B2s", "1", &computev1.ImageReference{Publisher: "Canonical", Offer: "ubuntu-24_04-lts", Sku: "server"}},
	{"azure-stack-hub", "Standard_A2_v2", "2", &computev1.ImageReference{Publisher: "Canonical", Offer: "0001-com-ubuntu-server-jammy", Sku: "22_04-lts"}},
}

// network creates resource group rg and virtual network vnet with subnets workload and
// GatewaySubnet directly with the cloud's SDK (the network service is another service),
// and returns the workload subnet's network service name.
func network(t *testing.T, st *servicetest.Stack, s site) string {
	t.Helper()
	st.Network(t, s.cloud, "10."+s.octet+".0.0/16", map[string]string{"workload": "10." + s.octet + ".1.0/24", "GatewaySubnet": "10." + s.octet + ".255.0/27"})
	return "clouds/" + s.cloud + "/resourceGroups/rg/virtualNetworks/vnet/subnets/workload"
}

func nicRequest(cloud, id, subnet string) *computev1.CreateNetworkInterfaceRequest {
	return &computev1.CreateNetworkInterfaceRequest{
		Parent:             "clouds/" + cloud + "/resourceGroups/rg",
		NetworkInterfaceId: id,
		NetworkInterface:   &computev1.NetworkInterface{Subnet: subnet},
	}
}

func vmRequest(s site) *computev1.CreateVirtualMachineRequest {
	return &computev1.CreateVirtualMachineRequest{
		Parent:           "clouds/" + s.cloud + "/resourceGroups/rg",
		VirtualMachineId: "vm",
		VirtualMachine: &computev1.VirtualMachine{
			Size:              s.size,
			Image:             proto.Clone(s.image).(*computev1.ImageReference),
			AdminUsername:     "azureuser",
			AdminPassword:     password,
			NetworkInterfaces: []string{"clouds/" + s.cloud + "/resourceGroups/rg/networkInterfaces/nic"},
			Tags:              map[string]string{"role": "workload"},
		},
	}
}

// puts counts ARM's PUTs on a cloud for the compute service's two resource types.
func puts(t *testing.T, st *servicetest.Stack, cloud string) int64 {
	t.Helper()
	var total int64
	for _, typ := range []string{"Microsoft.Network/networkInterfaces", "Microsoft.Compute/virtualMachines"} {
		n, err := st.Sim.Admin.Count(ctx, cloud, http.MethodPut, typ)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	return total
}

// TestLifecycle creates a network interface and a virtual machine on both clouds, checks
// addresses and power states through stop, start, restart and deallocate, idempotent creates,
// updates, refused changes, a refused delete of a NIC in use, and teardown; then that the
// admin password is in no response, log line or span.
func TestLifecycle(t *testing.T) {
	st, c := compute.Start(t, armsim.Config{})
	var responses []proto.Message
	keep := func(op *longrunningpb.Operation) *longrunningpb.Operation {
		responses = append(responses, op)
		return op
	}
	for _, s := range sites {
		t.Run(s.cloud, func(t *testing.T) {
			subnet := network(t, st, s)
			op, err := c.API.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", subnet))
			nic := servicetest.Result(t, keep(servicetest.Wait(t, c.Ops, op, err)), &computev1.NetworkInterface{})
			if nic.GetName() != "clouds/"+s.cloud+"/resourceGroups/rg/networkInterfaces/nic" || nic.GetSubnet() != subnet ||
				nic.GetAllocatedPrivateIpAddress() != "10."+s.octet+".1.4" || nic.GetPrivateIpAddress() != "" ||
				nic.GetProvisioningState() != computev1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED {
				t.Fatalf("network interface: %v", nic)
			}
			req := nicRequest(s.cloud, "static", subnet)
			req.NetworkInterface.PrivateIpAddress = "10." + s.octet + ".1.10"
			op, err = c.API.CreateNetworkInterface(ctx, req)
			if got := servicetest.Result(t, keep(servicetest.Wait(t, c.Ops, op, err)), &computev1.NetworkInterface{}); got.GetPrivateIpAddress() != "10."+s.octet+".1.10" {
				t.Fatalf("static address: %v", got)
			}
			req.NetworkInterface.Tags = map[string]string{"role": "spare"}
			op, err = c.API.CreateNetworkInterface(ctx, req)
			if got := servicetest.Result(t, keep(servicetest.Wait(t, c.Ops, op, err)), &computev1.NetworkInterface{}); got.GetTags()["role"] != "spare" {
				t.Fatalf("a tag change updates the NIC: %v", got)
			}

			op, err = c.API.CreateVirtualMachine(ctx, vmRequest(s))
			vm := servicetest.Result(t, keep(servicetest.Wait(t, c.Ops, op, err)), &computev1.VirtualMachine{})
			if vm.GetName() != "clouds/"+s.cloud+"/resourceGroups/rg/virtualMachines/vm" || vm.GetVmId() == "" ||
				vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_RUNNING || vm.GetSize() != s.size ||
				len(vm.GetNetworkInterfaces()) != 1 || vm.GetNetworkInterfaces()[0] != nic.GetName() || vm.GetComputerName() != "vm" {
				t.Fatalf("virtual machine: %v", vm)
			}
			got, err := c.API.GetNetworkInterface(ctx, &computev1.GetNetworkInterfaceRequest{Name: nic.GetName()})
			if err != nil || got.GetVirtualMachine() != vm.GetName() {
				t.Fatalf("the NIC names its VM: %v %v", got, err)
			}
			responses = append(responses, got)

			before := puts(t, st, s.cloud)
			for _, again := range []func() (*longrunningpb.Operation, error){
				func() (*longrunningpb.Operation, error) {
					return c.API.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", subnet))
				},
				func() (*longrunningpb.Operation, error) { return c.API.CreateVirtualMachine(ctx, vmRequest(s)) },
			} {
				op, err := again()
				if err != nil || !op.GetDone() {
					t.Fatalf("creating an unchanged resource again is done at once: %v %v", op, err)
				}
				keep(op)
			}
			if after := puts(t, st, s.cloud); after != before {
				t.Fatalf("unchanged creates must not write to ARM: %d PUTs became %d", before, after)
			}

			changed := vmRequest(s)
			changed.VirtualMachine.Tags["tier"] = "web"
			op, err = c.API.CreateVirtualMachine(ctx, changed)
			if vm := servicetest.Result(t, keep(servicetest.Wait(t, c.Ops, op, err)), &computev1.VirtualMachine{}); vm.GetTags()["tier"] != "web" {
				t.Fatalf("a tag change updates the VM: %v", vm)
			}
			changed.VirtualMachine.AdminUsername = "someoneelse"
			_, err = c.API.CreateVirtualMachine(ctx, changed)
			servicetest.CheckStatus(t, err, codes.FailedPrecondition, "admin_username") // the admin user name cannot change

			for _, step := range []struct {
				name   string
				action func(context.Context, string) (*longrunningpb.Operation, error)
				want   computev1.VirtualMachine_PowerState
			}{
				{"stop", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.API.StopVirtualMachine(ctx, &computev1.StopVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_STOPPED},
				{"start", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.API.StartVirtualMachine(ctx, &computev1.StartVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_RUNNING},
				{"restart", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.API.RestartVirtualMachine(ctx, &computev1.RestartVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_RUNNING},
				{"deallocate", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.API.DeallocateVirtualMachine(ctx, &computev1.DeallocateVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_DEALLOCATED},
			} {
				op, err := step.action(ctx, vm.GetName())
				if got := servicetest.Result(t, keep(servicetest.Wait(t, c.Ops, op, err)), &computev1.VirtualMachine{}); got.GetPowerState() != step.want {
					t.Fatalf("%s: power state %s, want %s", step.name, got.GetPowerState(), step.want)
				}
			}
			got2, err := c.API.GetVirtualMachine(ctx, &computev1.GetVirtualMachineRequest{Name: vm.GetName()})
			if err != nil || got2.GetPowerState() != computev1.VirtualMachine_POWER_STATE_DEALLOCATED {
				t.Fatalf("get after deallocate: %v %v", got2, err)
			}
			list, err := c.API.ListVirtualMachines(ctx, &computev1.ListVirtualMachinesRequest{Parent: "clouds/" + s.cloud + "/resourceGroups/rg"})
			if err != nil || len(list.GetVirtualMachines()) != 1 {
				t.Fatalf("list: %v %v", list, err)
			}
			nics, err := c.API.ListNetworkInterfaces(ctx, &computev1.ListNetworkInterfacesRequest{Parent: "clouds/" + s.cloud + "/resourceGroups/rg", PageSize: 1})
			if err != nil || len(nics.GetNetworkInterfaces()) != 1 || nics.GetNextPageToken() == "" {
				t.Fatalf("first page of 2 NICs by 1: %v %v", nics, err)
			}
			responses = append(responses, got2, list, nics)

			_, err = c.API.DeleteNetworkInterface(ctx, &computev1.DeleteNetworkInterfaceRequest{Name: nic.GetName()})
			servicetest.CheckStatus(t, err, codes.FailedPrecondition, vm.GetName()) // a NIC in use names its VM
			op, err = c.API.DeleteVirtualMachine(ctx, &computev1.DeleteVirtualMachineRequest{Name: vm.GetName()})
			servicetest.Wait(t, c.Ops, op, err)
			for _, name := range []string{nic.GetName(), nic.GetName()} {
				op, err = c.API.DeleteNetworkInterface(ctx, &computev1.DeleteNetworkInterfaceRequest{Name: name})
				servicetest.Wait(t, c.Ops, op, err)
			}
			if _, err := c.API.GetNetworkInterface(ctx, &computev1.GetNetworkInterfaceRequest{Name: nic.GetName()}); status.Code(err) != codes.NotFound {
				t.Fatalf("want NotFound, got %v", err)
			}
		})
	}
	assertNoSecret(t, st, responses...)
}

// assertNoSecret checks that the admin password is in no response, log line or span.
func assertNoSecret(t *testing.T, st *servicetest.Stack, responses ...proto.Message) {
	t.Helper()
	for _, r := range responses {
		b, err := proto.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), password) {
			t.Fatalf("a %T holds the admin password", r)
		}
	}
	if strings.Contains(st.Logs.String(), password) {
		t.Fatal("the log holds the admin password")
	}
	spans := st.Spans.Ended()
	if len(spans) == 0 {
		t.Fatal("no span was recorded")
	}
	for _, s := range spans {
		texts := []string{s.Name(), s.Status().Description}
		for _, a := range s.Attributes() {
			texts = append(texts, a.Value.Emit())
		}
		for _, e := range s.Events() {
			for _, a := range e.Attributes {
				texts = append(texts, a.Value.Emit())
			}
		}
		if strings.Contains(strings.Join(texts, "\n"), password) {
			t.Fatalf("span %q holds the admin password", s.Name())
		}
	}
}

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := compute.Start(t, armsim.Config{})
	servicetest.CheckReflection(t, st.Conn, service.Name)
}

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := compute.Start(t, armsim.Config{})
	subnet := network(t, st, sites[1])
	st.WaitJSON(t, st.PostJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces?networkInterfaceId=nic", `{"subnet":"`+subnet+`"}`))
	if nic := st.GetJSON(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces/nic"); nic["allocatedPrivateIpAddress"] != "10.2.1.4" || nic["subnet"] != subnet {
		t.Fatalf("REST get: %v", nic)
	}
	st.CheckNotFound(t, "/v1/clouds/azure-stack-hub/resourceGroups/rg/virtualMachines/missing")
}

// TestOpenAPI validates the compute service's OpenAPI document and checks it against the
// routes its REST port serves.
func TestOpenAPI(t *testing.T) {
	st, _ := compute.Start(t, armsim.Config{})
	st.CheckOpenAPI(t)
}
