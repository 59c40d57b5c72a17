package arm

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// VirtualMachine is a Microsoft.Compute virtual machine.
type VirtualMachine struct {
	Meta
	Properties struct {
		HardwareProfile *struct {
			VMSize string `json:"vmSize,omitempty"`
		} `json:"hardwareProfile,omitempty"`
		StorageProfile *struct {
			ImageReference *ImageReference `json:"imageReference,omitempty"`
			OSDisk         *OSDisk         `json:"osDisk,omitempty"`
		} `json:"storageProfile,omitempty"`
		OSProfile      *OSProfile `json:"osProfile,omitempty"`
		NetworkProfile *struct {
			NetworkInterfaces []*NICReference `json:"networkInterfaces"`
		} `json:"networkProfile,omitempty"`
		VMID              string        `json:"vmId,omitempty"`
		ProvisioningState string        `json:"provisioningState,omitempty"`
		InstanceView      *InstanceView `json:"instanceView,omitempty"`
	} `json:"properties"`
}

// ImageReference names a marketplace image.
type ImageReference struct {
	Publisher string `json:"publisher,omitempty"`
	Offer     string `json:"offer,omitempty"`
	SKU       string `json:"sku,omitempty"`
	Version   string `json:"version,omitempty"`
}

// OSDisk describes the VM's OS disk; armsim keeps it as part of the VM.
type OSDisk struct {
	Name         string `json:"name,omitempty"`
	OSType       string `json:"osType,omitempty"`
	CreateOption string `json:"createOption,omitempty"`
	Caching      string `json:"caching,omitempty"`
	DiskSizeGB   int32  `json:"diskSizeGB,omitempty"`
	// DeleteOption is what deleting the VM does to the disk: Delete, or Detach (default).
	DeleteOption string       `json:"deleteOption,omitempty"`
	ManagedDisk  *ManagedDisk `json:"managedDisk,omitempty"`
}

// ManagedDisk is the managed disk behind a VM's disk; its ID is read-only.
type ManagedDisk struct {
	StorageAccountType string `json:"storageAccountType,omitempty"`
	ID                 string `json:"id,omitempty"`
}

// OSProfile holds the guest OS settings; AdminPassword is input only.
type OSProfile struct {
	ComputerName       string `json:"computerName,omitempty"`
	AdminUsername      string `json:"adminUsername,omitempty"`
	AdminPassword      string `json:"adminPassword,omitempty"`
	LinuxConfiguration *struct {
		DisablePasswordAuthentication bool `json:"disablePasswordAuthentication"`
		SSH                           *struct {
			PublicKeys []struct {
				Path    string `json:"path,omitempty"`
				KeyData string `json:"keyData,omitempty"`
			} `json:"publicKeys,omitempty"`
		} `json:"ssh,omitempty"`
	} `json:"linuxConfiguration,omitempty"`
	WindowsConfiguration *struct {
		ProvisionVMAgent *bool `json:"provisionVMAgent,omitempty"`
	} `json:"windowsConfiguration,omitempty"`
}

// NICReference attaches a network interface to a VM.
type NICReference struct {
	ID         string `json:"id"`
	Properties *struct {
		Primary *bool `json:"primary,omitempty"`
	} `json:"properties,omitempty"`
}

// InstanceView is the VM's run-time view: provisioning and power state, what its guest
// agent reports, its disks.
type InstanceView struct {
	ComputerName     string           `json:"computerName,omitempty"`
	OSName           string           `json:"osName,omitempty"`
	OSVersion        string           `json:"osVersion,omitempty"`
	VMAgent          *VMAgent         `json:"vmAgent,omitempty"`
	Disks            []DiskView       `json:"disks"`
	HyperVGeneration string           `json:"hyperVGeneration,omitempty"`
	Extensions       []ExtensionView  `json:"extensions,omitempty"`
	Statuses         []InstanceStatus `json:"statuses"`
}

