// Package unidiff writes the unified diff of two versions of a text file, in
// the form that patch(1) and git apply read: "--- a/name", "+++ b/name",
// "@@ -l,n +l,n @@" hunks with three lines of context, and "\ No newline at
// end of file" after a last line that has no line ending.
//
// Lines are compared whole, line endings included, so a CRLF line stays a
// CRLF line in the diff. The line matching is go-diff's line mode; the hunks
// are built here.
package unidiff

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

type op struct {
	kind byte // ' ', '-' or '+'
	text string
}

// Diff returns the unified diff that turns a into b, with the file named
// name in both headers ("a/"+name and "b/"+name). It returns nil when a and b
// are equal.
func Diff(name string, a, b []byte) []byte {
	return Masked(name, a, b, nil, nil)
}

// Masked is Diff showing, in place of a's line n (counted from 1), oldShown[n]
// when there is one, and newShown[n] for b's; context lines are a's. The
// lines are still matched on their real text, so the hunks are Diff's; a
// diff with masked lines describes the change but no longer applies.
func Masked(name string, a, b []byte, oldShown, newShown map[int]string) []byte {
	if bytes.Equal(a, b) {
		return nil
	}
	ops := lineOps(string(a), string(b))
	oldLine, newLine := 1, 1
	for i, o := range ops {
		switch o.kind {
		case '+':
			if s, ok := newShown[newLine]; ok {
				ops[i].text = s
			}
			newLine++
			continue
		case ' ':
			newLine++
		}
		if s, ok := oldShown[oldLine]; ok {
			ops[i].text = s
		}
		oldLine++
	}
	var out bytes.Buffer
	out.WriteString("--- a/" + name + "\n+++ b/" + name + "\n")
	for _, h := range hunks(ops) {
		writeHunk(&out, ops, h[0], h[1])
	}
	return out.Bytes()
}

// lineOps lists a's and b's lines as kept, deleted or inserted.
func lineOps(a, b string) []op {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // a minimal diff, the same every time
	ra, rb, lines := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines)
	var ops []op
	for _, d := range diffs {
		kind := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			kind = '-'
		case diffmatchpatch.DiffInsert:
			kind = '+'
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				ops = append(ops, op{kind, l})
			}
		}
	}
	return ops
}

// hunks groups the changes in ops into [start, end) ranges with Context
// lines around them, merging changes that are close enough to share context.
func hunks(ops []op) [][2]int {
	var hs [][2]int
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-Context, 0)
		j := i
		for {
			for j < len(ops) && ops[j].kind != ' ' {
				j++
			}
			k := j
			for k < len(ops) && ops[k].kind == ' ' {
				k++
			}
			if k == len(ops) || k-j > 2*Context {
				break
			}
			j = k
		}
		end := min(j+Context, len(ops))
		hs = append(hs, [2]int{start, end})
		i = end
	}
	return hs
}

func writeHunk(out *bytes.Buffer, ops []op, start, end int) {
	oldLine, newLine := 1, 1
	for _, o := range ops[:start] {
		if o.kind != '+' {
			oldLine++
		}
		if o.kind != '-' {
			newLine++
		}
	}
	oldCount, newCount := 0, 0
	for _, o := range ops[start:end] {
		if o.kind != '+' {
			oldCount++
		}
		if o.kind != '-' {
			newCount++
		}
	}
	out.WriteString("@@ -" + rangeOf(oldLine, oldCount) + " +" + rangeOf(newLine, newCount) + " @@\n")
	for _, o := range ops[start:end] {
		out.WriteByte(o.kind)
		out.WriteString(o.text)
		if !strings.HasSuffix(o.text, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// rangeOf writes a hunk range as diff(1) does: "l" for one line, "l,n"
// otherwise, and the line before the hunk when it holds no line.
func rangeOf(line, count int) string {
	switch count {
	case 0:
		return strconv.Itoa(line-1) + ",0"
	case 1:
		return strconv.Itoa(line)
	}
	return strconv.Itoa(line) + "," + strconv.Itoa(count)
}
