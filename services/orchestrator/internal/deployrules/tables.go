package deployrules

import (
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// The rules shared with the resource services (gateway SKUs, IPsec/IKE values, VM admin
// accounts, CIDR prefixes and the GatewaySubnet) are in platform/azrules; the ones below are the orchestrator's own.

// defaultSKUs are the gateway SKUs Complete fills in per kind of cloud.
var defaultSKUs = map[cloud.Kind]string{cloud.Azure: "VpnGw1AZ", cloud.AzureStackHub: "Standard"}
