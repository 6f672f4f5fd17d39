// Package tmplmask lets a TOML parser read a Helm, Jinja or ERB template of
// deployment.toml: [Mask] replaces each placeholder ({{ … }}, {% … %},
// {# … #}, <% … %>) with a token that keeps the text valid TOML where it
// stands, and [Masked.Restore] puts the placeholders back, byte for byte.
//
// How a placeholder is masked depends on where it stands:
//   - a line holding nothing but placeholders (a control line such as
//     "{{- if .Values.x }}" or "{% endif %}") becomes one comment token;
//   - where a value goes ("offset = {{ .Values.portOffset }}"), a quoted
//     token, so that the value reads as a string;
//   - anywhere else (inside a string or a comment, or where a key goes), a
//     bare token, which is also a valid bare key.
//
// On a line that mixes text with control tags, such as
// `urls = [{% for u in us %}"{{ u }}"{% if not loop.last %},{% endif %}{% endfor %}]`,
// the run from the first placeholder to the last is one unit: no token for
// each tag could keep such an array valid, one for the run does.
//
// Control blocks are read as their first branch: the lines of an else (elif,
// else if) branch become comment tokens too, so that a key set in each
// branch is set once in the masked text. [Masked.Hidden] lists those lines.
package tmplmask

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
)

// Placeholder is a run of template markup that one token stands for.
type Placeholder struct {
	Text   string // as written, delimiters included
	Line   int    // 1-based
	Column int    // 1-based, in bytes
	Kind   string // "Helm or Jinja", "Jinja" or "ERB"
	Value  bool   // it stands where a value goes, masked as a quoted string
}

// Masked is a template with its placeholders replaced by tokens.
type Masked struct {
	Text         []byte
	Placeholders []Placeholder
	Hidden       []Placeholder // lines of else branches, masked whole as comments
	inBlock      []bool        // by line, from 1: inside an if, for, range… block
	// Depth is the deepest nesting of control blocks.
	Depth    int
	tokens   map[string]int // token, decoration included, to its placeholder
	replacer *strings.Replacer
}

// Error is markup Mask cannot mask, with its place when it has one.
type Error struct {
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}

// tokenPrefix starts every token; Mask refuses a template that holds it.
const tokenPrefix = "__apim_offset_tpl_"

var (
	placeholderRE = lazyregexp.New(`\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<%.*?%>`)
	// controlRE matches tags that steer rather than print.
	controlRE = lazyregexp.New(`^(\{%|\{#|<%[^=]|\{\{-?\s*(if|else|end|range|with|define|block|template)\b)`)
	// The tags that open a block, switch to another branch, or close one,
	// in Go templates (Helm), Jinja and ERB.
	openRE   = lazyregexp.New(`^(\{\{-?\s*(if|range|with|define|block)\b|\{%-?\s*(if|for|macro|block|filter|with)\b|<%-?\s*(if|unless)\b|<%-?.*\bdo\b.*%>$)`)
	branchRE = lazyregexp.New(`^(\{\{-?\s*else\b|\{%-?\s*(elif|else)\b|<%-?\s*(elsif|else)\b)`)
	closeRE  = lazyregexp.New(`^(\{\{-?\s*end\b|\{%-?\s*end\w*\b|<%-?\s*end\b)`)
)

// A Delimiter opens and closes one kind of placeholder.
type Delimiter struct {
	Open, Close string
	Kind        string // the template language: "Helm or Jinja", "Jinja" or "ERB"
	Article     string // "a" or "an", for Kind in a message: "an ERB template"
}

// delimiters are the placeholders of Helm (Go templates), Jinja and ERB:
// the one list that Mask, Detect and their callers go by. placeholderRE
// matches each of them.
var delimiters = [...]Delimiter{
	{"{{", "}}", "Helm or Jinja", "a"},
	{"{%", "%}", "Jinja", "a"},
	{"{#", "#}", "Jinja", "a"},
	{"<%", "%>", "ERB", "an"},
}

// Delimiters returns the placeholder delimiters Mask knows.
func Delimiters() []Delimiter {
	return delimiters[:]
}

// At returns the delimiter whose opener s starts with.
func At(s string) (Delimiter, bool) {
	for _, d := range delimiters {
		if strings.HasPrefix(s, d.Open) {
			return d, true
		}
	}
	return Delimiter{}, false
}

