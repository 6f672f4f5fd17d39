// Package patcher sets the port offset of a WSO2 server in the bytes of a
// deployment.toml, changing only the bytes that must change.
//
// It works on bytes: files, terminals and flags are the caller's business.
// [Offset] reads the offset a file gives the server; [Set] returns the file
// with the offset set to N and says what it did.
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
// # Templates
//
// A Helm, Jinja or ERB template is read with its placeholders masked and
// patched with them kept (see [Format]); by default a file is taken for a
// template when its markup forms placeholders.
//
// # Safety
//
// Input that is not valid TOML (duplicate keys and tables included), that is
// not UTF-8, holds NUL bytes, is larger than [MaxSize], or holds more
// table headers, keys or nesting than any deployment.toml needs (bounds that
// keep the time and memory of every input linear in its size) is refused with an
// [*Error] that wraps one of the Err values. Every result is decoded again
// before it is returned: server.offset must be N and every other value must
// equal the input's, or Set returns an error wrapping [ErrVerify].
package patcher

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/parsecount"
	"github.com/apim-offset/apim-offset/tomlutil"
)

// MaxSize is the largest input accepted, in bytes: 1 MiB. The largest real
// deployment.toml known is 56 KB.
const MaxSize = 1 << 20

// MaxOffset is the largest offset Set accepts: no port can go past 65535.
// Product limits are smaller; they are the caller's to check.
const MaxOffset = 65535

// Errors that an *Error wraps, for errors.Is. Some are kinds of others:
// ErrDuplicate is an ErrSyntax; ErrBranch and ErrBlock are ErrTemplate.
var (
	ErrTooLarge = errors.New("file too large")
	// ErrTooComplex is a file with more table headers, keys or nesting
	// than the parser's bounds allow: far more than any deployment.toml
	// has, and more than can be parsed in time linear in the file's size.
	ErrTooComplex = errors.New("file too complex")
	ErrBinary     = errors.New("not a text file")
	ErrEncoding   = errors.New("not UTF-8 text")
	ErrTemplate   = errors.New("template markup that cannot be read")
	ErrBranch     = &kind{"offset set in a later branch of a template", ErrTemplate}
	ErrBlock      = &kind{"offset would go inside a template's control block", ErrTemplate}
	ErrSyntax     = errors.New("invalid TOML")
	ErrDuplicate  = &kind{"a key or table defined twice", ErrSyntax}
	ErrShape      = errors.New("server or server.offset has the wrong type")
	ErrValue      = errors.New("offset is not a number")
	ErrRange      = errors.New("offset out of range")
	ErrVerify     = errors.New("internal check of the result failed")
)

// kind is an error that is a kind of a more general one.
type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string { return k.msg }
func (k *kind) Unwrap() error { return k.parent }

// Error is a problem with the input, with its place when it has one.
type Error struct {
	Line, Column int // 1-based, column in bytes; 0 when not tied to a place
	Msg          string
	Err          error // one of the Err values above
	// Template tells that the input was read as a template, its
	// placeholders masked.
	Template bool
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
	SourceCommented Source = "commented" // only a commented-out assignment; the server uses its default
	SourceAbsent    Source = "absent"    // neither; the server uses its default
	// SourcePlaceholder is an offset key/value whose value is not a whole
	// number: a template placeholder, "$env{OFFSET}", a float. Offset is 0.
	SourcePlaceholder Source = "placeholder"
)

// Current is the offset a file gives the server.
type Current struct {
	Offset int    // the offset set: 0 unless Source is SourceSet
	Source Source //
	Line   int    // 1-based line of the value or commented assignment; 0 when absent
	Raw    string // the value as written ("0", "\"2\"", "0x1"), or the commented line's text
	// Template tells that the file was read as a template.
	Template bool
}

// Action is what Set did.
type Action string

