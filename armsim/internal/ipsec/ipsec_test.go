package ipsec

import (
	"strings"
	"testing"
)

// documented is Microsoft's custom policy for the Azure side of an Azure <->
// Azure Stack Hub connection ("Azure Stack Hub VPN gateway settings"): the
// stamp's default proposal. The cases below spell out what it negotiates.
var documented = ashDefaultPolicy

func TestNegotiate(t *testing.T) {
	ipsecDiffers := documented
	ipsecDiffers.IPsecEncryption, ipsecDiffers.IPsecIntegrity = "AES256", "SHA256"
	// stampIKE and stampIPsec are what the stamp's default proposal negotiates, spelled out.
	stampIKE, stampIPsec := IKEProposal{"AES256", "SHA384", "ECP384"}, IPsecProposal{"GCMAES256", "GCMAES256", "ECP384"}
	lower := Policy{
		SALifeTimeSeconds: 27000, SADataSizeKilobytes: 102400000,
		IPsecEncryption: "gcmaes256", IPsecIntegrity: "GcmAes256",
		IKEEncryption: "aes256", IKEIntegrity: "sha384", DHGroup: "ecp384", PFSGroup: "ecp384",
	}

	tests := []struct {
		name       string
		a, b       Offer
		wantOK     bool
		wantIKE    IKEProposal
		wantIPsec  IPsecProposal
		wantReason []string
	}{
		{
			name: "Azure default vs ASH default",
			a:    OfferFor(Azure, nil), b: OfferFor(AzureStackHub, nil),
			wantReason: []string{"IKE phase 1", "Azure offers AES256/SHA256/DHGroup2", "Azure Stack Hub accepts AES256/SHA384/ECP384"},
		},
		{
			name: "ASH default vs Azure default",
			a:    OfferFor(AzureStackHub, nil), b: OfferFor(Azure, nil),
			wantReason: []string{"IKE phase 1"},
		},
		{
			name: "Azure documented policy vs ASH default",
			a:    OfferFor(Azure, []Policy{documented}), b: OfferFor(AzureStackHub, nil),
			wantOK:    true,
			wantIKE:   stampIKE,
			wantIPsec: stampIPsec,
		},
		{
			name: "ASH default vs Azure documented policy",
			a:    OfferFor(AzureStackHub, nil), b: OfferFor(Azure, []Policy{documented}),
			wantOK:    true,
			wantIKE:   stampIKE,
			wantIPsec: stampIPsec,
		},
		{
			name: "lower-case policy is canonicalized",
			a:    OfferFor(Azure, []Policy{lower}), b: OfferFor(AzureStackHub, nil),
			wantOK:    true,
			wantIKE:   stampIKE,
			wantIPsec: stampIPsec,
		},
		{
			name: "Azure default vs Azure default",
			a:    OfferFor(Azure, nil), b: OfferFor(Azure, nil),
			wantOK:    true,
			wantIKE:   IKEProposal{"AES256", "SHA256", "DHGroup2"},
			wantIPsec: IPsecProposal{"GCMAES256", "GCMAES256", "None"},
		},
		{
			name: "ASH default vs ASH default",
			a:    OfferFor(AzureStackHub, nil), b: OfferFor(AzureStackHub, nil),
			wantOK:    true,
			wantIKE:   stampIKE,
			wantIPsec: stampIPsec,
		},
		{
			name: "custom policy with different IPsec phase",
			a:    OfferFor(Azure, []Policy{ipsecDiffers}), b: OfferFor(AzureStackHub, nil),
			wantReason: []string{"phase 2", "AES256/SHA256/PFS ECP384", "GCMAES256/GCMAES256/PFS ECP384"},
		},
		{
			name: "second custom policy matches",
			a:    OfferFor(Azure, []Policy{ipsecDiffers, documented}), b: OfferFor(AzureStackHub, nil),
			wantOK:    true,
			wantIKE:   stampIKE,
			wantIPsec: stampIPsec,
		},
		{
			name: "empty offers",
			a:    Offer{}, b: Offer{},
			wantReason: []string{"IKE phase 1", "local side offers nothing", "peer accepts nothing"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ike, ipsec, ok, reason := Negotiate(tt.a, tt.b)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (reason %q)", ok, tt.wantOK, reason)
			}
			if ok {
				if ike != tt.wantIKE || ipsec != tt.wantIPsec {
					t.Errorf("got %v, %v; want %v, %v", ike, ipsec, tt.wantIKE, tt.wantIPsec)
				}
				if reason != "" {
					t.Errorf("reason = %q, want empty", reason)
				}
				return
			}
			for _, w := range tt.wantReason {
				if !strings.Contains(reason, w) {
					t.Errorf("reason %q does not contain %q", reason, w)
				}
			}
		})
	}
}

