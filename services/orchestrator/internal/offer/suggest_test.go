package offer

import (
	"slices"
	"testing"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
)

func TestClosest(t *testing.T) {
	azure := []string{"australiaeast", "centralus", "eastus", "eastus2", "northeurope", "westeurope", "westus", "westus2"}
	tests := []struct {
		want    string
		offered []string
		first   []string
	}{
		{"westeuropa", azure, []string{"westeurope"}},
		{"eastus3", azure, []string{"eastus", "eastus2"}},
		{"mars", []string{"local"}, []string{"local"}},
		{"mars", nil, []string{"none: the cloud lists no location"}},
	}
	for _, tc := range tests {
		got := closest(tc.want, tc.offered)
		if len(got) > suggestions || !slices.Equal(got[:len(tc.first)], tc.first) {
			t.Errorf("closest(%q) = %v, want it to start with %v", tc.want, got, tc.first)
		}
	}
}

func TestCloseSizes(t *testing.T) {
	offered := func(sizes map[string]int32) []*computev1.MachineSize {
		var out []*computev1.MachineSize
		for n, c := range sizes {
			out = append(out, &computev1.MachineSize{Name: "clouds/c/locations/l/machineSizes/" + n, Cores: c})
		}
		return out
	}
	stamp := offered(map[string]int32{"Standard_E2_v3": 2, "Standard_E4_v3": 4, "Standard_E8_v3": 8, "Standard_E16_v3": 16,
		"Standard_A2_v2": 2, "Standard_F2s_v2": 2, "Standard_DS2_v2": 2, "Standard_D2_v3": 2, "Standard_D16_v3": 16, "Standard_F64s_v2": 64})
	tests := []struct {
		want string
		got  []string
	}{
		// the same family first, nearest in vCPUs
		{"Standard_E64_v5", []string{"Standard_E16_v3", "Standard_E8_v3", "Standard_E4_v3", "Standard_E2_v3"}},
		// D and DS are one family; the same feature letters first, then the newest version
		{"Standard_D2s_v5", []string{"Standard_DS2_v2", "Standard_D2_v3", "Standard_D16_v3"}},
		// no B sizes: the nearest in vCPUs, the same feature letter (s) first
		{"Standard_B2s", []string{"Standard_DS2_v2", "Standard_F2s_v2", "Standard_D2_v3", "Standard_E2_v3", "Standard_A2_v2"}},
		// not a size name: the nearest in spelling
		{"Standard-E64-v5", []string{"Standard_E4_v3"}},
	}
	for _, tc := range tests {
		got := closeSizes(tc.want, stamp)
		if !slices.Equal(got[:min(len(got), len(tc.got))], tc.got) || len(got) > suggestions {
			t.Errorf("closeSizes(%q) = %v, want %v", tc.want, got, tc.got)
		}
	}
	if got := closeSizes("Standard_B2s", nil); !slices.Equal(got, []string{"none: the location lists no VM size"}) {
		t.Errorf("no sizes: %v", got)
	}
}
