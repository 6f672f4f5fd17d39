package main

import (
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
)

// TestWhere checks how doctor names a finding's place: a source the
// message starts with is not said twice, and with several homes the home
// comes first.
func TestWhere(t *testing.T) {
	tests := []struct {
		name    string
		f       judge.Finding
		several bool
		want    string
	}{
		{"a port in use: the message names the port", judge.Finding{Home: "a", Source: "port 9445", Message: "port 9445 (HTTPS servlet, 9443 at offset 2) is in use"}, false, ""},
		{"the same with several homes", judge.Finding{Home: "a", Source: "port 9445", Message: "port 9445 (HTTPS) is in use"}, true, "a: "},
		{"an environment variable", judge.Finding{Home: "a", Source: "JAVA_OPTS", Message: "-DportOffset=3 overrides the file"}, true, "a: JAVA_OPTS: "},
		{"a line in a script, one home", judge.Finding{Home: "a", File: "a/bin/api-manager.sh", Line: 2, Message: "m"}, false, "bin/api-manager.sh:2: "},
		{"a line in a script, several homes", judge.Finding{Home: "a", File: "a/bin/api-manager.sh", Line: 2, Message: "m"}, true, "a: bin/api-manager.sh:2: "},
	}
	for _, tt := range tests {
		if got := where(tt.f, tt.several); got != tt.want {
			t.Errorf("%s: where = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSuggest checks which slips get a "did you mean".
func TestSuggest(t *testing.T) {
	names := []string{"home", "file", "product", "dry-run", "check", "yes", "json"}
	tests := []struct{ typed, want string }{
		{"hom", "home"},        // a letter short
		{"prodcut", "product"}, // two letters swapped
		{"dryrun", "dry-run"},
		{"xyz", ""}, // nothing close
		{"prod", "product"},
	}
	for _, tt := range tests {
		if got := suggest(tt.typed, names); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

// TestHelpWidth: every command's help fits 80 columns when stdout is not a
// terminal, and names no option the command refuses.
func TestHelpWidth(t *testing.T) {
	for _, name := range []string{"", "set", "get", "ports", "plan", "doctor", "completion", "man", "help", "version"} {
		args := []string{"help"}
		if name != "" {
			args = append(args, name)
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("help %s: exit %d: %s", name, code, stderr)
		}
		for i, line := range strings.Split(stdout, "\n") {
			if n := len([]rune(line)); n > 80 {
				t.Errorf("help %s: line %d is %d columns: %q", name, i+1, n, line)
			}
		}
	}
}
