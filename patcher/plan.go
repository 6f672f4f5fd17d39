package patcher

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/tomlutil"
)

// edit is one splice: replace doc.Src[at] with text.
type edit struct {
	at      tomlutil.Span
	text    []byte
	valueAt int // where the offset's value starts within text
	action  Action
}

// plan decides the edit that sets the offset to n, rule by rule.
//
// inBlock tells whether a byte offset lies inside a template's control
// block: nothing is added or uncommented there, where it would be rendered
// only on a condition.
func plan(doc *tomlutil.Document, n int, inBlock func(off int) bool) (edit, error) {
	src := doc.Src
	num := strconv.Itoa(n)
	outside := func(e edit) (edit, error) { return outsideBlocks(src, e, inBlock) }

	// Rule 1: replace the value.
	if i := doc.Find("server", "offset"); i >= 0 {
		e := doc.Entries[i]
		v := formatLike(src[e.Value.Start:e.Value.End], e.Kind, n)
		return edit{at: e.Value, text: v, action: Replaced}, nil
	}

	// Rule 2: uncomment "#offset=0" in the [server] region.
	if ce, ok := commentedOffset(doc); ok && !inBlock(ce.Comment.Text.Start) {
		return uncomment(src, ce, n), nil
	}

	// Rule 3: add to the server table, however it is written.
	if t := doc.FindTable("server"); t >= 0 {
		i := lastTopLevel(doc, inBlock, func(e tomlutil.Entry) bool { return e.Table == t })
		if i < 0 {
			line := doc.Tables[t].Line
			return outside(addLine(src, line.End, tomlutil.Indent(src, line.Start), "offset", " = ", num))
		}
		e := doc.Entries[i]
		return addLine(src, e.Lines.End, tomlutil.Indent(src, e.Lines.Start), "offset", doc.Separator(e), num), nil
	}
	if i := doc.Find("server"); i >= 0 && doc.Entries[i].Kind == tomlutil.InlineTable {
		return outside(addToInline(doc, i, num))
	}
	if i := lastTopLevel(doc, inBlock, func(e tomlutil.Entry) bool { return e.Table < 0 && len(e.Key) > 1 && e.Key[0] == "server" }); i >= 0 {
		e := doc.Entries[i]
		key := string(src[e.KeyRaw[0].Start:e.KeyRaw[0].End]) + ".offset"
		return addLine(src, e.Lines.End, tomlutil.Indent(src, e.Lines.Start), key, doc.Separator(e), num), nil
	}

	// Rule 4: add a [server] table.
	return outside(addTable(doc, num))
}

// outsideBlocks returns e, or an ErrBlock where e would add to src inside
// a control block of the template.
func outsideBlocks(src []byte, e edit, inBlock func(off int) bool) (edit, error) {
	if inBlock(e.at.Start) {
		line, col := tomlutil.Position(src, e.at.Start)
		return edit{}, &Error{Line: line, Column: col, Msg: "offset would go inside a control block of the template (if, for, range…)", Err: ErrBlock}
	}
	return e, nil
}

// lastTopLevel returns the last top-level entry of doc that keep accepts
// and that stands outside every control block, or -1.
func lastTopLevel(doc *tomlutil.Document, inBlock func(off int) bool, keep func(tomlutil.Entry) bool) int {
	found := -1
	for i, e := range doc.Entries {
		if e.Parent < 0 && keep(e) && !inBlock(e.Lines.Start) {
			found = i
		}
	}
	return found
}

// uncomment is the edit that turns the commented-out offset ce into a
// setting of n, its value written like the commented one.
func uncomment(src []byte, ce tomlutil.CommentedEntry, n int) edit {
	var text []byte
	text = append(text, src[ce.Body.Start:ce.Value.Start]...)
	text = append(text, formatLike(src[ce.Value.Start:ce.Value.End], ce.Kind, n)...)
	text = append(text, src[ce.Value.End:ce.Body.End]...)
	return edit{at: tomlutil.Span{Start: ce.Comment.Text.Start, End: ce.Body.End}, text: text,
		valueAt: ce.Value.Start - ce.Body.Start, action: Uncommented}
}

