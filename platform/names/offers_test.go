package names

import (
	"strings"
	"testing"
)

func TestParseLocation(t *testing.T) {
	tests := []struct{ name, wantErr string }{
		{"clouds/azure/locations/westeurope", ""},
		{"clouds/azure-stack-hub/locations/local", ""},
		{"clouds/azure/locations/West Europe", "ARM's short name"},
		{"clouds/azure/locations/2east", "ARM's short name"},
		{"clouds/azure/locations/" + strings.Repeat("a", 41), "ARM's short name"},
		{"clouds/Azure/locations/eastus", "cloud"},
		{"clouds/azure/regions/eastus", "not of the form"},
		{"clouds/azure/locations/eastus/x", "not of the form"},
		{"", "not of the form"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseLocation(tc.name)
			checkParsed(t, l, err, tc.name, tc.wantErr)
		})
	}
}

func TestParseImageSKU(t *testing.T) {
	const base = "clouds/azure/locations/eastus/publishers/"
	tests := []struct{ name, wantErr string }{
		{base + "Canonical/offers/0001-com-ubuntu-server-jammy/skus/22_04-lts-gen2", ""},
		{base + "Canonical/offers/UbuntuServer/skus/18.04-LTS", ""},
		{base + "Canonical/offers/UbuntuServer/skus/-18.04", "image sku"},
		{base + "Can%20nical/offers/o/skus/s", "image publisher"},
		{base + "Canonical/offers/" + strings.Repeat("o", 65) + "/skus/s", "image offer"},
		{base + "Canonical/offers/o/skus", "not of the form"},
		{"clouds/azure/locations/East/publishers/p/offers/o/skus/s", "ARM's short name"},
		{"clouds/azure/regions/eastus/publishers/p/offers/o/skus/s", "not of the form"},
		{base + "p/versions/o/skus/s", "not of the form"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i, err := ParseImageSKU(tc.name)
			checkParsed(t, i, err, tc.name, tc.wantErr)
		})
	}
}

// checkParsed checks a parse's error, or that the name round-trips.
func checkParsed(t *testing.T, got interface{ String() string }, err error, name, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil || got.String() != name {
			t.Fatalf("got %v, %v", got, err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("want an error containing %q, got %v", wantErr, err)
	}
}
