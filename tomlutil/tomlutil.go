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
// server at start-up. The byte ranges come from go-toml's unstable parser,
// which sees the same text but does not check duplicates.
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
	Kind   unstable.Kind
	Lines  Span // top level only: the whole lines the pair covers, trailing comment and line ending included
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
	Values   map[string]any // the decoded document (with ParseOnly, its kept names only)
}

// SyntaxError is a document that is not valid TOML, with the place where the
// problem was found.
type SyntaxError struct {
	Line, Column int // 1-based; Column counts bytes
	Msg          string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Parse validates src as TOML and returns its layout. src must not start with
// a byte order mark (see SplitBOM).
func Parse(src []byte) (*Document, error) { return parse(src, nil) }

// ParseOnly is Parse for a caller that needs the layout of a few top-level
// names only: Tables holds their tables and the document's first table,
// Entries the key/value pairs under those tables and the root ones whose
// key starts with a name, Comments the comments under those tables and
// before the first table, and Values their values. The whole document is
// checked all the same. On a large file it takes a fraction of Parse's
// memory.
func ParseOnly(src []byte, names ...string) (*Document, error) {
	return parse(src, func(name string) bool { return slices.Contains(names, name) })
}

// parse is Parse keeping what keep accepts, everything when keep is nil.
func parse(src []byte, keep func(string) bool) (*Document, error) {
	values, err := decode(src, keep)
	if err != nil {
		return nil, err
	}
	doc := &Document{Src: src, Values: values}
	kept := func(name string) bool { return keep == nil || keep(name) }
	p := unstable.Parser{KeepComments: true}
	p.Reset(src)
	table := -1   // the index in doc.Tables of the table being read; -1 at the root
	skip := false // the table being read is not kept
	open := -1    // a kept table whose Body is still open, or -1
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := n.Key()
			it.Next()
			start := LineAt(src, int(it.Node().Raw.Offset)).Start
			if open >= 0 {
				doc.Tables[open].Body.End = start
				open = -1
			}
			if skip = !kept(string(it.Node().Data)) && len(doc.Tables) > 0; skip {
				continue
			}
			doc.addTable(n, n.Kind == unstable.ArrayTable)
			table = len(doc.Tables) - 1
			open = table
		case unstable.KeyValue:
			if skip {
				continue
			}
			var prefix []string
			if table >= 0 {
				prefix = doc.Tables[table].Key
			} else if it := n.Key(); it.Next() && !kept(string(it.Node().Data)) {
				continue
			}
			doc.addEntry(n, table, -1, prefix)
		case unstable.Comment:
			if skip {
				continue
			}
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
	if open >= 0 {
		doc.Tables[open].Body.End = len(src)
	}
	for i := range doc.Tables {
		doc.Tables[i].Body.Start = doc.Tables[i].Line.End
	}
	return doc, nil
}

// Decode returns the values of src, or a *SyntaxError when it is not valid
// TOML, duplicate keys and tables included.
//
// go-toml's decoder checks duplicates by scanning every key it has seen
// under the same parent, which is quadratic in the number of tables. A large
// document is therefore decoded in parts, one for each top-level name (see
// Split): the keys under one top-level name can never clash with those
// under another, so each part is checked alone, in linear time overall. The
// result, error included, is the same as decoding the whole
// (FuzzDecodeParts checks this).
func Decode(src []byte) (map[string]any, error) { return decode(src, nil) }

// decode is Decode keeping the values of the top-level names keep accepts
// (all when keep is nil); the rest is checked all the same.
func decode(src []byte, keep func(string) bool) (map[string]any, error) {
	var v map[string]any
	var err error
	if len(src) < partsFrom {
		v, err = decodeWhole(src)
	} else {
		v, err = decodeParts(src, keep)
	}
	if err != nil || keep == nil {
		return v, err
	}
	for k := range v {
		if !keep(k) {
			delete(v, k)
		}
	}
	return v, nil
}

// partsFrom is the size from which Decode decodes a document in parts.
const partsFrom = 64 << 10

// decodeWhole decodes src with one call of go-toml's decoder.
func decodeWhole(src []byte) (map[string]any, error) {
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

// Parts is a document split by top-level name: for each name, its root
// key/value lines, then its tables, each a run of whole lines of the
// document. Keys under different names cannot clash, so each part can be
// decoded, and compared, on its own.
type Parts struct {
	src   []byte
	parts map[string]*part
	names []string // in the order they first appear
}

type part struct {
	spans []Span
	one   [1]Span // spans' first backing array: most names have one run of lines
	size  int
}

// Split splits src by top-level name. It reports a syntax error (as a
// *SyntaxError placed in src), not a duplicate key: decode the parts for
// that.
func Split(src []byte) (*Parts, error) {
	ps, read, perr := split(src)
	if perr != nil {
		return nil, syntaxError(src, perr, read)
	}
	return ps, nil
}

// split splits src, and on a syntax error returns the parts read before it,
// the end of the last expression read, and the parser's error.
func split(src []byte) (ps *Parts, read int, perr *syntaxAt) {
	ps = newParts(src)
	read, perr = scan(src, func(name []byte, s Span) { ps.add(string(name), s) })
	return ps, read, perr
}

func newParts(src []byte) *Parts { return &Parts{src: src, parts: map[string]*part{}} }

// add adds a run of lines to name's part.
func (ps *Parts) add(name string, s Span) {
	p := ps.parts[name]
	if p == nil {
		p = &part{}
		p.spans = p.one[:0]
		ps.parts[name] = p
		ps.names = append(ps.names, name)
	}
	p.spans = append(p.spans, s)
	p.size += s.Len()
}

// scan calls emit with the top-level name of each root key/value's lines
// and each table's run of lines, in the order they come. On a syntax error
// it returns the end of the last expression read and the parser's error.
func scan(src []byte, emit func(name []byte, s Span)) (read int, perr *syntaxAt) {
	var p unstable.Parser
	p.Reset(src)
	var tableName []byte // the top-level name of the table being read
	tableStart := -1     // where that table's lines start; -1 before the first
	endTable := func(end int) {
		if tableStart >= 0 {
			emit(tableName, Span{tableStart, end})
		}
	}
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := n.Key()
			it.Next()
			first := it.Node()
			last := first
			for it.Next() {
				last = it.Node()
			}
			start := LineAt(src, int(first.Raw.Offset)).Start
			endTable(start)
			tableName, tableStart = append(tableName[:0], first.Data...), start
			read = headerEnd(src, int(last.Raw.Offset+last.Raw.Length), n.Kind == unstable.ArrayTable)
		case unstable.KeyValue:
			raw := span(n.Raw)
			read = raw.End
			if tableStart >= 0 {
				continue // inside the table's run of lines
			}
			it := n.Key()
			it.Next()
			emit(it.Node().Data, Span{LineAt(src, raw.Start).Start, LineAt(src, raw.End).End})
		}
	}
	if err := p.Error(); err != nil {
		off := len(src)
		var pe *unstable.ParserError
		if errors.As(err, &pe) && pe.Highlight != nil {
			off = int(p.Range(pe.Highlight).Offset)
		}
		return read, &syntaxAt{off: off, msg: err.Error()}
	}
	endTable(len(src))
	return read, nil
}

