package azrules_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
)

// TestCheckSpace: an address space needs a prefix, and each must be a canonical IPv4 prefix
// overlapping neither another nor a range Azure reserves; the error names the field.
func TestCheckSpace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		prefixes []string
		valid    int
		want     string // in the violation, "" for none
	}{
		{"two apart", []string{"10.1.0.0/16", "10.2.0.0/16"}, 2, ""},
		{"none", nil, 0, "space: at least one"},
		{"overlapping", []string{"10.1.0.0/16", "10.1.128.0/17"}, 1, "space[1]: 10.1.128.0/17 overlaps 10.1.0.0/16"},
		{"link-local", []string{"169.254.0.0/16"}, 0, "space[0]: 169.254.0.0/16 overlaps 169.254.0.0/16, which Azure reserves"},
		{"the platform DNS", []string{"168.63.0.0/16"}, 0, "which Azure reserves"},
		{"host bits", []string{"10.1.0.1/16"}, 0, "space[0]: \"10.1.0.1/16\" has host bits set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v apierr.Violations
			got := azrules.CheckSpace(&v, "space", tc.prefixes)
			msg := ""
			if err := v.Err(); err != nil {
				msg = err.Error()
			}
			if len(got) != tc.valid || (tc.want == "") != (msg == "") || !strings.Contains(msg, tc.want) {
				t.Fatalf("%d valid, %q; want %d valid and %q", len(got), msg, tc.valid, tc.want)
			}
		})
	}
}

// TestWithin: a prefix is within a space when one of its prefixes holds it whole.
func TestWithin(t *testing.T) {
	space := []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.3.0.0/24")}
	for p, want := range map[string]bool{
		"10.1.2.0/24": true, "10.1.0.0/16": true, "10.3.0.128/25": true,
		"10.0.0.0/8": false, "10.2.0.0/24": false, "10.3.0.0/23": false,
	} {
		if got := azrules.Within(netip.MustParsePrefix(p), space); got != want {
			t.Errorf("Within(%s) = %v, want %v", p, got, want)
		}
	}
}
