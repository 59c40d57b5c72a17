// Package azrules holds Azure's and Azure Stack Hub's input rules that more than one part of
// the suite checks before calling ARM: the gateway service and the orchestrator's deployment
// validation share the IPsec/IKE values and gateway SKUs; the compute service and the
// orchestrator share the VM admin account rules; the network, gateway and compute services
// and the orchestrator share the address plan's (CIDR prefixes, the GatewaySubnet). (armsim
// keeps its own copies: it stands in for Azure and imports nothing of ours.)
package azrules

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// GatewaySKUs are the VPN gateway SKUs per kind of cloud. Azure Stack Hub offers VpnGw1-3
// only on stamps with VPN Fast Path, which only the stamp knows: they are accepted here and
// a stamp without Fast Path refuses them with InvalidGatewaySize.
var GatewaySKUs = map[cloud.Kind][]string{
	cloud.Azure: {"VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5",
		"VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ", "Basic"},
	cloud.AzureStackHub: {"Basic", "Standard", "HighPerformance", "VpnGw1", "VpnGw2", "VpnGw3"},
}

// PolicySKUs are the gateway SKUs that take a custom IPsec/IKE policy, per kind of cloud; a
// kind not listed takes one on every SKU but Basic.
var PolicySKUs = map[cloud.Kind][]string{cloud.AzureStackHub: {"Standard", "HighPerformance"}}

// IPsecValues are the values a custom IPsec/IKE policy may use on one kind of cloud.
type IPsecValues struct {
	IKEEncryption, IKEIntegrity, DHGroup, IPsecEncryption, IPsecIntegrity, PFSGroup []string
}

// IPsec lists each kind of cloud's IPsec/IKE policy values: for Azure the armnetwork enums
// IkeEncryption, IkeIntegrity, DhGroup, IpsecEncryption, IpsecIntegrity and PfsGroup; for
// Azure Stack Hub the table "Supported cryptographic algorithms and key strengths" of
// "Configure IPsec/IKE policy for site-to-site VPN connections in Azure Stack Hub".
var IPsec = map[cloud.Kind]IPsecValues{
	cloud.Azure: {
		IKEEncryption:   []string{"AES256", "AES192", "AES128", "DES3", "DES", "GCMAES256", "GCMAES128"},
		IKEIntegrity:    []string{"SHA384", "SHA256", "SHA1", "MD5", "GCMAES256", "GCMAES128"},
		DHGroup:         []string{"ECP384", "ECP256", "DHGroup24", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"},
		IPsecEncryption: []string{"GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"},
		IPsecIntegrity:  []string{"GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"},
		PFSGroup:        []string{"PFS24", "ECP384", "ECP256", "PFS2048", "PFS14", "PFS2", "PFS1", "PFSMM", "None"},
	},
	cloud.AzureStackHub: {
		IKEEncryption:   []string{"AES256", "AES192", "AES128", "DES3", "DES"},
		IKEIntegrity:    []string{"SHA384", "SHA256", "SHA1", "MD5"},
		DHGroup:         []string{"ECP384", "ECP256", "DHGroup24", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"},
		IPsecEncryption: []string{"GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"},
		IPsecIntegrity:  []string{"GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"},
		PFSGroup:        []string{"PFS24", "ECP384", "ECP256", "PFS2048", "PFS2", "PFS1", "PFSMM", "None"},
	},
}

// SA limits of a custom IPsec/IKE policy, the same on both clouds.
const (
	MinSALifetime = 300
	MaxSALifetime = 172799
	MinSADataSize = 1024
)

// CheckIPsecPolicy checks what ARM checks across an IPsec policy's fields, reporting on
// field's children: GCMAES encryption and integrity only together and alike, the SA lifetime
// and data size within ARM's range.
func CheckIPsecPolicy(v *apierr.Violations, field, encryption, integrity string, lifetimeSeconds, dataSizeKilobytes int32) {
	gcm := func(s string) bool { return strings.HasPrefix(s, "GCMAES") }
	switch {
	case encryption == "" || integrity == "" || encryption == integrity:
	case gcm(encryption):
		v.Add(field+".ipsec_integrity", "must be %s when ipsec_encryption is %s: GCMAES encryption needs the same GCMAES integrity", encryption, encryption)
	case gcm(integrity):
		v.Add(field+".ipsec_encryption", "must be %s when ipsec_integrity is %s: GCMAES integrity needs the same GCMAES encryption", integrity, integrity)
	}
	if s := lifetimeSeconds; s < MinSALifetime || s > MaxSALifetime {
		v.Add(field+".sa_lifetime_seconds", "%d is out of range: %d to %d seconds (Azure Stack Hub's default is 27000)", s, MinSALifetime, MaxSALifetime)
	}
	if kb := dataSizeKilobytes; kb < MinSADataSize {
		v.Add(field+".sa_data_size_kilobytes", "%d is too small: at least %d kilobytes (Azure Stack Hub's default is 102400000)", kb, MinSADataSize)
	}
}

// MaxSharedKey is the longest pre-shared key ARM accepts.
const MaxSharedKey = 128

// SharedKeyProblem describes what is wrong with a given pre-shared key, or returns "" for
// a key both clouds take and both ends keep alike: at most MaxSharedKey printable ASCII
// characters (space to '~'), not only spaces, and no space at either end (ARM stores it,
// but a form, a shell or the other end's device trims it on the way, and the two ends then
// never agree on the key). It describes the key by its length and the position of a bad
// character, never by its text. An empty key is the caller's rule: required, or generated.
func SharedKeyProblem(key string) string {
	if len(key) > MaxSharedKey {
		return fmt.Sprintf("the key is %d bytes long; use at most %d printable ASCII characters, the same on both sides of the tunnel", len(key), MaxSharedKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return fmt.Sprintf("character %d of the key is not printable ASCII (space to '~'): control characters, tabs and line breaks are not allowed", i+1)
		}
	}
	switch {
	case key == "":
	case strings.Trim(key, " ") == "":
		return fmt.Sprintf("the key is %d spaces and nothing else; use printable ASCII characters other than spaces", len(key))
	case key[0] == ' ' || key[len(key)-1] == ' ':
		return "the key begins or ends with a space, which forms, shells and VPN devices trim, so the two ends would not agree on it; remove the space"
	}
	return ""
}

// ReservedUsernames are the admin user names Azure refuses for a new VM.
var ReservedUsernames = map[string]bool{"administrator": true, "admin": true, "user": true, "user1": true, "test": true,
	"user2": true, "test1": true, "user3": true, "admin1": true, "1": true, "123": true, "a": true, "actuser": true,
	"adm": true, "admin2": true, "aspnet": true, "backup": true, "console": true, "david": true, "guest": true, "john": true,
	"owner": true, "root": true, "server": true, "sql": true, "support": true, "support_388945a0": true, "sys": true,
	"test2": true, "test3": true, "user4": true, "user5": true}

// PasswordClasses counts the character classes (upper, lower, digit, special) of a password,
// or returns 0 when it holds a control character; Azure wants 3 of the 4.
func PasswordClasses(s string) int {
	var up, low, digit, special bool
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return 0
		case unicode.IsUpper(r):
			up = true
		case unicode.IsLower(r):
			low = true
		case unicode.IsDigit(r):
			digit = true
		default:
			special = true
		}
	}
	n := 0
	for _, b := range []bool{up, low, digit, special} {
		if b {
			n++
		}
	}
	return n
}
