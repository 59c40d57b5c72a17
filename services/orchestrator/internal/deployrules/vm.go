package deployrules

import (
	"fmt"
	"regexp"
	"strings"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/names"
)

var (
	sizeRule = regexp.MustCompile(`^(Standard|Basic)_[A-Za-z0-9_]+$`)
	// Windows computer names: up to 15 letters, digits and '-'.
	windowsComputerName = regexp.MustCompile(`^[A-Za-z0-9-]{1,15}$`)
	// Marketplace image versions are Major.Minor.Build, e.g. 22.04.202310250.
	imageVersionRule = regexp.MustCompile(`^(latest|[0-9]+\.[0-9]+\.[0-9]+)$`)
)

// checkVirtualMachines checks a site's virtual machines: Azure's naming rules, names unique
// within the site, size, image and admin credentials. No message quotes a password.
func checkVirtualMachines(v *apierr.Violations, field string, vms []*orchestratorv1.VirtualMachineSpec) {
	seen := map[string]bool{}
	for i, vm := range vms {
		f := fmt.Sprintf("%s[%d]", field, i)
		windows := IsWindows(vm)
		checkVMName(v, f+".name", vm.GetName(), windows)
		if key := strings.ToLower(vm.GetName()); key != "" && seen[key] {
			v.Add(f+".name", "virtual machine %q is listed twice in the site; names must be unique (ARM compares them case-insensitively)", vm.GetName())
		} else {
			seen[key] = true
		}
		if !sizeRule.MatchString(vm.GetSize()) {
			v.Add(f+".size", "%q is not a VM size such as Standard_B2s (Azure) or Standard_A2_v2 (Azure Stack Hub)", vm.GetSize())
		}
		for _, img := range []struct{ name, value string }{
			{"image_publisher", vm.GetImagePublisher()}, {"image_offer", vm.GetImageOffer()}, {"image_sku", vm.GetImageSku()},
		} {
			if img.value == "" {
				v.Add(f+"."+img.name, "required: publisher, offer and sku name a marketplace image, e.g. Canonical, ubuntu-24_04-lts, server")
			}
		}
		if ver := vm.GetImageVersion(); ver != "" && !imageVersionRule.MatchString(ver) {
			v.Add(f+".image_version", "%q is not an image version: use latest, Major.Minor.Build such as 22.04.202310250, or leave it empty", ver)
		}
		azrules.CheckCredentials(v, f, vm, windows)
	}
}

// IsWindows reports whether a VM runs a Windows image, by its publisher and offer: its
// name and account rules are Windows', and the data-plane probe (a Linux script) leaves it out.
func IsWindows(vm *orchestratorv1.VirtualMachineSpec) bool {
	return strings.Contains(strings.ToLower(vm.GetImagePublisher()+vm.GetImageOffer()), "windows")
}

// checkVMName checks a VM's name, which is also its guest computer name: Azure's resource
// rule, at most 64 characters, and on Windows at most 15 letters, digits and '-'.
func checkVMName(v *apierr.Violations, field, name string, windows bool) {
	if err := names.CheckID(name); err != nil {
		v.Add(field, "%v", err)
		return
	}
	switch {
	case len(name) > azrules.MaxVMName:
		v.Add(field, "%q is longer than the %d characters a virtual machine name may have", name, azrules.MaxVMName)
	case windows && (!windowsComputerName.MatchString(name) || strings.Trim(name, "0123456789") == ""):
		v.Add(field, "%q is also the Windows computer name, which must be 1-15 letters, digits and '-', not only digits", name)
	}
}
