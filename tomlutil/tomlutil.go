// Package tomlutil locates the parts of a TOML document by byte range: table
// headers and the region each table owns, key/value pairs (including those
// nested in inline tables) with the spans of their keys and values, and
// whole-line comments, among them commented-out assignments such as
// "#offset=0".
//
// It edits nothing. Callers splice bytes into [Document.Src] themselves and
// use the spans here to decide where.
//
// # Validity
//
// [Parse] accepts a document only when go-toml's decoder accepts it, so a
// duplicate key or table is a [SyntaxError] here, as it would stop a WSO2
// server at start-up. The byte ranges come from go-toml's lower-level parser,
// which sees the same text but does not check duplicates.
//
// Both read the document through [View], and Parse and [Decode] take an
// inline table that later keys add to: what WSO2's own parser (TOML 0.5)
// reads although TOML 1.0 does not allow it. [Document.NotTOML10] lists
// where, for a warning.
//
// # Byte order mark
//
// go-toml rejects a UTF-8 byte order mark. [SplitBOM] takes it off so that the
// caller can parse the rest and put it back afterwards.
package tomlutil

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Span is a half-open byte range [Start, End) of Document.Src.
type Span struct{ Start, End int }

// Len is the number of bytes in s.
func (s Span) Len() int { return s.End - s.Start }

// Table is a [table] or [[array table]] header.
type Table struct {
	Key    []string // decoded key parts: ["server"] for [ "server" ]
	Array  bool     // [[...]]
	Header Span     // from the first '[' to the last ']'
	Line   Span     // the header's whole line, line ending included
	Body   Span     // from the end of Line to the start of the next header's line, or the end of input
}

// Entry is a key/value pair: a top-level one or one inside an inline table.
type Entry struct {
	Table  int      // index into Document.Tables of the table it is under; -1 for the root
	Parent int      // index into Document.Entries of the enclosing inline table's entry; -1 at top level
	Path   []string // full decoded key: the table's key, the parents' keys, then Key
	Key    []string // the decoded key parts as written here (several for a dotted key)
	KeyRaw []Span   // the spans of those key parts, quotes included
	Value  Span     // the value as written, quotes or brackets included
	Kind   Kind     // the value's type
	Lines  Span     // top level only: the whole lines the pair covers, trailing comment and line ending included
}

// Kind is the type of a value as written: a string in any of its four
// quotings, an integer in any base, and so on.
type Kind int

// The kinds of value. The zero Kind is none of them.
const (
	String        Kind = iota + 1 // "basic", 'literal', or either multi-line
	Integer                       // 42, 0x2A, 0o52, 0b101010, 1_000
	Float                         // 3.14, 1e6, inf, nan
	Bool                          // true or false
	DateTime                      // an offset date-time: 1979-05-27T07:32:00Z
	LocalDateTime                 // 1979-05-27T07:32:00
	LocalDate                     // 1979-05-27
	LocalTime                     // 07:32:00
	Array                         // [ ... ]
	InlineTable                   // { ... }
)

var kindNames = [...]string{
	String: "String", Integer: "Integer", Float: "Float", Bool: "Bool",
	DateTime: "DateTime", LocalDateTime: "LocalDateTime", LocalDate: "LocalDate", LocalTime: "LocalTime",
	Array: "Array", InlineTable: "InlineTable",
}

// String returns the kind's name: "String", "InlineTable"; "Kind(0)" for
// the zero Kind.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// kindOf converts the go-toml parser's kind of a value node.
func kindOf(k unstable.Kind) Kind {
	switch k {
	case unstable.String:
		return String
	case unstable.Integer:
		return Integer
	case unstable.Float:
		return Float
	case unstable.Bool:
		return Bool
	case unstable.DateTime:
		return DateTime
	case unstable.LocalDateTime:
		return LocalDateTime
	case unstable.LocalDate:
		return LocalDate
	case unstable.LocalTime:
		return LocalTime
	case unstable.Array:
		return Array
	case unstable.InlineTable:
		return InlineTable
	}
	return 0
}

// Comment is a comment that stands alone on its line.
type Comment struct {
	Table int  // index into Document.Tables of the table whose region holds it; -1 for the root
	Text  Span // from '#' to the end of the line, line ending excluded
	Line  Span // the whole line, line ending included
}

