package probe

import (
	"os/exec"
	"strings"
	"testing"
)

func TestScriptHeader(t *testing.T) {
	s := Script([]string{"10.2.1.4", "10.3.1.4"})
	first, _, _ := strings.Cut(s, "\n")
	if first != "# hybridlink-probe v1 port=22 count=3 targets=10.2.1.4,10.3.1.4" {
		t.Errorf("first line %q", first)
	}
}

// TestScriptRuns runs the script with sh on this machine against loopback, which answers
// ping: the line it prints is one Parse reads, ICMP ok with no loss and a round-trip time.
// (.ci/run installs ping.)
func TestScriptRuns(t *testing.T) {
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("no ping on this machine")
	}
	out, err := exec.Command("sh", "-c", Script([]string{"127.0.0.1"})).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rs, err := Parse("Enable succeeded: \n[stdout]\n"+string(out)+"\n[stderr]\n", []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if r := rs[0]; r.Target != "127.0.0.1" || !r.ICMP || r.Loss != 0 || r.RTTms <= 0 {
		t.Errorf("loopback answers ping: result %+v of %q", r, out)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		message string
		want    []Result
		err     string
	}{
		{"both reached", "Enable succeeded: \n[stdout]\nprobe target=10.2.1.4 icmp=ok loss=0% rtt_ms=20.500 tcp=ok\nprobe target=10.3.1.4 icmp=fail loss=100% rtt_ms=- tcp=fail\n\n[stderr]\n",
			[]Result{{"10.2.1.4", true, true, 0, 20.5}, {"10.3.1.4", false, false, 100, 0}}, ""},
		{"a target missing", "Enable succeeded: \n[stdout]\nprobe target=10.2.1.4 icmp=ok loss=0% rtt_ms=1.000 tcp=ok\n\n[stderr]\n", nil, "no line for 10.3.1.4"},
		{"noise around", "Enable succeeded: \n[stdout]\nPING ...\nprobe target=10.2.1.4 icmp=ok loss=33% rtt_ms=2.125 tcp=fail\nprobe target=10.3.1.4 icmp=ok loss=0% rtt_ms=0.5 tcp=ok\n[stderr]\nwarning\n",
			[]Result{{"10.2.1.4", true, false, 33, 2.125}, {"10.3.1.4", true, true, 0, 0.5}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.message, []string{"10.2.1.4", "10.3.1.4"})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(got) != len(tc.want) {
				t.Fatalf("%v, %v", got, err)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("result %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}
