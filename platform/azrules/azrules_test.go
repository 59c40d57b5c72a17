package azrules

import (
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

func TestSharedKeyProblem(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		ok        bool
	}{
		{"empty (the caller's rule)", "", true},
		{"printable ASCII", "Shared-Key_42 with inner spaces ~!", true},
		{"128 characters", strings.Repeat("k", MaxSharedKey), true},
		{"129 characters", strings.Repeat("k", MaxSharedKey+1), false},
		{"one space", " ", false},
		{"three spaces", "   ", false},
		{"leading space", " Shared-Key-42", false},
		{"trailing space", "Shared-Key-42 ", false},
		{"tab", "Shared\tKey", false},
		{"line break at the end", "Shared-Key-42\n", false},
		{"NUL", "Shared\x00Key", false},
		{"DEL", "Shared\x7fKey", false},
		{"not ASCII", "clé-partagée", false},
		{"no-break space", "\u00a0Shared-Key", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problem := SharedKeyProblem(tc.key)
			if (problem == "") != tc.ok {
				t.Fatalf("SharedKeyProblem(%q) = %q; want ok=%v", tc.key, problem, tc.ok)
			}
			if tc.key != "" && strings.TrimSpace(tc.key) != "" && strings.Contains(problem, strings.TrimSpace(tc.key)) {
				t.Errorf("the description quotes the key: %s", problem)
			}
		})
	}
}

func TestStampUse(t *testing.T) {
	tests := []struct {
		name     string
		tunnels  map[string]int
		fastPath bool
		want     int
	}{
		{"20 Standard fill a stamp", map[string]int{"Standard": 20}, false, StampPool},
		{"10 HighPerformance fill a stamp", map[string]int{"HighPerformance": 10}, false, StampPool},
		{"a HighPerformance tunnel takes two Standard ones' room", map[string]int{"Standard": 18, "highperformance": 1}, false, StampPool},
		{"Fast Path: 4 VpnGw2 fill a stamp", map[string]int{"VpnGw2": 4}, true, StampPool},
		{"Fast Path: 50 Basic fill a stamp", map[string]int{"Basic": 50}, true, StampPool},
		{"an unknown SKU takes nothing", map[string]int{"VpnGw9": 3}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StampUse(tt.tunnels, tt.fastPath); got != tt.want {
				t.Errorf("StampUse(%v, %v) = %d, want %d", tt.tunnels, tt.fastPath, got, tt.want)
			}
		})
	}
	for fp, col := range StampTunnels {
		for sku, n := range col {
			if StampPool%n != 0 {
				t.Errorf("StampPool %d is not a multiple of %d (%s, fast path %v)", StampPool, n, sku, fp)
			}
		}
	}
}

func TestTunnels(t *testing.T) {
	for _, tt := range []struct {
		kind cloud.Kind
		sku  string
		want int
		ok   bool
	}{
		{cloud.Azure, "Basic", 10, true},
		{cloud.Azure, "vpngw1az", 30, true},
		{cloud.Azure, "VpnGw5AZ", 100, true},
		{cloud.AzureStackHub, "HighPerformance", 10, true},
		{cloud.AzureStackHub, "VpnGw1", 0, false},
	} {
		if got, ok := Tunnels(tt.kind, tt.sku); got != tt.want || ok != tt.ok {
			t.Errorf("Tunnels(%s, %s) = %d, %v; want %d, %v", tt.kind, tt.sku, got, ok, tt.want, tt.ok)
		}
	}
}

func TestResizable(t *testing.T) {
	for _, tt := range []struct {
		kind     cloud.Kind
		from, to string
		want     bool
	}{
		{cloud.Azure, "VpnGw1AZ", "VpnGw2AZ", true},
		{cloud.Azure, "VpnGw1", "VpnGw1AZ", true},
		{cloud.Azure, "VpnGw2", "VpnGw3AZ", true},
		{cloud.Azure, "VpnGw2AZ", "VpnGw1AZ", false},
		{cloud.Azure, "VpnGw1AZ", "VpnGw1", false},
		{cloud.Azure, "VpnGw1AZ", "VpnGw4AZ", false},
		{cloud.Azure, "VpnGw2", "VpnGw5", false}, // a VpnGw2 is created in Generation1
		{cloud.Azure, "VpnGw4", "VpnGw5AZ", true},
		{cloud.Azure, "Basic", "VpnGw1", false},
		{cloud.AzureStackHub, "Standard", "HighPerformance", false},
		{cloud.AzureStackHub, "Standard", "standard", true},
	} {
		if got := Resizable(tt.kind, tt.from, tt.to); got != tt.want {
			t.Errorf("Resizable(%s, %s, %s) = %v, want %v", tt.kind, tt.from, tt.to, got, tt.want)
		}
	}
}