const (
	Unchanged   Action = "unchanged"   // the server already runs at N: the file sets it (in any spelling), or sets none and N is the default
	Replaced    Action = "replaced"    // rule 1: the value was replaced
	Uncommented Action = "uncommented" // rule 2: a commented-out assignment was uncommented
	Inserted    Action = "inserted"    // rule 3: a key/value was added to the server table
	AddedTable  Action = "added-table" // rule 4: a [server] table was added
)

// Format says how to read the input.
type Format int

const (
	// Auto reads a file as a template when its markup forms placeholders
	// ({{ … }}, {% … %}, {# … #}, <% … %>), and as plain TOML otherwise:
	// a password holding "<%" in a valid TOML file is text.
	Auto Format = iota
	// Plain reads the file as plain TOML, whatever it holds.
	Plain
	// Template reads the file as a Helm, Jinja or ERB template: its
	// placeholders are masked while it is parsed and patched, and put back
	// unchanged.
	Template
)

// Options ask for more than the offset. A nil *Options is the zero value.
type Options struct {
	Format Format

	// KeepPlaceholder leaves an offset that is a template placeholder as it
	// is, instead of replacing it with the number.
	KeepPlaceholder bool

	// ShiftLiterals, when not empty, are the product's default ports that
	// are on and move with the offset: the URLs that use one of them and
	// are this server's alone (see LiteralPorts) move to the new offset in
	// the same edit. Ambiguous ones and other servers' stay, listed in
	// Result.Kept.
	ShiftLiterals []int

	// Others are the other servers on this host, whose ports tell a URL to
	// them from one to this server (see File.Literals).
	Others []Server

	// Schemes are the URL schemes each default port serves ("https" for
	// 9443): a URL on no known server's port that is one of them of the
	// same scheme moved by a small offset is read as left behind (Stale).
	Schemes map[int]string

	// OtherKeys are the keys (as key paths, each a prefix) whose URLs name
	// another package's server, never this one's: a control plane's
	// [[apim.gateway.environment]] endpoints are the gateway's.
	OtherKeys [][]string

	// DefaultOffset is the offset the server uses when the file sets none
	// (Micro Integrator's is 10): setting it to a file that sets none, or
	// only in a comment, changes nothing, and literal ports are taken to be
	// at it then.
	DefaultOffset int
}

// Shifted is a literal port Set moved.
type Shifted struct {
	LiteralPort
	To int // the port written now
}

// Result is the outcome of Set.
type Result struct {
	Output  []byte    // the new file; the input itself when nothing changed
	Changed bool      // Output differs from the input
	Action  Action    // what was done to the offset
	From    Current   // the offset before
	To      int       // the offset after
	Line    int       // 1-based line of the offset in Output
	Shifted []Shifted // literal ports moved, with Options.ShiftLiterals
	// Kept are the literal ports left as they were with
	// Options.ShiftLiterals: other servers' (Owner), unless the port is
	// this server's at the file's offset too.
	Kept []LiteralPort

	// Placeholder is the template placeholder the offset was, as written,
	// or "": replaced by the number, or kept with Options.KeepPlaceholder.
	Placeholder string

	// Warnings are things the caller should tell the user: the edit was
	// made, but may not do all they expect.
	Warnings []Warning

	file *File // Output, parsed: File()
}

// Problem is a construct that WSO2's own TOML parser (cava-toml 0.5, in
// its config-mapper) refuses or that stops the server at start-up.
type Problem struct {
	Line, Column int    // 1-based, in the text after a byte order mark
	Construct    string // a stable id: "bom", "mixed-array", "subtable-before-table", ...
	Msg          string // what is there
	Effect       string // what WSO2 does with it
	Fix          string // how to write it so that WSO2 takes it
}

func (p Problem) String() string {
	return fmt.Sprintf("%d:%d: %s: %s; %s", p.Line, p.Column, p.Msg, p.Effect, p.Fix)
}

// Warning is a note about the input, with its place.
type Warning struct {
	Line, Column int
	Msg          string
	// Code is a stable id: "placeholder-replaced" (an offset that was not a
	// number gave way to N), "not-toml-1.0" (what WSO2 reads but TOML 1.0
	// does not, kept as it is).
	Code string
}

