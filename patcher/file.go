package patcher

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/parsecount"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
)

// File is a deployment.toml parsed once: every question asked of it (its
// offset, what WSO2's own parser refuses in it, its URLs with literal ports,
// its decoded values) and the edit that sets the offset ([File.Set]) work on
// this one reading. It does not change: Set returns new bytes.
type File struct {
	src  []byte // as given
	bom  []byte
	doc  *tomlutil.Document // the file after its byte order mark, or the masked template
	tmpl *tmplmask.Masked   // the template's placeholders; nil for plain TOML

	dialectOnce sync.Once
	found       []dialect.Finding // what package dialect finds in doc.Src
	problems    []Problem         // found, as the file has it: placeholders and a byte order mark put back
}

// Parse reads src as a deployment.toml: its byte order mark set aside, a
// template's placeholders masked as format says, within [MaxSize] and the
// bounds that keep parsing linear, and valid TOML,
// duplicate keys and tables refused. The error is an [*Error] that wraps
// one of the Err values.
func Parse(src []byte, format Format) (*File, error) {
	parsecount.Add()
	return load(src, format)
}

// load checks src and parses what follows its byte order mark, as a
// template or as plain TOML by format. What is parsed must keep within the
// bounds of tomlutil.CheckLimits, checked first, so that parsing costs time
// linear in its size.
func load(src []byte, format Format) (*File, error) {
	if len(src) > MaxSize {
		return nil, &Error{Msg: fmt.Sprintf("file is larger than %d MiB, the most this tool reads", MaxSize>>20), Err: ErrTooLarge}
	}
	bom, body := tomlutil.SplitBOM(src)
	// Text without NUL bytes and valid UTF-8 is so in its view too (View
	// writes only ASCII in place of what it substitutes): only other text
	// needs the view, the bytes WSO2 reads but go-toml refuses read as
	// tomlutil.Parse reads them.
	if bytes.IndexByte(body, 0) >= 0 || !utf8.Valid(body) {
		view, _ := tomlutil.View(body)
		if err := checkText(view); err != nil {
			return nil, err
		}
	}
	in := &File{src: src, bom: bom}
	if format == Template || format == Auto && tmplmask.Has(body) {
		m, err := tmplmask.Mask(body)
		if err != nil {
			if format == Auto {
				// Markup that forms no placeholders in a valid TOML
				// file ("Xy<%9q!" in a password) is text.
				if err := tomlutil.CheckLimits(body); err != nil {
					return nil, limitError(err, false)
				}
				if doc, perr := tomlutil.Parse(body); perr == nil {
					in.doc = doc
					return in, nil
				}
			}
			return nil, maskError(err)
		}
		for _, h := range m.Hidden {
			if setsOffset(h.Text) {
				return nil, &Error{Line: h.Line, Column: h.Column, Msg: "offset is set in a later branch of an if/else, which a template is read without", Err: ErrBranch, Template: true}
			}
		}
		in.tmpl, body = m, m.Text
	}
	if err := tomlutil.CheckLimits(body); err != nil {
		return nil, limitError(err, in.tmpl != nil)
	}
	doc, err := tomlutil.Parse(body)
	var se *tomlutil.SyntaxError
	if errors.As(err, &se) {
		e := &Error{Line: se.Line, Column: se.Column, Msg: se.Msg, Err: ErrSyntax, Template: in.tmpl != nil}
		if strings.Contains(se.Msg, "already") {
			e.Err = ErrDuplicate
		}
		if e.Template {
			e.Msg += " (with the template's placeholders masked)"
		}
		return nil, e
	}
	in.doc = doc
	return in, err
}

// limitError is a file whose structure crosses a bound of
// tomlutil.CheckLimits.
func limitError(err error, template bool) error {
	var le *tomlutil.LimitError
	if errors.As(err, &le) {
		return &Error{Line: le.Line, Column: le.Column, Msg: le.Msg, Err: ErrTooComplex, Template: template}
	}
	return err
}

