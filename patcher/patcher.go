// Package patcher sets the port offset of a WSO2 server in the bytes of a
// deployment.toml, changing only the bytes that must change.
//
// It works on bytes: files, terminals and flags are the caller's business.
//
// # The edit
//
// [Set] takes the first rule that applies:
//
//  1. server.offset is set, in any TOML form ([server], [ "server" ], a root
//     dotted key server.offset, an inline table server = { offset = 1 }, a
//     quoted key, a string "0", hex 0x1): only the value's bytes are replaced.
//     The value keeps its form: a string stays a string with the same quotes,
//     hex stays hex.
//  2. A commented-out assignment "#offset=0" stands in the [server] table's
//     region: that line is uncommented, keeping its indentation, the spacing
//     around '=' and any trailing comment.
//  3. The server table exists: "offset = N" goes after its last key/value
//     line, with that line's indentation and spacing around '='. A dotted-key
//     server gets "server.offset = N"; an inline table gets ", offset = N".
//  4. There is no server table: "[server]" with "offset = N" is added as the
//     first table, after any root keys.
//
// A byte order mark, the line-ending style (a CRLF file gets CRLF on new
// lines) and a missing final newline are kept.
//
// # Safety
//
// Input that is not valid TOML (duplicate keys and tables included), that is
// not UTF-8, holds NUL bytes, looks like a Helm, Jinja or ERB template, or is
// larger than [MaxSize] is refused with an [*Error]. Every result is decoded
// again before it is returned: server.offset must be N and every other value
// must equal the input's, or Set returns an error wrapping [ErrVerify].
package patcher

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/pelletier/go-toml/v2/unstable"
)

// MaxSize is the largest input accepted, in bytes. Real deployment.toml files
// are under 64 KiB.
const MaxSize = 16 << 20

// MaxOffset is the largest offset Set accepts: no port can go past 65535.
// Product limits are smaller; they are the caller's to check.
const MaxOffset = 65535

// Errors that an *Error wraps, for errors.Is.
var (
	ErrTooLarge = errors.New("file too large")
	ErrEncoding = errors.New("not UTF-8 text")
	ErrTemplate = errors.New("template, not plain TOML")
	ErrSyntax   = errors.New("invalid TOML")
	ErrShape    = errors.New("server or server.offset has the wrong type")
	ErrValue    = errors.New("offset is not a number")
	ErrRange    = errors.New("offset out of range")
	ErrVerify   = errors.New("internal check of the result failed")
)