// Document is the layout of a valid TOML document.
type Document struct {
	Src      []byte
	Tables   []Table
	Entries  []Entry
	Comments []Comment
	Values   map[string]any // the decoded document
	// NotTOML10 are the places where the document is not TOML 1.0 but
	// WSO2's parser reads it, in the order of Src: what View substituted,
	// and inline tables added to later.
	NotTOML10 []Substitution
}

// SyntaxError is a document that is not valid TOML, with the place where the
// problem was found.
type SyntaxError struct {
	Line, Column int // 1-based; Column counts bytes
	Msg          string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Parse validates src as TOML and returns its layout and its values. src
// must not start with a byte order mark (see SplitBOM).
//
// It reads src through View, so that the bytes WSO2's parser reads and
// go-toml does not are read as View substitutes them; doc.Src is src, and
// every span in doc is a span of src.
func Parse(src []byte) (*Document, error) {
	view, subst := View(src)
	doc := &Document{Src: src}
	if values, ok := fast(view, doc); ok {
		doc.Values, doc.NotTOML10 = values, mergeSubst(subst, nil)
		doc.setBodies()
		return doc, nil
	}
	// Something is wrong, or an inline table is extended later: go-toml's
	// decoder says what, in its words, and reads the extended table.
	return parseSlow(src, view, subst)
}

// parseSlow is Parse by go-toml's decoder (the values, and the errors
// Parse gives) and a second pass for the layout.
func parseSlow(src, view []byte, subst []Substitution) (*Document, error) {
	values, extended, err := decode(view)
	if err != nil {
		return nil, err
	}
	doc := &Document{Src: src, Values: values}
	doc.NotTOML10 = mergeSubst(subst, extended)
	p := unstable.Parser{KeepComments: true}
	p.Reset(view)
	table := -1 // the index in doc.Tables of the table being read; -1 at the root
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			doc.addTable(n, n.Kind == unstable.ArrayTable, nil)
			table = len(doc.Tables) - 1
		case unstable.KeyValue:
			var prefix []string
			if table >= 0 {
				prefix = doc.Tables[table].Key
			}
			doc.addEntry(n, table, -1, prefix, nil)
		case unstable.Comment:
			start := int(n.Raw.Offset)
			line := LineAt(src, start)
			if isBlank(src[line.Start:start]) {
				doc.Comments = append(doc.Comments, Comment{Table: table, Text: span(n.Raw), Line: line})
			}
		}
	}
	if err := p.Error(); err != nil {
		// Decode accepted the document, so this is go-toml's two parsers
		// disagreeing: report it rather than work on a partial layout.
		return nil, fmt.Errorf("tomlutil: layout parser rejected a document the decoder accepted: %w", err)
	}
	doc.setBodies()
	return doc, nil
}

// setBodies sets each table's Body: to the next header's line.
func (d *Document) setBodies() {
	for i := range d.Tables {
		end := len(d.Src)
		if i+1 < len(d.Tables) {
			end = d.Tables[i+1].Line.Start
		}
		d.Tables[i].Body = Span{d.Tables[i].Line.End, end}
	}
}

// Decode returns the values of src, or a *SyntaxError when it is not valid
// TOML, duplicate keys and tables included. Like Parse, it reads src
// through View and takes an inline table that later keys add to.
func Decode(src []byte) (map[string]any, error) {
	view, _ := View(src)
	if v, ok := fast(view, nil); ok {
		return v, nil
	}
	v, _, err := decode(view)
	return v, err
}

// decode is Decode of a view, and the inline tables added to later.
func decode(view []byte) (map[string]any, []Substitution, error) {
	v, err := unmarshal(view)
	if err == nil {
		return v, nil, nil
	}
	// go-toml refuses an inline table added to later ("key server already
	// exists as a value"); cava-toml takes it: read it as dotted keys.
	if flat, extended := extendedInline(view); extended != nil {
		if v, ferr := unmarshal(flat); ferr == nil {
			return v, extended, nil
		}
	}
	return nil, nil, err
}

