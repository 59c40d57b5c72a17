package spec

import (
	"net/netip"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// The tables below are copied from the resource services' validation
// (services/gateway/internal/server/validate.go, services/compute/internal/server/validate.go,
// services/network/internal/server/validate.go): the orchestrator must not import another
// service's internal package, and it checks a whole deployment before any of them is called.
// Keep them in step with those files.

// gatewaySubnet is the name Azure requires for a VPN gateway's subnet.
const gatewaySubnet = "GatewaySubnet"

// gatewaySKUs are the VPN gateway SKUs each kind of cloud offers. On Azure Stack Hub,
// VpnGw1-3 exist only where the operator enabled VPN Fast Path; the stamp setting is not
// visible before ARM is called, so they are accepted and a stamp without Fast Path refuses
// them with InvalidGatewaySize.
var gatewaySKUs = map[cloud.Kind][]string{
	cloud.Azure: {"VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5",
		"VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ", "Basic"},
	cloud.AzureStackHub: {"Basic", "Standard", "HighPerformance", "VpnGw1", "VpnGw2", "VpnGw3"},
}

// defaultSKUs are the gateway SKUs Complete fills in per kind of cloud.
var defaultSKUs = map[cloud.Kind]string{cloud.Azure: "VpnGw1", cloud.AzureStackHub: "Standard"}

// policySKUs are the gateway SKUs that take a custom IPsec/IKE policy, per kind of cloud;
// a kind not listed takes one on every SKU but Basic.
var policySKUs = map[cloud.Kind][]string{cloud.AzureStackHub: {"Standard", "HighPerformance"}}

// ipsecValues are the values a custom IPsec/IKE policy may use on one kind of cloud.
type ipsecValues struct {
	ikeEncryption, ikeIntegrity, dhGroup, ipsecEncryption, ipsecIntegrity, pfsGroup []string
}

// ipsecTable lists each kind of cloud's IPsec/IKE policy values: for Azure the armnetwork
// enums IkeEncryption, IkeIntegrity, DhGroup, IpsecEncryption, IpsecIntegrity and PfsGroup;
// for Azure Stack Hub the table "Supported cryptographic algorithms and key strengths" of
// "Configure IPsec/IKE policy for site-to-site VPN connections in Azure Stack Hub".
var ipsecTable = map[cloud.Kind]ipsecValues{
	cloud.Azure: {
		ikeEncryption:   []string{"AES256", "AES192", "AES128", "DES3", "DES", "GCMAES256", "GCMAES128"},
		ikeIntegrity:    []string{"SHA384", "SHA256", "SHA1", "MD5", "GCMAES256", "GCMAES128"},
		dhGroup:         []string{"ECP384", "ECP256", "DHGroup24", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"},
		ipsecEncryption: []string{"GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"},
		ipsecIntegrity:  []string{"GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"},
		pfsGroup:        []string{"PFS24", "ECP384", "ECP256", "PFS2048", "PFS14", "PFS2", "PFS1", "PFSMM", "None"},
	},
	cloud.AzureStackHub: {
		ikeEncryption:   []string{"AES256", "AES192", "AES128", "DES3", "DES"},
		ikeIntegrity:    []string{"SHA384", "SHA256", "SHA1", "MD5"},
		dhGroup:         []string{"ECP384", "ECP256", "DHGroup24", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"},
		ipsecEncryption: []string{"GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"},
		ipsecIntegrity:  []string{"GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"},
		pfsGroup:        []string{"PFS24", "ECP384", "ECP256", "PFS2048", "PFS2", "PFS1", "PFSMM", "None"},
	},
}

// SA limits of a custom policy, the same on both clouds.
const (
	minSALifetime = 300
	maxSALifetime = 172799
	minSADataSize = 1024
)

// maxSharedKey is the longest shared key ARM accepts.
const maxSharedKey = 128

// reservedUsernames are the admin user names Azure refuses for a new VM.
var reservedUsernames = map[string]bool{"administrator": true, "admin": true, "user": true, "user1": true, "test": true,
	"user2": true, "test1": true, "user3": true, "admin1": true, "1": true, "123": true, "a": true, "actuser": true,
	"adm": true, "admin2": true, "aspnet": true, "backup": true, "console": true, "david": true, "guest": true, "john": true,
	"owner": true, "root": true, "server": true, "sql": true, "support": true, "support_388945a0": true, "sys": true,
	"test2": true, "test3": true, "user4": true, "user5": true}

// reservedRanges are the ranges Azure virtual networks may not use ("Azure Virtual Network
// frequently asked questions": multicast, broadcast, loopback, link-local, and the platform's
// internal DNS address).
var reservedRanges = []netip.Prefix{
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("168.63.129.16/32"),
}