// VMAgent is the guest agent's view of a VM.
type VMAgent struct {
	VMAgentVersion string           `json:"vmAgentVersion"`
	Statuses       []InstanceStatus `json:"statuses"`
}

// DiskView is the instance view of one disk.
type DiskView struct {
	Name     string           `json:"name"`
	Statuses []InstanceStatus `json:"statuses"`
}

// InstanceStatus is one status of an instance view.
type InstanceStatus struct {
	Code          string     `json:"code"`
	Level         string     `json:"level"`
	DisplayStatus string     `json:"displayStatus"`
	Message       string     `json:"message,omitempty"`
	Time          *time.Time `json:"time,omitempty"`
}

func (r *VirtualMachine) state() *string { return &r.Properties.ProvisioningState }

// Power states of a VM, as instanceView codes spell them after "PowerState/".
const (
	powerRunning     = "running"
	powerStopped     = "stopped"
	powerDeallocated = "deallocated"
)

func init() {
	register(&kind{name: "virtualmachines", Namespace: "Microsoft.Compute", Type: "virtualMachines",
		newRes: func() resource { return &VirtualMachine{} }, creating: "Creating", locationHeader: true,
		nameRule: &nameRule{re: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`), max: 64,
			msg: "Virtual machine name %s is invalid. It can be up to 64 characters long and contain letters, digits, '.', '-' and '_', starting with a letter or digit."},
		readOnly: []string{"properties.osProfile.adminPassword", "properties.instanceView", "properties.vmId",
			"properties.storageProfile.osDisk.managedDisk.id"},
		prepare: prepareVirtualMachine, onSucceeded: vmSucceeded, onRemove: func(e *Engine, en *entry) { e.releaseOSDisk(en) },
		onAction: vmPower, render: renderVirtualMachine,
		defaults: virtualMachineDefaults,
		actions: map[string]func(t *txn, en *entry) (*response, *Error){
			"instanceview": vmInstanceView,
			"start":        vmAction(actPowerOn, "starting"),
			"poweroff":     vmAction(actPowerOf, "stopping"),
			"deallocate":   vmAction(actDealloc, "deallocating"),
			"restart":      vmAction(actRestart, "starting"),
		}})
}

var reservedUsernames = map[string]bool{"administrator": true, "admin": true, "user": true, "user1": true, "test": true,
	"user2": true, "test1": true, "user3": true, "admin1": true, "1": true, "123": true, "a": true, "actuser": true,
	"adm": true, "admin2": true, "aspnet": true, "backup": true, "console": true, "david": true, "guest": true, "john": true,
	"owner": true, "root": true, "server": true, "sql": true, "support": true, "support_388945a0": true, "sys": true,
	"test2": true, "test3": true, "user4": true, "user5": true}

func invalidParameter(target, format string, args ...any) *Error {
	return badRequest("InvalidParameter", target, format, args...)
}

func prepareVirtualMachine(t *txn, en, old *entry) ([]string, *Error) {
	vm := en.Res.(*VirtualMachine)
	p := &vm.Properties
	c := t.cloud()
	if p.HardwareProfile == nil || p.HardwareProfile.VMSize == "" {
		return nil, invalidParameter("hardwareProfile.vmSize", "Required parameter 'hardwareProfile.vmSize' is missing (null).")
	}
	if !offersSize(c.Kind, p.HardwareProfile.VMSize) {
		// Compute's message names the VM, not the size; the size is in the request
		e := errorf(http.StatusConflict, "SkuNotAvailable",
			"The requested size for resource '%s' is currently not available in location '%s' zones '' for subscription '%s'. Please try another size or deploy to a different location or zones. See https://aka.ms/azureskunotavailable for details.",
			vm.ID, vm.Location, t.rq.path.Subscription)
		e.Target = "hardwareProfile.vmSize"
		return nil, e
	}
	if p.StorageProfile == nil || p.StorageProfile.ImageReference == nil {
		return nil, invalidParameter("storageProfile.imageReference", "Required parameter 'storageProfile.imageReference' is missing (null).")
	}
	img := p.StorageProfile.ImageReference
	if img.Publisher == "" || img.Offer == "" || img.SKU == "" {
		return nil, invalidParameter("storageProfile.imageReference", "The image reference needs publisher, offer and sku.")
	}
	if img.Version == "" {
		img.Version = "latest"
	}
	if !offersImage(c.Kind, img) {
		e := errorf(http.StatusNotFound, "PlatformImageNotFound",
			"The platform image '%s:%s:%s:%s' is not available. Verify that all fields in the storage profile are correct. For more details about storage profile information, please refer to https://aka.ms/storageprofile",
			img.Publisher, img.Offer, img.SKU, img.Version)
		e.Target = "imageReference"
		return nil, e
	}
	if p.StorageProfile.OSDisk == nil {
		p.StorageProfile.OSDisk = &OSDisk{CreateOption: "FromImage"}
	}
	linux := !strings.Contains(strings.ToLower(img.Publisher+img.Offer), "windows")
	if p.StorageProfile.OSDisk.OSType == "" {
		p.StorageProfile.OSDisk.OSType = map[bool]string{true: "Linux", false: "Windows"}[linux]
	}
	disk := p.StorageProfile.OSDisk
	if disk.Name == "" {
		disk.Name = vm.Name + "_OsDisk_1_" + strings.ReplaceAll(newID(), "-", "")
	}
	if disk.Caching == "" {
		disk.Caching = "ReadWrite"
	}
	if disk.DiskSizeGB == 0 {
		// the size of the marketplace images' OS disks: 30 GiB Linux, 127 GiB Windows
		disk.DiskSizeGB = map[bool]int32{true: 30, false: 127}[linux]
	}
	if disk.ManagedDisk == nil {
		disk.ManagedDisk = &ManagedDisk{StorageAccountType: "Standard_LRS"}
	}
	disk.ManagedDisk.ID = "/subscriptions/" + t.rq.path.Subscription + "/resourceGroups/" + t.rq.path.ResourceGroup +
		"/providers/Microsoft.Compute/disks/" + disk.Name
	if old != nil {
		if err := immutableVMFields(old.Res.(*VirtualMachine), vm); err != nil {
			return nil, err
		}
	} else if err := checkOSProfile(vm, linux); err != nil {
		return nil, err
	}
	if p.NetworkProfile == nil || len(p.NetworkProfile.NetworkInterfaces) == 0 {
		return nil, invalidParameter("networkProfile.networkInterfaces", "Virtual machine %s must have at least one network interface.", vm.ID)
	}
	var refs []string
	for i, n := range p.NetworkProfile.NetworkInterfaces {
		target := "networkProfile.networkInterfaces[" + itoa(i) + "].id"
		if n == nil || n.ID == "" {
			return nil, invalidParameter(target, "Required parameter '%s' is missing (null).", target)
		}
		nic := t.get(c.ID, n.ID)
		if nic == nil || !isType(n.ID, "Microsoft.Network", "networkInterfaces") {
			e := errorf(http.StatusNotFound, "NotFound", "Resource %s not found.", n.ID)
			e.Target = target
			return nil, e
		}
		if nic.Res.meta().Location != vm.Location {
			return nil, invalidParameter(target, "Network interface %s is in location %s; virtual machine %s is in %s. They must be in the same location.",
				nic.id(), nic.Res.meta().Location, vm.ID, vm.Location)
		}
		for _, u := range t.users(nic.key()) {
			if u.Kind == "virtualmachines" && u.key() != en.key() {
				return nil, badRequest("NicInUse", target, "Network Interface %s is used by existing VM %s.", nic.id(), u.id())
			}
		}
		n.ID = nic.id()
		refs = append(refs, nic.id())
	}
	if old != nil {
		p.VMID = old.Res.(*VirtualMachine).Properties.VMID
		en.Power = old.Power
	} else {
		p.VMID = newID()
	}
	p.InstanceView = nil
	return refs, nil
}

// checkOSProfile enforces Azure's rules on the admin account of a new VM.
func checkOSProfile(vm *VirtualMachine, linux bool) *Error {
	o := vm.Properties.OSProfile
	if o == nil {
		return invalidParameter("osProfile", "Required parameter 'osProfile' is missing (null).")
	}
	if o.ComputerName == "" {
		o.ComputerName = vm.Name
	}
	if !linux && len(o.ComputerName) > 15 {
		return invalidParameter("osProfile.computerName", "Windows computer name cannot be more than 15 characters long, be entirely numeric, or contain the following characters: ` ~ ! @ # $ %% ^ & * ( ) = + _ [ ] { } \\ | ; : . ' \" , < > / ?.")
	}
	if o.AdminUsername == "" {
		return invalidParameter("osProfile.adminUsername", "Required parameter 'osProfile.adminUsername' is missing (null).")
	}
	if reservedUsernames[strings.ToLower(o.AdminUsername)] {
		return invalidParameter("osProfile.adminUsername", "The Admin Username specified is not allowed.")
	}
	keyOnly := linux && o.LinuxConfiguration != nil && o.LinuxConfiguration.DisablePasswordAuthentication
	if keyOnly {
		if o.LinuxConfiguration.SSH == nil || len(o.LinuxConfiguration.SSH.PublicKeys) == 0 {
			return invalidParameter("osProfile.linuxConfiguration.ssh.publicKeys",
				"Authentication using either SSH or by user name and password must be enabled in Linux profile.")
		}
		for i, k := range o.LinuxConfiguration.SSH.PublicKeys {
			if !strings.HasPrefix(k.KeyData, "ssh-") && !strings.HasPrefix(k.KeyData, "ecdsa-") {
				return invalidParameter("osProfile.linuxConfiguration.ssh.publicKeys["+itoa(i)+"].keyData",
					"The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.")
			}
		}
		return nil
	}
	if o.AdminPassword == "" {
		return invalidParameter("osProfile.adminPassword", "Required parameter 'adminPassword' is missing (null).")
	}
	lo, hi := 8, 123
	if linux {
		lo, hi = 6, 72
	}
	if len(o.AdminPassword) < lo || len(o.AdminPassword) > hi || passwordClasses(o.AdminPassword) < 3 {
		return invalidParameter("osProfile.adminPassword",
			"The supplied password must be between %d-%d characters long and must satisfy at least 3 of password complexity requirements from the following: 1) Contains an uppercase character 2) Contains a lowercase character 3) Contains a numeric digit 4) Contains a special character 5) Control characters are not allowed", lo, hi)
	}
	return nil
}

// passwordClasses counts the character classes of a password, as Azure does. The suite's
// platform/azrules has the same rule; armsim keeps its own copy because it stands in for
// Azure and imports nothing of ours: a shared copy would let a mistake in the rule pass both
// the service's check and the emulated cloud's.
func passwordClasses(s string) int {
	var up, low, digit, special bool
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return 0
		case unicode.IsUpper(r):
			up = true
		case unicode.IsLower(r):
			low = true
		case unicode.IsDigit(r):
			digit = true
		default:
			special = true
		}
	}
	n := 0
	for _, b := range []bool{up, low, digit, special} {
		if b {
			n++
		}
	}
	return n
}