// Changed splits other, the same document changed, and compares it with ps
// as it goes, without keeping other's parts: it returns the names whose
// text differs between the two, those only one has included, and the parts
// of other for those names. A syntax error in other is returned as Split
// returns it.
func (ps *Parts) Changed(other []byte) (names []string, changed *Parts, err error) {
	seen := make(map[string]int, len(ps.names)) // bytes of each name's text matched so far
	differs := map[string]bool{}
	read, perr := scan(other, func(name []byte, s Span) {
		k := string(name)
		if differs[k] {
			return
		}
		done := seen[k]
		p := ps.parts[k]
		if p == nil || !p.matches(ps.src, done, other[s.Start:s.End]) {
			differs[k] = true
			return
		}
		seen[k] = done + s.Len()
	})
	if perr != nil {
		return nil, nil, syntaxError(other, perr, read)
	}
	for _, name := range ps.names {
		if !differs[name] && seen[name] != ps.parts[name].size {
			differs[name] = true // other has less of it
		}
	}
	changed = newParts(other)
	scan(other, func(name []byte, s Span) {
		if differs[string(name)] {
			changed.add(string(name), s)
		}
	})
	for _, name := range ps.names {
		if differs[name] {
			names = append(names, name)
		}
	}
	for _, name := range changed.names {
		if ps.parts[name] == nil {
			names = append(names, name)
		}
	}
	return names, changed, nil
}

// matches reports whether b is the part's text from byte from on.
func (p *part) matches(src []byte, from int, b []byte) bool {
	if from+len(b) > p.size {
		return false
	}
	for _, s := range p.spans {
		if from >= s.Len() {
			from -= s.Len()
			continue
		}
		n := min(s.Len()-from, len(b))
		if !bytes.Equal(src[s.Start+from:s.Start+from+n], b[:n]) {
			return false
		}
		b, from = b[n:], 0
		if len(b) == 0 {
			return true
		}
	}
	return len(b) == 0
}

// syntaxAt is the unstable parser's error at byte off.
type syntaxAt struct {
	off int
	msg string
}

// syntaxError is the error decoding src whole gives when the parser stops
// at s: an earlier error in what was read before it (up to read), if any,
// or s.
func syntaxError(src []byte, s *syntaxAt, read int) error {
	if _, err := decodeParts(src[:read], nil); err != nil {
		return err
	}
	line, col := Position(src, s.off)
	return &SyntaxError{Line: line, Column: col, Msg: s.msg}
}

