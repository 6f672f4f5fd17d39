package golden

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestArchiveRoundTrip checks that the bytes txtar cannot hold as they are
// come back exactly: no final newline, CRLF, a BOM, an empty file.
func TestArchiveRoundTrip(t *testing.T) {
	files := []struct{ name, data string }{
		{"no-final-newline", "[server]\n#offset=0"},
		{"crlf", "[server]\r\noffset = 1\r\n"},
		{"crlf-no-final-newline", "[server]\r\noffset = 1"},
		{"bom", "\ufeff[server]\n"},
		{"lone-cr-at-end", "a = 1\r"},
		{"empty", ""},
		{"blank-line-at-end", "a = 1\n\n"},
		{"diff-no-newline-marker", "-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
	}
	a := &Archive{Comment: []byte("reason: round trip\n")}
	for _, f := range files {
		a.Sections = append(a.Sections, Section{f.name, []byte(f.data)})
	}
	// The same files again, so that each is also the last section once.
	for _, f := range files {
		a.Sections = append(a.Sections, Section{f.name + "-2", []byte(f.data)})
	}
	raw, err := a.Format()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseArchive(raw)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.Sections, b.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if b.Fields["reason"] != "round trip" {
		t.Errorf("Fields = %v", b.Fields)
	}
	if !bytes.Contains(raw, []byte("-- no-final-newline (no final newline) --\n[server]\n#offset=0\n-- crlf --\n")) {
		t.Errorf("no final newline not written as documented:\n%s", raw)
	}
}

func TestArchiveRefuses(t *testing.T) {
	a := &Archive{Sections: []Section{{"diff.patch", []byte("a\n-- b --\n")}}}
	if _, err := a.Format(); err == nil {
		t.Error("Format kept a line that reads as a section marker")
	}
	for _, raw := range []string{
		"reason\n",                 // not key: value
		" reason: x\n",             // key with a blank
		"a: 1\na: 2\n",             // key twice
		"-- f --\nx\n-- f --\ny\n", // section twice
		"-- f --\nx\n-- f (no final newline) --\ny\n", // the same, once without newline
		"-- f (no final newline) --\n-- g --\n",       // empty, yet "no final newline"
		"-- f (no final newline) --\nx\n\n",           // ends in a newline after all
	} {
		if _, err := ParseArchive([]byte(raw)); err == nil {
			t.Errorf("ParseArchive(%q) gave no error", raw)
		}
	}
}

// TestCheckUpdate checks what -update writes: the new sections in place,
// the comment and the other sections as they were, and nothing when the
// sections already hold what the test gives.
func TestCheckUpdate(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/case.txtar"
	raw := "reason: x\n\n-- input.toml (no final newline) --\na = 1\n-- output.toml --\nold\n"
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(u bool) { *Update = u }(*Update)
	*Update = true

	a, err := ReadArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	a.Check(t, Section{"output.toml", []byte("new")}, Section{"diff.patch", []byte("d\n")})
	want := "reason: x\n\n-- input.toml (no final newline) --\na = 1\n-- output.toml (no final newline) --\nnew\n-- diff.patch --\nd\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("after -update (-want +got):\n%s", cmp.Diff(want, string(got)))
	}

	*Update = false
	a, err = ReadArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	var ft fakeT
	a.Check(&ft, Section{"output.toml", []byte("new")}, Section{"diff.patch", []byte("d\n")})
	if ft.failed {
		t.Errorf("Check after -update failed: %s", ft.msg)
	}
	a.Check(&ft, Section{"output.toml", []byte("newer")})
	if !ft.failed || !strings.Contains(ft.msg, "output.toml differs (-want +got)") || !strings.Contains(ft.msg, `"newer"`) {
		t.Errorf("Check of other bytes: %q, want a (-want +got) diff", ft.msg)
	}

	// A file that -update would write otherwise (here: no final newline
	// after the last section) fails, so -update on a passing tree is a
	// no-op.
	ft = fakeT{}
	if err := os.WriteFile(path, []byte(want[:len(want)-1]), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err = ReadArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	a.Check(&ft, Section{"output.toml", []byte("new")}, Section{"diff.patch", []byte("d\n")})
	if !ft.failed || !strings.Contains(ft.msg, "not written as -update writes it") {
		t.Errorf("Check of a file -update would rewrite: %q", ft.msg)
	}
}

// fakeT records the failures of a Check.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msg += fmt.Sprintf(format, args...)
}