// immutableVMFields refuses changes Azure does not allow on an existing VM.
func immutableVMFields(old, vm *VirtualMachine) *Error {
	if vm.Properties.OSProfile == nil {
		vm.Properties.OSProfile = old.Properties.OSProfile
	} else {
		o, n := old.Properties.OSProfile, vm.Properties.OSProfile
		if n.ComputerName == "" {
			n.ComputerName = o.ComputerName
		}
		if n.AdminPassword == "" {
			n.AdminPassword = o.AdminPassword
		}
		for _, f := range []struct{ name, a, b string }{
			{"osProfile.computerName", o.ComputerName, n.ComputerName},
			{"osProfile.adminUsername", o.AdminUsername, n.AdminUsername},
			{"osProfile.adminPassword", o.AdminPassword, n.AdminPassword},
		} {
			if f.a != f.b {
				return badRequest("PropertyChangeNotAllowed", f.name, "Changing property '%s' is not allowed.", f.name)
			}
		}
	}
	if !reflect.DeepEqual(old.Properties.StorageProfile.ImageReference, vm.Properties.StorageProfile.ImageReference) {
		return badRequest("PropertyChangeNotAllowed", "storageProfile.imageReference", "Changing property 'imageReference' is not allowed.")
	}
	// the OS disk stays the one created; its caching can change
	disk := *old.Properties.StorageProfile.OSDisk
	if n := vm.Properties.StorageProfile.OSDisk; n != nil && n.Caching != "" {
		disk.Caching = n.Caching
	}
	vm.Properties.StorageProfile.OSDisk = &disk
	return nil
}

