// Package unidiff writes the unified diff of two versions of a text file, in
// the form that patch(1) and git apply read: "--- a/name", "+++ b/name"
// (quoted and ended as git writes names that need it),
// "@@ -l,n +l,n @@" hunks with three lines of context, and "\ No newline at
// end of file" after a last line that has no line ending.
//
// Lines are compared whole, line endings included, so a CRLF line stays a
// CRLF line in the diff. The line matching is go-diff's line mode; the hunks
// are built here.
package unidiff

import (
	"bytes"
	"fmt"
	"slices"
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
	return Make(name, a, b, Options{}).Diff
}

// Shown returns how line n (from 1) of a file is to be shown, and whether it
// is to be shown otherwise than as it is.
type Shown func(n int) (string, bool)

// Masked is Diff showing a's line n (counted from 1) as oldShown(n) says,
// and b's as newShown(n) says; context lines are a's. Only the lines the
// diff prints are asked for, in order. The lines are still matched on their
// real text, so the hunks are Diff's; a diff with masked lines describes the
// change but no longer applies. A nil Shown shows every line as it is.
// Make says whether a line was masked, and can keep them out of context.
func Masked(name string, a, b []byte, oldShown, newShown Shown) []byte {
	return Make(name, a, b, Options{OldShown: oldShown, NewShown: newShown}).Diff
}

// Options say how Make shows the lines of a diff.
type Options struct {
	// OldShown and NewShown say how a's and b's lines are shown (kept and
	// deleted lines are a's, inserted ones b's); nil shows them as they are.
	OldShown, NewShown Shown
	// AvoidMasked gives a hunk less context, down to one line on each side
	// (and splits it where its changes are then far enough apart), when
	// that keeps every line shown otherwise than as it is out of its
	// context: a diff whose changed lines show no masked line then still
	// applies with patch -p1 and git apply. Each hunk keeps as many lines
	// before its changes as after them, as diff -U writes them, for patch
	// reads a hunk with fewer lines before than after as one that must
	// match at the start of the file (and git apply one with none after as
	// one that must match at its end). Lines are asked for as if the hunks
	// had all their context.
	AvoidMasked bool
}

// A Result is a diff and what it shows.
type Result struct {
	Diff []byte // nil when the two texts are equal
	// Masked says that a line the diff prints is shown otherwise than as
	// it is (a Shown said so): the diff describes the change but patch and
	// git apply will not apply it as printed.
	Masked bool
}

// Make returns the unified diff that turns a into b, as Diff, with its
// lines shown as opt says, and whether it shows any line otherwise than as
// it is.
func Make(name string, a, b []byte, opt Options) Result {
	if bytes.Equal(a, b) {
		return Result{}
	}
	d := lineOps(a, b)
	hs := hunks(d.ops, Context)
	masked := mask(d, hs, opt.OldShown, opt.NewShown)
	if opt.AvoidMasked && masked != nil {
		hs = avoid(d.ops, hs, masked)
	}
	var res Result
	var out bytes.Buffer
	out.WriteString("--- " + header("a/"+name) + "\n+++ " + header("b/"+name) + "\n")
	for _, h := range hs {
		writeHunk(&out, d, h[0], h[1])
		if masked != nil && slices.Contains(masked[h[0]:h[1]], true) {
			res.Masked = true
		}
	}
	res.Diff = out.Bytes()
	return res
}

// avoid returns the hunks hs with those that hold a masked context line
// (masked[i] for ops[i]) made again with one line of context less, then
// less again for the parts that still hold one, down to one line.
func avoid(ops []op, hs [][2]int, masked []bool) [][2]int {
	var out [][2]int
	var refine func(h [2]int, context int)
	refine = func(h [2]int, context int) {
		if context == 1 || !maskedContext(ops[h[0]:h[1]], masked[h[0]:h[1]]) {
			out = append(out, h)
			return
		}
		for _, sub := range hunks(ops[h[0]:h[1]], context-1) {
			refine([2]int{h[0] + sub[0], h[0] + sub[1]}, context-1)
		}
	}
	for _, h := range hs {
		refine(h, Context)
	}
	return out
}

// maskedContext reports whether one of the kept lines of ops is masked.
func maskedContext(ops []op, masked []bool) bool {
	for i, o := range ops {
		if o.kind == ' ' && masked[i] {
			return true
		}
	}
	return false
}

