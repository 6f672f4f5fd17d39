package unidiff_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/internal/testing/patchtest"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/google/go-cmp/cmp"
)

// TestDiff compares diffs of small cases with testdata/<case>.diff
// (refreshed with -update) and checks that patch and git apply accept them.
func TestDiff(t *testing.T) {
	tests := []struct {
		name, a, b string
	}{
		{"one-line-changed", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n"},
		{"two-hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n"},
		{"shared-context", "1\n2\n3\n4\n5\n6\n7\n8\n", "one\n2\n3\n4\n5\n6\n7\neight\n"},
		{"from-empty", "", "a\n"},
		{"to-empty", "a\nb\n", ""},
		{"no-final-newline", "a\nb", "a\nc"},
		{"final-newline-added", "a", "a\n"},
		{"crlf", "a\r\nb\r\n", "a\r\nc\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unidiff.Diff("f", []byte(tt.a), []byte(tt.b))
			golden.Check(t, filepath.Join("testdata", tt.name+".diff"), got)
			for _, tool := range patchtest.Tools {
				if applied := patchtest.Apply(t, tool, "f", []byte(tt.a), got); string(applied) != tt.b {
					t.Errorf("%s gave %q, want %q", tool, applied, tt.b)
				}
			}
		})
	}
	if d := unidiff.Diff("f", []byte("x\n"), []byte("x\n")); d != nil {
		t.Errorf("Diff of equal texts = %q, want nil", d)
	}
}

// TestDiffApplies edits random texts at random places and checks that patch
// and git apply turn the old text into the new one from the diff alone.
func TestDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"[server]", "offset = 1", "# comment", "", "hostname = \"x\"", "a = 1", "a = 1"}
	randomText := func(lines int, crlf bool) []string {
		var out []string
		for range lines {
			l := words[rng.IntN(len(words))]
			if crlf {
				l += "\r"
			}
			out = append(out, l)
		}
		return out
	}
	join := func(lines []string, finalNewline bool) []byte {
		s := strings.Join(lines, "\n")
		if finalNewline && len(lines) > 0 {
			s += "\n"
		}
		return []byte(s)
	}
	for i := range 40 {
		crlf := i%4 == 0
		a := randomText(rng.IntN(30), crlf)
		b := append([]string(nil), a...)
		for range 1 + rng.IntN(4) {
			switch at := rng.IntN(len(b) + 1); rng.IntN(3) {
			case 0:
				b = append(b[:at], append(randomText(1+rng.IntN(2), crlf), b[at:]...)...)
			case 1:
				if at < len(b) {
					b = append(b[:at], b[at+1:]...)
				}
			case 2:
				if at < len(b) {
					b[at] = fmt.Sprintf("changed %d", at)
				}
			}
		}
		old, updated := join(a, rng.IntN(2) == 0), join(b, rng.IntN(2) == 0)
		diff := unidiff.Diff("conf/deployment.toml", old, updated)
		if bytes.Equal(old, updated) {
			if diff != nil {
				t.Errorf("case %d: a diff for equal texts", i)
			}
			continue
		}
		for _, tool := range patchtest.Tools {
			got := patchtest.Apply(t, tool, "conf/deployment.toml", old, diff)
			if !bytes.Equal(got, updated) {
				t.Errorf("case %d: %s gave (-want +got):\n%s\ndiff:\n%s", i, tool, cmp.Diff(string(updated), string(got)), diff)
			}
		}
	}
}

// TestMasked: shown lines replace the real ones on their own side, in
// context and in changed lines, and the hunks stay those of Diff.
func TestMasked(t *testing.T) {
	a := "[db]\npassword = \"p1\"\nuser = \"u\"\nport = 1\n"
	b := "[db]\npassword = \"p1\"\nuser = \"u\"\nport = 2\ntoken = \"t\"\n"
	got := string(unidiff.Masked("f", []byte(a), []byte(b),
		lookup(map[int]string{2: "password = (masked)\n"}),
		lookup(map[int]string{2: "password = (new side)\n", 5: "token = (masked)\n"})))
	want := "--- a/f\n+++ b/f\n@@ -1,4 +1,5 @@\n [db]\n password = (masked)\n user = \"u\"\n-port = 1\n+port = 2\n+token = (masked)\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Masked (-want +got):\n%s", diff)
	}
	if strings.Contains(got, "p1") {
		t.Errorf("a masked context line shows its secret:\n%s", got)
	}
}

func lookup(m map[int]string) unidiff.Shown {
	return func(n int) (string, bool) {
		s, ok := m[n]
		return s, ok
	}
}

// TestMaskedAsks: Masked asks for the lines it prints, each once and in
// order on each side, and for no other: the lines between two hunks and
// those outside them are not read.
func TestMaskedAsks(t *testing.T) {
	var a, b strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&a, "k%d = %d\n", i, i)
		switch i {
		case 5:
			fmt.Fprintf(&b, "k%d = changed\n", i)
		case 20:
			fmt.Fprintf(&b, "k%d = %d\nnew = 1\n", i, i)
		default:
			fmt.Fprintf(&b, "k%d = %d\n", i, i)
		}
	}
	var oldAsked, newAsked []int
	record := func(asked *[]int) unidiff.Shown {
		return func(n int) (string, bool) {
			*asked = append(*asked, n)
			return "", false
		}
	}
	got := unidiff.Masked("f", []byte(a.String()), []byte(b.String()), record(&oldAsked), record(&newAsked))
	if want := unidiff.Diff("f", []byte(a.String()), []byte(b.String())); !bytes.Equal(got, want) {
		t.Errorf("Masked showing no line masked differs from Diff (-want +got):\n%s", cmp.Diff(string(want), string(got)))
	}
	// Hunks: old lines 2-8 (5 deleted, the rest context), new line 5
	// inserted; old 18-23 as context, new line 21 inserted.
	wantOld := []int{2, 3, 4, 5, 6, 7, 8, 18, 19, 20, 21, 22, 23}
	wantNew := []int{5, 21}
	if d := cmp.Diff(wantOld, oldAsked); d != "" {
		t.Errorf("old lines asked for (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantNew, newAsked); d != "" {
		t.Errorf("new lines asked for (-want +got):\n%s", d)
	}
}

// TestHeaderNames: names are written as git writes them, so that patch and
// git apply find the file (both are run on them in cmd/apim-offset's
// names.txtar).
func TestHeaderNames(t *testing.T) {
	tests := []struct{ name, reason, want string }{
		{"repository/conf/deployment.toml", "a plain name", "--- a/repository/conf/deployment.toml\n"},
		{"my apim/repository/conf/deployment.toml", "a space: a tab ends the name", "--- a/my apim/repository/conf/deployment.toml\t\n"},
		{"x\ty/deployment.toml", "a tab: quoted, C escape", "--- \"a/x\\ty/deployment.toml\"\n"},
		{`q"uote/deployment.toml`, "a quote: quoted and escaped", "--- \"a/q\\\"uote/deployment.toml\"\n"},
		{"café/deployment.toml", "UTF-8: octal escapes, as git's core.quotePath does", "--- \"a/caf\\303\\251/deployment.toml\"\n"},
		{"a b\x01/deployment.toml", "quoted, and a tab after for the space", "--- \"a/a b\\001/deployment.toml\"\t\n"},
	}
	for _, tt := range tests {
		d := string(unidiff.Diff(tt.name, []byte("a\n"), []byte("b\n")))
		first := d[:strings.IndexByte(d, '\n')+1]
		if first != tt.want {
			t.Errorf("%s (%s): header %q, want %q", tt.name, tt.reason, first, tt.want)
		}
	}
}