// Detect returns the first placeholder opener in b: its offset and its
// delimiter. ok is false when b holds none, that is when b is no template.
func Detect(b []byte) (off int, d Delimiter, ok bool) {
	off = len(b)
	for _, dl := range delimiters {
		// Only what lies before the first opener found so far is searched.
		if i := bytes.Index(b[:min(off+len(dl.Open)-1, len(b))], []byte(dl.Open)); i >= 0 && i < off {
			off, d, ok = i, dl, true
		}
	}
	if !ok {
		return 0, Delimiter{}, false
	}
	return off, d, true
}

// Has reports whether src holds template markup.
func Has(src []byte) bool {
	_, _, ok := Detect(src)
	return ok
}

// Mask masks the placeholders in src. It refuses markup it cannot mask: a
// placeholder that does not close on its own line.
func Mask(src []byte) (*Masked, error) {
	if bytes.Contains(src, []byte(tokenPrefix)) {
		return nil, &Error{Msg: fmt.Sprintf("the file holds %q, which apim-offset uses to mask placeholders", tokenPrefix)}
	}
	m := &Masked{tokens: map[string]int{}, inBlock: []bool{false}}
	var out bytes.Buffer
	var b blocks
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		if err := m.maskLine(&out, &b, line, i+1); err != nil {
			return nil, err
		}
	}
	m.inBlock = append(m.inBlock, len(b.open) > 0) // past the last line
	m.Text = out.Bytes()
	pairs := make([]string, 0, 2*len(m.tokens))
	for tok, i := range m.tokens {
		pairs = append(pairs, tok, m.Placeholders[i].Text)
	}
	m.replacer = strings.NewReplacer(pairs...)
	return m, nil
}

// maskLine writes line lineNo to out masked: a control line (only block
// tags) or a line in a later branch as one comment, each placeholder in
// any other line as a token; b follows the blocks the line opens and
// closes.
func (m *Masked) maskLine(out *bytes.Buffer, b *blocks, line []byte, lineNo int) error {
	spans := placeholderRE().FindAllIndex(line, -1)
	if err := unclosed(line, spans, lineNo); err != nil {
		return err
	}
	body := bytes.TrimRight(line, "\r\n")
	control := len(spans) > 0 && onlyPlaceholders(body, spans)
	hidden := b.later > 0
	m.inBlock = append(m.inBlock, len(b.open) > 0)
	if control {
		b.steer(line, spans)
		m.Depth = max(m.Depth, len(b.open))
	}
	if len(spans) > 1 && !control && hasControl(line, spans) {
		spans = [][]int{{spans[0][0], spans[len(spans)-1][1]}}
	}
	// commentFrom masks the line from start to its end as one comment.
	commentFrom := func(start int) {
		out.Write(line[:start])
		out.WriteString(m.add("#", body[start:], lineNo, start, false))
		out.Write(line[len(body):])
	}
	switch {
	case hidden && !control && len(bytes.TrimSpace(body)) > 0:
		commentFrom(len(body) - len(bytes.TrimLeft(body, " \t")))
		m.Hidden = append(m.Hidden, m.Placeholders[len(m.Placeholders)-1])
	case len(spans) == 0:
		out.Write(line)
	case control:
		commentFrom(spans[0][0])
	default:
		m.maskSpans(out, line, spans, lineNo)
	}
	return nil
}

// maskSpans writes line lineNo to out with each placeholder at spans
// masked as a token: quoted where it stands for a value.
func (m *Masked) maskSpans(out *bytes.Buffer, line []byte, spans [][]int, lineNo int) {
	prev := 0
	values := valueContexts(line, spans)
	for k, s := range spans {
		out.Write(line[prev:s[0]])
		quote, value := "", values[k]
		if value {
			quote = `"`
		}
		out.WriteString(m.add(quote, line[s[0]:s[1]], lineNo, s[0], value))
		prev = s[1]
	}
	out.Write(line[prev:])
}

// add records a placeholder and returns its token: prefix, the bare token,
// and a closing quote when prefix is one.
func (m *Masked) add(prefix string, text []byte, line, col int, value bool) string {
	i := len(m.Placeholders)
	tok := prefix + tokenPrefix + strconv.Itoa(i) + "__"
	if prefix == `"` {
		tok += `"`
	}
	m.Placeholders = append(m.Placeholders, Placeholder{Text: string(text), Line: line, Column: col + 1, Kind: kindOf(text), Value: value})
	m.tokens[tok] = i
	return tok
}

// kindOf is the template language of a placeholder; a hidden line, which
// need not start with one, counts as Helm or Jinja.
func kindOf(text []byte) string {
	if d, ok := At(string(text)); ok {
		return d.Kind
	}
	return delimiters[0].Kind
}

