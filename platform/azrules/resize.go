package azrules

import (
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// Resizable reports whether a VPN gateway of SKU from on kind k can become SKU to in place
// (the same gateway and public IP, one long operation), or must be deleted and created
// again. Azure ("Upgrade a VPN Gateway SKU", and the resize table it replaced) resizes up
// within a generation (Generation1 VpnGw1-3 and VpnGw1AZ-3AZ, Generation2 VpnGw2-5 and
// VpnGw2AZ-5AZ; a gateway is in its SKU's first generation, as the suite creates them), a
// non-AZ SKU to an AZ one of the same or a higher tier included; never down, across
// generations, or from or to Basic. Azure Stack Hub resizes nothing ("Configure VPN gateway
// settings for Azure Stack Hub": no resize between its SKUs).
func Resizable(k cloud.Kind, from, to string) bool {
	if strings.EqualFold(from, to) {
		return true
	}
	if k != cloud.Azure || strings.EqualFold(from, "Basic") || strings.EqualFold(to, "Basic") {
		return false
	}
	ft, faz := tier(from)
	tt, taz := tier(to)
	if ft == 0 || tt == 0 || tt < ft || (faz && !taz) {
		return false
	}
	return slices.Contains(generations(to), generations(from)[0])
}

// tier returns a VpnGw SKU's tier (VpnGw3AZ is 3) and whether it is an AZ SKU; 0 for others.
func tier(sku string) (int, bool) {
	s := strings.ToLower(sku)
	s, az := strings.CutSuffix(s, "az")
	if n, ok := strings.CutPrefix(s, "vpngw"); ok && len(n) == 1 && n[0] >= '1' && n[0] <= '5' {
		return int(n[0] - '0'), az
	}
	return 0, az
}

// generations returns the generations a VpnGw SKU exists in: VpnGw1 in Generation1 only,
// VpnGw4-5 in Generation2 only, VpnGw2-3 in both.
func generations(sku string) []string {
	switch t, _ := tier(sku); {
	case t == 1:
		return []string{"Generation1"}
	case t >= 4:
		return []string{"Generation2"}
	}
	return []string{"Generation1", "Generation2"}
}
