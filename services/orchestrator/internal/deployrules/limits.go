package deployrules

import (
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/kind"
)

// MaxSites is the most sites a deployment has: a hub and 15 spokes, half an Azure VpnGw1-3
// gateway's 30 tunnels. More spokes attach to the same hub through other deployments that
// adopt its gateway.
const MaxSites = 16

// MaxVirtualMachines is the most virtual machines a site may have, and
// MaxDeploymentVirtualMachines the most a deployment has across its sites. Each VM is two
// steps (its network interface and itself) and each site at most four more, each tunnel end
// two, so the largest deployment (16 sites, 30 tunnel ends, 200 VMs) is
// 4 × 16 + 2 × 30 + 2 × 200 + 1 = 525 steps, of which at most 216 run at once (all the
// network interfaces once the networks are up, and the gateways): about a tenth of
// Temporal's 2000 pending activities per workflow. An apply writes fewer than four history
// events a step (289 for one of 77 steps on the dev server, and six at most: the
// activity's three and a workflow task's), so about 2,000 for the largest, and a teardown
// as many: an apply and a teardown fit in one run, which continues as new past 4,096
// events, far below Temporal's 51,200. The workflow refuses more (workflow.checkInput), and
// TestLargestDeploymentFits runs the largest.
const (
	MaxVirtualMachines           = 100
	MaxDeploymentVirtualMachines = 200
)

// MinRotateEvery and MaxRotateEvery bound connection.rotate_every.
const (
	MinRotateEvery = time.Hour
	MaxRotateEvery = 366 * 24 * time.Hour
)

// MaxSpecBytes bounds the encoded size of a deployment's spec. The spec is part of the
// workflow's input, of the input each continue-as-new carries with the deployment's status
// and what it created, and of every update's result: each must stay below Temporal's 2 MiB
// payload limit. With the largest spec and 525 steps the input of a continue-as-new is
// about 514 KB, below Temporal's 512 KiB warning too (TestLargestDeploymentFits).
const MaxSpecBytes = 240 << 10

// Limits bounds every repeated and string field of the deployments this API takes, each
// checked before anything else and before anything is written. The README's API section
// shows this table.
var Limits = slices.Concat(
	[]apierr.Limit{
		{Field: "deployment.name", Max: len("deployments/") + 63, Why: "deployments/ and an id of 1-63 characters (AIP-122: ids are RFC 1034 labels)"},
		{Field: "deployment.spec", Max: MaxSpecBytes, Why: "the spec travels in the workflow's input, whose payloads must stay below Temporal's 2 MiB limit (512 KiB warning) with the deployment's status"},
		{Field: "deployment.spec.sites", Max: MaxSites, Why: "a hub and 15 spokes, half the 30 tunnels of an Azure VpnGw1-3 gateway; attach more spokes in other deployments that adopt the hub's gateway"},
		{Field: "deployment.spec.hub", Max: 16, Why: "a site's name"},
		{Field: "deployment.spec.sites[*].name", Max: 16, Why: "resource names are built from it, e.g. {site}-to-{peer}, within ARM's 80 characters"},
		{Field: "deployment.spec.sites[*].cloud", Max: 63, Why: "a configured cloud's id"},
		{Field: "deployment.spec.sites[*].location", Max: azrules.MaxLocation, Why: "ARM location names (the longest Azure region, germanywestcentral, has 18 characters)"},
		{Field: "deployment.spec.sites[*].resource_group", Max: 90, Why: "ARM: resource group names have 1-90 characters"},
		{Field: "deployment.spec.sites[*].address_prefixes", Max: azrules.MaxVirtualNetworkPrefixes, Why: "Azure VPN Gateway limits: 600 virtual network address prefixes per VPN gateway, and 1000 per local network gateway, which holds the peer's"},
	},
	kind.Prefix.On("deployment.spec.sites[*].address_prefixes[*]", "deployment.spec.sites[*].workload_subnet_prefix", "deployment.spec.sites[*].gateway_subnet_prefix"),
	kind.GatewaySKU.On("deployment.spec.sites[*].gateway_sku"),
	[]apierr.Limit{
		{Field: "deployment.spec.sites[*].virtual_machines", Max: MaxVirtualMachines, Why: "each VM is two workflow steps, and a deployment has at most 200 VMs (525 steps, at most 216 pending at once, about a tenth of Temporal's 2000 pending activities per workflow); put more VMs in another deployment"},
		{Field: "deployment.spec.sites[*].existing.virtual_network", Max: 64, Why: "ARM: virtual network names have 2-64 characters"},
		{Field: "deployment.spec.sites[*].existing.vpn_gateway", Max: 80, Why: "ARM: virtual network gateway names have 1-80 characters"},
		{Field: "deployment.spec.sites[*].virtual_machines[*].name", Max: azrules.MaxVMName, Why: "Azure: VM names have at most 64 characters (15 on Windows, which the name rule checks)"},
	},
	kind.VirtualMachineLimits("deployment.spec.sites[*].virtual_machines[*]", "image_"),
	kind.SharedKey.On("deployment.spec.connection.shared_key"),
	azrules.IPsecPolicyLimits("deployment.spec.connection.ipsec_policy"),
)

// limits indexes Limits.
var limits = apierr.NewLimits(Limits...)

// CheckLimits checks a deployment's name and spec against Limits: each field, then, when
// they are all within theirs, the spec's encoded size. A field over its limit is reported
// without its value (it may be a secret, or megabytes long) and nothing below it is looked
// at, so the findings stay few and short whatever is sent.
func CheckLimits(d *orchestratorv1.Deployment) apierr.Violations {
	var v apierr.Violations
	if d == nil {
		return v
	}
	const field = "deployment.spec"
	if limits.Check(&v, "deployment", d.ProtoReflect(), "name", "spec") && proto.Size(d.GetSpec()) > limits[field].Max {
		v.Add(field, "the spec is %d bytes encoded; at most %d are allowed (%s); split it into several deployments",
			proto.Size(d.GetSpec()), limits[field].Max, limits[field].Why)
	}
	return v
}
