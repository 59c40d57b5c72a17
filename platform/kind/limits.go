package kind

import (
	"fmt"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/names"
)

// Bound is a limit (apierr.Limit) without its field: the most a field may hold, and why. A
// rule that bounds many fields, in one API or several, is stated once as a Bound.
type Bound struct {
	Max int
	Why string
}

// On is the bound's limit on each of fields, request paths as apierr.Limit's.
func (b Bound) On(fields ...string) []apierr.Limit {
	out := make([]apierr.Limit, 0, len(fields))
	for _, f := range fields {
		out = append(out, apierr.Limit{Field: f, Max: b.Max, Why: b.Why})
	}
	return out
}

// The bounds of fields that the resource services' requests, and the orchestrator's
// deployments, hold alike.
var (
	// ResourceName bounds a resource name: a request's parent, or a reference to another
	// resource.
	ResourceName = Bound{Max: names.MaxName, Why: "a resource name"}
	// Prefix bounds an IPv4 CIDR prefix, Address an IPv4 address.
	Prefix  = Bound{Max: azrules.MaxPrefix, Why: "an IPv4 CIDR prefix"}
	Address = Bound{Max: azrules.MaxAddress, Why: "an IPv4 address"}
	// SharedKey bounds a connection's pre-shared key.
	SharedKey = Bound{Max: azrules.MaxSharedKey, Why: "ARM: pre-shared keys have at most 128 characters"}
	// GatewaySKU bounds a VPN gateway's SKU.
	GatewaySKU = Bound{Max: azrules.MaxGatewaySKU, Why: "the longest SKU either cloud offers, HighPerformance, has 15 characters"}
)

// ARMName is the bound of the name of an ARM resource of type what, which has 1 to max
// characters.
func ARMName(what string, max int) Bound {
	return Bound{Max: max, Why: fmt.Sprintf("ARM: %s names have 1-%d characters", what, max)}
}

// VirtualMachineLimits bounds what a virtual machine at request path field holds that Azure
// bounds alike wherever it is asked for (the compute API's virtual machine, a deployment's):
// its size, image, admin account and SSH keys. image is how the image's publisher, offer,
// sku and version are named below field: "image." where the image is a message,
// "image_" where they are the virtual machine's own fields.
func VirtualMachineLimits(field, image string) []apierr.Limit {
	at := func(name string) string { return field + "." + name }
	return []apierr.Limit{
		{Field: at("size"), Max: azrules.MaxVMSize, Why: "ARM VM size names (Standard_NC96ads_A100_v4 has 24 characters)"},
		{Field: at(image + "publisher"), Max: azrules.MaxImageName, Why: "Marketplace publisher ids have at most 50 characters"},
		{Field: at(image + "offer"), Max: azrules.MaxImageName, Why: "Marketplace offer ids have at most 50 characters"},
		{Field: at(image + "sku"), Max: azrules.MaxImageName, Why: "Marketplace plan ids have at most 50 characters"},
		{Field: at(image + "version"), Max: azrules.MaxImageVersion, Why: "Major.Minor.Build, three 32-bit numbers"},
		{Field: at("admin_username"), Max: azrules.MaxUsername, Why: "Azure: 64 characters on Linux, 20 on Windows (which the account rules check)"},
		{Field: at("admin_password"), Max: azrules.MaxPassword, Why: "Azure: 72 characters on Linux, 123 on Windows (which the account rules check)"},
		{Field: at("ssh_public_keys"), Max: azrules.MaxSSHKeys, Why: "ARM documents no count; ours, for the admin account's authorized keys"},
		{Field: at("ssh_public_keys[*]"), Max: azrules.MaxSSHKey, Why: "an OpenSSH RSA key of 16384 bits, the longest ssh-keygen makes, has about 2.8 KB"},
	}
}
