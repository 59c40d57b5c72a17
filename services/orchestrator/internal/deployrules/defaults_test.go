package deployrules

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

func TestComplete(t *testing.T) {
	for _, tc := range []struct {
		name             string
		cloud, location  string
		wantLocation     string
		sku, wantSKU     string
		policy, wantPol  orchestratorv1.DeploymentSpec_FailurePolicy
		key              string
		wantGeneratedKey bool
	}{
		{name: "azure defaults", cloud: "azure", wantLocation: "eastus", wantSKU: "VpnGw1AZ",
			wantPol: orchestratorv1.DeploymentSpec_FAILURE_POLICY_KEEP, wantGeneratedKey: true},
		{name: "stamp defaults", cloud: "azure-stack-hub", wantLocation: "local", wantSKU: "Standard",
			wantPol: orchestratorv1.DeploymentSpec_FAILURE_POLICY_KEEP, wantGeneratedKey: true},
		{name: "given values kept", cloud: "azure", location: "westeurope", wantLocation: "westeurope", sku: "VpnGw2", wantSKU: "VpnGw2",
			policy: orchestratorv1.DeploymentSpec_FAILURE_POLICY_ROLLBACK, wantPol: orchestratorv1.DeploymentSpec_FAILURE_POLICY_ROLLBACK, key: sharedKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := valid().Spec
			in.Sites[0].Cloud, in.Sites[0].Location, in.Sites[0].GatewaySku = tc.cloud, tc.location, tc.sku
			in.FailurePolicy = tc.policy
			in.Connection.SharedKey = tc.key
			before := proto.Clone(in)
			out, err := Complete(in, clouds)
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(in, before) {
				t.Error("Complete changed its input")
			}
			s := out.Sites[0]
			if s.Location != tc.wantLocation || s.GatewaySku != tc.wantSKU || out.FailurePolicy != tc.wantPol {
				t.Errorf("got location %q, SKU %q, failure policy %v; want %q, %q, %v", s.Location, s.GatewaySku, out.FailurePolicy, tc.wantLocation, tc.wantSKU, tc.wantPol)
			}
			if got := out.Sites[1]; got.Location != "local" || got.GatewaySku != "Standard" {
				t.Errorf("stamp site got location %q, SKU %q; want local, Standard", got.Location, got.GatewaySku)
			}
			key := out.Connection.SharedKey
			if !tc.wantGeneratedKey {
				if key != tc.key {
					t.Errorf("the given shared key was replaced")
				}
				return
			}
			if len(key) != generatedKeyLength || strings.Trim(key, keyAlphabet) != "" {
				t.Errorf("generated key has %d characters or others than [A-Za-z0-9]; want %d", len(key), generatedKeyLength)
			}
			again, err := Complete(in, clouds)
			if err != nil {
				t.Fatal(err)
			}
			if again.Connection.SharedKey == key {
				t.Error("two generated keys are equal")
			}
		})
	}
}

func TestCompleteConnectionless(t *testing.T) {
	in := valid().Spec
	in.Connection = nil
	out, err := Complete(in, clouds)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.GetConnection().GetSharedKey()) != generatedKeyLength {
		t.Fatalf("no key generated for a spec without connection: %v", out.GetConnection())
	}
	if v := Validate(&orchestratorv1.Deployment{Spec: out}, "demo", clouds); len(v) != 0 {
		t.Fatalf("a completed spec has findings: %v", v)
	}
}

func TestCompleteErrors(t *testing.T) {
	unknown := valid().Spec
	unknown.Sites[1].Cloud = "stamp2"
	for name, in := range map[string]*orchestratorv1.DeploymentSpec{"nil spec": nil, "unknown cloud": unknown} {
		t.Run(name, func(t *testing.T) {
			if out, err := Complete(in, clouds); err == nil {
				t.Fatalf("no error; got %v", out)
			}
		})
	}
}

func TestGenerateKeyAlphabet(t *testing.T) {
	seen := map[rune]bool{}
	for range 200 {
		for _, r := range GenerateKey() {
			seen[r] = true
		}
	}
	if len(seen) != len(keyAlphabet) {
		t.Fatalf("200 keys used %d distinct characters; want all %d of the alphabet", len(seen), len(keyAlphabet))
	}
}