func TestOfferFor(t *testing.T) {
	az := OfferFor(Azure, nil)
	if len(az.IKE) != 6 || len(az.IPsec) != 6 {
		t.Errorf("Azure default offer has %d IKE and %d IPsec proposals, want 6 and 6", len(az.IKE), len(az.IPsec))
	}
	for _, p := range az.IKE {
		if p.DHGroup != "DHGroup2" {
			t.Errorf("Azure default IKE proposal %v: DH group not DHGroup2", p)
		}
	}
	ash := OfferFor(AzureStackHub, nil)
	if len(ash.IKE) != 1 || len(ash.IPsec) != 1 {
		t.Errorf("ASH default offer has %d IKE and %d IPsec proposals, want 1 and 1", len(ash.IKE), len(ash.IPsec))
	}
	custom := OfferFor(AzureStackHub, []Policy{documented, documented})
	if len(custom.IKE) != 2 || len(custom.IPsec) != 2 {
		t.Errorf("custom offer has %d IKE and %d IPsec proposals, want 2 and 2", len(custom.IKE), len(custom.IPsec))
	}
	// The default offer must not alias package state.
	az.IKE[0].Encryption = "X"
	if OfferFor(Azure, nil).IKE[0].Encryption != "AES256" {
		t.Error("OfferFor returned a slice aliasing the default offer")
	}
}

