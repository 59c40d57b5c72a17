package spec

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
)

// Limit bounds one field of a deployment: a repeated field's items, a string's bytes, or,
// for deployment.spec, its encoded size.
type Limit struct {
	// Field is the field's request path, with [*] for any index, e.g.
	// deployment.spec.sites[*].virtual_machines.
	Field string
	// Max is the most items, or bytes, the field may hold.
	Max int
	// Why is where Max comes from: the cloud's or Temporal's limit it keeps under.
	Why string
}

// MaxVirtualMachines is the most virtual machines a site may have. Each is two steps (its
// network interface and itself), so the largest deployment is 13 + 4 × 100 = 413 steps:
// all of them pending at once is a fifth of Temporal's 2000 pending activities per
// workflow, and an apply of them about 2,500 history events, which leaves room for
// several applies and a teardown in one run below Temporal's 51,200 (it continues as new
// past 4,096).
const MaxVirtualMachines = 100

// MaxSpecBytes bounds the encoded size of a deployment's spec. The spec is part of the
// workflow's input and, with the deployment's status (about 400 bytes a step), of the
// input each continue-as-new carries and of every update's result in history: each
// must stay below Temporal's 2 MiB payload limit, and at 256 KiB, with 413 steps, they
// stay below its 512 KiB warning too.
const MaxSpecBytes = 256 << 10

// maxPrefix is the longest IPv4 CIDR prefix, 255.255.255.255/32.
const maxPrefix = len("255.255.255.255/32")

// ipsecValue is why an IPsec/IKE policy value is bounded.
const ipsecValue = "the longest value either cloud takes, DHGroup2048, has 11 characters"

// Limits bounds every repeated and string field of the deployments this API takes, each
// checked before anything else and before anything is written. The README's API section
// shows this table.
var Limits = []Limit{
	{"deployment.name", len("deployments/") + 63, "deployments/ and an id of 1-63 characters (AIP-122: ids are RFC 1034 labels)"},
	{"deployment.spec", MaxSpecBytes, "the spec travels in the workflow's input, whose payloads must stay below Temporal's 2 MiB limit (512 KiB warning) with the deployment's status"},
	{"deployment.spec.sites", 2, "a deployment is the two ends of one tunnel"},
	{"deployment.spec.sites[*].name", 16, "resource names are built from it, e.g. {site}-to-{peer}, within ARM's 80 characters"},
	{"deployment.spec.sites[*].cloud", 63, "a configured cloud's id"},
	{"deployment.spec.sites[*].location", 40, "ARM location names (the longest Azure region, germanywestcentral, has 18 characters)"},
	{"deployment.spec.sites[*].resource_group", 90, "ARM: resource group names have 1-90 characters"},
	{"deployment.spec.sites[*].address_prefixes", 600, "Azure VPN Gateway limits: 600 virtual network address prefixes per VPN gateway, and 1000 per local network gateway, which holds the peer's"},
	{"deployment.spec.sites[*].address_prefixes[*]", maxPrefix, "an IPv4 CIDR prefix"},
	{"deployment.spec.sites[*].workload_subnet_prefix", maxPrefix, "an IPv4 CIDR prefix"},
	{"deployment.spec.sites[*].gateway_subnet_prefix", maxPrefix, "an IPv4 CIDR prefix"},
	{"deployment.spec.sites[*].gateway_sku", 32, "the longest SKU either cloud offers, HighPerformance, has 15 characters"},
	{"deployment.spec.sites[*].virtual_machines", MaxVirtualMachines, "each VM is two workflow steps: two sites of 100 are 413 steps, a fifth of Temporal's 2000 pending activities per workflow; put more VMs in another deployment"},
	{"deployment.spec.sites[*].virtual_machines[*].name", maxVMName, "Azure: VM names have at most 64 characters (15 on Windows, which the name rule checks)"},
	{"deployment.spec.sites[*].virtual_machines[*].size", 64, "ARM VM size names (Standard_NC96ads_A100_v4 has 24 characters)"},
	{"deployment.spec.sites[*].virtual_machines[*].image_publisher", 64, "Marketplace publisher ids have at most 50 characters"},
	{"deployment.spec.sites[*].virtual_machines[*].image_offer", 64, "Marketplace offer ids have at most 50 characters"},
	{"deployment.spec.sites[*].virtual_machines[*].image_sku", 64, "Marketplace plan ids have at most 50 characters"},
	{"deployment.spec.sites[*].virtual_machines[*].image_version", 32, "Major.Minor.Build, three 32-bit numbers"},
	{"deployment.spec.sites[*].virtual_machines[*].admin_username", 64, "Azure: 64 characters on Linux, 20 on Windows (which the account rules check)"},
	{"deployment.spec.sites[*].virtual_machines[*].admin_password", 123, "Azure: 72 characters on Linux, 123 on Windows (which the account rules check)"},
	{"deployment.spec.sites[*].virtual_machines[*].ssh_public_keys", 10, "ARM documents no count; ours, for the admin account's authorized keys"},
	{"deployment.spec.sites[*].virtual_machines[*].ssh_public_keys[*]", 8 << 10, "an OpenSSH RSA key of 16384 bits, the longest ssh-keygen makes, has about 2.8 KB"},
	{"deployment.spec.connection.shared_key", azrules.MaxSharedKey, "ARM: pre-shared keys have at most 128 characters"},
	{"deployment.spec.connection.ipsec_policy.ike_encryption", 16, ipsecValue},
	{"deployment.spec.connection.ipsec_policy.ike_integrity", 16, ipsecValue},
	{"deployment.spec.connection.ipsec_policy.dh_group", 16, ipsecValue},
	{"deployment.spec.connection.ipsec_policy.ipsec_encryption", 16, ipsecValue},
	{"deployment.spec.connection.ipsec_policy.ipsec_integrity", 16, ipsecValue},
	{"deployment.spec.connection.ipsec_policy.pfs_group", 16, ipsecValue},
}