// unclosed reports an opening delimiter outside every placeholder on the
// line: a placeholder that does not close there.
func unclosed(line []byte, spans [][]int, lineNo int) error {
	prev := 0
	for i := 0; i <= len(spans); i++ {
		end := len(line)
		if i < len(spans) {
			end = spans[i][0]
		}
		if j, d, ok := Detect(line[prev:end]); ok {
			return &Error{Line: lineNo, Column: prev + j + 1, Msg: fmt.Sprintf("%q opens a placeholder that does not close on its line", d.Open)}
		}
		if i < len(spans) {
			prev = spans[i][1]
		}
	}
	return nil
}

// blocks are the open control blocks.
type blocks struct {
	open  []bool // innermost last: true once in a later branch
	later int    // how many of open are true, so that no line has to look at each
}

// steer follows the control tags of one control line through the open
// blocks: an opening tag pushes a block, an else-like one marks the innermost
// as in a later branch, a closing one pops it.
func (b *blocks) steer(line []byte, spans [][]int) {
	for _, s := range spans {
		tag := line[s[0]:s[1]]
		switch {
		case closeRE().Match(tag):
			if n := len(b.open); n > 0 {
				if b.open[n-1] {
					b.later--
				}
				b.open = b.open[:n-1]
			}
		case branchRE().Match(tag):
			if n := len(b.open); n > 0 && !b.open[n-1] {
				b.open[n-1] = true
				b.later++
			}
		case openRE().Match(tag):
			b.open = append(b.open, false)
		}
	}
}

// hasControl reports whether one of the placeholders is a control tag.
func hasControl(line []byte, spans [][]int) bool {
	for _, s := range spans {
		if controlRE().Match(line[s[0]:s[1]]) {
			return true
		}
	}
	return false
}

// onlyPlaceholders reports whether body holds only placeholders and blanks.
func onlyPlaceholders(body []byte, spans [][]int) bool {
	prev := 0
	for _, s := range spans {
		if s[0] > len(body) || len(bytes.TrimSpace(body[prev:s[0]])) > 0 {
			return false
		}
		prev = s[1]
	}
	return prev <= len(body) && len(bytes.TrimSpace(body[prev:])) == 0
}

// valueContexts reports, for each placeholder of the line, whether it
// stands where a value goes: outside strings and comments, right after '=',
// '[' or ',' once the other placeholders are left out. It reads the line
// once, however many placeholders it holds.
func valueContexts(line []byte, spans [][]int) []bool {
	values := make([]bool, len(spans))
	var quote byte
	last := byte(0) // the last byte outside strings and placeholders
	comment := false
	prev := 0
	for k, s := range spans {
		for i := prev; i < s[0] && !comment; i++ {
			c := line[i]
			switch {
			case quote != 0:
				if c == quote && (quote == '\'' || line[i-1] != '\\') {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '#':
				comment = true
			case c != ' ' && c != '\t':
				last = c
			}
		}
		values[k] = !comment && quote == 0 && (last == '=' || last == '[' || last == ',')
		prev = s[1]
	}
	return values
}

// Masks tells whether text holds one of the tokens Mask put in place of a
// placeholder.
func (m *Masked) Masks(text string) bool { return strings.Contains(text, tokenPrefix) }

// Restore puts the placeholders back into text, the masked template after
// an edit. A token the edit replaced stays replaced.
func (m *Masked) Restore(text []byte) []byte {
	if len(m.tokens) == 0 {
		return text
	}
	return []byte(m.replacer.Replace(string(text)))
}

// InBlock reports whether line (1-based) lies inside a control block: text
// added there would be rendered only when the block's condition holds. A
// line past the end is inside when the template ends with a block open.
func (m *Masked) InBlock(line int) bool {
	if line < 1 {
		return false
	}
	return m.inBlock[min(line, len(m.inBlock)-1)]
}

// In returns the placeholder a value stands for: a value token, or a bare
// token inside quotes ("{{ x }}" as a whole string).
func (m *Masked) In(value []byte) (Placeholder, bool) {
	if p, ok := m.Token(value); ok {
		return p, true
	}
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		return m.Token(value[1 : len(value)-1])
	}
	return Placeholder{}, false
}

// Token returns the placeholder that tok, a token as it stands in Text
// (quotes or '#' included), stands for.
func (m *Masked) Token(tok []byte) (Placeholder, bool) {
	i, ok := m.tokens[string(tok)]
	if !ok {
		return Placeholder{}, false
	}
	return m.Placeholders[i], true
}