// Error is a problem with the input, with its place when it has one.
type Error struct {
	Line, Column int // 1-based, column in bytes; 0 when not tied to a place
	Msg          string
	Hint         string // a likely fix, or ""
	Err          error  // one of the Err values above
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Source says where an offset comes from.
type Source string

const (
	SourceSet       Source = "set"       // an offset key/value
	SourceCommented Source = "commented" // only a commented-out assignment; the server uses 0
	SourceAbsent    Source = "absent"    // neither; the server uses 0
	// SourcePlaceholder is an offset key/value whose value is not a whole
	// number: a template placeholder, "$env{OFFSET}", a float. Offset is 0.
	SourcePlaceholder Source = "placeholder"
)

// Current is the offset a file gives the server.
type Current struct {
	Offset int    // the effective offset: 0 unless Source is SourceSet
	Source Source //
	Line   int    // 1-based line of the value or commented assignment; 0 when absent
	Raw    string // the value as written ("0", "\"2\"", "0x1"), or the commented line's text
}

// Action is what Set did.
type Action string

const (
	Unchanged   Action = "unchanged"   // the file already had offset N
	Replaced    Action = "replaced"    // rule 1: the value was replaced
	Uncommented Action = "uncommented" // rule 2: a commented-out assignment was uncommented
	Inserted    Action = "inserted"    // rule 3: a key/value was added to the server table
	AddedTable  Action = "added-table" // rule 4: a [server] table was added
)

// Options ask SetWith for more than the offset.
type Options struct {
	// ShiftLiterals, when not empty, are the product's default ports: the
	// URLs to this server that use one of them (see LiteralPorts) move to
	// the new offset in the same edit.
	ShiftLiterals []int

	// DefaultOffset is the offset the server uses when the file sets none
	// (Micro Integrator's is 10): the offset literal ports are taken to be
	// at then.
	DefaultOffset int

	// Template reads src as a Helm, Jinja or ERB template: its placeholders
	// are masked while it is parsed and patched, and put back unchanged
	// (package tmplmask). Without it a template is refused.
	Template bool

	// KeepPlaceholder leaves an offset that is a template placeholder as it
	// is, instead of replacing it with the number.
	KeepPlaceholder bool
}

// Shifted is a literal port SetWith moved.
type Shifted struct {
	LiteralPort
	To int // the port written now
}

// Result is the outcome of Set.
type Result struct {
	Output  []byte    // the new file; the input itself when nothing changed
	Action  Action    // what was done to the offset
	From    Current   // the offset before
	To      int       // the offset after
	Line    int       // 1-based line of the offset in Output
	Shifted []Shifted // literal ports moved, with Options.ShiftLiterals

	// Placeholder is the template placeholder the offset was, as written,
	// or "": replaced by the number, or kept with Options.KeepPlaceholder.
	Placeholder string
	changed     bool

	// Warnings are things the caller should tell the user: the edit was
	// made, but may not do all they expect.
	Warnings []Warning
}

// Warning is a note about the input, with its place.
type Warning struct {
	Line, Column int
	Msg          string
}

// Changed reports whether Output differs from the input.
func (r *Result) Changed() bool { return r.changed }

// Get returns the offset src gives the server.
func Get(src []byte) (Current, error) { return GetWith(src, Options{}) }

// GetWith is Get with options: Template reads a template.
func GetWith(src []byte, opt Options) (Current, error) {
	in, err := load(src, opt.Template, false)
	if err != nil {
		return Current{}, err
	}
	cur, err := current(in.doc)
	return in.unmask(cur, err)
}

// Set returns src with the server's offset set to n.
func Set(src []byte, n int) (*Result, error) { return SetWith(src, n, Options{}) }

// SetWith is Set with options.
func SetWith(src []byte, n int, opt Options) (*Result, error) {
	if n < 0 || n > MaxOffset {
		return nil, &Error{Msg: fmt.Sprintf("offset %d is out of range 0..%d", n, MaxOffset), Err: ErrRange}
	}
	// Literal ports can be anywhere; a template's blocks are read whole.
	in, err := load(src, opt.Template, opt.Template || len(opt.ShiftLiterals) > 0)
	if err != nil {
		return nil, err
	}
	bom, doc := in.bom, in.doc
	from, err := in.unmask(current(doc))
	var placeholder *Error
	if errors.As(err, &placeholder) && errors.Is(err, ErrValue) {
		err = nil // a placeholder such as "$env{OFFSET}" is replaced, with a warning
	}
	if err != nil {
		return nil, err
	}
	body := doc.Src
	e, err := plan(doc, n, in.inBlock)
	if err != nil {
		return nil, err
	}
	res := &Result{Action: e.action, From: from, To: n}
	if p, ok := in.templatePlaceholder(e); ok {
		// A template fills the offset in when it is rendered.
		res.Placeholder, placeholder = p.Text, nil
		switch {
		case opt.KeepPlaceholder:
			e.text = body[e.at.Start:e.at.End]
		case p.Value: // a bare {{ … }}: the number goes bare too
			e.text = []byte(strconv.Itoa(n))
		}
		if !opt.KeepPlaceholder {
			line, col := tomlutil.Position(body, e.at.Start)
			res.Warnings = append(res.Warnings, Warning{Line: line, Column: col,
				Msg: fmt.Sprintf("server.offset was %s, which the template fills in when it is rendered; the number %d replaces it", p.Text, n)})
		}
	}
	if bytes.Equal(body[e.at.Start:e.at.End], e.text) {
		res.Action = Unchanged
	}
	res.Line, _ = tomlutil.Position(body, e.at.Start)
	res.Line += bytes.Count(e.text[:e.valueAt], []byte{'\n'})
	edits := []edit{e}
	var shift func(string) string
	if len(opt.ShiftLiterals) > 0 {
		old := opt.DefaultOffset
		if from.Source == SourceSet && placeholder == nil {
			old = from.Offset
		}
		m := newMatcher(doc, opt.ShiftLiterals, old)
		for _, l := range m.find(doc) {
			if l.at.Start <= e.at.End && e.at.Start <= l.at.End {
				continue // inside the offset's own value, which e replaces
			}
			if to := l.Default + n; to != l.Port {
				edits = append(edits, edit{at: l.at, text: []byte(strconv.Itoa(to))})
				res.Shifted = append(res.Shifted, Shifted{LiteralPort: l, To: to})
			}
		}
		shift = func(s string) string { return m.shift(s, n) }
	}
	out := splice(bom, body, edits)
	masked := out[len(bom):]
	if in.tmpl != nil {
		out = append(slices.Clip(bom), in.tmpl.Restore(masked)...)
	}
	if placeholder != nil {
		was := "not a whole number"
		if strings.Contains(from.Raw, "$") {
			was = "which WSO2 resolves at start-up"
		}
		res.Warnings = append(res.Warnings, Warning{Line: placeholder.Line, Column: placeholder.Column,
			Msg: fmt.Sprintf("server.offset was %s, %s; the number %d replaces it", from.Raw, was, n)})
	}
	if bytes.Equal(out, src) {
		res.Output = src
		return res, nil
	}
	res.Output, res.changed = out, true
	keep := res.Placeholder != "" && opt.KeepPlaceholder // only literal ports moved
	if err := verify(doc.Src, masked, n, keep, shift); err != nil {
		return nil, &Error{Msg: err.Error(), Err: ErrVerify,
			Hint: "this is a bug in apim-offset; nothing was written: please report it with the file"}
	}
	return res, nil
}

// splice returns bom and body with the edits made; they must not overlap.
func splice(bom, body []byte, edits []edit) []byte {
	slices.SortFunc(edits, func(a, b edit) int { return a.at.Start - b.at.Start })
	size := len(bom) + len(body)
	for _, e := range edits {
		size += len(e.text) - e.at.Len()
	}
	out := make([]byte, 0, size)
	out = append(out, bom...)
	prev := 0
	for _, e := range edits {
		out = append(out, body[prev:e.at.Start]...)
		out = append(out, e.text...)
		prev = e.at.End
	}
	return append(out, body[prev:]...)
}

// input is a file as Set works on it.
type input struct {
	bom  []byte
	doc  *tomlutil.Document // the file after its byte order mark, or the masked template
	tmpl *tmplmask.Masked   // the template's placeholders; nil for plain TOML
}

// load checks src and parses what follows its byte order mark, masking a
// template's placeholders first when template is set. It reads the whole
// layout when whole is set, and otherwise only what concerns [server]
// (tomlutil.ParseOnly): all a plain offset edit needs.
func load(src []byte, template, whole bool) (*input, error) {
	if len(src) > MaxSize {
		return nil, &Error{Msg: fmt.Sprintf("file is larger than %d MiB, the most this tool reads", MaxSize>>20),
			Hint: "a deployment.toml is normally under 64 KiB: check that this is the right file", Err: ErrTooLarge}
	}
	in := &input{}
	bom, body := tomlutil.SplitBOM(src)
	in.bom = bom
	if err := checkText(body, template); err != nil {
		return nil, err
	}
	if template {
		m, err := tmplmask.Mask(body)
		var te *tmplmask.Error
		if errors.As(err, &te) {
			return nil, &Error{Line: te.Line, Column: te.Column, Msg: te.Msg, Err: ErrTemplate,
				Hint: "run apim-offset on the rendered file, or edit the offset in the template by hand"}
		}
		for _, h := range m.Hidden {
			if offsetLine.MatchString(h.Text) {
				return nil, &Error{Line: h.Line, Column: h.Column, Msg: "offset is set in a later branch of an if/else, which a template is read without", Err: ErrTemplate,
					Hint: "apim-offset reads a template's first branches only: edit the offset in this template by hand"}
			}
		}
		in.tmpl, body = m, m.Text
	}
	parse := tomlutil.Parse
	if !whole {
		parse = func(src []byte) (*tomlutil.Document, error) { return tomlutil.ParseOnly(src, "server") }
	}
	doc, err := parse(body)
	var se *tomlutil.SyntaxError
	if errors.As(err, &se) {
		e := &Error{Line: se.Line, Column: se.Column, Msg: se.Msg, Err: ErrSyntax}
		if strings.Contains(se.Msg, "already") {
			e.Hint = "TOML allows each key and table once, and WSO2 will not start otherwise: remove or merge the repeated one"
		}
		if template {
			e.Msg += " (with the template's placeholders masked)"
			e.Hint = "a key set in two separate if blocks, or text that is not TOML once rendered, cannot be checked: " +
				"run apim-offset on the rendered file, or edit the offset in the template by hand"
		}
		return nil, e
	}
	in.doc = doc
	return in, err
}

// offsetLine matches a line that sets offset.
var offsetLine = regexp.MustCompile(`^\s*["']?offset["']?\s*=`)

// unmask puts a template's placeholders back into what current read.
func (in *input) unmask(cur Current, err error) (Current, error) {
	if in.tmpl == nil {
		return cur, err
	}
	cur.Raw = string(in.tmpl.Restore([]byte(cur.Raw)))
	var pe *Error
	if errors.As(err, &pe) && errors.Is(err, ErrValue) {
		pe.Msg = fmt.Sprintf("server.offset is %s, which the template fills in when it is rendered", cur.Raw)
		pe.Hint = "give --keep-placeholder to leave it, or set a number to replace it"
	}
	return cur, err
}

// inBlock tells whether byte off of the parsed text lies inside a template's
// control block; never for plain TOML.
func (in *input) inBlock(off int) bool {
	if in.tmpl == nil {
		return false
	}
	src := in.doc.Src
	line, _ := tomlutil.Position(src, off)
	if off == len(src) && len(src) > 0 && src[len(src)-1] != '\n' {
		line++ // text added at the very end starts a new line after the last
	}
	return in.tmpl.InBlock(line)
}

// templatePlaceholder returns the placeholder the value e replaces stands
// for, in a template.
func (in *input) templatePlaceholder(e edit) (tmplmask.Placeholder, bool) {
	if in.tmpl == nil || e.action != Replaced {
		return tmplmask.Placeholder{}, false
	}
	return in.tmpl.In(in.doc.Src[e.at.Start:e.at.End])
}

// checkText refuses what is not text a TOML parser should see: NUL bytes,
// invalid UTF-8, and template markup unless template is set.
func checkText(b []byte, template bool) error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return errorAt(b, i, "NUL byte: this is not a text file", ErrEncoding,
			"check that this is a deployment.toml and not a binary or a damaged copy")
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return errorAt(b, i, fmt.Sprintf("invalid UTF-8 byte 0x%02x", b[i]), ErrEncoding,
				"TOML files are UTF-8: convert it, for example with iconv -f ISO-8859-1 -t UTF-8")
		}
		i += size
	}
	if template {
		return nil
	}
	if i, d, ok := tmplmask.Detect(b); ok {
		return errorAt(b, i, fmt.Sprintf("%q: this looks like %s %s template, not plain TOML", d.Open, d.Article, d.Kind), ErrTemplate,
			"give --template to patch it with its placeholders kept, or run apim-offset on the rendered file")
	}
	return nil
}