// addLine inserts the line key+sep+value at off, the start of a line or the
// end of a file that has no final newline.
func addLine(src []byte, off int, indent []byte, key, sep, value string) edit {
	eol := tomlutil.LineEnding(src, max(off-1, 0))
	line := string(indent) + key + sep
	valueAt := len(line)
	if off == len(src) && (off == 0 || src[off-1] != '\n') {
		// At the end of a file with no final newline: keep it that way.
		return edit{at: tomlutil.Span{Start: off, End: off}, text: []byte(eol + line + value),
			valueAt: len(eol) + valueAt, action: Inserted}
	}
	return edit{at: tomlutil.Span{Start: off, End: off}, text: []byte(line + value + eol), valueAt: valueAt, action: Inserted}
}

// addToInline adds offset to the inline table of entry i: "server = {}".
func addToInline(doc *tomlutil.Document, i int, num string) edit {
	last := -1
	for j := i + 1; j < len(doc.Entries) && doc.Entries[j].Parent >= i; j++ {
		if doc.Entries[j].Parent == i {
			last = j
		}
	}
	if last < 0 {
		v := doc.Entries[i].Value
		if len(bytes.Trim(doc.Src[v.Start+1:v.End-1], " \t")) == 0 {
			return edit{at: v, text: []byte("{ offset = " + num + " }"), valueAt: len("{ offset = "), action: Inserted}
		}
		// Line breaks or comments inside (TOML 1.1): keep them, add the key
		// before them.
		at := tomlutil.Span{Start: v.Start + 1, End: v.Start + 1}
		return edit{at: at, text: []byte(" offset = " + num), valueAt: len(" offset = "), action: Inserted}
	}
	e := doc.Entries[last]
	text := ", offset" + doc.Separator(e)
	return edit{at: tomlutil.Span{Start: e.Value.End, End: e.Value.End}, text: []byte(text + num),
		valueAt: len(text), action: Inserted}
}

// addTable adds "[server]\noffset = N" as the first table, after any root
// keys and above the comments that introduce the first table.
func addTable(doc *tomlutil.Document, num string) edit {
	src := doc.Src
	const head = "[server]"
	if len(doc.Tables) == 0 {
		eol := tomlutil.LineEnding(src, len(src))
		if len(src) == 0 {
			return edit{at: tomlutil.Span{Start: len(src), End: len(src)}, text: []byte(head + eol + "offset = " + num + eol),
				valueAt: len(head + eol + "offset = "), action: AddedTable}
		}
		var text string
		endsWithNewline := src[len(src)-1] == '\n'
		if !endsWithNewline {
			text = eol
		}
		if last := tomlutil.LineAt(src, len(src)-1); !endsWithNewline || len(bytes.TrimSpace(src[last.Start:last.End])) > 0 {
			text += eol // a blank line before the new table
		}
		text += head + eol + "offset = "
		valueAt := len(text)
		text += num
		if endsWithNewline {
			text += eol
		}
		return edit{at: tomlutil.Span{Start: len(src), End: len(src)}, text: []byte(text), valueAt: valueAt, action: AddedTable}
	}
	at := doc.Tables[0].Line.Start
	// Step above the comment lines right above the first header: they
	// introduce it. A block that reaches the top of the file is the file's
	// own header comment, so it stays first.
	top := at
	for i := len(doc.Comments) - 1; i >= 0 && doc.Comments[i].Line.End >= top; i-- {
		if doc.Comments[i].Line.End == top {
			top = doc.Comments[i].Line.Start
		}
	}
	if len(bytes.TrimSpace(src[:top])) > 0 {
		at = top
	}
	eol := tomlutil.LineEnding(src, at)
	text := head + eol + "offset = " + num + eol + eol
	return edit{at: tomlutil.Span{Start: at, End: at}, text: []byte(text), valueAt: len(head + eol + "offset = "), action: AddedTable}
}

// formatLike writes n in the form of the value old: a string keeps its
// quotes, a hex, octal or binary integer its base; anything else becomes a
// decimal integer.
func formatLike(old []byte, kind tomlutil.Kind, n int) []byte {
	switch kind {
	case tomlutil.String:
		q := old[0]
		return []byte(string(q) + strconv.Itoa(n) + string(q))
	case tomlutil.Integer:
		if len(old) > 2 && old[0] == '0' {
			base := map[byte]int{'x': 16, 'o': 8, 'b': 2}[old[1]]
			if base != 0 {
				digits := strconv.FormatInt(int64(n), base)
				if base == 16 && bytes.ContainsAny(old[2:], "ABCDEF") {
					digits = strings.ToUpper(digits)
				}
				return []byte(string(old[:2]) + digits)
			}
		}
	}
	return []byte(strconv.Itoa(n))
}
