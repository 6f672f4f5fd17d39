package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscapeControls(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"plain text\n", "plain text\n", "nothing to escape: the same bytes"},
		{"a\tb\r\nc\n", "a\tb\r\nc\n", "tab, newline and CRLF stay"},
		{"x\x1b]0;pwned\x07\x1b[2J", `x\x1b]0;pwned\x07\x1b[2J`, "an OSC title and a clear screen, from a key"},
		{"over\rwrite", `over\x0dwrite`, "a lone carriage return rewrites the line: escaped"},
		{"del\x7f c1\u009b", `del\x7f c1\u009b`, "DEL and a C1 CSI"},
		{"café ☕", "café ☕", "printable UTF-8 stays"},
	}
	for _, tt := range tests {
		if got := string(escapeControls([]byte(tt.in))); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.reason, got, tt.want)
		}
	}
}

// TestNoRawControls: what doctor prints of a key holding terminal escapes
// (a valid TOML key), and an error naming a path that holds one, reach
// stdout and stderr escaped.
func TestNoRawControls(t *testing.T) {
	home := t.TempDir()
	for _, d := range []string{"bin", "repository/conf"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(home, "bin", "api-manager.sh"), nil, 0o755)
	conf := "[server]\noffset = 24000\n\n[apim]\n\"x\\u001b]0;pwned\\u0007\\u001b[2J\" = \"ws://localhost:9099\"\n"
	if err := os.WriteFile(filepath.Join(home, "repository", "conf", "deployment.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stdout, stderr := runCLI(t, "doctor", "--home", home)
	if strings.ContainsAny(stdout+stderr, "\x1b\x07") || !strings.Contains(stdout, `x\x1b]0;pwned\x07\x1b[2J`) {
		t.Errorf("doctor printed a control character raw or lost the key:\n%q\n%q", stdout, stderr)
	}
	bad := filepath.Join(t.TempDir(), "a\x1b[2Jb.toml")
	if err := os.WriteFile(bad, []byte("[server]\noffset = 1\noffset = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, stderr = runCLI(t, "get", "--file", bad)
	if strings.Contains(stderr, "\x1b") || !strings.Contains(stderr, `a\x1b[2Jb.toml`) {
		t.Errorf("stderr holds a raw escape: %q", stderr)
	}
}