// maskError is a template's markup that cannot be masked.
func maskError(err error) error {
	var te *tmplmask.Error
	if errors.As(err, &te) {
		return &Error{Line: te.Line, Column: te.Column, Msg: te.Msg, Err: ErrTemplate, Template: true}
	}
	return err
}

// setsOffset tells whether a line of text assigns offset: offset = …,
// "offset" = … or 'offset' = …, indented or not.
func setsOffset(line string) bool {
	s := strings.TrimLeft(line, " \t")
	for _, key := range []string{"offset", `"offset"`, "'offset'"} {
		if rest, ok := strings.CutPrefix(s, key); ok {
			return strings.HasPrefix(strings.TrimLeft(rest, " \t"), "=")
		}
	}
	return false
}

// checkText refuses what is not text a TOML parser should see: NUL bytes
// and invalid UTF-8.
func checkText(b []byte) error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return errorAt(b, i, "NUL byte: this is not a text file", ErrBinary)
	}
	if utf8.Valid(b) {
		return nil // the usual case, checked fast; else find the byte
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return errorAt(b, i, fmt.Sprintf("invalid UTF-8 byte 0x%02x", b[i]), ErrEncoding)
		}
		i += size
	}
	return nil
}

func errorAt(src []byte, off int, msg string, kind error) *Error {
	line, col := tomlutil.Position(src, off)
	return &Error{Line: line, Column: col, Msg: msg, Err: kind}
}

// located marks an error found in the parsed text as one of a template.
func (in *File) located(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		pe.Template = in.tmpl != nil
	}
	return err
}

// current reads the offset, with a template's placeholders put back into
// what it read.
func (in *File) current() (Current, error) {
	cur, err := current(in.doc)
	if in.tmpl == nil {
		return cur, err
	}
	cur.Template = true
	cur.Raw = string(in.tmpl.Restore([]byte(cur.Raw)))
	var pe *Error
	if errors.As(err, &pe) {
		pe.Template = true
		if errors.Is(err, ErrValue) {
			pe.Msg = fmt.Sprintf("server.offset is %s, which the template fills in when it is rendered", cur.Raw)
		}
	}
	return cur, err
}

// restore returns the whole file for the parsed text body: the byte order
// mark, then body with a template's placeholders put back.
func (in *File) restore(body []byte) []byte {
	if in.tmpl != nil {
		body = in.tmpl.Restore(body)
	}
	if len(in.bom) == 0 {
		return body
	}
	return append(slices.Clip(in.bom), body...)
}

