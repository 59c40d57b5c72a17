package cli

import (
	"strings"
	"testing"
)

// TestValidate checks validate offline (an address nothing answers on) against plan on the
// stack, whose clouds are the built-in ones and stamp1..stamp4: a valid file passes both,
// and an invalid one gets the same findings from both, each naming its field.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"valid", nil, nil},
		{"on a stamp", func(s string) string { return strings.Replace(s, "cloud: azure-stack-hub", "cloud: stamp4", 1) }, nil},
		{"every finding", func(s string) string {
			s = strings.ReplaceAll(s, "10.2.", "10.1.")
			s = strings.Replace(s, "-hub-rg", "-hub-rg!", 1)
			return strings.Replace(s, "gatewaySubnetPrefix: 10.1.255.0/27", "gatewaySubnetPrefix: 10.1.255.0/27\n      gatewaySku: VpnGw9", 1)
		}, []string{"spec.sites[0].resourceGroup: ", "spec.sites[0].gatewaySku: ", "spec.sites[1].addressPrefixes[0]: "}},
		{"bad id", func(s string) string { return strings.Replace(s, "name: deployments/", "name: deployments/X_", 1) }, []string{"name: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := spec(t, "valid", tc.edit)
			code, out, errs := run(t, "--addr", "127.0.0.1:1", "validate", "--stamps", "4", "-f", file)
			if len(tc.want) == 0 {
				if code != ExitOK || !strings.Contains(out, " is valid for the clouds azure, azure-stack-hub, stamp1, stamp2, stamp3, stamp4") {
					t.Fatalf("validate: exit %d\n%s%s", code, out, errs)
				}
				if code, out, errs := run(t, "plan", "-f", file); code != ExitOK {
					t.Errorf("valid offline, but plan: exit %d\n%s%s", code, out, errs)
				}
				return
			}
			if code != ExitInvalid || !strings.Contains(errs, "finding(s); fix the fields named above") {
				t.Errorf("validate: exit %d, want 2\n%s%s", code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, "\n  "+w) {
					t.Errorf("validate does not name %q:\n%s", w, out)
				}
			}
			pcode, pout, _ := run(t, "plan", "-f", file)
			findings := func(s string) string { _, f, _ := strings.Cut(s, ":\n"); return f }
			if tc.name != "bad id" && (pcode != ExitInvalid || findings(pout) != findings(out)) { // plan names a bad id its own way
				t.Errorf("validate and plan differ:\nvalidate:\n%s\nplan (exit %d):\n%s", out, pcode, pout)
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown cloud", []string{"-f", spec(t, "v", func(s string) string { return strings.Replace(s, "cloud: azure-stack-hub", "cloud: stamp1", 1) })},
			`spec.sites[1].cloud: cloud "stamp1" is not configured; configured clouds: azure, azure-stack-hub`},
		{"bad cloud list", []string{"--clouds", "/nonexistent/clouds.yaml", "-f", spec(t, "v", nil)}, "--clouds: "},
		{"stamps and a cloud list", []string{"--clouds", "c.yaml", "--stamps", "1", "-f", spec(t, "v", nil)}, "--stamps adds to the built-in cloud list"},
		{"no file", nil, "-f/--file: the deployment file is required"},
		{"typo in the file", []string{"-f", spec(t, "v", func(s string) string { return strings.Replace(s, "imageSku:", "imageSkew:", 1) })},
			"spec.sites[0].virtualMachines[0].imageSkew: unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, append([]string{"--addr", "127.0.0.1:1", "validate"}, tc.args...)...)
			if code != ExitInvalid || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s%s", code, tc.want, out, errs)
			}
		})
	}
}
