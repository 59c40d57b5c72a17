// Package buildinfo says which build of hybridlink a binary is: its version and the commit it
// was built from, read from what the Go toolchain stamps into every binary
// (runtime/debug.ReadBuildInfo: the main module's version, vcs.revision, vcs.time and
// vcs.modified), unless the build set them with -ldflags -X (for builds without the
// repository's .git, such as the Dockerfile's). Every hybridlink server reports it in the
// Header response header; the CLI prints its own and the server's.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Header is the gRPC response header every hybridlink server sets to its String.
const Header = "hybridlink-version"

// version, commit and modified ("true" when the work tree had changes), when set with
// -ldflags -X github.com/hybridlink/hybridlink/platform/buildinfo.commit=... (as the Makefile
// does, since the toolchain stamps nothing in a git worktree or with -buildvcs=false), win
// over what the toolchain stamped.
var version, commit, modified string

// Info is one binary's build.
type Info struct {
	// Version is the main module's version: a tag such as v1.2.0, or (devel) for a build
	// from a checkout.
	Version string
	// Commit is the revision built from, "" when unknown; Modified says the work tree had
	// changes not committed.
	Commit   string
	Modified bool
	// Time is the commit's time (RFC 3339), "" when unknown.
	Time string
	// Go is the toolchain that built it.
	Go string
}

// Read returns this binary's build.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: or(version, "(unknown)"), Commit: commit, Modified: modified == "true", Go: runtime.Version()}
	}
	return fromBuild(bi, version, commit, modified == "true")
}

// fromBuild is the build bi describes, with the -ldflags values over it when set.
func fromBuild(bi *debug.BuildInfo, ldVersion, ldCommit string, ldModified bool) Info {
	i := Info{Version: bi.Main.Version, Go: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			i.Commit = s.Value
		case "vcs.time":
			i.Time = s.Value
		case "vcs.modified":
			i.Modified = s.Value == "true"
		}
	}
	if ldCommit != "" {
		i.Commit, i.Modified, i.Time = ldCommit, ldModified, ""
	}
	i.Version = or(ldVersion, or(i.Version, "(devel)"))
	return i
}

// String is the build on one line: "(devel) commit 1a2b3c4d5e6f (modified, 2026-12-01T10:00:00Z) go1.26.8".
func (i Info) String() string {
	s := i.Version
	if i.Commit != "" {
		s += " commit " + short(i.Commit)
		switch {
		case i.Modified && i.Time != "":
			s += fmt.Sprintf(" (modified, %s)", i.Time)
		case i.Modified:
			s += " (modified)"
		case i.Time != "":
			s += fmt.Sprintf(" (%s)", i.Time)
		}
	} else {
		s += " commit unknown"
	}
	if i.Go != "" {
		s += " " + i.Go
	}
	return s
}

// short is a commit's first 12 characters, as git shows it.
func short(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
