package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSelf checks that hints name the command as it was invoked, not hybridlink.
func TestSelf(t *testing.T) {
	std := IO{In: strings.NewReader(""), Name: "./bin/hl"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unreachable", []string{"--addr", "127.0.0.1:1", "list"}, ExitFailed, []string{"hl: ", "`./bin/hl dev` runs the whole suite locally"}},
		{"no wait", []string{"apply", "--yes", "--no-wait", "-f", spec(t, "self", nil)}, ExitOK, []string{"`./bin/hl watch self` follows it."}},
		{"watch", []string{"watch", "self"}, ExitOK, []string{"READY"}},
		{"nothing to stop", []string{"dev", "stop", "--state", t.TempDir()}, ExitOK, []string{"`./bin/hl dev --detach --state ", "; nothing to stop."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runIO(t, std, tc.args...)
			for _, w := range tc.want {
				if code != tc.code || !strings.Contains(out+errs, w) {
					t.Errorf("exit %d, want %d and %q\n%s%s", code, tc.code, w, out, errs)
				}
			}
		})
	}
	run(t, "destroy", "--yes", "self")
}

// TestOpenHint checks that the demo says open or xdg-open only where one is installed.
func TestOpenHint(t *testing.T) {
	const url = "http://127.0.0.1:8233"
	with := t.TempDir()
	if err := os.WriteFile(filepath.Join(with, "xdg-open"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{with, "xdg-open " + url},
		{t.TempDir(), "the Temporal UI: " + url},
	} {
		t.Setenv("PATH", tc.path)
		if got := openHint(url); got != tc.want {
			t.Errorf("PATH=%s: %q, want %q", tc.path, got, tc.want)
		}
	}
}
