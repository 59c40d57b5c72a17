package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	stacknetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	stackresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/compute/service"
)

var ctx = context.Background()

// password is the admin password every test VM gets; it must never come back out.
const password = "Hl-Secr3t-9f2kQ!"

type clients struct {
	cmp computev1.ComputeServiceClient
	ops longrunningpb.OperationsClient
}

func start(t *testing.T, cfg armsim.Config) (*servicetest.Stack, clients) {
	t.Helper()
	st := servicetest.Start(t, service.Name, cfg, service.Service)
	return st, connect(st)
}

func connect(st *servicetest.Stack) clients {
	return clients{computev1.NewComputeServiceClient(st.Conn), longrunningpb.NewOperationsClient(st.Conn)}
}

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
	conn, err := st.Env.Clouds.Get(s.cloud)
	if err != nil {
		t.Fatal(err)
	}
	vnet := armnetwork.VirtualNetwork{
		Location: to.Ptr(conn.Location),
		Properties: &armnetwork.VirtualNetworkPropertiesFormat{
			AddressSpace: &armnetwork.AddressSpace{AddressPrefixes: []*string{to.Ptr("10." + s.octet + ".0.0/16")}},
			Subnets: []*armnetwork.Subnet{
				{Name: to.Ptr("workload"), Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr("10." + s.octet + ".1.0/24")}},
				{Name: to.Ptr("GatewaySubnet"), Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr("10." + s.octet + ".255.0/27")}},
			},
		},
	}
	switch conn.Kind {
	case cloud.Azure:
		groups, _ := armresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
		if _, err := groups.CreateOrUpdate(ctx, "rg", armresources.ResourceGroup{Location: to.Ptr(conn.Location)}, nil); err != nil {
			t.Fatal(err)
		}
		vnets, _ := armnetwork.NewVirtualNetworksClient(conn.Subscription, conn.Credential, conn.Options)
		p, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", vnet, nil)
		if err == nil {
			_, err = p.PollUntilDone(ctx, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	case cloud.AzureStackHub:
		groups, _ := stackresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
		if _, err := groups.CreateOrUpdate(ctx, "rg", stackresources.ResourceGroup{Location: to.Ptr(conn.Location)}, nil); err != nil {
			t.Fatal(err)
		}
		in, err := azsdk.Convert[stacknetwork.VirtualNetwork](vnet)
		if err != nil {
			t.Fatal(err)
		}
		vnets, _ := stacknetwork.NewVirtualNetworksClient(conn.Subscription, conn.Credential, conn.Options)
		p, err := vnets.BeginCreateOrUpdate(ctx, "rg", "vnet", in, nil)
		if err == nil {
			_, err = p.PollUntilDone(ctx, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
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
	st, c := start(t, armsim.Config{})
	var responses []proto.Message
	keep := func(op *longrunningpb.Operation) *longrunningpb.Operation {
		responses = append(responses, op)
		return op
	}
	for _, s := range sites {
		t.Run(s.cloud, func(t *testing.T) {
			subnet := network(t, st, s)
			op, err := c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", subnet))
			nic := servicetest.Result(t, keep(servicetest.Wait(t, c.ops, op, err)), &computev1.NetworkInterface{})
			if nic.GetName() != "clouds/"+s.cloud+"/resourceGroups/rg/networkInterfaces/nic" || nic.GetSubnet() != subnet ||
				nic.GetAllocatedPrivateIpAddress() != "10."+s.octet+".1.4" || nic.GetPrivateIpAddress() != "" ||
				nic.GetProvisioningState() != computev1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED {
				t.Fatalf("network interface: %v", nic)
			}
			req := nicRequest(s.cloud, "static", subnet)
			req.NetworkInterface.PrivateIpAddress = "10." + s.octet + ".1.10"
			op, err = c.cmp.CreateNetworkInterface(ctx, req)
			if got := servicetest.Result(t, keep(servicetest.Wait(t, c.ops, op, err)), &computev1.NetworkInterface{}); got.GetPrivateIpAddress() != "10."+s.octet+".1.10" {
				t.Fatalf("static address: %v", got)
			}
			req.NetworkInterface.Tags = map[string]string{"role": "spare"}
			op, err = c.cmp.CreateNetworkInterface(ctx, req)
			if got := servicetest.Result(t, keep(servicetest.Wait(t, c.ops, op, err)), &computev1.NetworkInterface{}); got.GetTags()["role"] != "spare" {
				t.Fatalf("a tag change updates the NIC: %v", got)
			}

			op, err = c.cmp.CreateVirtualMachine(ctx, vmRequest(s))
			vm := servicetest.Result(t, keep(servicetest.Wait(t, c.ops, op, err)), &computev1.VirtualMachine{})
			if vm.GetName() != "clouds/"+s.cloud+"/resourceGroups/rg/virtualMachines/vm" || vm.GetVmId() == "" ||
				vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_RUNNING || vm.GetSize() != s.size ||
				len(vm.GetNetworkInterfaces()) != 1 || vm.GetNetworkInterfaces()[0] != nic.GetName() || vm.GetComputerName() != "vm" {
				t.Fatalf("virtual machine: %v", vm)
			}
			got, err := c.cmp.GetNetworkInterface(ctx, &computev1.GetNetworkInterfaceRequest{Name: nic.GetName()})
			if err != nil || got.GetVirtualMachine() != vm.GetName() {
				t.Fatalf("the NIC names its VM: %v %v", got, err)
			}
			responses = append(responses, got)

			before := puts(t, st, s.cloud)
			for _, again := range []func() (*longrunningpb.Operation, error){
				func() (*longrunningpb.Operation, error) {
					return c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", subnet))
				},
				func() (*longrunningpb.Operation, error) { return c.cmp.CreateVirtualMachine(ctx, vmRequest(s)) },
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
			op, err = c.cmp.CreateVirtualMachine(ctx, changed)
			if vm := servicetest.Result(t, keep(servicetest.Wait(t, c.ops, op, err)), &computev1.VirtualMachine{}); vm.GetTags()["tier"] != "web" {
				t.Fatalf("a tag change updates the VM: %v", vm)
			}
			changed.VirtualMachine.AdminUsername = "someoneelse"
			if _, err := c.cmp.CreateVirtualMachine(ctx, changed); status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "admin_username") {
				t.Fatalf("changing the admin user name: want FailedPrecondition naming admin_username, got %v", err)
			}

			for _, step := range []struct {
				name   string
				action func(context.Context, string) (*longrunningpb.Operation, error)
				want   computev1.VirtualMachine_PowerState
			}{
				{"stop", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.cmp.StopVirtualMachine(ctx, &computev1.StopVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_STOPPED},
				{"start", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.cmp.StartVirtualMachine(ctx, &computev1.StartVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_RUNNING},
				{"restart", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.cmp.RestartVirtualMachine(ctx, &computev1.RestartVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_RUNNING},
				{"deallocate", func(ctx context.Context, n string) (*longrunningpb.Operation, error) {
					return c.cmp.DeallocateVirtualMachine(ctx, &computev1.DeallocateVirtualMachineRequest{Name: n})
				}, computev1.VirtualMachine_POWER_STATE_DEALLOCATED},
			} {
				op, err := step.action(ctx, vm.GetName())
				if got := servicetest.Result(t, keep(servicetest.Wait(t, c.ops, op, err)), &computev1.VirtualMachine{}); got.GetPowerState() != step.want {
					t.Fatalf("%s: power state %s, want %s", step.name, got.GetPowerState(), step.want)
				}
			}
			got2, err := c.cmp.GetVirtualMachine(ctx, &computev1.GetVirtualMachineRequest{Name: vm.GetName()})
			if err != nil || got2.GetPowerState() != computev1.VirtualMachine_POWER_STATE_DEALLOCATED {
				t.Fatalf("get after deallocate: %v %v", got2, err)
			}
			list, err := c.cmp.ListVirtualMachines(ctx, &computev1.ListVirtualMachinesRequest{Parent: "clouds/" + s.cloud + "/resourceGroups/rg"})
			if err != nil || len(list.GetVirtualMachines()) != 1 {
				t.Fatalf("list: %v %v", list, err)
			}
			nics, err := c.cmp.ListNetworkInterfaces(ctx, &computev1.ListNetworkInterfacesRequest{Parent: "clouds/" + s.cloud + "/resourceGroups/rg", PageSize: 1})
			if err != nil || len(nics.GetNetworkInterfaces()) != 1 || nics.GetNextPageToken() == "" {
				t.Fatalf("first page of 2 NICs by 1: %v %v", nics, err)
			}
			responses = append(responses, got2, list, nics)

			_, err = c.cmp.DeleteNetworkInterface(ctx, &computev1.DeleteNetworkInterfaceRequest{Name: nic.GetName()})
			if status.Code(err) != codes.FailedPrecondition || !strings.Contains(status.Convert(err).Message(), vm.GetName()) {
				t.Fatalf("deleting a NIC in use: want FailedPrecondition naming %s, got %v", vm.GetName(), err)
			}
			op, err = c.cmp.DeleteVirtualMachine(ctx, &computev1.DeleteVirtualMachineRequest{Name: vm.GetName()})
			servicetest.Wait(t, c.ops, op, err)
			for _, name := range []string{nic.GetName(), nic.GetName()} {
				op, err = c.cmp.DeleteNetworkInterface(ctx, &computev1.DeleteNetworkInterfaceRequest{Name: name})
				servicetest.Wait(t, c.ops, op, err)
			}
			if _, err := c.cmp.GetNetworkInterface(ctx, &computev1.GetNetworkInterfaceRequest{Name: nic.GetName()}); status.Code(err) != codes.NotFound {
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

// TestARMErrors: what ARM refuses reaches the caller with the canonical code, and a refused
// VM's password stays out of the error, the log and the spans.
func TestARMErrors(t *testing.T) {
	st, c := start(t, armsim.Config{})
	s := sites[1]
	subnet := network(t, st, s)
	op, err := c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", subnet))
	servicetest.Wait(t, c.ops, op, err)
	tests := []struct {
		name string
		call func() (*longrunningpb.Operation, error)
		code codes.Code
		says string // in the message, when set
	}{
		{"size not offered on the stamp", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.VirtualMachineId, r.VirtualMachine.Size = "vm-size", "Standard_E64_v5"
			return c.cmp.CreateVirtualMachine(ctx, r)
		}, codes.FailedPrecondition, "VM size Standard_E64_v5 is not offered in location local of cloud azure-stack-hub (ARM: SkuNotAvailable); pick another size: ListMachineSizes on clouds/azure-stack-hub/locations/local"},
		{"image not on the stamp", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.VirtualMachineId, r.VirtualMachine.Image.Sku = "vm-image", "22_04-lts-gen2"
			return c.cmp.CreateVirtualMachine(ctx, r)
		}, codes.NotFound, "PlatformImageNotFound"},
		{"missing NIC", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.VirtualMachineId = "vm-nic"
			r.VirtualMachine.NetworkInterfaces = []string{"clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces/missing"}
			return c.cmp.CreateVirtualMachine(ctx, r)
		}, codes.NotFound, ""},
		{"missing subnet", func() (*longrunningpb.Operation, error) {
			return c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic2", strings.Replace(subnet, "workload", "missing", 1)))
		}, codes.InvalidArgument, ""},
		{"reserved static address", func() (*longrunningpb.Operation, error) {
			r := nicRequest(s.cloud, "nic2", subnet)
			r.NetworkInterface.PrivateIpAddress = "10.2.1.2"
			return c.cmp.CreateNetworkInterface(ctx, r)
		}, codes.InvalidArgument, ""},
		{"missing resource group", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.Parent = "clouds/azure-stack-hub/resourceGroups/nowhere"
			return c.cmp.CreateVirtualMachine(ctx, r)
		}, codes.FailedPrecondition, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op, err := tc.call()
			if status.Code(err) != tc.code {
				t.Fatalf("want %s, got %v %v", tc.code, op, err)
			}
			if msg := status.Convert(err).Message(); !strings.Contains(msg, tc.says) || strings.Contains(msg, "quota") {
				t.Errorf("the message should say %q: %s", tc.says, msg)
			}
			assertNoSecret(t, st, status.Convert(err).Proto())
		})
	}
}

// TestAdoptAndResume: a create while ARM is still creating the same virtual machine adopts
// that operation (one PUT in ARM), and a fresh service instance resumes operations, the VM's
// creation and a power action, from their names alone.
func TestAdoptAndResume(t *testing.T) {
	st, c := start(t, armsim.Config{TimeScale: 0.002}) // a VM takes 240 ms, a power action 60 ms
	s := sites[0]
	op, err := c.cmp.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", network(t, st, s)))
	servicetest.Wait(t, c.ops, op, err)
	first, err := c.cmp.CreateVirtualMachine(ctx, vmRequest(s))
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.cmp.CreateVirtualMachine(ctx, vmRequest(s))
	if err != nil {
		t.Fatal(err)
	}
	if first.GetDone() || second.GetDone() {
		t.Skip("armsim finished before the second call; the adopt path was not exercised")
	}
	st.Restart(t, service.Service)
	c = connect(st)
	for _, op := range []*longrunningpb.Operation{first, second} {
		if vm := servicetest.Result(t, servicetest.Wait(t, c.ops, op, nil), &computev1.VirtualMachine{}); vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_RUNNING {
			t.Fatalf("resumed create: %v", vm)
		}
	}
	if n, err := st.Sim.Admin.Count(ctx, s.cloud, http.MethodPut, "Microsoft.Compute/virtualMachines"); err != nil || n != 1 {
		t.Fatalf("one VM creation must reach ARM once, counted %d PUTs (%v)", n, err)
	}
	stop, err := c.cmp.StopVirtualMachine(ctx, &computev1.StopVirtualMachineRequest{Name: "clouds/azure/resourceGroups/rg/virtualMachines/vm"})
	if err != nil || stop.GetDone() {
		t.Fatalf("stop: %v %v", stop, err)
	}
	st.Restart(t, service.Service)
	c = connect(st)
	if vm := servicetest.Result(t, servicetest.Wait(t, c.ops, stop, nil), &computev1.VirtualMachine{}); vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_STOPPED {
		t.Fatalf("resumed stop: %v", vm)
	}
}

// TestTamperedHandle: an altered operation name is refused with InvalidArgument.
func TestTamperedHandle(t *testing.T) {
	_, c := start(t, armsim.Config{})
	op, err := c.cmp.DeleteVirtualMachine(ctx, &computev1.DeleteVirtualMachineRequest{Name: "clouds/azure/resourceGroups/rg/virtualMachines/gone"})
	if err != nil || !op.GetDone() {
		t.Fatalf("deleting what is not there is done at once: %v %v", op, err)
	}
	if _, err := c.ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: op.GetName()}); err != nil {
		t.Fatalf("the genuine name works: %v", err)
	}
	b := []byte(op.GetName())
	b[len(b)-3] ^= 0x01
	for _, forged := range []string{string(b), "operations/abc", "operations/" + strings.Repeat("A", 100), op.GetName() + "x"} {
		_, err := c.ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: forged})
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("forged name %q: want InvalidArgument, got %v", forged, err)
		}
	}
}

// TestValidation: bad input is refused before any ARM call, naming the field, and no
// refusal quotes the password.
func TestValidation(t *testing.T) {
	st, c := start(t, armsim.Config{})
	if err := st.Sim.Admin.ResetCounters(ctx); err != nil { // the stamp's metadata was read at start
		t.Fatal(err)
	}
	const subnet = "clouds/azure/resourceGroups/rg/virtualNetworks/vnet/subnets/workload"
	// each call returns the password it sent, if any, and its error
	nic := func(f func(r *computev1.CreateNetworkInterfaceRequest)) func() (string, error) {
		return func() (string, error) {
			r := nicRequest("azure", "nic", subnet)
			f(r)
			_, err := c.cmp.CreateNetworkInterface(ctx, r)
			return "", err
		}
	}
	vm := func(f func(r *computev1.VirtualMachine)) func() (string, error) {
		return func() (string, error) {
			r := vmRequest(sites[0])
			f(r.VirtualMachine)
			_, err := c.cmp.CreateVirtualMachine(ctx, r)
			return r.VirtualMachine.GetAdminPassword(), err
		}
	}
	windows := func(r *computev1.VirtualMachine) {
		r.Image = &computev1.ImageReference{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2022-datacenter"}
	}
	tests := []struct {
		name  string
		call  func() (string, error)
		field string
	}{
		{"unknown cloud", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.Parent = "clouds/gcp/resourceGroups/rg" }), "parent"},
		{"bad NIC id", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterfaceId = "-nic" }), "network_interface_id"},
		{"no NIC", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface = nil }), "network_interface"},
		{"no subnet", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface.Subnet = "" }), "network_interface.subnet"},
		{"subnet not a name", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface.Subnet = "workload" }), "network_interface.subnet"},
		{"subnet on another cloud", nic(func(r *computev1.CreateNetworkInterfaceRequest) {
			r.NetworkInterface.Subnet = strings.Replace(subnet, "azure", "azure-stack-hub", 1)
		}), "network_interface.subnet"},
		{"GatewaySubnet", nic(func(r *computev1.CreateNetworkInterfaceRequest) {
			r.NetworkInterface.Subnet = strings.Replace(subnet, "workload", "GatewaySubnet", 1)
		}), "network_interface.subnet"},
		{"bad static IP", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface.PrivateIpAddress = "10.1.1.300" }), "network_interface.private_ip_address"},
		{"IPv6 static IP", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface.PrivateIpAddress = "fd00::4" }), "network_interface.private_ip_address"},
		{"public IP not a name", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface.PublicIpAddress = "pip" }), "network_interface.public_ip_address"},
		{"long VM id", func() (string, error) {
			r := vmRequest(sites[0])
			r.VirtualMachineId = strings.Repeat("v", 65)
			_, err := c.cmp.CreateVirtualMachine(ctx, r)
			return password, err
		}, "virtual_machine_id"},
		{"no size", vm(func(r *computev1.VirtualMachine) { r.Size = "" }), "virtual_machine.size"},
		{"bad size", vm(func(r *computev1.VirtualMachine) { r.Size = "B2s" }), "virtual_machine.size"},
		{"no image", vm(func(r *computev1.VirtualMachine) { r.Image = nil }), "virtual_machine.image"},
		{"no offer", vm(func(r *computev1.VirtualMachine) { r.Image.Offer = "" }), "virtual_machine.image.offer"},
		{"no user", vm(func(r *computev1.VirtualMachine) { r.AdminUsername = "" }), "virtual_machine.admin_username"},
		{"reserved user", vm(func(r *computev1.VirtualMachine) { r.AdminUsername = "Administrator" }), "virtual_machine.admin_username"},
		{"root", vm(func(r *computev1.VirtualMachine) { r.AdminUsername = "root" }), "virtual_machine.admin_username"},
		{"no credentials", vm(func(r *computev1.VirtualMachine) { r.AdminPassword = "" }), "virtual_machine.admin_password"},
		{"short Linux password", vm(func(r *computev1.VirtualMachine) { r.AdminPassword = "Ab1!x" }), "virtual_machine.admin_password"},
		{"long Linux password", vm(func(r *computev1.VirtualMachine) { r.AdminPassword = password + strings.Repeat("x", 72) }), "virtual_machine.admin_password"},
		{"simple password", vm(func(r *computev1.VirtualMachine) { r.AdminPassword = "onlylowercaseletters" }), "virtual_machine.admin_password"},
		{"Windows password too short", vm(func(r *computev1.VirtualMachine) { windows(r); r.AdminPassword = "Ab1!xyz" }), "virtual_machine.admin_password"},
		{"Windows with SSH keys", vm(func(r *computev1.VirtualMachine) { windows(r); r.SshPublicKeys = []string{"ssh-ed25519 AAAA"} }), "virtual_machine.ssh_public_keys"},
		{"Windows computer name", vm(func(r *computev1.VirtualMachine) { windows(r); r.ComputerName = "a-very-long-computer-name" }), "virtual_machine.computer_name"},
		{"bad SSH key", vm(func(r *computev1.VirtualMachine) { r.AdminPassword = ""; r.SshPublicKeys = []string{"AAAAB3NzaC1yc2E"} }), "virtual_machine.ssh_public_keys[0]"},
		{"no network interfaces", vm(func(r *computev1.VirtualMachine) { r.NetworkInterfaces = nil }), "virtual_machine.network_interfaces"},
		{"NIC on another cloud", vm(func(r *computev1.VirtualMachine) {
			r.NetworkInterfaces = []string{"clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces/nic"}
		}), "virtual_machine.network_interfaces[0]"},
		{"NIC twice", vm(func(r *computev1.VirtualMachine) {
			r.NetworkInterfaces = append(r.NetworkInterfaces, r.NetworkInterfaces[0])
		}), "virtual_machine.network_interfaces[1]"},
		{"a static IP of a megabyte", nic(func(r *computev1.CreateNetworkInterfaceRequest) { r.NetworkInterface.PrivateIpAddress = huge }), "network_interface.private_ip_address"},
		{"a NIC of 51 tags", nic(func(r *computev1.CreateNetworkInterfaceRequest) {
			r.NetworkInterface.Tags = map[string]string{}
			for i := range 51 {
				r.NetworkInterface.Tags[fmt.Sprint("tag", i)] = "v"
			}
		}), "network_interface.tags"},
		{"a size of a megabyte", vm(func(r *computev1.VirtualMachine) { r.Size = huge }), "virtual_machine.size"},
		{"an image offer of a megabyte", vm(func(r *computev1.VirtualMachine) { r.Image.Offer = huge }), "virtual_machine.image.offer"},
		{"an image version of a megabyte", vm(func(r *computev1.VirtualMachine) { r.Image.Version = huge }), "virtual_machine.image.version"},
		{"a user name of a megabyte", vm(func(r *computev1.VirtualMachine) { r.AdminUsername = huge }), "virtual_machine.admin_username"},
		{"11 SSH keys", vm(func(r *computev1.VirtualMachine) {
			for range 11 {
				r.SshPublicKeys = append(r.SshPublicKeys, "ssh-ed25519 AAAA")
			}
		}), "virtual_machine.ssh_public_keys"},
		{"an SSH key of 8193 bytes", vm(func(r *computev1.VirtualMachine) {
			r.SshPublicKeys = []string{"ssh-rsa " + strings.Repeat("A", 8193-len("ssh-rsa "))}
		}), "virtual_machine.ssh_public_keys[0]"},
		{"9 network interfaces", vm(func(r *computev1.VirtualMachine) {
			for i := range 8 {
				r.NetworkInterfaces = append(r.NetworkInterfaces, fmt.Sprintf("clouds/azure/resourceGroups/rg/networkInterfaces/nic%d", i))
			}
		}), "virtual_machine.network_interfaces"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secret, err := tc.call()
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("want InvalidArgument, got %v", err)
			}
			if !hasViolation(err, tc.field) {
				t.Fatalf("want a field violation on %s: %v", tc.field, err)
			}
			b, _ := proto.Marshal(status.Convert(err).Proto())
			if secret != "" && strings.Contains(string(b), secret) {
				t.Fatalf("the refusal quotes the password: %v", err)
			}
			if strings.Contains(string(b), huge[:64]) {
				t.Fatalf("the refusal quotes the megabyte: %.200s", b)
			}
		})
	}
	if n, _ := st.Sim.Admin.Count(ctx, "", "", ""); n != 0 {
		t.Fatalf("invalid requests reached ARM %d times", n)
	}
}

