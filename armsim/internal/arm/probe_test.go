package arm

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseProbe(t *testing.T) {
	for _, tc := range []struct {
		script  string
		isProbe bool
		err     string // part of the error, "" for none
		targets int
	}{
		{"# hybridlink-probe v1 port=22 count=3 targets=10.0.0.4\nping ...", true, "", 1},
		{"# hybridlink-probe v1 port=443 count=1 targets=10.0.0.4,10.1.0.4\r\nrest", true, "", 2},
		{"# hybridlink-probe v1 port=22 count=3 targets=10.0.0.4", true, "", 1},
		{"echo hello", false, "", 0},
		{"#!/bin/sh\n# hybridlink-probe v1 port=22 count=3 targets=10.0.0.4", false, "", 0},
		{"# hybridlink-probe v2 port=22 count=3 targets=10.0.0.4", true, "exactly", 0},
		{"# hybridlink-probe v1 port=0 count=3 targets=10.0.0.4", true, "port", 0},
		{"# hybridlink-probe v1 port=22 count=x targets=10.0.0.4", true, "count", 0},
		{"# hybridlink-probe v1 port=22 count=3 targets=", true, "targets", 0},
		{"# hybridlink-probe v1 port=22 count=3 targets=10.0.0.4,::1", true, "IPv4", 0},
		{"# hybridlink-probe v1 count=3 port=22 targets=10.0.0.4", true, "port", 0},
		{"# hybridlink-probe v1  port=22 count=3 targets=10.0.0.4", true, "exactly", 0},
	} {
		p, ok, err := parseProbe(tc.script)
		if ok != tc.isProbe || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) || len(p.targets) != tc.targets {
			t.Errorf("%q: probe %v, err %v, %d targets; want %v, %q, %d", tc.script, ok, err, len(p.targets), tc.isProbe, tc.err, tc.targets)
		}
	}
}

func TestScriptOf(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte("zipped"))
	_ = w.Close()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		pub, prot    map[string]any
		script, fail string
	}{
		{map[string]any{"commandToExecute": "a"}, nil, "a", ""},
		{nil, map[string]any{"commandToExecute": "b"}, "b", ""},
		{map[string]any{"script": b64("c")}, nil, "c", ""},
		{nil, map[string]any{"script": base64.StdEncoding.EncodeToString(gz.Bytes())}, "zipped", ""},
		{map[string]any{"commandToExecute": "a", "timestamp": float64(3)}, nil, "a", ""},
		{map[string]any{"commandToExecute": "a", "timestamp": "3"}, nil, "", "given: string"},
		{map[string]any{"commandToExecute": "a"}, map[string]any{"commandToExecute": "b"}, "", "only once"},
		{map[string]any{"commandToExecute": "a", "script": b64("c")}, nil, "", "but not both"},
		{map[string]any{"fileUris": []any{}}, nil, "", "'commandToExecute' is not specified"},
		{map[string]any{"script": "not base64!"}, nil, "", "failed to decode script"},
	} {
		x := &VMExtension{}
		x.Properties.Settings, x.Properties.ProtectedSettings = tc.pub, tc.prot
		script, fail := scriptOf(x)
		if script != tc.script || (tc.fail == "") != (fail == "") || !strings.Contains(fail, tc.fail) {
			t.Errorf("%v %v: script %q, failure %q; want %q, %q", tc.pub, tc.prot, script, fail, tc.script, tc.fail)
		}
	}
}

func TestTail(t *testing.T) {
	long := strings.Repeat("x", maxTail) + "end"
	if got := tail(long); len(got) != maxTail || !strings.HasSuffix(got, "end") {
		t.Fatalf("tail keeps the last %d bytes: %d, %q", maxTail, len(got), got[len(got)-3:])
	}
	if tail("short") != "short" {
		t.Fatal("a short stream is kept whole")
	}
}
