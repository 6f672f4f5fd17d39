package main

import (
	"os"
	"path/filepath"
	"strconv"
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
		{"a\u0085b\u009dc", `a\u0085b\u009dc`, "C1 controls as runes: NEL and OSC"},
		{"csi\x9b2J raw", `csi\x9b2J raw`, "a raw 0x9B byte in invalid UTF-8: CSI to an 8-bit terminal"},
		{"\x80\x9f\xa0\xff", `\x80\x9f` + "\xa0\xff", "raw 0x80-0x9F escaped, other invalid bytes kept"},
		{"\u00c0 \u041b \u00db", "\u00c0 \u041b \u00db", "letters whose UTF-8 holds 0x80-0x9F bytes stay"},
		{"evil\u202egpj.toml", `evil\u202egpj.toml`, "RLO: the name would show as evil lmot.jpg"},
		{"\u202a\u202b\u202c\u202d \u2066\u2067\u2068\u2069", `\u202a\u202b\u202c\u202d \u2066\u2067\u2068\u2069`, "every bidi embedding, override and isolate"},
		{"\u2029\u2065\u206a", "\u2029\u2065\u206a", "neighbours of the bidi ranges stay"},
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

func TestQuoteField(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"/opt/wso2/apim-4.5.0", "/opt/wso2/apim-4.5.0", "a plain path: as it is"},
		{"/opt/my apim/café", "/opt/my apim/café", "spaces and printable UTF-8: as they are"},
		{"/opt/prod\t9", `"/opt/prod\t9"`, "a tab would forge a field: prod<TAB>9"},
		{"/opt/a\n/opt/b\t9", `"/opt/a\n/opt/b\t9"`, "a newline would forge a line"},
		{"/opt/x\r", `"/opt/x\r"`, "a carriage return"},
		{"/opt/\x1b[2J", `"/opt/\x1b[2J"`, "a C0 escape"},
		{"/opt/\u009b", `"/opt/\u009b"`, "a C1 control as a rune"},
		{"/opt/\x9b", `"/opt/\x9b"`, "a raw 0x9B byte"},
		{"/opt/\u202eevil", `"/opt/\u202eevil"`, "a bidi override"},
		{"/opt/\u2066x\u2069", `"/opt/\u2066x\u2069"`, "bidi isolates"},
		{`"/opt/q"`, `"\"/opt/q\""`, "a leading quote: quoted, so it is not taken for a quoted name"},
		{`/opt/q"x`, `/opt/q"x`, "a quote inside: as it is"},
		{"", `""`, "empty: a visible field"},
	}
	for _, tt := range tests {
		got := quoteField(tt.in)
		if got != tt.want {
			t.Errorf("%s: quoteField(%q) = %s, want %s", tt.reason, tt.in, got, tt.want)
		}
		if strings.ContainsAny(got, "\t\n\r") || string(escapeControls([]byte(got))) != got {
			t.Errorf("%s: quoteField(%q) = %q holds a control character", tt.reason, tt.in, got)
		}
		if got != tt.in {
			if back, err := strconv.Unquote(got); err != nil || back != tt.in {
				t.Errorf("%s: %s does not unquote to %q: %q, %v", tt.reason, got, tt.in, back, err)
			}
		}
	}
}

// TestTerminalBidiAndC1: an error naming a path with a bidi override and
// a raw C1 byte reaches stderr escaped, as the process arguments, folder
// names and keys in it all do.
func TestTerminalBidiAndC1(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "a\u202eb\x9b2Jc.toml")
	if err := os.WriteFile(bad, []byte("[server]\noffset = 1\noffset = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, stderr := runCLI(t, "get", "--file", bad)
	if strings.Contains(stderr, "\u202e") || strings.Contains(stderr, "\x9b") || !strings.Contains(stderr, `a\u202eb\x9b2Jc.toml`) {
		t.Errorf("stderr holds a raw bidi override or C1 byte, or lost the name: %q", stderr)
	}
}
