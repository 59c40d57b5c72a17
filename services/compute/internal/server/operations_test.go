package server_test

import (
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestARMErrors: what ARM refuses reaches the caller with the canonical code, and a refused
// VM's password stays out of the error, the log and the spans.
func TestARMErrors(t *testing.T) {
	st, c := compute.Start(t, armsim.Config{})
	s := sites[1]
	subnet := network(t, st, s)
	op, err := c.API.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", subnet))
	servicetest.Wait(t, c.Ops, op, err)
	tests := []struct {
		name string
		call func() (*longrunningpb.Operation, error)
		code codes.Code
		says string // in the message, when set
	}{
		{"size not offered on the stamp", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.VirtualMachineId, r.VirtualMachine.Size = "vm-size", "Standard_E64_v5"
			return c.API.CreateVirtualMachine(ctx, r)
		}, codes.FailedPrecondition, "VM size Standard_E64_v5 is not offered in location local of cloud azure-stack-hub (ARM: SkuNotAvailable); pick another size: ListMachineSizes on clouds/azure-stack-hub/locations/local"},
		{"image not on the stamp", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.VirtualMachineId, r.VirtualMachine.Image.Sku = "vm-image", "22_04-lts-gen2"
			return c.API.CreateVirtualMachine(ctx, r)
		}, codes.NotFound, "PlatformImageNotFound"},
		{"missing NIC", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.VirtualMachineId = "vm-nic"
			r.VirtualMachine.NetworkInterfaces = []string{"clouds/azure-stack-hub/resourceGroups/rg/networkInterfaces/missing"}
			return c.API.CreateVirtualMachine(ctx, r)
		}, codes.NotFound, ""},
		{"missing subnet", func() (*longrunningpb.Operation, error) {
			return c.API.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic2", strings.Replace(subnet, "workload", "missing", 1)))
		}, codes.InvalidArgument, ""},
		{"reserved static address", func() (*longrunningpb.Operation, error) {
			r := nicRequest(s.cloud, "nic2", subnet)
			r.NetworkInterface.PrivateIpAddress = "10.2.1.2"
			return c.API.CreateNetworkInterface(ctx, r)
		}, codes.InvalidArgument, ""},
		{"missing resource group", func() (*longrunningpb.Operation, error) {
			r := vmRequest(s)
			r.Parent = "clouds/azure-stack-hub/resourceGroups/nowhere"
			return c.API.CreateVirtualMachine(ctx, r)
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
	st, c := compute.Start(t, armsim.Config{TimeScale: 0.002}) // a VM takes 240 ms, a power action 60 ms
	s := sites[0]
	op, err := c.API.CreateNetworkInterface(ctx, nicRequest(s.cloud, "nic", network(t, st, s)))
	servicetest.Wait(t, c.Ops, op, err)
	first, second := servicetest.Twice(t, func() (*longrunningpb.Operation, error) { return c.API.CreateVirtualMachine(ctx, vmRequest(s)) })
	c = compute.Restart(t, st)
	for _, op := range []*longrunningpb.Operation{first, second} {
		if vm := servicetest.Result(t, servicetest.Wait(t, c.Ops, op, nil), &computev1.VirtualMachine{}); vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_RUNNING {
			t.Fatalf("resumed create: %v", vm)
		}
	}
	if n, err := st.Sim.Admin.Count(ctx, s.cloud, http.MethodPut, "Microsoft.Compute/virtualMachines"); err != nil || n != 1 {
		t.Fatalf("one VM creation must reach ARM once, counted %d PUTs (%v)", n, err)
	}
	stop, err := c.API.StopVirtualMachine(ctx, &computev1.StopVirtualMachineRequest{Name: "clouds/azure/resourceGroups/rg/virtualMachines/vm"})
	if err != nil || stop.GetDone() {
		t.Fatalf("stop: %v %v", stop, err)
	}
	c = compute.Restart(t, st)
	if vm := servicetest.Result(t, servicetest.Wait(t, c.Ops, stop, nil), &computev1.VirtualMachine{}); vm.GetPowerState() != computev1.VirtualMachine_POWER_STATE_STOPPED {
		t.Fatalf("resumed stop: %v", vm)
	}
}

// TestTamperedHandle: an altered operation name is refused with InvalidArgument.
func TestTamperedHandle(t *testing.T) {
	_, c := compute.Start(t, armsim.Config{})
	op, err := c.API.DeleteVirtualMachine(ctx, &computev1.DeleteVirtualMachineRequest{Name: "clouds/azure/resourceGroups/rg/virtualMachines/gone"})
	if err != nil || !op.GetDone() {
		t.Fatalf("deleting what is not there is done at once: %v %v", op, err)
	}
	servicetest.CheckTampered(t, c.Ops, op, nil)
}