func TestValidate(t *testing.T) {
	const prefix = "properties.ipsecPolicies[0]"
	with := func(f func(*Policy)) Policy {
		p := documented
		f(&p)
		return p
	}
	tests := []struct {
		name       string
		kind       Kind
		p          Policy
		wantFields []string // in order; nil means valid
		wantMsg    string   // substring of the first violation's message
	}{
		{name: "documented on Azure", kind: Azure, p: documented},
		{name: "documented on ASH", kind: AzureStackHub, p: documented},
		{name: "case-insensitive on Azure", kind: Azure, p: with(func(p *Policy) {
			p.IKEEncryption, p.IKEIntegrity, p.DHGroup = "aes256", "Sha384", "ecp384"
			p.IPsecEncryption, p.IPsecIntegrity, p.PFSGroup = "gcmaes256", "GCMAES256", "Ecp384"
		})},
		{name: "case-insensitive on ASH", kind: AzureStackHub, p: with(func(p *Policy) {
			p.DHGroup, p.PFSGroup = "dhgroup14", "pfs2048"
			p.IPsecEncryption, p.IPsecIntegrity = "aes128", "sha1"
		})},
		{name: "non-GCM pair", kind: Azure, p: with(func(p *Policy) { p.IPsecEncryption, p.IPsecIntegrity = "AES256", "SHA256" })},
		{name: "lifetime bounds inclusive", kind: AzureStackHub, p: with(func(p *Policy) { p.SALifeTimeSeconds = 300 })},
		{name: "lifetime max inclusive", kind: Azure, p: with(func(p *Policy) { p.SALifeTimeSeconds = 172799 })},
		{name: "data size min inclusive", kind: Azure, p: with(func(p *Policy) { p.SADataSizeKilobytes = 1024 })},

		{name: "bad ikeEncryption", kind: Azure, p: with(func(p *Policy) { p.IKEEncryption = "AES512" }),
			wantFields: []string{"ikeEncryption"}, wantMsg: "AES128, AES192, AES256"},
		{name: "bad ikeIntegrity", kind: Azure, p: with(func(p *Policy) { p.IKEIntegrity = "SHA512" }),
			wantFields: []string{"ikeIntegrity"}, wantMsg: `"SHA512"`},
		{name: "bad dhGroup", kind: AzureStackHub, p: with(func(p *Policy) { p.DHGroup = "DHGroup5" }),
			wantFields: []string{"dhGroup"}, wantMsg: "ECP384"},
		{name: "bad ipsecEncryption", kind: Azure, p: with(func(p *Policy) { p.IPsecEncryption = "Blowfish" }),
			wantFields: []string{"ipsecEncryption"}},
		{name: "bad ipsecIntegrity", kind: AzureStackHub, p: with(func(p *Policy) { p.IPsecIntegrity = "SHA384" }),
			wantFields: []string{"ipsecIntegrity"}},
		{name: "bad pfsGroup", kind: Azure, p: with(func(p *Policy) { p.PFSGroup = "PFS5" }),
			wantFields: []string{"pfsGroup"}},
		{name: "lifetime too short", kind: Azure, p: with(func(p *Policy) { p.SALifeTimeSeconds = 299 }),
			wantFields: []string{"saLifeTimeSeconds"}, wantMsg: "300 to 172799"},
		{name: "lifetime too long", kind: AzureStackHub, p: with(func(p *Policy) { p.SALifeTimeSeconds = 172800 }),
			wantFields: []string{"saLifeTimeSeconds"}},
		{name: "data size too small", kind: Azure, p: with(func(p *Policy) { p.SADataSizeKilobytes = 1023 }),
			wantFields: []string{"saDataSizeKilobytes"}},
		{name: "GCM encryption needs same integrity", kind: Azure, p: with(func(p *Policy) { p.IPsecIntegrity = "SHA256" }),
			wantFields: []string{"ipsecIntegrity"}, wantMsg: "must be GCMAES256"},
		{name: "GCM integrity needs same encryption", kind: AzureStackHub, p: with(func(p *Policy) { p.IPsecEncryption = "AES256" }),
			wantFields: []string{"ipsecEncryption"}, wantMsg: "must be GCMAES256"},
		{name: "GCM key lengths differ", kind: Azure, p: with(func(p *Policy) { p.IPsecEncryption = "gcmaes128" }),
			wantFields: []string{"ipsecIntegrity"}, wantMsg: "must be GCMAES128"},
		{name: "GCMAES256 IKE encryption valid on Azure", kind: Azure, p: with(func(p *Policy) { p.IKEEncryption = "GCMAES256" })},
		{name: "GCMAES256 IKE encryption rejected on ASH", kind: AzureStackHub, p: with(func(p *Policy) { p.IKEEncryption = "GCMAES256" }),
			wantFields: []string{"ikeEncryption"}, wantMsg: "Azure Stack Hub"},
		{name: "PFS14 valid on Azure", kind: Azure, p: with(func(p *Policy) { p.PFSGroup = "pfs14" })},
		{name: "PFS14 rejected on ASH", kind: AzureStackHub, p: with(func(p *Policy) { p.PFSGroup = "PFS14" }),
			wantFields: []string{"pfsGroup"}},
		{name: "empty policy", kind: Azure, p: Policy{},
			wantFields: []string{"saLifeTimeSeconds", "saDataSizeKilobytes", "ipsecEncryption", "ipsecIntegrity",
				"ikeEncryption", "ikeIntegrity", "dhGroup", "pfsGroup"}},
		{name: "empty field is required", kind: AzureStackHub, p: with(func(p *Policy) { p.DHGroup = "" }),
			wantFields: []string{"dhGroup"}, wantMsg: "dhGroup is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := Validate(tt.kind, tt.p, prefix)
			if len(vs) != len(tt.wantFields) {
				t.Fatalf("got %d violations %+v, want fields %v", len(vs), vs, tt.wantFields)
			}
			for i, v := range vs {
				if want := prefix + "." + tt.wantFields[i]; v.Field != want {
					t.Errorf("violation %d field = %q, want %q", i, v.Field, want)
				}
				if v.Code != "InvalidIpsecPolicy" {
					t.Errorf("violation %d code = %q", i, v.Code)
				}
				if v.Message == "" {
					t.Errorf("violation %d has no message", i)
				}
			}
			if tt.wantMsg != "" && !strings.Contains(vs[0].Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", vs[0].Message, tt.wantMsg)
			}
		})
	}
}