// header writes a file name as git does in a diff header, so that patch
// and git apply read it back: in double quotes with C escapes when it holds
// a control character, a quote, a backslash or a byte above 0x7f, and
// followed by a tab when it holds a space, which ends the name for both.
func header(name string) string {
	quote := false
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			quote = true
			break
		}
	}
	if quote {
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(name); i++ {
			switch c := name[i]; {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20 || c >= 0x7f:
				if e := strings.IndexByte("\a\b\t\n\v\f\r", c); e >= 0 {
					b.WriteByte('\\')
					b.WriteByte("abtnvfr"[e])
				} else {
					b.WriteString(fmt.Sprintf("\\%03o", c))
				}
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
		name = b.String()
	}
	if strings.ContainsRune(name, ' ') {
		name += "\t"
	}
	return name
}

// mask replaces the text of the lines the hunks hs print with what
// oldShown (for kept and deleted lines) and newShown (inserted) say, and
// returns which ops it replaced (nil when both are nil).
func mask(d diff, hs [][2]int, oldShown, newShown Shown) []bool {
	if oldShown == nil && newShown == nil {
		return nil
	}
	masked := make([]bool, len(d.ops))
	oldLine, newLine, h := d.oldFirst, d.newFirst, 0
	for i, o := range d.ops {
		show, n := oldShown, oldLine
		if o.kind == '+' {
			show, n = newShown, newLine
		}
		if o.kind != '+' {
			oldLine++
		}
		if o.kind != '-' {
			newLine++
		}
		for h < len(hs) && i >= hs[h][1] {
			h++
		}
		if h == len(hs) {
			break
		}
		if i < hs[h][0] || show == nil {
			continue // between two hunks: not printed
		}
		if s, ok := show(n); ok {
			d.ops[i].text = s
			masked[i] = true
		}
	}
	return masked
}

// diff is the lines around the changes from a to b: the ops, and the line
// numbers (from 1) in a and in b of the first.
type diff struct {
	ops                []op
	oldFirst, newFirst int
}

// lineOps lists a's and b's lines as kept, deleted or inserted. The lines
// a and b share at the start and at the end are matched first, and only
// Context of them kept, so that a one-line change in a large file costs a
// pass over it, not a line-by-line diff of all of it.
func lineOps(a, b []byte) diff {
	pre, suf := commonLines(a, b)
	// Context lines of the prefix before the changes, and of the suffix
	// after them.
	ctxStart := pre
	for n := 0; n < Context && ctxStart > 0; n++ {
		ctxStart = bytes.LastIndexByte(a[:ctxStart-1], '\n') + 1
	}
	ctxEnd := len(a) - suf
	for n := 0; n < Context && ctxEnd < len(a); n++ {
		if i := bytes.IndexByte(a[ctxEnd:], '\n'); i >= 0 {
			ctxEnd += i + 1
		} else {
			ctxEnd = len(a)
		}
	}
	first := bytes.Count(a[:ctxStart], []byte{'\n'}) + 1
	d := diff{oldFirst: first, newFirst: first}
	d.ops = appendLines(d.ops, ' ', a[ctxStart:pre])
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // a minimal diff, the same every time
	ra, rb, lines := dmp.DiffLinesToRunes(string(a[pre:len(a)-suf]), string(b[pre:len(b)-suf]))
	for _, x := range dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines) {
		kind := byte(' ')
		switch x.Type {
		case diffmatchpatch.DiffDelete:
			kind = '-'
		case diffmatchpatch.DiffInsert:
			kind = '+'
		}
		d.ops = appendLines(d.ops, kind, []byte(x.Text))
	}
	d.ops = appendLines(d.ops, ' ', a[len(a)-suf:ctxEnd])
	return d
}

// commonLines returns the lengths of the lines a and b start with and of
// those they end with after those: a line that ends in the common bytes,
// and one that starts in them after a line ending.
func commonLines(a, b []byte) (pre, suf int) {
	pre = bytes.LastIndexByte(a[:commonPrefix(a, b)], '\n') + 1
	suf = commonSuffix(a[pre:], b[pre:])
	if suf > 0 && !(isLineStart(a, pre, len(a)-suf) && isLineStart(b, pre, len(b)-suf)) {
		// The first line is cut: the suffix starts after a line ending in it.
		if i := bytes.IndexByte(a[len(a)-suf:], '\n'); i >= 0 {
			suf -= i + 1
		} else {
			suf = 0
		}
	}
	return pre, suf
}

// commonPrefix returns the length of the bytes a and b start with.
func commonPrefix(a, b []byte) int {
	n, c := min(len(a), len(b)), 0
	for c+64 <= n && bytes.Equal(a[c:c+64], b[c:c+64]) {
		c += 64
	}
	for c < n && a[c] == b[c] {
		c++
	}
	return c
}

// commonSuffix returns the length of the bytes a and b end with.
func commonSuffix(a, b []byte) int {
	n, c := min(len(a), len(b)), 0
	for c+64 <= n && bytes.Equal(a[len(a)-c-64:len(a)-c], b[len(b)-c-64:len(b)-c]) {
		c += 64
	}
	for c < n && a[len(a)-c-1] == b[len(b)-c-1] {
		c++
	}
	return c
}

// isLineStart reports whether a line of text starts at i: i is from, where
// the text starts, or follows a line ending.
func isLineStart(text []byte, from, i int) bool {
	return i == from || text[i-1] == '\n'
}

// appendLines appends text's lines to ops as kind.
func appendLines(ops []op, kind byte, text []byte) []op {
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		ops = append(ops, op{kind, string(text[:i])})
		text = text[i:]
	}
	return ops
}

// hunks groups the changes in ops into [start, end) ranges with context
// lines around them, merging changes that are close enough to share context.
func hunks(ops []op, context int) [][2]int {
	var hs [][2]int
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-context, 0)
		j := i
		for {
			for j < len(ops) && ops[j].kind != ' ' {
				j++
			}
			k := j
			for k < len(ops) && ops[k].kind == ' ' {
				k++
			}
			if k == len(ops) || k-j > 2*context {
				break
			}
			j = k
		}
		end := min(j+context, len(ops))
		hs = append(hs, [2]int{start, end})
		i = end
	}
	return hs
}

func writeHunk(out *bytes.Buffer, d diff, start, end int) {
	ops := d.ops
	oldLine, newLine := d.oldFirst, d.newFirst
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
