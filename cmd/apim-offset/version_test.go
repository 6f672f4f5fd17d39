package main

import (
	"runtime/debug"
	"testing"
)

// TestShortVersion checks the man page footer's version: the release when
// the build set one, else a short form of what the build info says, never
// longer than manVersionMax (80 columns, see TestManPageWidth).
func TestShortVersion(t *testing.T) {
	stamped := func(version string, settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	const rev = "11ed62034069993aca732810983ec47c124e1020"
	tests := []struct {
		name, why, release string
		info               *debug.BuildInfo
		want               string
	}{
		{"release", "packaging/build.sh: -X main.version=1.2.3", "1.2.3", stamped("(devel)", "vcs.revision", rev), "1.2.3"},
		{"long release", "a version string longer than the footer has room for is cut", "1.2.3-rc.1+build.20261202.abcdef", nil, "1.2.3-rc.1+build.202"},
		{"tag", "go install ...@v1.2.3: the module version", "", stamped("v1.2.3"), "v1.2.3"},
		{"pseudo-version", "go build in a clone: v0.0.0-date-rev and vcs.revision", "", stamped("v0.0.0-20261126162716-11ed62034069", "vcs.revision", rev, "vcs.modified", "false"), "11ed620"},
		{"modified", "a build from changed files", "", stamped("v0.0.0-20261126162716-11ed62034069+dirty", "vcs.revision", rev, "vcs.modified", "true"), "11ed620-modified"},
		{"devel with revision", "go build -buildvcs=true outside a module cache", "", stamped("(devel)", "vcs.revision", rev), "11ed620"},
		{"devel", "go build -buildvcs=false: nothing to tell", "", stamped("(devel)"), "(devel)"},
		{"no build info", "a binary built without module support", "", nil, "(devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shortVersion(tt.release, tt.info)
			if got != tt.want {
				t.Errorf("%s: shortVersion(%q) = %q, want %q", tt.why, tt.release, got, tt.want)
			}
			if len(got) > manVersionMax {
				t.Errorf("%q is longer than %d", got, manVersionMax)
			}
		})
	}
}