func TestValidateNoPrefix(t *testing.T) {
	p := documented
	p.DHGroup = "x"
	vs := Validate(Azure, p, "")
	if len(vs) != 1 || vs[0].Field != "dhGroup" {
		t.Errorf("got %+v, want one violation on dhGroup", vs)
	}
}

func TestNormalize(t *testing.T) {
	p := Normalize(Policy{IKEEncryption: "aes256", DHGroup: "dhgroup2048", PFSGroup: "pfsmm", IPsecIntegrity: "unknown"})
	if p.IKEEncryption != "AES256" || p.DHGroup != "DHGroup2048" || p.PFSGroup != "PFSMM" || p.IPsecIntegrity != "unknown" {
		t.Errorf("Normalize = %+v", p)
	}
}

func FuzzValidate(f *testing.F) {
	f.Add(0, int32(27000), int32(102400000), "GCMAES256", "GCMAES256", "AES256", "SHA384", "ECP384", "ECP384")
	f.Add(1, int32(0), int32(-1), "", "gcmaes128", "x", "", "none", "PFS24")
	f.Add(7, int32(300), int32(1024), "AES256", "SHA1", "DES", "MD5", "DHGroup1", "None")
	f.Fuzz(func(t *testing.T, kind int, life, size int32, ipEnc, ipInt, ikeEnc, ikeInt, dh, pfs string) {
		p := Policy{life, size, ipEnc, ipInt, ikeEnc, ikeInt, dh, pfs}
		for _, v := range Validate(Kind(kind), p, "properties.ipsecPolicies[0]") {
			if !strings.HasPrefix(v.Field, "properties.ipsecPolicies[0]") || v.Code == "" || v.Message == "" {
				t.Errorf("malformed violation %+v", v)
			}
		}
	})
}

func FuzzNegotiate(f *testing.F) {
	f.Add(0, 1, "AES256", "SHA384", "ECP384", "GCMAES256", "GCMAES256", "ECP384", true)
	f.Add(1, 0, "", "", "", "", "", "", false)
	f.Add(-3, 9, "aes256", "sha256", "dhgroup2", "gcmaes256", "gcmaes256", "none", true)
	f.Fuzz(func(t *testing.T, ka, kb int, ikeEnc, ikeInt, dh, ipEnc, ipInt, pfs string, custom bool) {
		var pols []Policy
		if custom {
			pols = []Policy{{27000, 102400000, ipEnc, ipInt, ikeEnc, ikeInt, dh, pfs}}
		}
		a, b := OfferFor(Kind(ka), pols), OfferFor(Kind(kb), nil)
		ike, ipsec, ok, reason := Negotiate(a, b)
		if ok == (reason != "") {
			t.Errorf("ok = %v with reason %q", ok, reason)
		}
		if !ok && (ike != IKEProposal{} || ipsec != IPsecProposal{}) {
			t.Errorf("failed negotiation returned proposals %v, %v", ike, ipsec)
		}
		Negotiate(b, a)
	})
}