// vmSucceeded starts a created VM and gives dynamic public IPs on its NICs their addresses.
func vmSucceeded(e *Engine, en *entry) {
	if en.Power == "" {
		en.Power = powerRunning
	}
	e.attachOSDisk(en)
	for _, r := range en.Refs {
		nic := e.entries[r]
		if nic == nil {
			continue
		}
		for _, nr := range nic.Refs {
			if pip := e.entries[nr]; pip != nil && pip.Kind == "publicipaddresses" {
				e.allocateAddress(pip)
			}
		}
	}
}

func vmPower(_ *Engine, en *entry, action string) {
	switch action {
	case actPowerOn, actRestart:
		en.Power = powerRunning
	case actPowerOf:
		en.Power = powerStopped
	case actDealloc:
		en.Power = powerDeallocated
	}
}

// vmAction starts a power operation: 202 with polling headers.
func vmAction(action, transient string) func(t *txn, en *entry) (*response, *Error) {
	return func(t *txn, en *entry) (*response, *Error) {
		if t.rq.method != http.MethodPost {
			return nil, methodNotAllowed(t.rq.method)
		}
		if op := t.busy(en); op != nil {
			e := errorf(http.StatusConflict, "OperationNotAllowed", "Operation '%s' is not allowed since the VM is being updated by operation %s.", strings.TrimPrefix(action, "power:"), op.ID)
			return nil, e
		}
		if en.provisioningState() != "Succeeded" {
			return nil, errorf(http.StatusConflict, "OperationNotAllowed", "Operation '%s' is not allowed on VM %s in provisioning state %s.", strings.TrimPrefix(action, "power:"), en.id(), en.provisioningState())
		}
		en.Power = transient
		*en.Res.state() = "Updating"
		op := t.startOp(t.rq, en, "VMPowerOperation", action, "vmpower")
		resp := reply(http.StatusAccepted, nil)
		t.asyncHeaders(resp.header, t.rq.base, op, true)
		return resp, nil
	}
}

