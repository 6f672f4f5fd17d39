package patcher

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
)

// input is a file as Set works on it.
type input struct {
	bom  []byte
	doc  *tomlutil.Document // the file after its byte order mark, or the masked template
	tmpl *tmplmask.Masked   // the template's placeholders; nil for plain TOML
}

// load checks src and parses what follows its byte order mark, as a
// template or as plain TOML by format. What is parsed must keep within the
// bounds of tomlutil.CheckLimits, checked first, so that parsing costs time
// linear in its size.
func load(src []byte, format Format) (*input, error) {
	if len(src) > MaxSize {
		return nil, &Error{Msg: fmt.Sprintf("file is larger than %d MiB, the most this tool reads", MaxSize>>20), Err: ErrTooLarge}
	}
	bom, body := tomlutil.SplitBOM(src)
	view, _ := tomlutil.View(body) // bytes WSO2 reads but go-toml refuses, as tomlutil.Parse reads them
	if err := checkText(view); err != nil {
		return nil, err
	}
	in := &input{bom: bom}
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
func (in *input) located(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		pe.Template = in.tmpl != nil
	}
	return err
}

// current reads the offset, with a template's placeholders put back into
// what it read.
func (in *input) current() (Current, error) {
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
func (in *input) restore(body []byte) []byte {
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

// placeholderPolicy applies the placeholder policy to e, the edit of a
// template's offset: with keep, the placeholder stays as it is; otherwise
// the number replaces it, bare when the placeholder was bare, with a
// warning. It reports whether the offset was a placeholder, recorded in
// res.Placeholder.
func (in *input) placeholderPolicy(e *edit, res *Result, n int, keep bool) bool {
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
	res.Warnings = append(res.Warnings, Warning{Line: line, Column: col,
		Msg: fmt.Sprintf("server.offset was %s, which the template fills in when it is rendered; the number %d replaces it", p.Text, n)})
	return true
}

// wso2Parser records in res what in the input WSO2's own parser will not
// take, and returns what package dialect finds in the parsed text, for
// Set's check that the edit adds none. A template's offset placeholder is
// not judged: the template fills it in.
func (in *input) wso2Parser(res *Result) []dialect.Finding {
	found := dialect.Check(in.doc.Src)
	report := found
	if in.tmpl != nil {
		report = dialect.Unmasked(found, in.tmpl)
	}
	if len(in.bom) > 0 {
		report = append(dialect.Check(in.bom), report...)
	}
	for _, s := range in.doc.NotTOML10 { // WSO2 reads them: a warning, not a Problem
		line, col := tomlutil.Position(in.doc.Src, s.Span.Start)
		res.Warnings = append(res.Warnings, Warning{Line: line, Column: col, Msg: s.Msg + ": not TOML 1.0; WSO2 reads it, other TOML tools may refuse the file"})
	}
	for _, f := range report {
		res.WSO2 = append(res.WSO2, Problem{Line: f.Line, Column: f.Column, Construct: f.Construct, Msg: f.Msg, Effect: f.Effect, Fix: f.Fix})
	}
	return found
}
