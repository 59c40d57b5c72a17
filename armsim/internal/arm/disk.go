package arm

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Disk is a Microsoft.Compute managed disk: a VM's OS disk, made from its image with the VM
// (the VM's osDisk.managedDisk.id names it) and attached to it (managedBy), or an empty disk
// a client PUTs. What a disk holds is not modeled.
type Disk struct {
	Meta
	ManagedBy  string   `json:"managedBy,omitempty"`
	SKU        *DiskSKU `json:"sku,omitempty"`
	Properties struct {
		OSType            string            `json:"osType,omitempty"`
		HyperVGeneration  string            `json:"hyperVGeneration,omitempty"`
		CreationData      *DiskCreationData `json:"creationData,omitempty"`
		DiskSizeGB        int32             `json:"diskSizeGB,omitempty"`
		DiskSizeBytes     int64             `json:"diskSizeBytes,omitempty"`
		UniqueID          string            `json:"uniqueId,omitempty"`
		DiskState         string            `json:"diskState,omitempty"`
		TimeCreated       string            `json:"timeCreated,omitempty"`
		ProvisioningState string            `json:"provisioningState,omitempty"`
	} `json:"properties"`
}

// DiskSKU is a disk's storage type (Standard_LRS, Premium_LRS, ...).
type DiskSKU struct {
	Name string `json:"name,omitempty"`
}

// DiskCreationData says what a disk was made from: Empty, or FromImage with the image's id.
type DiskCreationData struct {
	CreateOption   string `json:"createOption,omitempty"`
	ImageReference *ref   `json:"imageReference,omitempty"`
}

func (r *Disk) state() *string { return &r.Properties.ProvisioningState }