// inBlock tells whether byte off of the parsed text lies inside a template's
// control block; never for plain TOML.
func (in *File) inBlock(off int) bool {
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

// placeholderPolicy applies the placeholder policy to e, the edit of a
// template's offset: with keep, the placeholder stays as it is; otherwise
// the number replaces it, bare when the placeholder was bare, with a
// warning. It reports whether the offset was a placeholder, recorded in
// res.Placeholder.
func (in *File) placeholderPolicy(e *edit, res *Result, n int, keep bool) bool {
	if in.tmpl == nil || e.action != Replaced {
		return false
	}
	body := in.doc.Src
	p, ok := in.tmpl.In(body[e.at.Start:e.at.End])
	if !ok {
		return false
	}
	res.Placeholder = p.Text
	switch {
	case keep:
		e.text = body[e.at.Start:e.at.End]
		return true
	case p.Value: // a bare {{ … }}: the number goes bare too
		e.text = []byte(strconv.Itoa(n))
	}
	line, col := tomlutil.Position(body, e.at.Start)
	res.Warnings = append(res.Warnings, Warning{Line: line, Column: col, Code: "placeholder-replaced",
		Msg: fmt.Sprintf("server.offset was %s, which the template fills in when it is rendered; the number %d replaces it", p.Text, n)})
	return true
}

// Problems lists what in the file WSO2's own TOML parser (cava-toml 0.5,
// in its config-mapper) will not take: each stops the server at start-up. A
// template's offset placeholder is not judged: the template fills it in.
func (in *File) Problems() []Problem {
	in.dialect()
	return in.problems
}

// NotTOML10 lists what in the file is not TOML 1.0 but WSO2's parser
// reads (a lone surrogate escape, invalid UTF-8 in a comment or string, a
// control character in a comment, an inline table extended later): the
// file was read as WSO2 reads it, and the edit keeps those bytes; other
// TOML tools may refuse the file.
func (in *File) NotTOML10() []Warning {
	var out []Warning
	pos := tomlutil.NewPositions(in.doc.Src)
	for _, s := range in.doc.NotTOML10 {
		line, col := pos.At(s.Span.Start)
		out = append(out, Warning{Line: line, Column: col, Code: "not-toml-1.0", Msg: s.Msg + ": not TOML 1.0; WSO2 reads it, other TOML tools may refuse the file"})
	}
	return out
}

// dialect runs package dialect over the parsed text once.
func (in *File) dialect() []dialect.Finding {
	in.dialectOnce.Do(func() {
		in.found = dialect.Check(in.doc.Src)
		report := in.found
		if in.tmpl != nil {
			report = dialect.Unmasked(in.found, in.tmpl)
		}
		if len(in.bom) > 0 {
			report = append(dialect.Check(in.bom), report...)
		}
		for _, f := range report {
			in.problems = append(in.problems, Problem{Line: f.Line, Column: f.Column, Construct: f.Construct, Msg: f.Msg, Effect: f.Effect, Fix: f.Fix})
		}
	})
	return in.found
}

// Value is the decoded value at path (a key of a table, through nested
// tables), and whether the file sets it.
func (in *File) Value(path ...string) (any, bool) { return valueAt(in.doc.Values, path) }

// Setting is a key/value of the file, where it is written.
type Setting struct {
	Key          []string // the full key: system, parameter, portOffset
	Line, Column int      // where the key/value starts
	Text         string   // as written, from the key to the end of the value: portOffset = 3
	Value        any      // decoded: a string, int64, float64, bool or date
}

// Settings lists the key/values that stand directly in the table named
// table ([system.parameter] portOffset = 3 for "system", "parameter"), in
// the order the file has them: scalars only, not tables, arrays or the
// keys of inline tables.
func (in *File) Settings(table ...string) []Setting {
	var out []Setting
	pos := tomlutil.NewPositions(in.doc.Src)
	for _, e := range in.doc.Entries {
		if len(e.Path) != len(table)+1 || e.Parent >= 0 || !slices.Equal(e.Path[:len(table)], table) {
			continue
		}
		v, ok := valueAt(in.doc.Values, e.Path)
		if !ok {
			continue
		}
		switch v.(type) {
		case map[string]any, []any:
			continue
		}
		start := e.Value.Start
		if len(e.KeyRaw) > 0 {
			start = e.KeyRaw[0].Start
		}
		line, col := pos.At(start)
		out = append(out, Setting{Key: e.Path, Line: line, Column: col, Text: string(in.doc.Src[start:e.Value.End]), Value: v})
	}
	return out
}

// TableLines are the lines of the headers of table key, in file order: one
// for a [table], one for each element of an array of tables [[key]], whose
// values are the elements of Values' array at key, in the same order.
func (in *File) TableLines(key ...string) []int {
	var out []int
	pos := tomlutil.NewPositions(in.doc.Src)
	for _, t := range in.doc.Tables {
		if slices.Equal(t.Key, key) {
			line, _ := pos.At(t.Header.Start)
			out = append(out, line)
		}
	}
	return out
}

// valueAt follows path through nested tables.
func valueAt(m map[string]any, path []string) (any, bool) {
	var v any = m
	for _, k := range path {
		t, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = t[k]; !ok {
			return nil, false
		}
	}
	return v, true
}
