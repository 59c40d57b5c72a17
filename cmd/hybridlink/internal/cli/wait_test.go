package cli

import (
	"strings"
	"testing"
)

// TestWait checks --no-wait and --timeout on apply and destroy: each returns while the
// operation goes on, says how to watch it, and watch then follows it to its end.
func TestWait(t *testing.T) {
	for _, tc := range []struct {
		flag     []string
		code     int
		apply    string
		destroy  string
		watchEnd string
	}{
		{[]string{"--no-wait"}, ExitOK, "deployments/nowait: the orchestrator accepted operations/deployments/nowait/create and carries it out; `hybridlink watch nowait` follows it.",
			"deployments/nowait: the orchestrator accepted operations/deployments/nowait/delete and carries it out; `hybridlink watch nowait` follows it.", ""},
		{[]string{"--timeout", "1ns"}, ExitFailed, "stopped waiting for deployments/timeout after 1ns (--timeout); it goes on in the orchestrator: `hybridlink watch timeout` follows it",
			"stopped waiting for deployments/timeout after 1ns (--timeout); it goes on in the orchestrator: `hybridlink watch timeout` follows it", ""},
	} {
		id := map[string]string{"--no-wait": "nowait", "--timeout": "timeout"}[tc.flag[0]]
		t.Run(id, func(t *testing.T) {
			code, out, errs := run(t, append([]string{"apply", "--yes", "-f", spec(t, id, nil)}, tc.flag...)...)
			if code != tc.code || !strings.Contains(out+errs, tc.apply) {
				t.Fatalf("apply %v: exit %d, want %d and %q\n%s%s", tc.flag, code, tc.code, tc.apply, out, errs)
			}
			if code, out, errs := run(t, "watch", id); code != ExitOK || !strings.HasSuffix(out, "deployments/"+id+strings.Repeat(" ", 35-len("deployments/"+id))+"READY\n") {
				t.Errorf("watch after apply %v: exit %d\n%s%s", tc.flag, code, out, errs)
			}
			code, out, errs = run(t, append([]string{"destroy", "--yes", id}, tc.flag...)...)
			if code != tc.code || !strings.Contains(out+errs, tc.destroy) {
				t.Fatalf("destroy %v: exit %d, want %d and %q\n%s%s", tc.flag, code, tc.code, tc.destroy, out, errs)
			}
			if code, out, errs := run(t, "watch", id); code != ExitOK || !strings.HasSuffix(out, "DELETED\n") {
				t.Errorf("watch after destroy %v: exit %d\n%s%s", tc.flag, code, out, errs)
			}
		})
	}
}
