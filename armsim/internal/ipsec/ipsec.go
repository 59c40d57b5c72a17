// Package ipsec models the IKE/IPsec proposals of Azure and Azure Stack Hub
// VPN gateways, so that armsim can decide whether a site-to-site tunnel
// between two connections comes up.
//
// It reproduces the documented mismatch: with default settings on both sides
// an Azure <-> Azure Stack Hub tunnel does not come up, because the Azure
// default IKE proposals use DHGroup2 while Azure Stack Hub (build 1910 and
// later) offers only AES256/SHA384/ECP384. Putting Microsoft's documented
// custom IPsec/IKE policy on the Azure connection makes it connect.
//
// Sources (Microsoft Learn):
//   - "Azure Stack Hub VPN gateway settings", sections "IKE Phase 1 (Main Mode)
//     parameters" and "IKE Phase 2 (Quick Mode) parameters".
//   - "About VPN devices and IPsec/IKE parameters for site-to-site VPN gateway
//     connections" (Azure default offers).
//   - "Configure IPsec/IKE policy for site-to-site VPN connections in Azure
//     Stack Hub" (values accepted on Azure Stack Hub).
//   - The armnetwork SDK enums IkeEncryption, IkeIntegrity, DhGroup,
//     IpsecEncryption, IpsecIntegrity and PfsGroup (values accepted on Azure).
package ipsec

import (
	"fmt"
	"strings"
)

// Kind is the kind of cloud a VPN gateway runs in.
type Kind int

// Cloud kinds.
const (
	Azure Kind = iota
	AzureStackHub
)

