package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletion asks the CLI for completions as cobra's shell scripts do (__complete):
// deployment names from the test stack's orchestrator, contexts from the config file,
// spec files by extension.
func TestCompletion(t *testing.T) {
	if code, out, errs := run(t, "apply", "-f", spec(t, "completes", nil), "--yes"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errs)
	}
	t.Cleanup(func() { run(t, "destroy", "completes", "--yes") })
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	writeConfig(t, filepath.Join(xdg, "hybridlink"), "contexts:\n  - {name: lab, addr: lab.example:443}\n  - {name: prod}\n")

	for _, tc := range []struct {
		name string
		args []string
		want []string
		not  string
	}{
		{"a deployment's ID", []string{"__complete", "get", "compl"}, []string{"completes\tREADY\n", ":4\n"}, ""},
		{"every command taking a NAME", []string{"__complete", "destroy", ""}, []string{"completes\tREADY\n"}, ""},
		{"a full name", []string{"__complete", "watch", "deployments/compl"}, []string{"deployments/completes\tREADY\n"}, "\ncompletes"},
		{"no second name", []string{"__complete", "get", "completes", ""}, []string{":4\n"}, "completes\t"},
		{"no match", []string{"__complete", "get", "zz"}, []string{":4\n"}, "completes"},
		{"contexts", []string{"__complete", "context", "use", ""}, []string{"lab\tlab.example:443\n", "prod\t-\n"}, ""},
		{"spec files", []string{"__complete", "plan", "-f", ""}, []string{"yaml\nyml\njson\n:8\n"}, ""},
		{"the bash script", []string{"completion", "bash"}, []string{"__start_hybridlink"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.args...)
			if code != ExitOK {
				t.Errorf("exit %d\n%s\n%s", code, out, errs)
			}
			contains(t, "the completion", out, tc.want...)
			if tc.not != "" && strings.Contains(out, tc.not) {
				t.Errorf("has %q:\n%s", tc.not, out)
			}
		})
	}
	// an orchestrator that does not answer completes nothing, and says nothing
	if code, out := runHere("--addr", "127.0.0.1:1", "__complete", "get", ""); code != ExitOK || strings.TrimSpace(strings.SplitN(out, "Completion ended", 2)[0]) != ":4" {
		t.Errorf("unreachable: exit %d\n%s", code, out)
	}
}
