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

// maskWord shows every line holding "password" as "(masked)", keeping its
// line ending: a stand-in for redact.
func maskWord(text string) unidiff.Shown {
	lines := strings.SplitAfter(text, "\n")
	return func(n int) (string, bool) {
		if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], "password") {
			return "", false
		}
		body := strings.TrimRight(lines[n-1], "\r\n")
		return "(masked)" + lines[n-1][len(body):], true
	}
}

// TestMakeSaysMasked: Make says whether a line the diff prints is masked:
// one in context or changed is, one outside the hunks is not.
func TestMakeSaysMasked(t *testing.T) {
	tests := []struct {
		name, why, a, b string
		masked          bool
	}{
		{"context", "a secret two lines above the offset", "[server]\npassword = \"p\"\nx = 1\noffset = 0\n", "[server]\npassword = \"p\"\nx = 1\noffset = 2\n", true},
		{"changed", "the secret itself changes", "a = 1\npassword = \"p\"\n", "a = 1\npassword = \"q\"\n", true},
		{"outside", "the secret is four lines from the change", "password = \"p\"\n1\n2\n3\n4\noffset = 0\n", "password = \"p\"\n1\n2\n3\n4\noffset = 2\n", false},
		{"none", "nothing to mask", "a\n", "b\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := unidiff.Make("f", []byte(tt.a), []byte(tt.b), unidiff.Options{OldShown: maskWord(tt.a), NewShown: maskWord(tt.b)})
			if res.Masked != tt.masked {
				t.Errorf("%s: Masked = %v, want %v:\n%s", tt.why, res.Masked, tt.masked, res.Diff)
			}
			if want := unidiff.Masked("f", []byte(tt.a), []byte(tt.b), maskWord(tt.a), maskWord(tt.b)); !bytes.Equal(res.Diff, want) {
				t.Errorf("%s: Make and Masked differ (-Masked +Make):\n%s", tt.why, cmp.Diff(string(want), string(res.Diff)))
			}
		})
	}
	if res := unidiff.Make("f", []byte("a\n"), []byte("a\n"), unidiff.Options{}); res.Diff != nil || res.Masked {
		t.Errorf("Make of equal texts = %+v", res)
	}
}

// TestAvoidMasked: with AvoidMasked, a hunk whose context would show a
// masked line gets less context (the same before and after its changes),
// or is split, and the diff applies with patch and git apply.
func TestAvoidMasked(t *testing.T) {
	tests := []struct {
		name, why, a, b, want string
	}{
		{"above", "APIM 4.5 [super_admin]: the password three lines above a change", "[super_admin]\nusername = \"admin\"\npassword = \"admin\"\ncreate_admin_account = true\n[server]\noffset = 0\nhostname = \"localhost\"\nnode_ip = \"127.0.0.1\"\nmode = \"single\"\n",
			"[super_admin]\nusername = \"admin\"\npassword = \"admin\"\ncreate_admin_account = true\n[server]\noffset = 2\nhostname = \"localhost\"\nnode_ip = \"127.0.0.1\"\nmode = \"single\"\n",
			"--- a/f\n+++ b/f\n@@ -4,5 +4,5 @@\n create_admin_account = true\n [server]\n-offset = 0\n+offset = 2\n hostname = \"localhost\"\n node_ip = \"127.0.0.1\"\n"},
		{"between", "a password between two changes six lines apart: two hunks of two lines of context", "a = 1\nb\nc\npassword = \"p\"\nd\ne\nf = 1\n", "a = 2\nb\nc\npassword = \"p\"\nd\ne\nf = 2\n",
			"--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-a = 1\n+a = 2\n b\n c\n@@ -5,3 +5,3 @@\n d\n e\n-f = 1\n+f = 2\n"},
		{"below at end", "a password three lines below the change", "x\ny\nz\noffset = 0\nq\nr\npassword = \"p\"\n", "x\ny\nz\noffset = 2\nq\nr\npassword = \"p\"\n",
			"--- a/f\n+++ b/f\n@@ -2,5 +2,5 @@\n y\n z\n-offset = 0\n+offset = 2\n q\n r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := []byte(tt.a), []byte(tt.b)
			if !unidiff.Make("f", a, b, unidiff.Options{OldShown: maskWord(tt.a), NewShown: maskWord(tt.b)}).Masked {
				t.Fatalf("%s: the case masks nothing without AvoidMasked", tt.why)
			}
			res := unidiff.Make("f", a, b, unidiff.Options{OldShown: maskWord(tt.a), NewShown: maskWord(tt.b), AvoidMasked: true})
			if res.Masked {
				t.Errorf("%s: still masked:\n%s", tt.why, res.Diff)
			}
			if d := cmp.Diff(tt.want, string(res.Diff)); d != "" {
				t.Errorf("%s (-want +got):\n%s", tt.why, d)
			}
			for _, tool := range patchtest.Tools {
				if got := patchtest.Apply(t, tool, "f", a, res.Diff); string(got) != tt.b {
					t.Errorf("%s: %s gave %q, want %q", tt.why, tool, got, tt.b)
				}
			}
		})
	}
}

// TestAvoidMaskedApplies edits random texts holding secrets at random
// places: with AvoidMasked, a masked line is in a diff only where it is
// changed or next to a change, and a diff that says it masks nothing
// applies with patch and git apply.
func TestAvoidMaskedApplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"[server]", "offset = 1", "# c", "", "password = \"p\"", "a = 1", "a = 1", "b = 2"}
	text := func(n int) []string {
		var out []string
		for range n {
			out = append(out, words[rng.IntN(len(words))])
		}
		return out
	}
	applied, masked := 0, 0
	for i := range 150 {
		a := text(5 + rng.IntN(25))
		b := append([]string(nil), a...)
		for range 1 + rng.IntN(3) {
			at := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b = append(b[:at], append([]string{fmt.Sprintf("new %d", at)}, b[at:]...)...)
			case 1:
				if !strings.Contains(b[at], "password") {
					b = append(b[:at], b[at+1:]...)
				}
			case 2:
				if !strings.Contains(b[at], "password") {
					b[at] = fmt.Sprintf("changed %d", at)
				}
			}
		}
		old, updated := strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n"
		if old == updated {
			continue
		}
		res := unidiff.Make("conf/deployment.toml", []byte(old), []byte(updated), unidiff.Options{OldShown: maskWord(old), NewShown: maskWord(updated), AvoidMasked: true})
		lines := strings.Split(string(res.Diff), "\n")
		for j, l := range lines {
			if l != " (masked)" {
				continue
			}
			change := func(k int) bool {
				return k >= 0 && k < len(lines) && (strings.HasPrefix(lines[k], "-") || strings.HasPrefix(lines[k], "+")) && !strings.HasPrefix(lines[k], "---") && !strings.HasPrefix(lines[k], "+++")
			}
			if !change(j-1) && !change(j+1) {
				t.Errorf("case %d: a masked context line that is next to no change:\n%s", i, res.Diff)
			}
		}
		if res.Masked {
			masked++
			continue
		}
		applied++
		for _, tool := range patchtest.Tools {
			if got := patchtest.Apply(t, tool, "conf/deployment.toml", []byte(old), res.Diff); string(got) != updated {
				t.Errorf("case %d: %s gave (-want +got):\n%s\ndiff:\n%s", i, tool, cmp.Diff(updated, string(got)), res.Diff)
			}
		}
	}
	if applied < 50 || masked < 10 {
		t.Errorf("%d diffs applied, %d masked: the cases test too little", applied, masked)
	}
	t.Logf("%d diffs without a masked line applied, %d still masked", applied, masked)
}
