package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSavedPlan saves plans with plan --out and applies them: a fresh plan applies exactly,
// without asking; one the deployment or the clouds moved past since is refused, changing
// nothing. plan --detailed-exitcode says 2 for changes, 0 for none and 1 for errors.
func TestSavedPlan(t *testing.T) {
	dir := t.TempDir()
	file := spec(t, "saved", nil)
	created := filepath.Join(dir, "created.plan")

	if code, out, errs := run(t, "plan", "--detailed-exitcode", "-f", file, "--out", created); code != ExitInvalid ||
		!strings.Contains(out, "Plan: 14 to create") || !strings.Contains(out, "Saved the plan to "+created) || !strings.Contains(errs, "the plan has changes") {
		t.Fatalf("plan --out --detailed-exitcode of a new deployment: exit %d, want 2\n%s%s", code, out, errs)
	}
	if fi, err := os.Stat(created); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the saved plan is not readable by its owner only: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(created); !strings.Contains(string(b), "Change-Me-2026!") {
		t.Errorf("the saved plan lacks the spec's admin password, which applying it needs")
	}
	// another spec on the same resources, applied first, moves the clouds past the plan
	clash := spec(t, "clash", func(s string) string { return strings.ReplaceAll(s, "clash-", "saved-") })
	moved := filepath.Join(dir, "moved.plan")
	if code, out, errs := run(t, "plan", "-f", spec(t, "moved", func(s string) string { return strings.ReplaceAll(s, "moved-", "saved-") }), "--out", moved); code != ExitOK {
		t.Fatalf("plan --out: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "apply", "--yes", "-f", clash); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "apply", moved); code != ExitFailed || !strings.Contains(errs, "deployments/moved would change differently now") ||
		!strings.Contains(errs, "plan again (plan -f SPEC --out "+moved+")") {
		t.Errorf("apply of a plan the clouds moved past: exit %d, want 1\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "get", "moved"); code != ExitFailed {
		t.Errorf("a refused saved plan was applied: get exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "destroy", "--yes", "clash"); code != ExitOK {
		t.Fatalf("destroy: exit %d\n%s%s", code, out, errs)
	}

	if code, out, errs := run(t, "apply", created); code != ExitOK || !strings.Contains(out, "Plan: 14 to create") || !strings.Contains(out, "deployments/saved  READY") {
		t.Fatalf("apply of the saved plan: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "apply", created); code != ExitFailed || !strings.Contains(errs, "deployments/saved was created since the plan") {
		t.Errorf("apply of a plan made before the deployment was: exit %d, want 1\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "plan", "--detailed-exitcode", "-f", file); code != ExitOK || !strings.Contains(out, "0 to create, 0 to update, 14 unchanged") {
		t.Errorf("plan --detailed-exitcode without changes: exit %d, want 0\n%s%s", code, out, errs)
	}

	resized := spec(t, "saved", func(s string) string { return strings.Replace(s, "size: Standard_B2s", "size: Standard_B1s", 1) })
	update := filepath.Join(dir, "update.plan")
	if code, out, errs := run(t, "plan", "-f", resized, "--out", update); code != ExitOK || !strings.Contains(out, "1 to update") {
		t.Fatalf("plan --out of a change: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "apply", "--yes", "-f", resized); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "apply", update); code != ExitFailed || !strings.Contains(errs, "deployments/saved has another spec since the plan (etag ") {
		t.Errorf("apply of a plan the deployment moved past: exit %d, want 1\n%s%s", code, out, errs)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"both -f and a plan", []string{"apply", "-f", file, update}, ExitInvalid, "want -f SPEC or a saved plan's file, one of them"},
		{"neither", []string{"apply"}, ExitInvalid, "want -f SPEC or a saved plan's file, one of them"},
		{"not a plan", []string{"apply", file}, ExitInvalid, "is not a plan saved by `plan --out`"},
		{"invalid spec, detailed", []string{"plan", "--detailed-exitcode", "-f", spec(t, "bad", func(s string) string { return strings.ReplaceAll(s, "10.2.", "10.1.") })}, ExitFailed, "is not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, out, errs := run(t, tc.args...); code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d, want %d and %q\n%s%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
	run(t, "destroy", "--yes", "saved")
}
