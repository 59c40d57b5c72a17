package cli

import (
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/platform/buildinfo"
)

// TestVersion checks version against the stack (whose orchestrator runs in this binary, so
// reports the same build), against an address nothing answers on, and --version; and that
// unknown commands are usage errors.
func TestVersion(t *testing.T) {
	build := buildinfo.Read().String()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"version", []string{"version"}, ExitOK, []string{"client  " + build + "\n", "server  " + build + " at " + theStack.Services[0].GRPC + "\n"}},
		{"no server", []string{"--addr", "127.0.0.1:1", "version"}, ExitOK, []string{"client  " + build + "\n", "server  not reachable at 127.0.0.1:1: "}},
		{"--version", []string{"--version"}, ExitOK, []string{"hybridlink " + build + "\n"}},
		{"unknown command", []string{"bogus"}, ExitInvalid, []string{`unknown command "bogus" (see --help)`}},
		{"a typo", []string{"lsit"}, ExitInvalid, []string{`unknown command "lsit"; did you mean list?`}},
		{"bad flag", []string{"version", "--bogus"}, ExitInvalid, []string{"unknown flag: --bogus"}},
		{"no command", nil, ExitOK, []string{"Available Commands:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.args...)
			for _, w := range tc.want {
				if code != tc.code || !strings.Contains(out+errs, w) {
					t.Errorf("exit %d, want %d and %q:\n%s%s", code, tc.code, w, out, errs)
				}
			}
		})
	}
}
