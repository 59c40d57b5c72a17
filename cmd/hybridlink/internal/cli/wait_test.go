package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
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

// interrupt runs the CLI as its own process (this test binary as main) and sends it SIGINT
// once it has printed a line containing after; it returns the exit code and the output.
func interrupt(t *testing.T, after string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--addr", theStack.Services[0].GRPC}, args...)...)
	cmd.Env = append(os.Environ(), asMain+"=1")
	var errs bytes.Buffer
	cmd.Stderr = &errs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if strings.Contains(lines.Text(), after) {
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
	}
	_ = cmd.Wait()
	return cmd.ProcessState.ExitCode(), out.String(), errs.String()
}

// TestInterrupt sends Ctrl-C (SIGINT) to apply and to watch while the deployment is being
// applied: each exits 130 saying the apply goes on, and it does, to READY.
func TestInterrupt(t *testing.T) {
	code, out, errs := interrupt(t, "running", "apply", "--yes", "-f", spec(t, "sigint", nil))
	// the hint names the command as invoked: here this test binary, by its path
	want := "interrupted (interrupt): stopped following deployments/sigint; it goes on in the orchestrator: `" + os.Args[0] + " watch sigint` follows it again"
	if code != 130 || !strings.Contains(errs, want) {
		t.Errorf("apply interrupted: exit %d, want 130 and %q\n%s%s", code, want, out, errs)
	}
	code, out, errs = interrupt(t, "sigint", "watch", "sigint")
	if code != 130 || !strings.Contains(errs, want) {
		t.Errorf("watch interrupted: exit %d, want 130 and %q\n%s%s", code, want, out, errs)
	}
	if code, out, errs := run(t, "watch", "sigint"); code != ExitOK || !strings.HasSuffix(out, "READY\n") {
		t.Errorf("the interrupted apply did not go on to READY: exit %d\n%s%s", code, out, errs)
	}
	run(t, "destroy", "--yes", "sigint")
}
