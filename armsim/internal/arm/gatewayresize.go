package arm

import "strings"

// A PUT of an existing virtual network gateway with another SKU is a resize: the same
// gateway, the same public IP, one long operation. What each cloud allows:
//
// Azure ("Upgrade a VPN Gateway SKU", learn.microsoft.com/azure/vpn-gateway/gateway-sku-upgrade,
// 2026, and the resize restrictions and methods table it replaced, 2024): a gateway resizes
// up within its generation (Generation1 VpnGw1-3 and VpnGw1AZ-3AZ, Generation2 VpnGw2-5 and
// VpnGw2AZ-5AZ), from a non-AZ SKU to an AZ SKU of the same or a higher tier included; it
// cannot be downgraded ("You can't downgrade a SKU without deleting the gateway and creating
// a new one"), moved to another generation, or resized from or to Basic ("Basic SKU | Any
// other SKU | No | delete/re-create only"). Refusals:
//
//   - CrossSeriesOrCrossGatewayGenenrationResizeNotSupported (400; ARM's spelling, as
//     hashicorp/terraform-provider-azurerm#5535 logged it): another generation, or Basic,
//     whose legacy A-series the message names.
//   - VirtualNetworkGatewaySkuDowngradeNotSupported (400, invented): a lower tier, or an AZ
//     SKU to a non-AZ one.
//   - VirtualNetworkGatewaySkuCannotBeCreatedForSpecifiedVmGeneration (400, ARM's, as
//     Azure/Azure-Landing-Zones#3265 logged it): on any PUT, a SKU the gateway's
//     vpnGatewayGeneration does not have.
//
// Azure Stack Hub ("Configure VPN gateway settings for Azure Stack Hub": "Azure Stack Hub
// does not support a resize of SKUs between the supported legacy SKUs", nor from them to
// VpnGw1-3): any SKU change of an existing gateway is refused with
// VirtualNetworkGatewaySkuResizeNotSupported (400, invented). The way to another SKU is to
// delete the gateway and create it again, which on a stamp gives it another public IP
// address (its Basic dynamic address is released with the gateway, allocateAddress).

// crossSeriesMessage is the Network provider's message for a resize across series or generations.
const crossSeriesMessage = "Resize from ASeries to DSeries or vice versa and Resize across VirtualNetworkVpnGatewayGenerations are not supported."

// skuTier returns the tier of a VpnGw SKU (VpnGw3AZ is 3) and whether it is an AZ SKU.
// platform/azrules has the same rule (tier, generations) for the services' checks; armsim
// keeps its own copy because it stands in for Azure and imports nothing of ours: a mistake
// in a shared copy would pass both the service's check and the emulated cloud's.
func skuTier(sku string) (tier int, az bool) {
	s, az := strings.CutSuffix(sku, "AZ")
	if n, ok := strings.CutPrefix(s, "VpnGw"); ok && len(n) == 1 && n[0] >= '1' && n[0] <= '5' {
		return int(n[0] - '0'), az
	}
	return 0, az
}

// skuGenerations returns the generations a SKU exists in on Azure: Basic and VpnGw1(AZ) in
// Generation1 only, VpnGw4-5(AZ) in Generation2 only, VpnGw2-3(AZ) in both.
func skuGenerations(sku string) []string {
	switch tier, _ := skuTier(sku); {
	case sku == "Basic" || tier == 1:
		return []string{"Generation1"}
	case tier >= 4:
		return []string{"Generation2"}
	}
	return []string{"Generation1", "Generation2"}
}

// gatewayGeneration fills in an Azure gateway's vpnGatewayGeneration when the PUT leaves it
// out (the old gateway's when the SKU has it, else the SKU's first) and refuses a SKU the
// generation does not have.
func gatewayGeneration(gw *VirtualNetworkGateway, old *entry) *Error {
	p := &gw.Properties
	gens := skuGenerations(p.SKU.Name)
	if p.VPNGatewayGeneration == "" {
		p.VPNGatewayGeneration = gens[0]
		if old != nil {
			if g := old.Res.(*VirtualNetworkGateway).Properties.VPNGatewayGeneration; contains(gens, g) {
				p.VPNGatewayGeneration = g
			}
		}
	}
	g := canonical(p.VPNGatewayGeneration, "Generation1", "Generation2", "None")
	if (g == "Generation1" || g == "Generation2") && !contains(gens, g) {
		return badRequest("VirtualNetworkGatewaySkuCannotBeCreatedForSpecifiedVmGeneration", "properties.sku.name",
			"The Virtual Network Gateway Sku %s cannot be used when VirtualNetworkVpnGatewayGeneration is set to %s.", p.SKU.Name, g)
	}
	p.VPNGatewayGeneration = g
	return nil
}

// checkResize enforces the cloud's rules on a PUT that changes an existing gateway's SKU.
func checkResize(c *Cloud, gw *VirtualNetworkGateway, old *entry) *Error {
	o := old.Res.(*VirtualNetworkGateway)
	from, to := gatewaySKU(old), gw.Properties.SKU.Name
	if from == to {
		return nil
	}
	if c.Kind == AzureStackHub {
		return badRequest("VirtualNetworkGatewaySkuResizeNotSupported", "properties.sku.name",
			"Azure Stack Hub does not support resizing virtual network gateway %s from SKU %s to %s; delete the gateway and create it again with the new SKU.",
			gw.ID, from, to)
	}
	if from == "Basic" || to == "Basic" || o.Properties.VPNGatewayGeneration != gw.Properties.VPNGatewayGeneration {
		return badRequest("CrossSeriesOrCrossGatewayGenenrationResizeNotSupported", "properties.sku.name", crossSeriesMessage)
	}
	ft, faz := skuTier(from)
	tt, taz := skuTier(to)
	if tt < ft || (faz && !taz) {
		return badRequest("VirtualNetworkGatewaySkuDowngradeNotSupported", "properties.sku.name",
			"Virtual network gateway %s cannot be resized from %s to %s: a gateway SKU cannot be downgraded; delete the gateway and create it again with the new SKU.",
			gw.ID, from, to)
	}
	return nil
}
