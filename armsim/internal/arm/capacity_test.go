package arm

import (
	"reflect"
	"testing"
)

// TestStampPool pins the stamp's shared tunnel pool: each SKU's total fills it exactly.
func TestStampPool(t *testing.T) {
	for _, tc := range []struct {
		fastPath bool
		pool     int
		cost     map[string]int
	}{
		{false, 20, map[string]int{"Basic": 1, "Standard": 1, "HighPerformance": 2}},
		{true, 600, map[string]int{"Basic": 12, "Standard": 12, "HighPerformance": 25, "VpnGw1": 100, "VpnGw2": 150, "VpnGw3": 150}},
	} {
		pool, cost := stampPool(tc.fastPath)
		if pool != tc.pool || !reflect.DeepEqual(cost, tc.cost) {
			t.Errorf("fast path %t: pool %d, costs %v; want %d, %v", tc.fastPath, pool, cost, tc.pool, tc.cost)
		}
		for sku, n := range stampTunnels[tc.fastPath] {
			if cost[sku]*n != pool {
				t.Errorf("fast path %t: %d %s tunnels take %d of %d", tc.fastPath, n, sku, cost[sku]*n, pool)
			}
		}
	}
}