func errorAt(src []byte, off int, msg string, kind error, hint string) *Error {
	line, col := tomlutil.Position(src, off)
	return &Error{Line: line, Column: col, Msg: msg, Hint: hint, Err: kind}
}

// current reads the offset from doc, refusing a server or server.offset of
// the wrong type.
func current(doc *tomlutil.Document) (Current, error) {
	server, ok := doc.Values["server"]
	if !ok {
		return Current{Source: SourceAbsent}, nil
	}
	table, ok := server.(map[string]any)
	if !ok {
		what := describe(server)
		if slices.ContainsFunc(doc.Tables, func(t tomlutil.Table) bool { return t.Array && slices.Equal(t.Key, []string{"server"}) }) {
			what = "an array of tables ([[server]])"
		}
		return Current{}, shapeError(doc, fmt.Sprintf("server is %s, not a table", what), "server")
	}
	if v, ok := table["offset"]; ok {
		i := doc.Find("server", "offset")
		if i < 0 {
			return Current{}, shapeError(doc, fmt.Sprintf("server.offset is %s, not a number", describe(v)), "server", "offset")
		}
		e := doc.Entries[i]
		line, col := tomlutil.Position(doc.Src, e.Value.Start)
		cur := Current{Source: SourceSet, Line: line, Raw: string(doc.Src[e.Value.Start:e.Value.End])}
		switch v := v.(type) {
		case int64:
			cur.Offset = int(v)
			return cur, nil
		case string:
			if n, err := strconv.Atoi(v); err == nil {
				cur.Offset = n
				return cur, nil
			}
		case map[string]any, []any:
			return Current{}, shapeError(doc, fmt.Sprintf("server.offset is %s, not a number", describe(v)), "server", "offset")
		}
		cur.Source = SourcePlaceholder
		return cur, &Error{Line: line, Column: col, Msg: fmt.Sprintf("server.offset is %s, not a whole number", cur.Raw), Err: ErrValue,
			Hint: "WSO2 reads offset as a number or a string of digits, such as offset = 2 or offset = \"2\""}
	}
	if c, ok := commentedOffset(doc); ok {
		line, _ := tomlutil.Position(doc.Src, c.Comment.Text.Start)
		return Current{Source: SourceCommented, Line: line, Raw: string(doc.Src[c.Comment.Text.Start:c.Comment.Text.End])}, nil
	}
	return Current{Source: SourceAbsent}, nil
}