// Set returns src with the server's offset set to n: Parse, then
// [File.Set]. opt.Format says how to read src.
func Set(src []byte, n int, opt *Options) (Result, error) {
	f, err := Parse(src, options(opt).Format)
	if err != nil {
		return Result{}, err
	}
	return f.Set(n, opt)
}

// Offset returns the offset the file gives the server. A value that is
// not a whole number as WSO2 reads it (a placeholder, "two", 2.0) is an
// error wrapping ErrValue, returned with the Current that describes it.
func (in *File) Offset() (Current, error) { return in.current() }

// Template tells that the file was read as a template, its placeholders
// masked.
func (in *File) Template() bool { return in.tmpl != nil }

// Values are the file's decoded values (a template's with its
// placeholders masked: a masked value is no number), as the port table
// reads them.
func (in *File) Values() map[string]any { return in.doc.Values }

// Set returns the file with the server's offset set to n. opt.Format is
// not used: the file was read as Parse was told.
//
// It plans the edit by the rules above, applies the placeholder policy of a
// template, adds the literal ports to shift, splices, and checks the result.
func (in *File) Set(n int, opt *Options) (Result, error) {
	o := options(opt)
	if n < 0 || n > MaxOffset {
		return Result{}, &Error{Msg: fmt.Sprintf("offset %d is out of range 0..%d", n, MaxOffset), Err: ErrRange}
	}
	src := in.src
	from, valueErr := in.current()
	placeholder := errors.Is(valueErr, ErrValue) // "$env{OFFSET}" and the like are replaced, with a warning
	if valueErr != nil && !placeholder {
		return Result{}, valueErr
	}
	e := edit{action: Unchanged} // no bytes: the server already runs at n
	if !already(from, n, o.DefaultOffset) {
		var err error
		if e, err = plan(in.doc, n, in.inBlock); err != nil {
			return Result{}, in.located(err)
		}
	}
	res := Result{Action: e.action, From: from, To: n, Warnings: in.NotTOML10()}
	if in.placeholderPolicy(&e, &res, n, o.KeepPlaceholder) {
		placeholder = false
	} else if placeholder {
		res.Warnings = append(res.Warnings, replacedWarning(valueErr, from, n))
	}
	body := in.doc.Src
	if bytes.Equal(body[e.at.Start:e.at.End], e.text) {
		res.Action = Unchanged
	}
	res.Line = from.Line
	if e.text != nil {
		res.Line, _ = tomlutil.Position(body, e.at.Start)
		res.Line += bytes.Count(e.text[:e.valueAt], []byte{'\n'})
	}
	old := o.DefaultOffset
	if from.Source == SourceSet && !placeholder {
		old = from.Offset
	}
	edits, shift := in.shiftLiterals(e, n, old, o, &res)
	found := in.dialect()
	masked := splice(body, edits)
	out := in.restore(masked)
	if bytes.Equal(out, src) {
		res.Output, res.file = src, in
		return res, nil
	}
	res.Output, res.Changed = out, true
	if err := limits(out, masked, in.tmpl != nil); err != nil {
		return Result{}, err // a result this tool could not read back
	}
	keep := res.Placeholder != "" && o.KeepPlaceholder // only literal ports moved
	file, err := in.check(out, masked, n, keep, shift, found)
	if err != nil {
		return Result{}, &Error{Msg: err.Error(), Err: ErrVerify}
	}
	res.file = file
	return res, nil
}

// limits refuses a result that the input's own bounds would refuse when
// it is read back: larger than MaxSize, or beyond the bounds on headers,
// keys and nesting (an inserted line can cross one). Nothing is written.
func limits(out, masked []byte, template bool) error {
	if len(out) > MaxSize {
		return &Error{Msg: fmt.Sprintf("the result would be larger than %d MiB, the most this tool reads back", MaxSize>>20), Err: ErrTooLarge}
	}
	if err := tomlutil.CheckLimits(masked); err != nil {
		var le *tomlutil.LimitError
		if errors.As(err, &le) {
			return &Error{Msg: "the result would hold " + le.Msg + ", which this tool could not read back", Err: ErrTooComplex, Template: template}
		}
		return err
	}
	return nil
}