// limitByField indexes Limits by field.
var limitByField = func() map[string]Limit {
	m := make(map[string]Limit, len(Limits))
	for _, l := range Limits {
		m[l.Field] = l
	}
	return m
}()

// CheckLimits checks a deployment's name and spec against Limits: each field, then, when
// they are all within theirs, the spec's encoded size. A field over its limit is reported
// without its value (it may be a secret, or megabytes long) and nothing below it is looked
// at, so the findings stay few and short whatever is sent.
func CheckLimits(d *orchestratorv1.Deployment) apierr.Violations {
	var v apierr.Violations
	if d == nil {
		return v
	}
	checkFields(&v, "deployment", "deployment", d.ProtoReflect(), []protoreflect.Name{"name", "spec"})
	const field = "deployment.spec"
	if size, l := proto.Size(d.GetSpec()), limitByField[field]; len(v) == 0 && size > l.Max {
		v.Add(field, "the spec is %d bytes encoded; at most %d are allowed (%s); split it into several deployments", size, l.Max, l.Why)
	}
	return v
}

// checkFields checks the fields of m (only those named in only, when given) that are set;
// path is m's request path and pattern the same with [*] for its indices.
func checkFields(v *apierr.Violations, path, pattern string, m protoreflect.Message, only []protoreflect.Name) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if (only != nil && !slices.Contains(only, fd.Name())) || !m.Has(fd) {
			continue
		}
		p, pat := path+"."+string(fd.Name()), pattern+"."+string(fd.Name())
		val := m.Get(fd)
		if fd.IsList() {
			list := val.List()
			if l, ok := limitByField[pat]; ok && list.Len() > l.Max {
				v.Add(p, "%d items; at most %d are allowed (%s)", list.Len(), l.Max, l.Why)
				continue
			}
			for j := 0; j < list.Len(); j++ {
				checkValue(v, fmt.Sprintf("%s[%d]", p, j), pat+"[*]", fd, list.Get(j))
			}
			continue
		}
		checkValue(v, p, pat, fd, val)
	}
}

// checkValue checks one value of field fd: a string's length, or a message's fields.
func checkValue(v *apierr.Violations, path, pattern string, fd protoreflect.FieldDescriptor, val protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.MessageKind:
		checkFields(v, path, pattern, val.Message(), nil)
	case protoreflect.StringKind:
		if l, ok := limitByField[pattern]; ok && len(val.String()) > l.Max {
			v.Add(path, "%d bytes long; at most %d are allowed (%s)", len(val.String()), l.Max, l.Why)
		}
	}
}
