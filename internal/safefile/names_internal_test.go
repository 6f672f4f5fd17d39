package safefile

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestNamesFit: for every name length up to NAME_MAX, the longest
// temporary and backup names made for it fit NAME_MAX, are valid UTF-8
// when the name is, and two long names that differ only at the end get
// different prefixes, so that one's Open does not remove the other's
// temporary file.
func TestNamesFit(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) }
	for n := 1; n <= nameMax; n++ {
		for _, name := range []string{strings.Repeat("a", n), strings.Repeat("é", n/2)} {
			if name == "" {
				continue
			}
			temp := tempPrefix(name) + backupInfix + "4294967295"
			bak := backupName(name, now, 99999)
			for _, got := range []string{temp, bak} {
				if len(got) > nameMax || !utf8.ValidString(got) {
					t.Fatalf("name of %d bytes: %q is %d bytes", len(name), got, len(got))
				}
			}
			if len(name) < 200 && (tempPrefix(name) != "."+name+tempInfix || backupName(name, now, 0) != name+".bak") {
				t.Fatalf("a short name is cut: %q", tempPrefix(name))
			}
		}
	}
	a, b := strings.Repeat("a", 254)+"1", strings.Repeat("a", 254)+"2"
	if tempPrefix(a) == tempPrefix(b) || strings.HasPrefix(tempPrefix(a), tempPrefix(b)) {
		t.Errorf("two long names share the prefix %q", tempPrefix(a))
	}
}
