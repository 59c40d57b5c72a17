package cloud_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// exampleClouds is the example cloud list users copy for real Azure and a stamp.
const exampleClouds = "../../examples/clouds.yaml"

// TestExampleClouds loads examples/clouds.yaml the way the services do, so that the example
// keeps parsing and validating as the format changes, and keeps naming the clouds the
// example deployment specs use.
func TestExampleClouds(t *testing.T) {
	cfg, err := cloud.Load(exampleClouds)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id         string
		kind       cloud.Kind
		credential string
	}{
		{"azure", cloud.Azure, "client-secret"},
		{"stamp1", cloud.AzureStackHub, "client-certificate"},
	}
	if len(cfg.Clouds) != len(want) {
		t.Fatalf("%s has %d clouds, want %d", exampleClouds, len(cfg.Clouds), len(want))
	}
	for i, w := range want {
		c := cfg.Clouds[i]
		if c.ID != w.id || c.Kind != w.kind || c.Credential.Type != w.credential {
			t.Errorf("clouds[%d] is %s (%s, %s), want %s (%s, %s)", i, c.ID, c.Kind, c.Credential.Type, w.id, w.kind, w.credential)
		}
	}
	azure, stamp := cfg.Clouds[0], cfg.Clouds[1]
	if azure.Credential.ClientSecretEnv == "" {
		t.Error("the Azure cloud's client secret must come from an environment variable")
	}
	if !stamp.Discover || stamp.CAFile == "" || stamp.Credential.TenantID != "adfs" {
		t.Errorf("the stamp should show discovery, its CA file and AD FS: discover=%v caFile=%q tenantId=%q",
			stamp.Discover, stamp.CAFile, stamp.Credential.TenantID)
	}
}

// TestExampleCloudsPlaceholders: the example's IDs are placeholders, never someone's real
// subscription, tenant or application.
func TestExampleCloudsPlaceholders(t *testing.T) {
	b, err := os.ReadFile(exampleClouds)
	if err != nil {
		t.Fatal(err)
	}
	guid := regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	for _, id := range guid.FindAllString(string(b), -1) {
		if id != "00000000-0000-0000-0000-000000000000" {
			t.Errorf("%s holds the ID %s; use the placeholder 00000000-0000-0000-0000-000000000000", exampleClouds, id)
		}
	}
}