// String returns the cloud's display name.
func (k Kind) String() string {
	switch k {
	case Azure:
		return "Azure"
	case AzureStackHub:
		return "Azure Stack Hub"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Policy mirrors ARM's IpsecPolicy JSON object on a connection
// (properties.ipsecPolicies[]).
type Policy struct {
	SALifeTimeSeconds   int32  `json:"saLifeTimeSeconds"`
	SADataSizeKilobytes int32  `json:"saDataSizeKilobytes"`
	IPsecEncryption     string `json:"ipsecEncryption"`
	IPsecIntegrity      string `json:"ipsecIntegrity"`
	IKEEncryption       string `json:"ikeEncryption"`
	IKEIntegrity        string `json:"ikeIntegrity"`
	DHGroup             string `json:"dhGroup"`
	PFSGroup            string `json:"pfsGroup"`
}

// Violation is one invalid value in a policy. Field is the JSON path of the
// value, built from the caller's prefix, e.g.
// "properties.ipsecPolicies[0].ikeEncryption"; Code is an ARM-style error
// code; Message says what is wrong and which values are accepted.
type Violation struct {
	Field, Code, Message string
}

// Offer is the set of proposals one side of a connection offers and accepts.
type Offer struct {
	IKE   []IKEProposal
	IPsec []IPsecProposal

	// cloud names the side in Negotiate's reason; set by OfferFor.
	cloud string
}

// IKEProposal is one IKE phase 1 (main mode) proposal.
type IKEProposal struct {
	Encryption, Integrity, DHGroup string
}

// String formats p as "Encryption/Integrity/DHGroup".
func (p IKEProposal) String() string {
	return p.Encryption + "/" + p.Integrity + "/" + p.DHGroup
}

// IPsecProposal is one IPsec phase 2 (quick mode) proposal.
type IPsecProposal struct {
	Encryption, Integrity, PFSGroup string
}

// String formats p as "Encryption/Integrity/PFS <group>".
func (p IPsecProposal) String() string {
	return p.Encryption + "/" + p.Integrity + "/PFS " + p.PFSGroup
}

// codeInvalidPolicy is the error code of every Violation.
const codeInvalidPolicy = "InvalidIpsecPolicy"

// SA limits shared by both clouds (armnetwork IpsecPolicy docs; "Configure
// IPsec/IKE policy for site-to-site VPN connections in Azure Stack Hub").
const (
	minSALifetime = 300
	maxSALifetime = 172799
	minSADataSize = 1024
)

// accepted lists, per cloud, the values a custom policy may use, in the
// order of the source documentation.
type accepted struct {
	ikeEncryption, ikeIntegrity, dhGroup      []string
	ipsecEncryption, ipsecIntegrity, pfsGroup []string
}

// acceptedValues are the IPsec/IKE values each kind of cloud accepts. platform/azrules lists
// the same values for the services' checks; armsim keeps its own copy because it stands in
// for the clouds and imports nothing of ours: a value wrong in one copy then shows as a
// refusal instead of passing both.
var acceptedValues = map[Kind]accepted{
	// armnetwork enums IkeEncryption, IkeIntegrity, DhGroup, IpsecEncryption,
	// IpsecIntegrity, PfsGroup.
	Azure: {
		ikeEncryption:   []string{"AES128", "AES192", "AES256", "DES", "DES3", "GCMAES128", "GCMAES256"},
		ikeIntegrity:    []string{"GCMAES128", "GCMAES256", "MD5", "SHA1", "SHA256", "SHA384"},
		dhGroup:         []string{"DHGroup1", "DHGroup14", "DHGroup2", "DHGroup2048", "DHGroup24", "ECP256", "ECP384", "None"},
		ipsecEncryption: []string{"AES128", "AES192", "AES256", "DES", "DES3", "GCMAES128", "GCMAES192", "GCMAES256", "None"},
		ipsecIntegrity:  []string{"GCMAES128", "GCMAES192", "GCMAES256", "MD5", "SHA1", "SHA256"},
		pfsGroup:        []string{"ECP256", "ECP384", "None", "PFS1", "PFS14", "PFS2", "PFS2048", "PFS24", "PFSMM"},
	},
	// "Configure IPsec/IKE policy for site-to-site VPN connections in Azure
	// Stack Hub", table "Supported cryptographic algorithms and key strengths".
	AzureStackHub: {
		ikeEncryption:   []string{"AES256", "AES192", "AES128", "DES3", "DES"},
		ikeIntegrity:    []string{"SHA384", "SHA256", "SHA1", "MD5"},
		dhGroup:         []string{"ECP384", "ECP256", "DHGroup24", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"},
		ipsecEncryption: []string{"GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"},
		ipsecIntegrity:  []string{"GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"},
		pfsGroup:        []string{"PFS24", "ECP384", "ECP256", "PFS2048", "PFS2", "PFS1", "PFSMM", "None"},
	},
}

// canonicalNames maps the lower-case spelling of every known value to its
// canonical spelling.
var canonicalNames = func() map[string]string {
	m := map[string]string{}
	for _, a := range acceptedValues {
		for _, list := range [][]string{a.ikeEncryption, a.ikeIntegrity, a.dhGroup, a.ipsecEncryption, a.ipsecIntegrity, a.pfsGroup} {
			for _, v := range list {
				m[strings.ToLower(v)] = v
			}
		}
	}
	return m
}()

// canonical returns the canonical spelling of v, or v itself when unknown.
func canonical(v string) string {
	if c, ok := canonicalNames[strings.ToLower(v)]; ok {
		return c
	}
	return v
}

// lookup returns the canonical spelling of v if it is in list, compared
// case-insensitively.
func lookup(list []string, v string) (string, bool) {
	for _, c := range list {
		if strings.EqualFold(c, v) {
			return c, true
		}
	}
	return "", false
}

// Normalize returns p with every known algorithm name in its canonical
// spelling (e.g. "aes256" becomes "AES256"); unknown values are kept as is.
func Normalize(p Policy) Policy {
	p.IPsecEncryption = canonical(p.IPsecEncryption)
	p.IPsecIntegrity = canonical(p.IPsecIntegrity)
	p.IKEEncryption = canonical(p.IKEEncryption)
	p.IKEIntegrity = canonical(p.IKEIntegrity)
	p.DHGroup = canonical(p.DHGroup)
	p.PFSGroup = canonical(p.PFSGroup)
	return p
}

// Validate checks one custom policy against the values the given cloud
// accepts. prefix is the JSON path of the policy (e.g.
// "properties.ipsecPolicies[0]"). It returns nil when the policy is valid.
func Validate(k Kind, p Policy, prefix string) []Violation {
	field := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	a, known := acceptedValues[k]
	if !known {
		f := prefix
		if f == "" {
			f = "ipsecPolicies"
		}
		return []Violation{{Field: f, Code: codeInvalidPolicy,
			Message: fmt.Sprintf("IPsec/IKE policies are not supported on %v", k)}}
	}

	var vs []Violation
	add := func(name, format string, args ...any) {
		vs = append(vs, Violation{Field: field(name), Code: codeInvalidPolicy, Message: fmt.Sprintf(format, args...)})
	}

	if p.SALifeTimeSeconds < minSALifetime || p.SALifeTimeSeconds > maxSALifetime {
		add("saLifeTimeSeconds", "saLifeTimeSeconds %d is out of range on %v; accepted values: %d to %d seconds",
			p.SALifeTimeSeconds, k, minSALifetime, maxSALifetime)
	}
	if p.SADataSizeKilobytes < minSADataSize {
		add("saDataSizeKilobytes", "saDataSizeKilobytes %d is out of range on %v; accepted values: %d KB or more",
			p.SADataSizeKilobytes, k, minSADataSize)
	}

	// check validates one enum field and returns its canonical value, or ""
	// when it is empty or not accepted.
	check := func(name, v string, list []string) string {
		if v == "" {
			add(name, "%s is required; accepted values on %v: %s", name, k, strings.Join(list, ", "))
			return ""
		}
		c, ok := lookup(list, v)
		if !ok {
			add(name, "%s %q is not supported on %v; accepted values: %s", name, v, k, strings.Join(list, ", "))
			return ""
		}
		return c
	}
	ipsecEnc := check("ipsecEncryption", p.IPsecEncryption, a.ipsecEncryption)
	ipsecInt := check("ipsecIntegrity", p.IPsecIntegrity, a.ipsecIntegrity)
	check("ikeEncryption", p.IKEEncryption, a.ikeEncryption)
	check("ikeIntegrity", p.IKEIntegrity, a.ikeIntegrity)
	check("dhGroup", p.DHGroup, a.dhGroup)
	check("pfsGroup", p.PFSGroup, a.pfsGroup)

	// A GCMAES IPsec encryption needs the same GCMAES integrity, and vice
	// versa (both clouds' policy docs).
	if ipsecEnc != "" && ipsecInt != "" && ipsecEnc != ipsecInt {
		switch {
		case isGCM(ipsecEnc):
			add("ipsecIntegrity", "ipsecIntegrity must be %s when ipsecEncryption is %s (got %s)", ipsecEnc, ipsecEnc, ipsecInt)
		case isGCM(ipsecInt):
			add("ipsecEncryption", "ipsecEncryption must be %s when ipsecIntegrity is %s (got %s)", ipsecInt, ipsecInt, ipsecEnc)
		}
	}
	return vs
}

func isGCM(v string) bool { return strings.HasPrefix(v, "GCMAES") }

// Default offers.
var (
	// ashDefaultPolicy is the single proposal Azure Stack Hub (build 1910 and
	// later) offers by default ("Azure Stack Hub VPN gateway settings", "IKE
	// Phase 1 (Main Mode) parameters" and "IKE Phase 2 (Quick Mode)
	// parameters"). It is also the custom policy Microsoft documents for the
	// Azure side of an Azure <-> Azure Stack Hub connection.
	ashDefaultPolicy = Policy{
		SALifeTimeSeconds:   27000,
		SADataSizeKilobytes: 102400000,
		IPsecEncryption:     "GCMAES256",
		IPsecIntegrity:      "GCMAES256",
		IKEEncryption:       "AES256",
		IKEIntegrity:        "SHA384",
		DHGroup:             "ECP384",
		PFSGroup:            "ECP384",
	}

	// azureDefaultIKE models the IKE phase 1 proposals of an Azure RouteBased
	// gateway ("About VPN devices and IPsec/IKE parameters for site-to-site
	// VPN gateway connections"): {AES256, AES128, DES3} x {SHA256, SHA1},
	// DH group 2 (1024-bit).
	azureDefaultIKE = []IKEProposal{
		{"AES256", "SHA256", "DHGroup2"},
		{"AES256", "SHA1", "DHGroup2"},
		{"AES128", "SHA256", "DHGroup2"},
		{"AES128", "SHA1", "DHGroup2"},
		{"DES3", "SHA256", "DHGroup2"},
		{"DES3", "SHA1", "DHGroup2"},
	}

	// azureDefaultIPsec is the RouteBased gateway's quick mode offer list
	// (same document, "RouteBased VPN IPsec Security Association (IKE Quick
	// Mode SA) Offers"), all without PFS.
	azureDefaultIPsec = []IPsecProposal{
		{"GCMAES256", "GCMAES256", "None"},
		{"AES256", "SHA1", "None"},
		{"DES3", "SHA1", "None"},
		{"AES256", "SHA256", "None"},
		{"AES128", "SHA1", "None"},
		{"DES3", "SHA256", "None"},
	}
)

// OfferFor returns what a connection on cloud k offers: the custom policies
// when any are set (each policy is exactly one IKE proposal and one IPsec
// proposal), otherwise the cloud's default offer. Values are put in their
// canonical spelling. An unknown Kind without custom policies offers nothing.
func OfferFor(k Kind, custom []Policy) Offer {
	o := Offer{cloud: k.String()}
	if len(custom) > 0 {
		for _, p := range custom {
			p = Normalize(p)
			o.IKE = append(o.IKE, IKEProposal{p.IKEEncryption, p.IKEIntegrity, p.DHGroup})
			o.IPsec = append(o.IPsec, IPsecProposal{p.IPsecEncryption, p.IPsecIntegrity, p.PFSGroup})
		}
		return o
	}
	switch k {
	case Azure:
		o.IKE = append(o.IKE, azureDefaultIKE...)
		o.IPsec = append(o.IPsec, azureDefaultIPsec...)
	case AzureStackHub:
		p := ashDefaultPolicy
		o.IKE = []IKEProposal{{p.IKEEncryption, p.IKEIntegrity, p.DHGroup}}
		o.IPsec = []IPsecProposal{{p.IPsecEncryption, p.IPsecIntegrity, p.PFSGroup}}
	}
	return o
}

// Negotiate returns the proposals both sides accept (first match in a's
// order), or ok=false and a reason naming the phase that failed and what each
// side offered, as a VPN troubleshoot log would, e.g. "IKE phase 1: no
// proposal in common: Azure offers AES256/SHA256/DHGroup2, ...; peer Azure
// Stack Hub accepts AES256/SHA384/ECP384". Names compare case-insensitively.
func Negotiate(a, b Offer) (ike IKEProposal, ipsec IPsecProposal, ok bool, reason string) {
	local, peer := "local side", "peer"
	if a.cloud != "" {
		local = a.cloud
	}
	if b.cloud != "" {
		peer = "peer " + b.cloud
	}

	if ike, reason = agree("IKE phase 1", a.IKE, b.IKE, local, peer); reason != "" {
		return IKEProposal{}, IPsecProposal{}, false, reason
	}
	if ipsec, reason = agree("IPsec phase 2", a.IPsec, b.IPsec, local, peer); reason != "" {
		return IKEProposal{}, IPsecProposal{}, false, reason
	}
	return ike, ipsec, true, ""
}

// agree returns the first of a's proposals that b has too, compared by their names
// case-insensitively, or why there is none: the phase and what each side (local, peer)
// offers.
func agree[T fmt.Stringer](phase string, a, b []T, local, peer string) (T, string) {
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x.String(), y.String()) {
				return x, ""
			}
		}
	}
	var zero T
	return zero, fmt.Sprintf("%s: no proposal in common: %s offers %s; %s accepts %s", phase, local, list(a), peer, list(b))
}

// list formats proposals as a comma-separated list, or "nothing".
func list[T fmt.Stringer](ps []T) string {
	if len(ps) == 0 {
		return "nothing"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
