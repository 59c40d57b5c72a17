package server

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/names"
)

// limits bounds every field of the Create requests, checked before anything else.
var limits = apierr.NewLimits(slices.Concat(
	kind.ResourceName.On("parent", "network_interface.subnet", "network_interface.public_ip_address", "virtual_machine.network_interfaces[*]"),
	kind.ARMName("network interface", 80).On("network_interface_id"),
	kind.ARMName("extension", 80).On("virtual_machine_extension_id"),
	kind.Address.On("network_interface.private_ip_address"),
	kind.VirtualMachineLimits("virtual_machine", "image."),
	[]apierr.Limit{
		{Field: "virtual_machine_id", Max: azrules.MaxVMName, Why: "Azure: VM names have at most 64 characters"},
		{Field: "virtual_machine.computer_name", Max: azrules.MaxVMName, Why: "Azure: computer names have at most 64 characters (15 on Windows)"},
		{Field: "virtual_machine.network_interfaces", Max: azrules.MaxNetworkInterfaces, Why: "the most network interfaces any Azure VM size takes"},
		{Field: "virtual_machine_extension.publisher", Max: 128, Why: "extension publishers are dotted names such as Microsoft.Azure.Extensions"},
		{Field: "virtual_machine_extension.type", Max: 128, Why: "extension types such as CustomScript"},
		{Field: "virtual_machine_extension.type_handler_version", Max: 9, Why: "major.minor, each at most four digits"},
		{Field: "virtual_machine_extension.command", Max: 64 << 10, Why: "ARM documents no bound; ours, far above the probe script's 1 KB"},
	},
	azrules.ResourceLimits("network_interface"),
	azrules.ResourceLimits("virtual_machine"),
	azrules.ResourceLimits("virtual_machine_extension"),
)...)

// nicSpec is a validated network interface: the ARM IDs it references and its static IP.
type nicSpec struct {
	subnetID, publicIPID, privateIP string
}

// validateNetworkInterface checks a CreateNetworkInterface request on a resource group
// before any ARM call, naming every bad field. References must be on the interface's cloud.
func validateNetworkInterface(req *computev1.CreateNetworkInterfaceRequest, parent names.Name, subscription string) (*computev1.NetworkInterface, nicSpec, error) {
	var v apierr.Violations
	var spec nicSpec
	want := req.GetNetworkInterface()
	if !kind.CheckResource(&v, "network_interface", req.GetNetworkInterfaceId(), want) {
		return nil, spec, v.Err()
	}
	if want.GetSubnet() == "" {
		v.Add("network_interface.subnet", "required: a subnet name, clouds/{cloud}/resourceGroups/{resource_group}/virtualNetworks/{virtual_network}/subnets/{subnet}")
	} else if sn, ok := kind.Reference(&v, "network_interface.subnet", want.GetSubnet(), parent.Cloud, "virtualNetworks", "subnets"); ok {
		if strings.EqualFold(sn.ID(), azrules.GatewaySubnet) {
			v.Add("network_interface.subnet", "%s is reserved for VPN gateways; put the network interface in a workload subnet", azrules.GatewaySubnet)
		} else {
			spec.subnetID = sn.ARMID(subscription, providerNetwork)
		}
	}
	if ip := want.GetPrivateIpAddress(); ip != "" {
		if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() {
			v.Add("network_interface.private_ip_address", "%q is not an IPv4 address such as 10.1.1.10", ip)
		} else {
			spec.privateIP = a.String()
		}
	}
	if p := want.GetPublicIpAddress(); p != "" {
		if pip, ok := kind.Reference(&v, "network_interface.public_ip_address", p, parent.Cloud, "publicIPAddresses"); ok {
			spec.publicIPID = pip.ARMID(subscription, providerNetwork)
		}
	}
	return want, spec, v.Err()
}

// vmSpec is a validated virtual machine: its guest OS family, computer name and the ARM IDs
// of its network interfaces, the first primary.
type vmSpec struct {
	windows      bool
	computerName string
	nicIDs       []string
}