// shapeError reports a value of the wrong type at the first place that
// defines path or something under it.
func shapeError(doc *tomlutil.Document, msg string, path ...string) *Error {
	off := -1
	for _, t := range doc.Tables {
		if hasPrefix(t.Key, path) {
			off = t.Header.Start
			break
		}
	}
	for _, e := range doc.Entries {
		if hasPrefix(e.Path, path) {
			if k := e.KeyRaw[0].Start; off < 0 || k < off {
				off = k
			}
			break
		}
	}
	return errorAt(doc.Src, max(off, 0), msg, ErrShape, "WSO2 expects a [server] table with offset = <number> in it")
}

func hasPrefix(path, prefix []string) bool {
	if len(path) < len(prefix) {
		return false
	}
	for i := range prefix {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}

func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a float"
	case int64:
		return "an integer"
	}
	return "a date or time"
}

// commentedOffset finds the first commented-out "offset = ..." in the region
// of the [server] table: after its header, before the next header.
func commentedOffset(doc *tomlutil.Document) (tomlutil.CommentedEntry, bool) {
	t := doc.FindTable("server")
	if t < 0 {
		return tomlutil.CommentedEntry{}, false
	}
	for _, c := range doc.Comments {
		if c.Table != t {
			continue
		}
		if ce, ok := doc.Commented(c); ok && len(ce.Key) == 1 && ce.Key[0] == "offset" {
			return ce, true
		}
	}
	return tomlutil.CommentedEntry{}, false
}

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
	outside := func(e edit) (edit, error) {
		if inBlock(e.at.Start) {
			line, col := tomlutil.Position(src, e.at.Start)
			return edit{}, &Error{Line: line, Column: col, Msg: "offset would go inside a control block of the template (if, for, range…)", Err: ErrTemplate,
				Hint: "add offset = N to [server] outside any block by hand, then run apim-offset again"}
		}
		return e, nil
	}
	// last returns the last top-level entry that keep accepts and that
	// stands outside every control block, or -1.
	last := func(keep func(tomlutil.Entry) bool) int {
		found := -1
		for i, e := range doc.Entries {
			if e.Parent < 0 && keep(e) && !inBlock(e.Lines.Start) {
				found = i
			}
		}
		return found
	}

	// Rule 1: replace the value.
	if i := doc.Find("server", "offset"); i >= 0 {
		e := doc.Entries[i]
		v := formatLike(src[e.Value.Start:e.Value.End], e.Kind, n)
		return edit{at: e.Value, text: v, action: Replaced}, nil
	}

	// Rule 2: uncomment "#offset=0" in the [server] region.
	if ce, ok := commentedOffset(doc); ok && !inBlock(ce.Comment.Text.Start) {
		var text []byte
		text = append(text, src[ce.Body.Start:ce.Value.Start]...)
		text = append(text, formatLike(src[ce.Value.Start:ce.Value.End], ce.Kind, n)...)
		text = append(text, src[ce.Value.End:ce.Body.End]...)
		return edit{at: tomlutil.Span{Start: ce.Comment.Text.Start, End: ce.Body.End}, text: text,
			valueAt: ce.Value.Start - ce.Body.Start, action: Uncommented}, nil
	}

	// Rule 3: add to the server table, however it is written.
	if t := doc.FindTable("server"); t >= 0 {
		i := last(func(e tomlutil.Entry) bool { return e.Table == t })
		if i < 0 {
			line := doc.Tables[t].Line
			return outside(addLine(src, line.End, tomlutil.Indent(src, line.Start), "offset", " = ", num))
		}
		e := doc.Entries[i]
		return addLine(src, e.Lines.End, tomlutil.Indent(src, e.Lines.Start), "offset", doc.Separator(e), num), nil
	}
	if i := doc.Find("server"); i >= 0 && doc.Entries[i].Kind == unstable.InlineTable {
		return outside(addToInline(doc, i, num))
	}
	if i := last(func(e tomlutil.Entry) bool { return e.Table < 0 && len(e.Key) > 1 && e.Key[0] == "server" }); i >= 0 {
		e := doc.Entries[i]
		key := string(src[e.KeyRaw[0].Start:e.KeyRaw[0].End]) + ".offset"
		return addLine(src, e.Lines.End, tomlutil.Indent(src, e.Lines.Start), key, doc.Separator(e), num), nil
	}

	// Rule 4: add a [server] table.
	return outside(addTable(doc, num))
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
func formatLike(old []byte, kind unstable.Kind, n int) []byte {
	switch kind {
	case unstable.String:
		q := old[0]
		return []byte(string(q) + strconv.Itoa(n) + string(q))
	case unstable.Integer:
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
