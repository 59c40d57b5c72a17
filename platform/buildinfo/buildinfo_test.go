package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuild(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d"},
		{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		name              string
		bi                *debug.BuildInfo
		ldVersion, commit string
		modified          bool
		want              string
	}{
		{"stamped by the toolchain", stamped, "", "", false, "(devel) commit 1a2b3c4d5e6f (modified, 2026-12-01T10:00:00Z) go1.26.8"},
		{"ldflags win", stamped, "v1.2.0", "abc123", false, "v1.2.0 commit abc123 go1.26.8"},
		{"ldflags with changes", &debug.BuildInfo{GoVersion: "go1.26.8"}, "", "1a2b3c4d5e6f7a8b", true, "(devel) commit 1a2b3c4d5e6f (modified) go1.26.8"},
		{"a tagged module without vcs", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}}, "", "", false, "v0.3.0 commit unknown go1.26.8"},
		{"nothing stamped", &debug.BuildInfo{GoVersion: "go1.26.8"}, "", "", false, "(devel) commit unknown go1.26.8"},
		{"clean commit", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abcdef"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "false"},
		}}, "", "", false, "(devel) commit abcdef (2026-12-01T10:00:00Z) go1.26.8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fromBuild(tc.bi, tc.ldVersion, tc.commit, tc.modified).String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