// mergeSubst merges two lists of substitutions, each in the order of the
// document, into one.
func mergeSubst(a, b []Substitution) []Substitution {
	out := make([]Substitution, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Span.Start <= b[0].Span.Start {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(append(out, a...), b...)
	if len(out) == 0 {
		return nil
	}
	return out
}

// unmarshal decodes src with go-toml, its errors as *SyntaxError.
func unmarshal(src []byte) (map[string]any, error) {
	v := map[string]any{}
	err := toml.Unmarshal(src, &v)
	if err == nil {
		return v, nil
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return nil, &SyntaxError{Line: line, Column: col, Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	}
	return nil, &SyntaxError{Line: 1, Column: 1, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

func span(r unstable.Range) Span {
	return Span{int(r.Offset), int(r.Offset + r.Length)}
}

func (d *Document) addTable(n *unstable.Node, array bool, names names) {
	var key []string
	var first, last Span
	it := n.Key()
	for it.Next() {
		k := it.Node()
		key = append(key, names.of(k.Data))
		if len(key) == 1 {
			first = span(k.Raw)
		}
		last = span(k.Raw)
	}
	start := first.Start
	for start > 0 && d.Src[start-1] != '[' {
		start--
	}
	start-- // the '['
	if array {
		start--
	}
	end := last.End
	for end < len(d.Src) && d.Src[end] != ']' {
		end++
	}
	end++
	if array {
		end++
	}
	d.Tables = append(d.Tables, Table{
		Key:    key,
		Array:  array,
		Header: Span{start, end},
		Line:   LineAt(d.Src, start),
	})
}

func (d *Document) addEntry(n *unstable.Node, table, parent int, prefix []string, names names) {
	e := Entry{Table: table, Parent: parent}
	it := n.Key()
	for it.Next() {
		k := it.Node()
		e.Key = append(e.Key, names.of(k.Data))
		e.KeyRaw = append(e.KeyRaw, span(k.Raw))
	}
	e.Path = append(append(make([]string, 0, len(prefix)+len(e.Key)), prefix...), e.Key...)
	raw := span(n.Raw)
	e.Value = valueSpan(d.Src, e.KeyRaw[len(e.KeyRaw)-1].End, raw.End)
	e.Kind = kindOf(n.Value().Kind)
	if parent < 0 {
		e.Lines = Span{LineAt(d.Src, raw.Start).Start, LineAt(d.Src, raw.End).End}
	}
	d.Entries = append(d.Entries, e)
	self := len(d.Entries) - 1
	if e.Kind == InlineTable {
		ch := n.Value().Children()
		for ch.Next() {
			// TOML 1.1 allows comments in a multi-line inline table.
			if ch.Node().Kind == unstable.KeyValue {
				d.addEntry(ch.Node(), table, self, e.Path, names)
			}
		}
	}
}

// Find returns the index of the entry whose full path is path, or -1.
func (d *Document) Find(path ...string) int {
	for i, e := range d.Entries {
		if slices.Equal(e.Path, path) {
			return i
		}
	}
	return -1
}

// FindTable returns the index of the [table] (not array table) header whose
// key is key, or -1.
func (d *Document) FindTable(key ...string) int {
	for i, t := range d.Tables {
		if !t.Array && slices.Equal(t.Key, key) {
			return i
		}
	}
	return -1
}

// LineAt returns the line holding byte off: from the byte after the previous
// '\n' to the byte after the next '\n' (or the end of src).
func LineAt(src []byte, off int) Span {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := len(src)
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		end = off + i + 1
	}
	return Span{start, end}
}

// Position converts byte offset off into a 1-based line and byte column.
func Position(src []byte, off int) (line, col int) {
	line = bytes.Count(src[:off], []byte{'\n'}) + 1
	col = off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
	return line, col
}

// Positions converts byte offsets of src into lines and columns as
// Position does, counting on from the offset asked before: offsets asked in
// the order of the file cost the bytes between them, not the bytes before
// each (a loop of Position over a file's entries is quadratic).
type Positions struct {
	src                  []byte
	off, line, lineStart int
}

// NewPositions returns a Positions for src.
func NewPositions(src []byte) *Positions { return &Positions{src: src, line: 1} }

// At is Position(src, off).
func (p *Positions) At(off int) (line, col int) {
	if off < p.off {
		p.off, p.line, p.lineStart = 0, 1, 0
	}
	seg := p.src[p.off:off]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		p.line += n
		p.lineStart = p.off + bytes.LastIndexByte(seg, '\n') + 1
	}
	p.off = off
	return p.line, off - p.lineStart + 1
}

// Indent returns the blanks (spaces and tabs) that start the line at lineStart.
func Indent(src []byte, lineStart int) []byte {
	i := lineStart
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return src[lineStart:i]
}

// LineEnding returns the line ending to use for a line added near byte off:
// that of the line holding off when it has one, else the first one in src,
// else "\n".
func LineEnding(src []byte, off int) string {
	l := LineAt(src, min(off, len(src)))
	if l.End > l.Start && src[l.End-1] == '\n' {
		if l.End-2 >= l.Start && src[l.End-2] == '\r' {
			return "\r\n"
		}
		return "\n"
	}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// SplitBOM splits a leading UTF-8 byte order mark off src.
func SplitBOM(src []byte) (bom, rest []byte) {
	if bytes.HasPrefix(src, utf8BOM) {
		return src[:len(utf8BOM)], src[len(utf8BOM):]
	}
	return nil, src
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// Separator returns the spacing style of e's '=': the blanks before it, '=',
// and the blanks after it, each run of blanks reduced to one space. An entry
// written "key=value" gives "="; "key   =  value" gives " = ".
func (d *Document) Separator(e Entry) string {
	return separator(d.Src[e.KeyRaw[len(e.KeyRaw)-1].End:e.Value.Start])
}

func separator(between []byte) string {
	eq := bytes.IndexByte(between, '=')
	s := "="
	if eq > 0 {
		s = " " + s
	}
	if eq+1 < len(between) {
		s += " "
	}
	return s
}

// valueSpan returns the span of a pair's value: from the first non-blank byte
// after the '=' that follows keyEnd, to the pair's end. go-toml gives arrays
// no range of their own, so the value is found from the pair instead.
func valueSpan(src []byte, keyEnd, pairEnd int) Span {
	v := keyEnd + bytes.IndexByte(src[keyEnd:pairEnd], '=') + 1
	for src[v] == ' ' || src[v] == '\t' {
		v++
	}
	return Span{v, pairEnd}
}

// CommentedEntry is a key/value pair that has been commented out, such as
// "#offset=0" or "  # offset  = 10  # default".
type CommentedEntry struct {
	Comment Comment
	Key     []string // the decoded key parts
	Body    Span     // from the first byte after '#' and the blanks after it to the end of the text
	KeyEnd  int      // the end of the last key part
	Value   Span     // the value as written
	Kind    Kind     // the value's type
}

// Commented reads c as a commented-out key/value pair: the text after '#'
// must be exactly one TOML key/value pair, optionally followed by a comment.
// Prose that mentions a key ("# offset shifts every port") is not one.
func (d *Document) Commented(c Comment) (CommentedEntry, bool) {
	start := c.Text.Start + 1 // past '#'
	for start < c.Text.End && (d.Src[start] == ' ' || d.Src[start] == '\t') {
		start++
	}
	// The comment as written, not its view: a comment that holds what View
	// substitutes is no key/value pair once uncommented.
	body := d.Src[start:c.Text.End]
	var p unstable.Parser
	p.Reset(body)
	if !p.NextExpression() {
		return CommentedEntry{}, false
	}
	n := p.Expression()
	if n.Kind != unstable.KeyValue {
		return CommentedEntry{}, false
	}
	ce := CommentedEntry{Comment: c, Body: Span{start, c.Text.End}, Kind: kindOf(n.Value().Kind)}
	it := n.Key()
	for it.Next() {
		k := it.Node()
		ce.Key = append(ce.Key, string(k.Data))
		ce.KeyEnd = start + int(k.Raw.Offset+k.Raw.Length)
	}
	pairEnd := start + int(n.Raw.Offset+n.Raw.Length)
	if p.NextExpression() || p.Error() != nil {
		return CommentedEntry{}, false
	}
	ce.Value = valueSpan(d.Src, ce.KeyEnd, pairEnd)
	return ce, true
}