// vmAgentVersion is the guest agent version armsim's VMs report.
const vmAgentVersion = "2.7.41491.1102"

// instanceView is a VM's instance view as Compute answers it (VirtualMachine_Get_InstanceView
// example): provisioning state with its time, power state, the guest agent and the OS it
// reports while the VM runs, the OS disk, the Hyper-V generation of its image.
func (e *Engine) instanceView(en *entry) *InstanceView {
	vm := en.Res.(*VirtualMachine)
	st := vm.Properties.ProvisioningState
	var since *time.Time
	if st == "Succeeded" && !en.SucceededAt.IsZero() {
		at := en.SucceededAt.UTC()
		since = &at
	}
	status := func(code, display string) InstanceStatus {
		return InstanceStatus{Code: code, Level: "Info", DisplayStatus: display, Time: since}
	}
	iv := &InstanceView{Statuses: []InstanceStatus{status("ProvisioningState/"+strings.ToLower(st), "Provisioning "+strings.ToLower(st))},
		Disks: []DiskView{}}
	if st == "Failed" {
		iv.Statuses[0].Level = "Error"
	}
	if vm.Properties.OSProfile != nil {
		iv.ComputerName = vm.Properties.OSProfile.ComputerName
	}
	if d := vm.Properties.StorageProfile.OSDisk; d != nil {
		iv.Disks = append(iv.Disks, DiskView{Name: d.Name, Statuses: []InstanceStatus{iv.Statuses[0]}})
	}
	img := vm.Properties.StorageProfile.ImageReference
	if found := findImage(e.clouds[en.Cloud].Kind, img.Publisher, img.Offer, img.SKU); found != nil {
		iv.HyperVGeneration = map[bool]string{true: "V2", false: "V1"}[found.gen2]
		if en.Power == powerRunning {
			iv.OSName, iv.OSVersion = guestOS(found, img.Version)
			agent := status("ProvisioningState/succeeded", "Ready")
			agent.Message = "GuestAgent is running and accepting new configurations."
			iv.VMAgent = &VMAgent{VMAgentVersion: vmAgentVersion, Statuses: []InstanceStatus{agent}}
		}
	}
	if en.Power != "" {
		iv.Statuses = append(iv.Statuses, InstanceStatus{Code: "PowerState/" + en.Power, Level: "Info", DisplayStatus: "VM " + en.Power})
	}
	iv.Extensions = e.vmExtensionViews(en)
	return iv
}