// Has reports whether there is a part for name.
func (ps *Parts) Has(name string) bool { return ps.parts[name] != nil }

// Names returns the top-level names in the order they first appear.
func (ps *Parts) Names() []string { return ps.names }

// Text returns the text of name's part, or nil when there is none.
func (ps *Parts) Text(name string) []byte {
	p := ps.parts[name]
	if p == nil {
		return nil
	}
	text := make([]byte, 0, p.size)
	for _, s := range p.spans {
		text = append(text, ps.src[s.Start:s.End]...)
	}
	return text
}

// Decode decodes name's part alone: its value, or the error in it, placed
// in the whole document.
func (ps *Parts) Decode(name string) (any, error) {
	p := ps.parts[name]
	if p == nil {
		return nil, nil
	}
	text := ps.Text(name)
	v, err := decodeWhole(text)
	if err != nil {
		se := err.(*SyntaxError)
		line, col := Position(ps.src, p.original(text, se.Line, se.Column))
		return nil, &SyntaxError{Line: line, Column: col, Msg: se.Msg}
	}
	return v[name], nil
}

// decodeParts decodes src one top-level name at a time, keeping the values
// of the names keep accepts (all when keep is nil). Of the parts that
// fail, the error earliest in src is the one decoding the whole would give.
func decodeParts(src []byte, keep func(string) bool) (map[string]any, error) {
	ps, read, perr := split(src)
	if perr != nil {
		return nil, syntaxError(src, perr, read)
	}
	values := map[string]any{}
	var first *SyntaxError
	for _, name := range ps.names {
		v, err := ps.Decode(name)
		if err != nil {
			se := err.(*SyntaxError)
			if first == nil || se.Line < first.Line || se.Line == first.Line && se.Column < first.Column {
				first = se
			}
			continue
		}
		if keep == nil || keep(name) {
			values[name] = v
		}
	}
	if first != nil {
		return nil, first
	}
	return values, nil
}

// headerEnd returns the end of a table header whose last key ends at off:
// past its ']' (or ']]').
func headerEnd(src []byte, off int, array bool) int {
	i := bytes.IndexByte(src[off:], ']')
	if i < 0 {
		return len(src)
	}
	off += i + 1
	if array && off < len(src) && src[off] == ']' {
		off++
	}
	return off
}

// original returns the offset in src of line:col of the part's text.
func (pt *part) original(text []byte, line, col int) int {
	off := 0
	for i := 1; i < line && off < len(text); i++ {
		nl := bytes.IndexByte(text[off:], '\n')
		if nl < 0 {
			off = len(text)
			break
		}
		off += nl + 1
	}
	off = min(off+col-1, len(text))
	for _, s := range pt.spans {
		if off < s.Len() || s == pt.spans[len(pt.spans)-1] {
			return s.Start + off
		}
		off -= s.Len()
	}
	return 0
}

func span(r unstable.Range) Span {
	return Span{int(r.Offset), int(r.Offset + r.Length)}
}

func (d *Document) addTable(n *unstable.Node, array bool) {
	var key []string
	var first, last Span
	it := n.Key()
	for it.Next() {
		k := it.Node()
		key = append(key, string(k.Data))
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

func (d *Document) addEntry(n *unstable.Node, table, parent int, prefix []string) {
	e := Entry{Table: table, Parent: parent}
	it := n.Key()
	for it.Next() {
		k := it.Node()
		e.Key = append(e.Key, string(k.Data))
		e.KeyRaw = append(e.KeyRaw, span(k.Raw))
	}
	e.Path = append(append([]string{}, prefix...), e.Key...)
	raw := span(n.Raw)
	e.Value = valueSpan(d.Src, e.KeyRaw[len(e.KeyRaw)-1].End, raw.End)
	e.Kind = n.Value().Kind
	if parent < 0 {
		e.Lines = Span{LineAt(d.Src, raw.Start).Start, LineAt(d.Src, raw.End).End}
	}
	d.Entries = append(d.Entries, e)
	self := len(d.Entries) - 1
	if e.Kind == unstable.InlineTable {
		ch := n.Value().Children()
		for ch.Next() {
			// TOML 1.1 allows comments in a multi-line inline table.
			if ch.Node().Kind == unstable.KeyValue {
				d.addEntry(ch.Node(), table, self, e.Path)
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
	Kind    unstable.Kind
}

// Commented reads c as a commented-out key/value pair: the text after '#'
// must be exactly one TOML key/value pair, optionally followed by a comment.
// Prose that mentions a key ("# offset shifts every port") is not one.
func (d *Document) Commented(c Comment) (CommentedEntry, bool) {
	start := c.Text.Start + 1 // past '#'
	for start < c.Text.End && (d.Src[start] == ' ' || d.Src[start] == '\t') {
		start++
	}
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
	ce := CommentedEntry{Comment: c, Body: Span{start, c.Text.End}, Kind: n.Value().Kind}
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
