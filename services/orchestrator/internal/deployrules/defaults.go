package deployrules

import (
	"crypto/rand"
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

// keyAlphabet is what generated shared keys are made of.
const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// generatedKeyLength is the length of a generated shared key: 32 characters of 62 are about
// 190 bits.
const generatedKeyLength = 32

// Complete returns a copy of a validated spec with the defaults the workflow relies on: each
// site's location (its cloud's default location) and gateway SKU (VpnGw1 on Azure, Standard
// on Azure Stack Hub), a shared key generated with crypto/rand when none is given, and the
// KEEP failure policy when none is set; a site that adopts its network has an existing
// resource group. An adopted gateway's SKU is filled in by Adopt, from the gateway. The spec passed in is not changed.
func Complete(d *orchestratorv1.DeploymentSpec, clouds []cloud.Cloud) (*orchestratorv1.DeploymentSpec, error) {
	if d == nil {
		return nil, errors.New("spec: no deployment spec to complete")
	}
	out := proto.Clone(d).(*orchestratorv1.DeploymentSpec)
	for i, site := range out.GetSites() {
		c, ok := find(clouds, site.GetCloud())
		if !ok {
			return nil, fmt.Errorf("spec: sites[%d]: cloud %q is not configured; configured clouds: %s", i, site.GetCloud(), ids(clouds))
		}
		if site.GetLocation() == "" {
			site.Location = c.Location
		}
		site.GatewaySku = gatewaySKU(site, c.Kind)
		if site.GetExisting().GetVirtualNetwork() != "" {
			site.ExistingResourceGroup = true // an adopted network's group exists, and teardown leaves it
		}
	}
	if out.Connection == nil {
		out.Connection = &orchestratorv1.ConnectionSpec{}
	}
	if out.GetConnection().GetSharedKey() == "" {
		out.Connection.SharedKey = GenerateKey()
	}
	if out.GetFailurePolicy() == orchestratorv1.DeploymentSpec_FAILURE_POLICY_UNSPECIFIED {
		out.FailurePolicy = orchestratorv1.DeploymentSpec_FAILURE_POLICY_KEEP
	}
	return out, nil
}

// gatewaySKU returns a site's gateway SKU, or the default of its kind of cloud.
func gatewaySKU(site *orchestratorv1.Site, k cloud.Kind) string {
	if site.GetGatewaySku() != "" {
		return site.GetGatewaySku()
	}
	return defaultSKUs[k]
}

// GenerateKey returns a random shared key of generatedKeyLength characters from keyAlphabet.
// Bytes of 248 and above are skipped so that every character is equally likely.
func GenerateKey() string {
	const limit = 256 - 256%len(keyAlphabet)
	key := make([]byte, 0, generatedKeyLength)
	buf := make([]byte, generatedKeyLength)
	for len(key) < generatedKeyLength {
		rand.Read(buf) // crypto/rand.Read never fails: it crashes the program instead.
		for _, b := range buf {
			if int(b) < limit && len(key) < generatedKeyLength {
				key = append(key, keyAlphabet[int(b)%len(keyAlphabet)])
			}
		}
	}
	return string(key)
}