// guestOS is the OS name and version a VM's guest agent reports for its image: Ubuntu's
// name and release, Windows' product name and NT build (from the image version's build).
func guestOS(img *image, version string) (string, string) {
	if strings.EqualFold(version, "latest") || version == "" {
		version = img.versions[len(img.versions)-1]
	}
	parts := strings.Split(version, ".")
	if img.windows {
		year := strings.SplitN(img.sku, "-", 2)[0]
		return "Windows Server " + year + " Datacenter", "Microsoft Windows NT 10.0." + parts[0] + ".0"
	}
	return "ubuntu", strings.Join(parts[:min(2, len(parts))], ".")
}

// virtualMachineDefaults: Compute answers a VM with its data disks and OS secrets, none
// unless given (VirtualMachine_Create_WithBootDiagnostics example).
func virtualMachineDefaults(_ *Engine, _ *entry, v map[string]any) {
	setDefault(v, "properties.storageProfile.dataDisks", []any{})
	// Compute answers only the capabilities a VM has: an empty additionalCapabilities sent
	// (Terraform's azurerm sends {} when none is configured) does not come back. Inferred:
	// otherwise every azurerm VM would show a diff on its second plan.
	if props, _ := v["properties"].(map[string]any); props != nil {
		if c, ok := props["additionalCapabilities"].(map[string]any); ok && len(c) == 0 {
			delete(props, "additionalCapabilities")
		}
	}
	if _, ok := lookupPath(v, "properties.osProfile").(map[string]any); ok {
		setDefault(v, "properties.osProfile.secrets", []any{})
	}
}

func vmInstanceView(t *txn, en *entry) (*response, *Error) {
	if t.rq.method != http.MethodGet {
		return nil, methodNotAllowed(t.rq.method)
	}
	return reply(http.StatusOK, t.instanceView(en)), nil
}

// renderVirtualMachine leaves the admin password out and adds the instance view on $expand.
func renderVirtualMachine(e *Engine, en *entry, rq *request) any {
	vm := *en.Res.(*VirtualMachine)
	if o := vm.Properties.OSProfile; o != nil {
		cp := *o
		cp.AdminPassword = ""
		vm.Properties.OSProfile = &cp
	}
	if rq != nil && strings.EqualFold(rq.query.Get("$expand"), "instanceView") {
		vm.Properties.InstanceView = e.instanceView(en)
	}
	return &vm
}
