package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpecRoundTrip applies a deployment whose hub VM has a password and whose spoke VM has
// an SSH key, writes it back with get -o yaml, and plans and applies that file: without the
// variable it names it is refused, with it nothing changes. No secret is printed.
func TestSpecRoundTrip(t *testing.T) {
	const password = "Change-Me-2026!"
	file := spec(t, "roundtrip", func(s string) string {
		return s + "      virtualMachines:\n        - {name: stack-vm, size: Standard_A2_v2, imagePublisher: Canonical, imageOffer: 0001-com-ubuntu-server-jammy, imageSku: 22_04-lts, adminUsername: azureuser, sshPublicKeys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample you@host]}\n"
	})
	if code, out, errs := run(t, "apply", "-f", file, "--yes"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errs)
	}
	t.Cleanup(func() { run(t, "destroy", "roundtrip", "--yes") })

	code, out, errs := run(t, "get", "roundtrip", "-o", "yaml")
	if code != ExitOK || !strings.Contains(out, "adminPassword: {fromEnv: HUB_HUB_VM_PASSWORD}") || strings.Contains(out, "STACK_STACK_VM_PASSWORD") ||
		!strings.Contains(errs, "set HUB_HUB_VM_PASSWORD before plan or apply -f") {
		t.Fatalf("get -o yaml: exit %d\n%s\n%s", code, out, errs)
	}
	back := filepath.Join(t.TempDir(), "roundtrip.yaml")
	if err := os.WriteFile(back, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Setenv("HUB_HUB_VM_PASSWORD", "")
	code, out, errs = run(t, "plan", "-f", back)
	if code != ExitInvalid || !strings.Contains(errs, "spec.sites[0].virtualMachines[0].adminPassword: fromEnv: the environment variable HUB_HUB_VM_PASSWORD is not set") {
		t.Errorf("plan without the variable: exit %d\n%s\n%s", code, out, errs)
	}

	t.Setenv("HUB_HUB_VM_PASSWORD", password)
	code, out, errs = run(t, "plan", "-f", back)
	if code != ExitOK || !strings.Contains(out, "Plan: 0 to create, 0 to update, 16 unchanged.") {
		t.Errorf("plan of what get -o yaml wrote: exit %d\n%s\n%s", code, out, errs)
	}
	code, out2, errs2 := run(t, "apply", "-f", back, "--yes")
	if code != ExitOK || !strings.Contains(out2, "No changes: deployments/roundtrip matches the spec and is READY.") {
		t.Errorf("apply of what get -o yaml wrote: exit %d\n%s\n%s", code, out2, errs2)
	}
	if strings.Contains(out+errs+out2+errs2, password) {
		t.Error("a password was printed")
	}
}

// TestBareName plans a spec file named by the deployment's ID alone, as the commands take it.
func TestBareName(t *testing.T) {
	file := spec(t, "bare", func(s string) string { return strings.Replace(s, "name: deployments/bare", "name: bare", 1) })
	if code, out, errs := run(t, "plan", "-f", file); code != ExitOK || !strings.Contains(out, "Plan for deployments/bare:") {
		t.Errorf("plan: exit %d\n%s\n%s", code, out, errs)
	}
}
