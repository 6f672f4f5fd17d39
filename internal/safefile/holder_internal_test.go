package safefile

import (
	"strings"
	"testing"
)

// TestCommandLine: a holder's command line is shown on one line, its
// arguments with spaces, quotes or control bytes quoted, so that it can
// neither forge a line of the message nor drive the terminal, and cut.
func TestCommandLine(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	for _, tt := range []struct{ name, raw, want string }{
		{"plain", "apim-offset\x00set\x00--offset\x002\x00", "apim-offset set --offset 2"},
		{"space", "vim\x00deploy ment.toml\x00", `vim "deploy ment.toml"`},
		{"newline and escape", "sh\x00-c\x00x\n\x1b[2J\x00", `sh -c "x\n\x1b[2J"`},
		{"bidi override", "a\u202eb\x00", `"a\u202eb"`},
		{"raw C1 byte (CSI)", "a\x9b2Jb\x00", `"a\x9b2Jb"`},
		{"printable letters", "café\x00", "café"},
		{"empty argument", "prog\x00\x00x\x00", `prog "" x`},
		{"long", string(long), string(long[:maxCommand-3]) + "..."},
		{"long, cut between letters", "x" + strings.Repeat("é", 200), "x" + strings.Repeat("é", (maxCommand-4)/2) + "..."},
	} {
		if got := commandLine([]byte(tt.raw)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := (Holder{}).String(); got != "another process" {
		t.Errorf("unknown holder: %q", got)
	}
	if got := (Holder{PID: 7, UID: 802}).String(); got != "process 7 (uid 802)" {
		t.Errorf("holder without a name: %q", got)
	}
}
