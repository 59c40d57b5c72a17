package kind

import (
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/names"
)

// TestWantLocation: a wanted location refuses an existing resource elsewhere before
// Matches is asked, compares as ARM does ("West US" is westus), and without one the
// resource's location is not looked at.
func TestWantLocation(t *testing.T) {
	n := names.Name{Cloud: "c", ResourceGroup: "rg", Path: []names.Segment{{Collection: "publicIPAddresses", ID: "ip"}}}
	location := func(m *model) string { return m.name }
	asked := false
	w := &Want[*model]{Matches: func(*model) (bool, error) { asked = true; return true, nil }}
	for _, tc := range []struct {
		name, want, have string
		code             codes.Code
		asked            bool
	}{
		{"same", "West US", "westus", codes.OK, true},
		{"moved", "eastus", "westus", codes.FailedPrecondition, false},
		{"none wanted", "", "westus", codes.OK, true},
	} {
		asked, w.Location = false, tc.want
		ok, err := w.matches(location, n)(&model{tc.have})
		if status.Code(err) != tc.code || asked != tc.asked || ok != (tc.code == codes.OK) {
			t.Errorf("%s: matches = %v, %v (Matches asked: %v); want %v (asked: %v)", tc.name, ok, err, asked, tc.code, tc.asked)
		}
	}
}

// TestAPIName: an ARM resource ID is its resource name, with the collections spelled as the
// service spells them; anything else, or nothing, is itself.
func TestAPIName(t *testing.T) {
	known := map[string]string{"publicipaddresses": "publicIPAddresses"}
	for id, want := range map[string]string{
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicipaddresses/ip": "clouds/c/resourceGroups/rg/publicIPAddresses/ip",
		"/subscriptions/s/providers/Microsoft.Network/locations/westus":                       "/subscriptions/s/providers/Microsoft.Network/locations/westus",
		"": "",
	} {
		if got := APIName("c", id, known); got != want {
			t.Errorf("APIName(c, %q) = %q, want %q", id, got, want)
		}
	}
}

// TestReference: a reference is a resource name of the given shape on the referring
// resource's cloud; a name on another cloud, or of another shape, is one violation on the
// field.
func TestReference(t *testing.T) {
	valid := map[string]bool{
		"clouds/c/resourceGroups/rg/publicIPAddresses/ip": true,
		"clouds/d/resourceGroups/rg/publicIPAddresses/ip": false,
		"clouds/c/resourceGroups/rg/virtualNetworks/vn":   false,
	}
	for ref, want := range valid {
		var v apierr.Violations
		n, ok := Reference(&v, "public_ip_address", ref, "c", "publicIPAddresses")
		if ok != want || len(v) == 0 != want || (ok && n.String() != ref) {
			t.Errorf("Reference(%s) = %v, %v with violations %v; want ok %v", ref, n, ok, v, want)
		}
	}
}