var (
	sizeRule = regexp.MustCompile(`^(Standard|Basic)_[A-Za-z0-9_]+$`)
	// Linux host names: letters, digits, '.', '-' and '_', not starting with '.', '-' or '_'.
	linuxComputerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	// Windows computer names: up to 15 letters, digits and '-'.
	windowsComputerName = regexp.MustCompile(`^[A-Za-z0-9-]{1,15}$`)
)

// validateVirtualMachine checks a CreateVirtualMachine request on a resource group before
// any ARM call, naming every bad field. No message ever quotes the admin password.
func validateVirtualMachine(req *computev1.CreateVirtualMachineRequest, parent names.Name, subscription string) (*computev1.VirtualMachine, vmSpec, error) {
	var v apierr.Violations
	var spec vmSpec
	id := req.GetVirtualMachineId()
	if err := names.CheckID(id); err != nil {
		v.Add("virtual_machine_id", "%v", err)
	} else if len(id) > 64 {
		v.Add("virtual_machine_id", "%q is longer than the 64 characters a virtual machine name may have", id)
	}
	want := req.GetVirtualMachine()
	if want == nil {
		v.Add("virtual_machine", "required")
		return nil, spec, v.Err()
	}
	if !sizeRule.MatchString(want.GetSize()) {
		v.Add("virtual_machine.size", "%q is not a VM size such as Standard_B2s (Azure) or Standard_A2_v2 (Azure Stack Hub)", want.GetSize())
	}
	if img := want.GetImage(); img == nil {
		v.Add("virtual_machine.image", "required: publisher, offer and sku of a marketplace image")
	} else {
		for _, f := range []struct{ name, value string }{{"publisher", img.GetPublisher()}, {"offer", img.GetOffer()}, {"sku", img.GetSku()}} {
			if f.value == "" {
				v.Add("virtual_machine.image."+f.name, "required")
			}
		}
		spec.windows = strings.Contains(strings.ToLower(img.GetPublisher()+img.GetOffer()), "windows")
	}
	spec.computerName = want.GetComputerName()
	if spec.computerName == "" {
		spec.computerName = id
	}
	checkComputerName(&v, spec.computerName, want.GetComputerName() == "", spec.windows)
	azrules.CheckCredentials(&v, "virtual_machine", want, spec.windows)
	if len(want.GetNetworkInterfaces()) == 0 {
		v.Add("virtual_machine.network_interfaces", "at least one network interface is required, e.g. clouds/%s/resourceGroups/%s/networkInterfaces/nic", parent.Cloud, parent.ResourceGroup)
	}
	seen := map[string]bool{}
	for i, name := range want.GetNetworkInterfaces() {
		field := fmt.Sprintf("virtual_machine.network_interfaces[%d]", i)
		nic, ok := kind.Reference(&v, field, name, parent.Cloud, "networkInterfaces")
		if !ok {
			continue
		}
		armID := nic.ARMID(subscription, providerNetwork)
		if seen[strings.ToLower(armID)] {
			v.Add(field, "%s is listed twice", name)
			continue
		}
		seen[strings.ToLower(armID)] = true
		spec.nicIDs = append(spec.nicIDs, armID)
	}
	return want, spec, v.Err()
}

// checkComputerName checks the guest's computer name (the VM's name when none is given).
func checkComputerName(v *apierr.Violations, name string, defaulted, windows bool) {
	const field = "virtual_machine.computer_name"
	from := ""
	if defaulted {
		from = " (it defaults to the virtual machine's name; set computer_name)"
	}
	switch {
	case windows && (!windowsComputerName.MatchString(name) || strings.Trim(name, "0123456789") == ""):
		v.Add(field, "Windows computer name %q must be 1-15 letters, digits and '-', not only digits%s", name, from)
	case !windows && (!linuxComputerName.MatchString(name) || strings.HasSuffix(name, ".") || strings.HasSuffix(name, "-")):
		v.Add(field, "computer name %q must be 1-64 letters, digits, '.', '-' and '_', starting with a letter or digit and not ending with '.' or '-'%s", name, from)
	}
}
