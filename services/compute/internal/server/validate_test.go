package server_test

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/armsim"
	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestValidation: bad input is refused before any ARM call, naming the field, and no
// refusal quotes the password.
func TestValidation(t *testing.T) {
	st, c := compute.Start(t, armsim.Config{})
	if err := st.Sim.Admin.ResetCounters(ctx); err != nil { // the stamp's metadata was read at start
		t.Fatal(err)
	}
	const subnet = "clouds/azure/resourceGroups/rg/virtualNetworks/vnet/subnets/workload"
	// each call returns the password it sent, if any, and its error
	nic := func(f func(r *computev1.CreateNetworkInterfaceRequest)) func() (string, error) {
		return func() (string, error) {
			r := nicRequest("azure", "nic", subnet)
			f(r)
			_, err := c.API.CreateNetworkInterface(ctx, r)
			return "", err
		}
	}
	vm := func(f func(r *computev1.VirtualMachine)) func() (string, error) {
		return func() (string, error) {
			r := vmRequest(sites[0])
			f(r.VirtualMachine)
			_, err := c.API.CreateVirtualMachine(ctx, r)
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
			_, err := c.API.CreateVirtualMachine(ctx, r)
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
			servicetest.CheckInvalid(t, err, tc.field)
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
