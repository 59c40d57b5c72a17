// Package probe is the data-plane probe a deployment's VMs run through the CustomScript
// extension: the script (Script), whose first line says what it probes so that an emulator
// can answer for it, and the reading of its output (Parse). The script is POSIX sh for the
// Linux images the suite deploys: for each target, three ICMP echoes (ping) and a TCP connect
// to port 22 (bash's /dev/tcp), one line each.
package probe

import (
	"fmt"
	"strconv"
	"strings"
)

// Port is the TCP port probed: SSH, which every Linux image the suite deploys listens on.
const Port = 22

// Count is how many ICMP echo requests go to each target.
const Count = 3

// Header is how the script's first line starts: "# hybridlink-probe v1 port=P count=N
// targets=IP,IP".
const Header = "# hybridlink-probe v1"

// Script returns the probe of targets (IPv4 addresses).
func Script(targets []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s port=%d count=%d targets=%s\n", Header, Port, Count, strings.Join(targets, ","))
	fmt.Fprintf(&b, "for ip in %s; do\n", strings.Join(targets, " "))
	fmt.Fprintf(&b, `  out=$(ping -c %d -W 2 -q "$ip" 2>/dev/null)
  loss=$(printf '%%s\n' "$out" | sed -n 's/.* \([0-9.]*\)%% packet loss.*/\1/p'); loss=${loss%%%%.*}; [ -n "$loss" ] || loss=100
  rtt=$(printf '%%s\n' "$out" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p'); [ -n "$rtt" ] || rtt=-
  if [ "$loss" -lt 100 ]; then icmp=ok; else icmp=fail; fi
  if timeout 3 bash -c "exec 3<>/dev/tcp/$ip/%d" 2>/dev/null; then tcp=ok; else tcp=fail; fi
  echo "probe target=$ip icmp=$icmp loss=$loss%% rtt_ms=$rtt tcp=$tcp"
done
`, Count, Port)
	return b.String()
}

// Result is what the probe saw of one target.
type Result struct {
	Target    string
	ICMP, TCP bool
	Loss      int
	RTTms     float64
}

// Parse reads the probe's results from the extension's status message, whose stdout is
// between "[stdout]\n" and "\n[stderr]" (CustomScript 2.x on Linux), and returns one result
// per target, in order. A target without a line is an error naming it.
func Parse(message string, targets []string) ([]Result, error) {
	out := message
	if _, after, ok := strings.Cut(out, "[stdout]\n"); ok {
		out = after
	}
	out, _, _ = strings.Cut(out, "\n[stderr]")
	seen := map[string]Result{}
	for _, line := range strings.Split(out, "\n") {
		if r, ok := parseLine(line); ok {
			seen[r.Target] = r
		}
	}
	results := make([]Result, 0, len(targets))
	for _, t := range targets {
		r, ok := seen[t]
		if !ok {
			return nil, fmt.Errorf("the probe's output has no line for %s: %.200q", t, message)
		}
		results = append(results, r)
	}
	return results, nil
}

// parseLine reads "probe target=IP icmp=ok|fail loss=N% rtt_ms=F|- tcp=ok|fail".
func parseLine(line string) (Result, bool) {
	fields := strings.Fields(strings.TrimSpace(line))
	if len(fields) != 6 || fields[0] != "probe" {
		return Result{}, false
	}
	kv := map[string]string{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Result{}, false
		}
		kv[k] = v
	}
	loss, err := strconv.Atoi(strings.TrimSuffix(kv["loss"], "%"))
	if err != nil || kv["target"] == "" {
		return Result{}, false
	}
	r := Result{Target: kv["target"], ICMP: kv["icmp"] == "ok", TCP: kv["tcp"] == "ok", Loss: loss}
	if rtt, err := strconv.ParseFloat(kv["rtt_ms"], 64); err == nil {
		r.RTTms = rtt
	}
	return r, true
}
