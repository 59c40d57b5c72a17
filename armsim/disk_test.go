package armsim_test

import (
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestDisks: a VM's OS disk is a managed disk Compute makes with the VM, named by
// osDisk.managedDisk.id and attached to it; it cannot be deleted while attached, deleting
// the VM detaches it (the default) and the disk is then deleted alone; an empty disk can be
// PUT; disks have the DiskRP's api-versions, not the VMs'.
func TestDisks(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	disks := sdkClient(t, r.sim, "azure", armcompute.NewDisksClient)
	vm, err := r.az.vms.Get(ctx, "rg-hub", "vm-hub", nil)
	must(t, err)
	os := vm.Properties.StorageProfile.OSDisk
	disk, err := disks.Get(ctx, "rg-hub", *os.Name, nil)
	must(t, err)
	if *disk.ID != *os.ManagedDisk.ID || *disk.ManagedBy != *vm.ID || *disk.Properties.DiskState != armcompute.DiskStateAttached ||
		*disk.Properties.CreationData.CreateOption != armcompute.DiskCreateOptionFromImage || *disk.Properties.DiskSizeGB != *os.DiskSizeGB ||
		*disk.SKU.Name != armcompute.DiskStorageAccountTypesStandardLRS {
		t.Fatalf("the VM's OS disk: %+v %+v", disk, disk.Properties)
	}

	_, err = done(disks.BeginDelete(ctx, "rg-hub", *os.Name, nil))
	wantCode(t, err, "OperationNotAllowed", http.StatusConflict)

	_, err = done(r.az.vms.BeginDelete(ctx, "rg-hub", "vm-hub", nil))
	must(t, err)
	disk, err = disks.Get(ctx, "rg-hub", *os.Name, nil)
	must(t, err)
	if disk.ManagedBy != nil || *disk.Properties.DiskState != armcompute.DiskStateUnattached {
		t.Fatalf("a deleted VM's OS disk is detached and kept: managedBy %v, state %s", disk.ManagedBy, *disk.Properties.DiskState)
	}
	_, err = done(disks.BeginDelete(ctx, "rg-hub", *os.Name, nil))
	must(t, err)
	_, err = disks.Get(ctx, "rg-hub", *os.Name, nil)
	wantCode(t, err, "ResourceNotFound", http.StatusNotFound)

	empty, err := done(disks.BeginCreateOrUpdate(ctx, "rg-hub", "data", armcompute.Disk{Location: to("eastus"),
		Properties: &armcompute.DiskProperties{CreationData: &armcompute.CreationData{CreateOption: to(armcompute.DiskCreateOptionEmpty)}, DiskSizeGB: to[int32](64)}}, nil))
	must(t, err)
	if *empty.Properties.DiskSizeBytes != 64<<30 || *empty.Properties.DiskState != armcompute.DiskStateUnattached {
		t.Fatalf("an empty disk: %+v", empty.Properties)
	}
	_, err = done(disks.BeginCreateOrUpdate(ctx, "rg-hub", "copy", armcompute.Disk{Location: to("eastus"),
		Properties: &armcompute.DiskProperties{CreationData: &armcompute.CreationData{CreateOption: to(armcompute.DiskCreateOptionCopy)}}}, nil))
	wantCode(t, err, "InvalidParameter", http.StatusBadRequest)

	rs := raw(t, r.sim, "azure", http.MethodGet, "/subscriptions/"+sub+"/resourceGroups/rg-hub/providers/Microsoft.Compute/disks/data?api-version=2024-07-01", nil)
	rs.wantError(t, http.StatusBadRequest, "NoRegisteredProviderFound")
}