// huge is a megabyte, sent where a few bytes are expected.
var huge = strings.Repeat("h", 1<<20)

func hasViolation(err error, field string) bool {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return true
				}
			}
		}
	}
	return false
}

// TestREST drives the REST port with plain HTTP/JSON.
func TestREST(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	subnet := network(t, st, sites[1])
	post := func(path, body string) map[string]any {
		t.Helper()
		resp, err := st.HTTP.Post(st.REST+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return servicetest.DecodeJSON(t, resp)
	}
	op := post("/v1/clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces?networkInterfaceId=nic", `{"subnet":"`+subnet+`"}`)
	name, _ := op["name"].(string)
	for done, _ := op["done"].(bool); !done; done, _ = op["done"].(bool) {
		op = post("/v1/"+name+":wait", "")
	}
	resp, err := st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces/nic")
	if err != nil {
		t.Fatal(err)
	}
	if nic := servicetest.DecodeJSON(t, resp); nic["allocatedPrivateIpAddress"] != "10.2.1.4" || nic["subnet"] != subnet {
		t.Fatalf("REST get: %v", nic)
	}
	resp, err = st.HTTP.Get(st.REST + "/v1/clouds/azure-stack-hub/resourceGroups/rg/virtualMachines/missing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("REST answers NotFound with 404, got %s", resp.Status)
	}
}
