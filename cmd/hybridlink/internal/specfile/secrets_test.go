package specfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withSecret is valid with the VM's password and the connection's shared key given as
// password and key.
func withSecret(password, key string) string {
	s := strings.Replace(valid, "          size: Standard_B2s\n", "          size: Standard_B2s\n          adminPassword: "+password+"\n", 1)
	return strings.Replace(s, "  connection:\n", "  connection:\n    sharedKey: "+key+"\n", 1)
}

func TestSecretRefs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("vm.password", "Pass-From-File-1\n")
	write("key.txt", "key-from-file")
	abs := filepath.Join(dir, "vm.password")
	t.Setenv("SPECFILE_TEST_PASSWORD", "Pass-From-Env-1")
	for _, tc := range []struct {
		name, password, key   string
		wantPassword, wantKey string
	}{
		{"in clear", "Plain-1", "k1", "Plain-1", "k1"},
		{"from the environment", "{fromEnv: SPECFILE_TEST_PASSWORD}", "k1", "Pass-From-Env-1", "k1"},
		{"from files beside the spec", "{fromFile: vm.password}", "{fromFile: key.txt}", "Pass-From-File-1", "key-from-file"},
		{"from an absolute path", "{fromFile: " + abs + "}", "k1", "Pass-From-File-1", "k1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(filepath.Join(dir, "demo.yaml"), []byte(withSecret(tc.password, tc.key)))
			if err != nil {
				t.Fatal(err)
			}
			if got := d.GetSpec().GetSites()[0].GetVirtualMachines()[0].GetAdminPassword(); got != tc.wantPassword {
				t.Errorf("adminPassword %q, want %q", got, tc.wantPassword)
			}
			if got := d.GetSpec().GetConnection().GetSharedKey(); got != tc.wantKey {
				t.Errorf("sharedKey %q, want %q", got, tc.wantKey)
			}
			if d.GetSpec().GetConnection().GetIpsecPolicy().GetSaLifetimeSeconds() != 27000 {
				t.Errorf("the rest of the spec changed: %v", d.GetSpec())
			}
		})
	}
}

func TestSecretRefErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SPECFILE_TEST_EMPTY", "")
	const vmPassword = "spec.sites[0].virtualMachines[0].adminPassword"
	for _, tc := range []struct {
		name, text, field, problem string
	}{
		{"unset variable", withSecret("{fromEnv: SPECFILE_TEST_UNSET}", "k"), vmPassword, "fromEnv: the environment variable SPECFILE_TEST_UNSET is not set, or empty"},
		{"empty variable", withSecret("{fromEnv: SPECFILE_TEST_EMPTY}", "k"), vmPassword, "SPECFILE_TEST_EMPTY is not set"},
		{"missing file", withSecret("{fromFile: nope}", "k"), vmPassword, "fromFile: open " + filepath.Join(dir, "nope") + ": no such file"},
		{"empty file", withSecret("k", "{fromFile: empty}"), "spec.connection.sharedKey", "is empty"},
		{"both", withSecret("{fromEnv: A, fromFile: b}", "k"), vmPassword, "want the secret, {fromEnv: VARIABLE} or {fromFile: PATH}"},
		{"misspelt", withSecret("{fromEnvironment: A}", "k"), vmPassword, "want the secret"},
		{"not a name", withSecret("{fromEnv: 5}", "k"), vmPassword, "want the secret"},
		{"not a secret", strings.Replace(valid, "cloud: azure", "cloud: {fromEnv: CLOUD}", 1), "spec.sites[0].cloud", "are for secrets"},
		{"a typo before an unset variable", strings.Replace(withSecret("{fromEnv: SPECFILE_TEST_UNSET}", "k"), "size:", "sizes:", 1), "spec.sites[0].virtualMachines[0].sizes", "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(filepath.Join(dir, "demo.yaml"), []byte(tc.text))
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *specfile.Error", err)
			}
			if fe.Field != tc.field || !strings.Contains(fe.Problem, tc.problem) {
				t.Errorf("error %q (field %q), want field %q and %q", fe, fe.Field, tc.field, tc.problem)
			}
		})
	}
}
