package patcher

import (
	"strings"
	"testing"
)

// TestVerify: the check of a result refuses every change but the offset's,
// in any part of the file, and a result that is not valid TOML.
func TestVerify(t *testing.T) {
	before := "[a]\nx = 1\n\n[server]\nhostname = \"h\"\n#offset=0\n\n[b]\ny = \"s\"\n"
	tests := []struct {
		name, out, want string // want: "" to accept, or part of the error
	}{
		{"only the offset", strings.Replace(before, "#offset=0", "offset=2", 1), ""},
		{"offset wrong", strings.Replace(before, "#offset=0", "offset=3", 1), "server.offset = 3, want 2"},
		{"offset missing", before, "no number in server.offset"},
		{"another value under server", strings.Replace(strings.Replace(before, "#offset=0", "offset=2", 1), `"h"`, `"x"`, 1), "other than server.offset"},
		{"a value in another table", strings.Replace(strings.Replace(before, "#offset=0", "offset=2", 1), "x = 1", "x = 2", 1), "other than server.offset"},
		{"a table added", strings.Replace(before, "#offset=0", "offset=2", 1) + "[c]\n", "other than server.offset"},
		{"a table lost", strings.Replace(strings.Replace(before, "#offset=0", "offset=2", 1), "[b]\ny = \"s\"\n", "", 1), "other than server.offset"},
		{"a duplicate key", strings.Replace(strings.Replace(before, "#offset=0", "offset=2", 1), "x = 1", "x = 1\nx = 1", 1), "does not parse"},
		{"not TOML", strings.Replace(before, "#offset=0", "offset=2 =", 1), "does not parse"},
	}
	in, err := Parse([]byte(before), Plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		_, err := in.check([]byte(tt.out), []byte(tt.out), 2, false, nil, in.dialect())
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}