// check parses out, the file made from this one (masked, its text as
// parsed), and checks it (verify, sameDialect): the result check. The
// parsed result answers questions about the new file (Result.File).
func (in *File) check(out, masked []byte, n int, keep bool, shift *shifter, found []dialect.Finding) (*File, error) {
	parsecount.Add()
	doc, err := tomlutil.Parse(masked)
	if err != nil {
		return nil, fmt.Errorf("the patched file does not parse: %v", err)
	}
	if err := verify(in.doc.Values, doc.Values, n, keep, shift); err != nil {
		return nil, err
	}
	file := &File{src: out, bom: in.bom, doc: doc, tmpl: in.tmpl}
	if err := sameDialect(found, file.dialect()); err != nil {
		return nil, err
	}
	return file, nil
}

// File is the file Set returned, parsed: the input itself when nothing
// changed. Its answers (Offset, Problems, Literals, Values) are the new
// file's; for a template whose edit added a line, Set it through a new
// Parse of Output.
func (r Result) File() *File { return r.file }

// already tells whether the file gives the server offset n: a value that
// reads as n in any spelling (0x7, "07", +7), or no value and n is the
// default.
func already(from Current, n, defaultOffset int) bool {
	switch from.Source {
	case SourceSet:
		return from.Offset == n
	case SourceCommented, SourceAbsent:
		return n == defaultOffset
	}
	return false
}

func options(opt *Options) Options {
	if opt == nil {
		return Options{}
	}
	return *opt
}

// replacedWarning says that a value that was not a whole number, reported
// by err, gives way to n.
func replacedWarning(err error, from Current, n int) Warning {
	var pe *Error
	errors.As(err, &pe)
	was := "not a whole number"
	if strings.Contains(from.Raw, "$") {
		was = "which WSO2 resolves at start-up"
	}
	return Warning{Line: pe.Line, Column: pe.Column, Code: "placeholder-replaced",
		Msg: fmt.Sprintf("server.offset was %s, %s; the number %d replaces it", from.Raw, was, n)}
}

// shiftLiterals adds to e the edits that move this server's literal ports
// (o.ShiftLiterals, the file being at offset old) to offset n, and records
// them in res, with the ones it keeps. It returns the edits and the shift
// that verify applies to decoded strings, nil when there is none.
func (in *File) shiftLiterals(e edit, n, old int, o Options, res *Result) ([]edit, *shifter) {
	edits := []edit{e}
	if len(o.ShiftLiterals) == 0 {
		return edits, nil
	}
	m := newMatcher(in.doc, o.ShiftLiterals, old, o)
	m.takeDefault = true // asked for: a port left at the default offset is this server's unless another claims it
	for _, l := range m.find(in.doc) {
		if l.at.Start <= e.at.End && e.at.Start <= l.at.End {
			continue // inside the offset's own value, which e replaces
		}
		if !m.moves(l) {
			res.Kept = append(res.Kept, l)
			continue
		}
		if to := l.Default + n; to != l.Port {
			edits = append(edits, edit{at: l.at, text: []byte(strconv.Itoa(to))})
			res.Shifted = append(res.Shifted, Shifted{LiteralPort: l, To: to})
		}
	}
	return edits, &shifter{fn: func(s string) string { return m.shift(s, n) }, skip: o.OtherKeys}
}

// splice returns body with the edits made; they must not overlap.
func splice(body []byte, edits []edit) []byte {
	slices.SortFunc(edits, func(a, b edit) int { return a.at.Start - b.at.Start })
	size := len(body)
	for _, e := range edits {
		size += len(e.text) - e.at.Len()
	}
	out := make([]byte, 0, size)
	prev := 0
	for _, e := range edits {
		out = append(out, body[prev:e.at.Start]...)
		out = append(out, e.text...)
		prev = e.at.End
	}
	return append(out, body[prev:]...)
}
