package unidiff_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/patchtest"
	"github.com/apim-offset/apim-offset/unidiff"
	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"equal", "x\n", "x\n", ""},
		{"one line changed in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"two changes far apart make two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n",
			"--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+ten\n"},
		{"changes six lines apart share a hunk", "1\n2\n3\n4\n5\n6\n7\n8\n", "one\n2\n3\n4\n5\n6\n7\neight\n",
			"--- a/f\n+++ b/f\n@@ -1,8 +1,8 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n"},
		{"from empty", "", "a\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{"no final newline on both sides", "a\nb", "a\nc", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
		{"final newline added", "a", "a\n", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"},
		{"CRLF kept in lines", "a\r\nb\r\n", "a\r\nc\r\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(unidiff.Diff("f", []byte(tt.a), []byte(tt.b)))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Diff (-want +got):\n%s", d)
			}
		})
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
