package arm

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// armsim has no guest OS: of the scripts a CustomScript extension is given it runs only
// hybridlink's data-plane probe, recognised by its first line, exactly
//
//	# hybridlink-probe v1 port=<tcp port> count=<n> targets=<ip>[,<ip>...]
//
// (the rest is a POSIX sh loop a real VM runs; armsim reads only this header). The
// extension's VM is the source; for each target, in order, the probe writes one line to
// stdout,
//
//	probe target=<ip> icmp=<ok|fail> loss=<0-100>% rtt_ms=<decimal, 3 digits after the point, or -> tcp=<ok|fail>
//
// answered from the network model (reach.go), and exits 0 whatever the targets answer.
// Any other script fails, as a script that exits 1, with a stderr that says why.

// probePrefix starts the probe's header line.
const probePrefix = "# hybridlink-probe "

// probeHeader is the probe's header, as its first line states it.
const probeHeader = "# hybridlink-probe v1 port=<tcp port> count=<n> targets=<ip>[,<ip>...]"

// notProbe is the stderr of a script armsim does not run.
const notProbe = "armsim: this script was not run: armsim has no guest OS and runs only hybridlink's probe script, whose first line is '" +
	probeHeader + "' (see armsim/README.md, \"The probe script\")"

// probe is a parsed probe header.
type probe struct {
	port, count int
	targets     []netip.Addr
}

// parseProbe reads the probe's header from a script's first line; ok is false when the
// script is not the probe, and err says what is wrong with a header that starts like one.
func parseProbe(script string) (p probe, ok bool, err error) {
	line, _, _ := strings.Cut(script, "\n")
	line = strings.TrimSuffix(line, "\r")
	if !strings.HasPrefix(line, probePrefix) {
		return p, false, nil
	}
	f := strings.Split(line, " ")
	if len(f) != 6 || f[2] != "v1" {
		return p, true, fmt.Errorf("the header must be exactly '%s'", probeHeader)
	}
	num := func(field, name string, lo, hi int) (int, error) {
		v, found := strings.CutPrefix(field, name+"=")
		n, err := strconv.Atoi(v)
		if !found || err != nil || n < lo || n > hi || strconv.Itoa(n) != v {
			return 0, fmt.Errorf("%s must be %s=<%d..%d>; got %q", name, name, lo, hi, field)
		}
		return n, nil
	}
	if p.port, err = num(f[3], "port", 1, 65535); err != nil {
		return p, true, err
	}
	if p.count, err = num(f[4], "count", 1, 1000); err != nil {
		return p, true, err
	}
	list, found := strings.CutPrefix(f[5], "targets=")
	if !found || list == "" {
		return p, true, fmt.Errorf("targets must be targets=<ip>[,<ip>...]; got %q", f[5])
	}
	for _, s := range strings.Split(list, ",") {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() {
			return probe{}, true, fmt.Errorf("target %q is not an IPv4 address", s)
		}
		p.targets = append(p.targets, a)
	}
	return p, true, nil
}

// scriptOf returns the script a CustomScript configuration runs, as the handler reads it:
// commandToExecute (public or protected, once) or script (base64, optionally gzipped),
// or the handler's configuration error.
func scriptOf(x *VMExtension) (string, string) {
	pub, prot := x.Properties.Settings, x.Properties.ProtectedSettings
	if ts, ok := pub["timestamp"]; ok {
		if n, isNum := ts.(float64); !isNum || n != math.Trunc(n) {
			return "", "failed to get configuration: json validation error: invalid public settings JSON: timestamp: Invalid type. Expected: integer, given: " + jsonType(ts)
		}
	}
	cmdPub, _ := pub["commandToExecute"].(string)
	cmdProt, _ := prot["commandToExecute"].(string)
	scriptPub, _ := pub["script"].(string)
	scriptProt, _ := prot["script"].(string)
	cmd, script := cmdPub+cmdProt, scriptPub+scriptProt
	switch {
	case cmdPub != "" && cmdProt != "":
		return "", "failed to get configuration: invalid configuration: 'commandToExecute' was specified both in public and protected settings; it must be specified only once"
	case scriptPub != "" && scriptProt != "":
		return "", "failed to get configuration: invalid configuration: 'script' was specified both in public and protected settings; it must be specified only once"
	case cmd != "" && script != "":
		return "", "failed to get configuration: invalid configuration: Either 'commandToExecute' or 'script' should be specified, but not both"
	case cmd == "" && script == "":
		return "", "failed to get configuration: invalid configuration: 'commandToExecute' is not specified"
	case cmd != "":
		return cmd, ""
	}
	b, err := base64.StdEncoding.DecodeString(script)
	if err != nil {
		return "", "failed to execute command: failed to decode script: " + err.Error()
	}
	if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
		if unzipped, err := io.ReadAll(io.LimitReader(zr, 256<<10)); err == nil {
			b = unzipped
		}
	}
	return string(b), ""
}

// runScript runs an extension's script on its VM: the probe's lines on stdout, or why the
// script failed. failure is "" when the script succeeded, else what follows "Enable failed: "
// in the handler's status.
func (e *Engine) runScript(vm *entry, x *VMExtension) (stdout, stderr, failure string) {
	script, cfgErr := scriptOf(x)
	if cfgErr != "" {
		return "", "", cfgErr
	}
	exit1 := "failed to execute command: command terminated with exit status=1"
	if vm.Power != powerRunning {
		return "", "armsim: the virtual machine stopped while the script ran", exit1
	}
	p, ok, err := parseProbe(script)
	if !ok {
		return "", notProbe, exit1
	}
	if err != nil {
		return "", "armsim: malformed hybridlink-probe header: " + err.Error(), exit1
	}
	var b strings.Builder
	for _, t := range p.targets {
		r := e.reach(vm, t)
		icmp, loss, rtt := "fail", 100, "-"
		if r.Reachable {
			icmp, loss, rtt = "ok", 0, strconv.FormatFloat(r.RTTms, 'f', 3, 64)
		}
		tcp := map[bool]string{true: "ok", false: "fail"}[r.Reachable]
		fmt.Fprintf(&b, "probe target=%s icmp=%s loss=%d%% rtt_ms=%s tcp=%s\n", t, icmp, loss, rtt, tcp)
	}
	return b.String(), "", ""
}

// jsonType names a decoded JSON value's type as JSON Schema does.
func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}
