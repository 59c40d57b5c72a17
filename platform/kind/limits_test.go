package kind

import (
	"slices"
	"testing"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// TestBoundOn: a bound put on fields is one limit a field, with the bound's Max and Why.
func TestBoundOn(t *testing.T) {
	got := ARMName("subnet", 80).On("subnet_id", "subnet.name")
	want := []apierr.Limit{
		{Field: "subnet_id", Max: 80, Why: "ARM: subnet names have 1-80 characters"},
		{Field: "subnet.name", Max: 80, Why: "ARM: subnet names have 1-80 characters"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("On = %v, want %v", got, want)
	}
}

// TestVirtualMachineLimits: the image's fields are named below the virtual machine as the
// caller spells them, and the limits index without a field twice.
func TestVirtualMachineLimits(t *testing.T) {
	for image, field := range map[string]string{"image.": "vm.image.sku", "image_": "vm.image_sku"} {
		l := apierr.NewLimits(VirtualMachineLimits("vm", image)...)
		if _, ok := l[field]; !ok {
			t.Errorf("VirtualMachineLimits(vm, %q) has no %s: %v", image, field, l)
		}
	}
}