func init() {
	register(&kind{name: "disks", Namespace: "Microsoft.Compute", Type: "disks",
		newRes: func() resource { return &Disk{} }, creating: "Updating", locationHeader: true, acceptsCreate: true,
		nameRule: &nameRule{re: regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$`), max: 80,
			msg: "Disk name %s is invalid. It can be up to 80 characters long and contain letters, digits, '_', '.' and '-', starting with a letter, digit or '_'."},
		readOnly: []string{"managedBy", "properties.diskState", "properties.uniqueId", "properties.timeCreated", "properties.diskSizeBytes"},
		prepare:  prepareDisk, inUse: diskInUse})
}

// prepareDisk takes a client's PUT of a disk: an empty disk of diskSizeGB (Disks_CreateOrUpdate's
// "Create an empty managed disk"), or an update of a stored one that keeps what the disk is
// and whom it is attached to. Disks from images, snapshots or blobs are VMs' to make.
func prepareDisk(t *txn, en, old *entry) ([]string, *Error) {
	d := en.Res.(*Disk)
	p := &d.Properties
	if old != nil {
		o := old.Res.(*Disk)
		if p.DiskSizeGB < o.Properties.DiskSizeGB && p.DiskSizeGB != 0 {
			return nil, badRequest("BadRequest", "diskSizeGB", "Disk size reduction is not supported. Current size is %d GB, requested size is %d GB.",
				o.Properties.DiskSizeGB, p.DiskSizeGB)
		}
		size := p.DiskSizeGB
		tags, sku := d.Tags, d.SKU
		*d = *o
		d.Tags = tags
		if sku != nil && sku.Name != "" {
			d.SKU = sku
		}
		if size != 0 {
			d.Properties.DiskSizeGB, d.Properties.DiskSizeBytes = size, int64(size)<<30
		}
		return nil, nil
	}
	if p.CreationData == nil || p.CreationData.CreateOption == "" {
		return nil, invalidParameter("creationData.createOption", "Required parameter 'creationData.createOption' is missing (null).")
	}
	if !strings.EqualFold(p.CreationData.CreateOption, "Empty") {
		return nil, invalidParameter("creationData.createOption",
			"armsim makes empty disks, and OS disks with their VMs; createOption '%s' is not modeled.", p.CreationData.CreateOption)
	}
	if p.DiskSizeGB <= 0 {
		return nil, invalidParameter("diskSizeGB", "Required parameter 'diskSizeGB' is missing (null).")
	}
	newDisk(d, "Empty", p.DiskSizeGB, t.now())
	return nil, nil
}

// newDisk fills what ARM computes of a new disk.
func newDisk(d *Disk, createOption string, sizeGB int32, now time.Time) {
	p := &d.Properties
	if d.SKU == nil || d.SKU.Name == "" {
		d.SKU = &DiskSKU{Name: "Standard_LRS"}
	}
	if p.CreationData == nil {
		p.CreationData = &DiskCreationData{}
	}
	p.CreationData.CreateOption = createOption
	p.DiskSizeGB, p.DiskSizeBytes = sizeGB, int64(sizeGB)<<30
	p.UniqueID, p.DiskState = newID(), "Unattached"
	p.TimeCreated = now.UTC().Format(time.RFC3339Nano)
}

// diskInUse refuses to delete a disk attached to a VM, as Compute does.
func diskInUse(_ *Engine, en *entry) *Error {
	d := en.Res.(*Disk)
	if d.ManagedBy == "" {
		return nil
	}
	return errorf(http.StatusConflict, "OperationNotAllowed", "Disk %s is attached to VM %s.", d.Name, d.ManagedBy)
}

// attachOSDisk makes a VM's OS disk when the VM's creation succeeds, from its image, and
// attaches it; a disk already there (the VM updated) stays as it is.
func (e *Engine) attachOSDisk(vmEntry *entry) {
	vm := vmEntry.Res.(*VirtualMachine)
	sp := vm.Properties.StorageProfile
	if sp == nil || sp.OSDisk == nil || sp.OSDisk.ManagedDisk == nil || sp.OSDisk.ManagedDisk.ID == "" {
		return
	}
	id := sp.OSDisk.ManagedDisk.ID
	if en := e.get(vmEntry.Cloud, id); en != nil {
		d := en.Res.(*Disk)
		d.ManagedBy, d.Properties.DiskState = vm.ID, "Attached"
		e.dirty = true
		return
	}
	d := &Disk{Meta: Meta{ID: id, Name: sp.OSDisk.Name, Type: "Microsoft.Compute/disks", Location: vm.Location}}
	d.SKU = &DiskSKU{Name: sp.OSDisk.ManagedDisk.StorageAccountType}
	newDisk(d, "FromImage", sp.OSDisk.DiskSizeGB, e.now())
	d.Properties.OSType = sp.OSDisk.OSType
	if img := sp.ImageReference; img != nil {
		if found := findImage(e.clouds[vmEntry.Cloud].Kind, img.Publisher, img.Offer, img.SKU); found != nil {
			d.Properties.HyperVGeneration = map[bool]string{true: "V2", false: "V1"}[found.gen2]
		}
		sub := strings.Split(strings.TrimPrefix(vm.ID, "/subscriptions/"), "/")[0]
		d.Properties.CreationData.ImageReference = &ref{ID: "/Subscriptions/" + sub + "/Providers/Microsoft.Compute/Locations/" + vm.Location + "/Publishers/" + img.Publisher +
			"/ArtifactTypes/VMImage/Offers/" + img.Offer + "/Skus/" + img.SKU + "/Versions/" + img.Version}
	}
	d.ManagedBy, d.Properties.DiskState, d.Properties.ProvisioningState = vm.ID, "Attached", "Succeeded"
	e.put(&entry{Cloud: vmEntry.Cloud, Kind: "disks", Res: d, Parent: vmEntry.Parent, SucceededAt: e.now()}, nil)
}

// releaseOSDisk is what deleting a VM does to its OS disk: deleted with it when its
// osDisk.deleteOption is Delete, else detached and kept (Compute's default, Detach).
func (e *Engine) releaseOSDisk(vmEntry *entry) {
	sp := vmEntry.Res.(*VirtualMachine).Properties.StorageProfile
	if sp == nil || sp.OSDisk == nil || sp.OSDisk.ManagedDisk == nil {
		return
	}
	en := e.get(vmEntry.Cloud, sp.OSDisk.ManagedDisk.ID)
	if en == nil {
		return
	}
	if strings.EqualFold(sp.OSDisk.DeleteOption, "Delete") {
		e.remove(en.key())
		return
	}
	d := en.Res.(*Disk)
	d.ManagedBy, d.Properties.DiskState = "", "Unattached"
	e.dirty = true
}
