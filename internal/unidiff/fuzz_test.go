package unidiff_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/unidiff"
)

// FuzzAvoidMasked: for any two texts and any lines masked, a diff made
// with AvoidMasked that says it masks nothing shows no masked line, and
// applies as patch --fuzz=0 and git apply read it: each hunk at the line
// its header says, with as many kept lines before its changes as after
// them and at least one on each side, unless it starts at the first line
// or ends at the last; hunks in order and apart. It also applies when
// made without AvoidMasked and nothing is masked.
func FuzzAvoidMasked(f *testing.F) {
	f.Add("a\nb\npassword\nc\nd\ne\n", "a\nb\npassword\nc\nD\ne\n", uint64(0))
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nx\n3\n4\n5\n6\n7\ny\n9\n", uint64(0b100100))
	f.Add("p\nq\nr", "p\nQ\nr", uint64(1))
	f.Fuzz(func(t *testing.T, a, b string, maskBits uint64) {
		if len(a) > 4096 || len(b) > 4096 {
			return
		}
		// Line n of a is masked when bit n%64 is set, and each line holding
		// "password".
		masked := func(text string, bits uint64) unidiff.Shown {
			lines := strings.SplitAfter(text, "\n")
			return func(n int) (string, bool) {
				if n < 1 || n > len(lines) || bits>>(n%64)&1 == 0 && !strings.Contains(lines[n-1], "password") {
					return "", false
				}
				return "(masked " + strconv.Itoa(n) + ")\n", true
			}
		}
		for _, avoid := range []bool{true, false} {
			res := unidiff.Make("f", []byte(a), []byte(b), unidiff.Options{OldShown: masked(a, maskBits), NewShown: masked(b, maskBits>>7), AvoidMasked: avoid})
			if a == b {
				if res.Diff != nil || res.Masked {
					t.Fatalf("equal texts: %+v", res)
				}
				return
			}
			if bytes.Contains(res.Diff, []byte("\n (masked ")) || bytes.Contains(res.Diff, []byte("\n-(masked ")) || bytes.Contains(res.Diff, []byte("\n+(masked ")) {
				if !res.Masked {
					t.Fatalf("a masked line in a diff that says it masks none:\n%s", res.Diff)
				}
				continue
			}
			if res.Masked {
				t.Fatalf("Masked, and no masked line in:\n%s", res.Diff)
			}
			got, err := applyStrict(a, string(res.Diff))
			if err != nil {
				t.Fatalf("avoid %v: %v\ndiff:\n%s", avoid, err, res.Diff)
			}
			if got != b {
				t.Fatalf("avoid %v: applied gives %q, want %q\ndiff:\n%s", avoid, got, b, res.Diff)
			}
		}
	})
}

// applyStrict applies a diff of one file to a as patch --fuzz=0 and git
// apply accept it when it was made from a: see FuzzAvoidMasked.
func applyStrict(a, diff string) (string, error) {
	old := strings.SplitAfter(a, "\n")
	if old[len(old)-1] == "" {
		old = old[:len(old)-1]
	}
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		return "", fmt.Errorf("no headers")
	}
	var out []string
	at := 0 // lines of old used
	for i := 2; i < len(lines) && lines[i] != ""; {
		h := lines[i]
		fields := strings.Fields(strings.Trim(h, "@ \n"))
		if len(fields) != 2 {
			return "", fmt.Errorf("hunk header %q", h)
		}
		os, oc := hunkRange(fields[0])
		i++
		var body []string
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			body = append(body, lines[i])
			i++
		}
		// The hunk's lines, a "\ No newline" marker taking the line ending
		// off the line before it.
		var kinds []byte
		var texts []string
		for _, l := range body {
			if strings.HasPrefix(l, `\ No newline`) {
				texts[len(texts)-1] = strings.TrimSuffix(texts[len(texts)-1], "\n")
				continue
			}
			kinds = append(kinds, l[0])
			texts = append(texts, l[1:])
		}
		first := os - 1 // where the hunk starts in old, from 0
		if oc == 0 {
			first = os
		}
		if first < at {
			return "", fmt.Errorf("hunk %q overlaps the one before", h)
		}
		lead, trail := 0, 0
		for lead < len(kinds) && kinds[lead] == ' ' {
			lead++
		}
		for trail < len(kinds) && kinds[len(kinds)-1-trail] == ' ' {
			trail++
		}
		atStart, atEnd := first == 0, first+oc == len(old)
		if lead < trail && !atStart || trail < lead && !atEnd {
			return "", fmt.Errorf("hunk %q: %d lines before, %d after, not at the start or end", h, lead, trail)
		}
		if lead == 0 && !atStart || trail == 0 && !atEnd {
			return "", fmt.Errorf("hunk %q: no kept line on a side, not at the start or end", h)
		}
		out = append(out, old[at:first]...)
		k := first
		for j, kind := range kinds {
			switch kind {
			case ' ', '-':
				if k >= len(old) || old[k] != texts[j] {
					return "", fmt.Errorf("hunk %q: line %d is %q, the diff says %q", h, k+1, line(old, k), texts[j])
				}
				if kind == ' ' {
					out = append(out, texts[j])
				}
				k++
			case '+':
				out = append(out, texts[j])
			}
		}
		at = k
	}
	out = append(out, old[at:]...)
	return strings.Join(out, ""), nil
}

// hunkRange reads "-l,n" or "-l" (n is 1) of a hunk header.
func hunkRange(s string) (start, count int) {
	p := strings.SplitN(s[1:], ",", 2)
	start, _ = strconv.Atoi(p[0])
	count = 1
	if len(p) == 2 {
		count, _ = strconv.Atoi(p[1])
	}
	return start, count
}

func line(lines []string, k int) string {
	if k < len(lines) {
		return lines[k]
	}
	return "(end of file)"
}

// TestApplyStrict: the checker of FuzzAvoidMasked takes Diff's diffs and
// refuses a hunk with fewer kept lines before than after it in the middle
// of a file, one with none after, and one at the wrong line.
func TestApplyStrict(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n"
	b := "1\n2\n3\n4\nfive\n6\n7\n8\n9\n"
	if got, err := applyStrict(a, string(unidiff.Diff("f", []byte(a), []byte(b)))); err != nil || got != b {
		t.Errorf("Diff's diff: %q, %v", got, err)
	}
	for _, bad := range []string{
		"--- a/f\n+++ b/f\n@@ -4,4 +4,4 @@\n 4\n-5\n+five\n 6\n 7\n",
		"--- a/f\n+++ b/f\n@@ -4,2 +4,2 @@\n 4\n-5\n+five\n",
		"--- a/f\n+++ b/f\n@@ -3,3 +3,3 @@\n 4\n-5\n+five\n 6\n",
	} {
		if _, err := applyStrict(a, bad); err == nil {
			t.Errorf("applyStrict took:\n%s", bad)
		}
	}
}
