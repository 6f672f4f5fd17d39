// Package redact hides secret values when a deployment.toml is shown: the
// value of a key whose name says it holds a secret (password, key_password,
// client_secret, access_token, [encryption] key, anything under [secrets])
// is shown as (masked), the way Terraform shows a sensitive value.
//
// It reads lines, not a parsed document, so that it works the same on
// templates (password = "{{ db_password }}") and on commented-out
// assignments (#password = "admin"), which a TOML parser does not see as
// values. A multi-line string value is masked on every line it spans.
// Booleans and numbers are never masked: allow_credentials = true hides
// nothing.
package redact

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/apim-offset/apim-offset/internal/tmplmask"
)

// Mask is what a secret value is shown as. It is not TOML, so a masked line
// is never mistaken for the real one.
const Mask = "(masked)"

// A Masker shows the lines of one file with their secret values masked. It
// reads what the lines it is asked for depend on, and not the rest of the
// file: each line asked for, and before it the lines that change what the
// next ones mean, table headers and those holding triple quotes (which may
// open or close a multi-line string), found with bytes.Index. Showing the
// first lines of a large file reads the first kilobytes of it; showing its
// last lines reads those lines of all of it.
type Masker struct {
	src   []byte
	marks []mark // the state after each of those lines, from line 1, in order
	to    mark   // how far marks go: the lines before to.line, to offset to.off
	at    mark   // the last line Line found, to go on from
	lower []byte // scratch for mayHoldSecret
}

// A mark is where a line starts and the scanner's state before it.
type mark struct {
	line, off int
	s         scanner
}

// For returns a Masker of src. It reads nothing until asked for a line.
func For(src []byte) *Masker {
	return &Masker{src: src, marks: []mark{{line: 1}}, to: mark{line: 1}}
}

// Line returns line n (from 1) of the file with its secret values masked,
// its line ending kept, and true; or "" and false when the line shows no
// secret, or there is no line n.
func (m *Masker) Line(n int) (shown string, ok bool) {
	if n < 1 {
		return "", false
	}
	for m.to.line < n && m.to.off < len(m.src) {
		m.index()
	}
	// The last mark at or before n: the lines from it to n leave the
	// state as they found it.
	i, _ := slices.BinarySearchFunc(m.marks, n+1, func(k mark, n int) int { return cmp.Compare(k.line, n) })
	from := m.marks[i-1]
	if m.at.line > from.line && m.at.line <= n {
		from.line, from.off = m.at.line, m.at.off
	}
	off := from.off
	for l := from.line; l < n; l++ {
		j := bytes.IndexByte(m.src[off:], '\n')
		if j < 0 {
			return "", false
		}
		off += j + 1
	}
	if off >= len(m.src) {
		return "", false
	}
	m.at = mark{line: n, off: off}
	s := from.s
	if shown, ok = s.next(string(m.src[off:lineEnd(m.src, off)]), &m.lower); !ok {
		return "", false
	}
	return shown, true
}

// index takes the marks further, over as many bytes again as they cover,
// at least minIndex, to the end of a line: it reads the lines that can
// change the state there, in order, and counts the others. Every other line
// leaves the state as it found it (see scanner.next).
func (m *Masker) index() {
	from := m.to.off
	end := len(m.src)
	if grow := max(from, minIndex); grow < end-from {
		end = lineEnd(m.src, from+grow-1)
	}
	s, line, prev := m.to.s, m.to.line, from
	for _, off := range stateLines(m.src, from, end) {
		line += bytes.Count(m.src[prev:off], []byte{'\n'})
		next := lineEnd(m.src, off)
		s.next(string(m.src[off:next]), &m.lower)
		line, prev = line+1, next
		m.marks = append(m.marks, mark{line: line, off: next, s: s})
	}
	m.to = mark{line: line + bytes.Count(m.src[prev:end], []byte{'\n'}), off: end, s: s}
}

// stateLines returns, in order, where the lines from src[from:] to
// src[:end] start that can change the scanner's state: those starting,
// after blanks, with '[' (a table header) and those holding three double or
// three single quotes (opening or closing a multi-line string). from and
// end are where lines start.
func stateLines(src []byte, from, end int) []int {
	var starts []int
	for i := from; i < end; i++ {
		j := bytes.IndexByte(src[i:end], '[')
		if j < 0 {
			break
		}
		i += j
		k := i
		for k > from && (src[k-1] == ' ' || src[k-1] == '\t') {
			k--
		}
		if k == from || src[k-1] == '\n' {
			starts = append(starts, k)
		}
	}
	for _, q := range [][]byte{[]byte(`"""`), []byte("'''")} {
		for i := from; i < end; {
			j := bytes.Index(src[i:end], q)
			if j < 0 {
				break
			}
			starts = append(starts, bytes.LastIndexByte(src[from:i+j], '\n')+1+from)
			i = lineEnd(src, i+j) // one on a line is enough
		}
	}
	slices.Sort(starts)
	return slices.Compact(starts)
}

// minIndex is the fewest bytes index reads; a variable for the tests.
var minIndex = 512

// lineEnd returns where the line at off ends, after its '\n' if it has one.
func lineEnd(src []byte, off int) int {
	if j := bytes.IndexByte(src[off:], '\n'); j >= 0 {
		return off + j + 1
	}
	return len(src)
}

// scanner carries what one line leaves open for the next: the table the
// lines are in, and a multi-line string being masked.
type scanner struct {
	secretTable bool   // in [secrets] (WSO2's secure vault) or below it
	closer      string // `"""` or `'''` while inside a masked multi-line string
}

// next returns line, the next line of a file, with its secret values
// masked, and whether it had any; it carries the state on to the line after.
// A line that is not a table header and holds no triple quotes leaves the
// state as it found it: only a header changes the table, and only a value
// starting with triple quotes, or the closing quotes, opens or closes a
// multi-line string.
func (s *scanner) next(line string, lower *[]byte) (string, bool) {
	if s.closer == "" && !s.secretTable && !mayHoldSecret(line, lower) {
		// Most lines name no secret: only a header changes what follows.
		if name, ok := tableName(line); ok {
			s.secretTable = isSecretTable(name)
		}
		return "", false
	}
	return s.line(line)
}

// tableName returns the name in a table header line ("[a.b]", "[[a]]"),
// and whether body is one.
func tableName(body string) (string, bool) {
	t := strings.TrimLeft(body, " \t")
	if !strings.HasPrefix(t, "[") {
		return "", false
	}
	t = strings.TrimPrefix(t[1:], "[")
	end := strings.IndexAny(t, "]#")
	if end < 0 || t[end] != ']' {
		return "", false
	}
	return strings.TrimSpace(t[:end]), true
}

// keyLen returns the length of the (dotted) key, its '=' and the blanks
// after it at the start of s, or 0 when s does not start with one.
func keyLen(s string) int {
	i := 0
	for {
		start := i
		switch {
		case i < len(s) && s[i] == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			if i >= len(s) {
				return 0
			}
			i++
		case i < len(s) && s[i] == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return 0
			}
			i += j + 2
		default:
			for i < len(s) && (isBare(s[i])) {
				i++
			}
			if i == start {
				return 0
			}
		}
		i = skipBlanks(s, i)
		if i < len(s) && s[i] == '.' {
			i = skipBlanks(s, i+1)
			continue
		}
		if i < len(s) && s[i] == '=' {
			return skipBlanks(s, i+1)
		}
		return 0
	}
}

func isBare(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// line returns line with its secret values masked, and whether it had any.
func (s *scanner) line(line string) (string, bool) {
	body := strings.TrimRight(line, "\r\n")
	ending := line[len(body):]
	if s.closer != "" {
		// Inside a masked multi-line string: the line is all secret up to
		// the closing quotes.
		i := strings.Index(body, s.closer)
		if i < 0 {
			return Mask + ending, true
		}
		s.closer = ""
		return Mask + body[i+3:] + ending, true
	}
	if name, ok := tableName(body); ok {
		s.secretTable = isSecretTable(name)
		return line, false
	}
	var b strings.Builder
	// A commented-out assignment is masked too.
	start := skipBlanks(body, 0)
	if start < len(body) && body[start] == '#' {
		start = skipBlanks(body, start+1)
	}
	b.WriteString(body[:start])
	changed := s.pairs(&b, body[start:], false)
	if !changed {
		return line, false
	}
	b.WriteString(ending)
	return b.String(), true
}

// pairs writes rest, masking the values of its secret key = value pairs:
// one at the start of a line, or several inside an inline table (inTable).
// It returns whether it masked anything.
func (s *scanner) pairs(b *strings.Builder, rest string, inTable bool) bool {
	changed := false
	for {
		sp := len(rest) - len(strings.TrimLeft(rest, " \t"))
		b.WriteString(rest[:sp])
		rest = rest[sp:]
		k := rest[:keyLen(rest)]
		if k == "" {
			b.WriteString(rest)
			return changed
		}
		b.WriteString(k)
		rest = rest[len(k):]
		n := valueLen(rest)
		value := rest[:n]
		secret := s.secretTable || isSecretKey(k)
		switch {
		case strings.HasPrefix(value, "{") && !isTemplate(value):
			// An inline table: look inside it; under a secret key, every
			// value in it is one (auth = { password = { value = "…" } }).
			if s.inside(b, value, secret) {
				changed = true
			}
		case strings.HasPrefix(value, "[") && strings.Contains(value, "{") && !isTemplate(value):
			// An array of inline tables: users = [ { password = "…" } ].
			if s.inArray(b, value, secret) {
				changed = true
			}
		case secret && isMaskable(value):
			b.WriteString(Mask)
			changed = true
			if c := opensMultiline(value); c != "" {
				s.closer = c
			}
		default:
			b.WriteString(value)
		}
		rest = rest[n:]
		if !inTable {
			b.WriteString(rest)
			return changed
		}
		// The next pair of the inline table follows a comma.
		i := strings.IndexByte(rest, ',')
		if i < 0 {
			b.WriteString(rest)
			return changed
		}
		b.WriteString(rest[:i+1])
		rest = rest[i+1:]
	}
}

// inside writes the inline table value, masking the secrets in it, all of
// its values when secret; it reports whether it masked any.
func (s *scanner) inside(b *strings.Builder, value string, secret bool) bool {
	b.WriteString("{")
	was := s.secretTable
	s.secretTable = was || secret
	changed := s.pairs(b, strings.TrimSuffix(value[1:], "}"), true)
	s.secretTable = was
	if strings.HasSuffix(value, "}") {
		b.WriteString("}")
	}
	return changed
}

// inArray writes the array value, masking the secrets in the inline tables
// it holds; it reports whether it masked any.
func (s *scanner) inArray(b *strings.Builder, value string, secret bool) bool {
	changed := false
	for value != "" {
		i := strings.IndexByte(value, '{')
		if i < 0 {
			break
		}
		b.WriteString(value[:i])
		n := bracketedLen(value[i:])
		if s.inside(b, value[i:i+n], secret) {
			changed = true
		}
		value = value[i+n:]
	}
	b.WriteString(value)
	return changed
}

// valueLen is the length of the value at the start of s: a string, an
// inline table or array up to its closing bracket, a template placeholder,
// or a bare value up to a comma, a closing brace or a comment.
func valueLen(s string) int {
	if s == "" {
		return 0
	}
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(s, q) {
			if i := strings.Index(s[3:], q); i >= 0 {
				return 3 + i + 3
			}
			return len(s)
		}
	}
	if d, ok := tmplmask.At(s); ok {
		if i := strings.Index(s, d.Close); i >= 0 {
			return i + len(d.Close)
		}
		return len(s)
	}
	switch s[0] {
	case '"':
		return basicStringLen(s)
	case '\'':
		if i := strings.IndexByte(s[1:], '\''); i >= 0 {
			return i + 2
		}
		return len(s)
	case '{', '[':
		return bracketedLen(s)
	}
	return bareLen(s)
}

// basicStringLen is the length of the "string" at the start of s, up to
// its closing quote (all of s when it does not close).
func basicStringLen(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(s)
}

// bracketedLen is the length of the inline table or array at the start of
// s, up to its closing bracket (all of s when it does not close); brackets
// in the strings in it do not count.
func bracketedLen(s string) int {
	open, close := s[0], map[byte]byte{'{': '}', '[': ']'}[s[0]]
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			i += valueLen(s[i:]) - 1
		}
	}
	return len(s)
}

// bareLen is the length of the bare value at the start of s, up to a
// comma, a closing brace or a comment, trailing blanks left out; braces in
// it are its own ($secret{alias}).
func bareLen(s string) int {
	i, depth := 0, 0
scan:
	for ; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				break scan
			}
			depth--
		case ',', '#':
			if depth == 0 {
				break scan
			}
		}
	}
	return len(strings.TrimRight(s[:i], " \t"))
}

// opensMultiline returns the closing quotes of a multi-line string that
// value opens and does not close on its line, or "".
func opensMultiline(value string) string {
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(value, q) && (len(value) < 6 || !strings.HasSuffix(value, q)) {
			return q
		}
	}
	return ""
}

// isTemplate reports whether value is a template placeholder, which is not
// an inline table even when it starts with '{'.
func isTemplate(value string) bool {
	_, ok := tmplmask.At(value)
	return ok
}

// isMaskable reports whether value could hold a secret: a string that is
// not empty, or a bare value that is not a boolean, number or date (a
// template placeholder, an unquoted $secret{alias}).
func isMaskable(value string) bool {
	switch {
	case value == "", value == `""`, value == "''", value == `""""""`, value == "":
		return false
	case value[0] == '"' || value[0] == '\'':
		return true
	}
	switch value {
	case "true", "false", "inf", "+inf", "-inf", "nan", "+nan", "-nan":
		return false
	}
	// Numbers and dates start with a digit or a sign.
	return !strings.ContainsRune("0123456789+-", rune(value[0]))
}

// mayHoldSecret reports whether line assigns something (it has '=') and
// has, in any case, a part of one of secretWords or "secret": a line
// without both assigns no secret key. lower is scratch space.
func mayHoldSecret(line string, lower *[]byte) bool {
	if strings.IndexByte(line, '=') < 0 {
		return false
	}
	*lower = (*lower)[:0]
	for _, c := range []byte(line) {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		*lower = append(*lower, c)
	}
	for _, w := range secretStems {
		if bytes.Contains(*lower, w) {
			return true
		}
	}
	return false
}

// secretStems start every word in secretWords, and "secret".
var secretStems = [][]byte{[]byte("pass"), []byte("pwd"), []byte("secret"), []byte("token"), []byte("key"), []byte("credential")}

// secretWords are the words that, at the end of a key's name, say its value
// is a secret: key_password, client_secret, access_token, encryption key.
var secretWords = map[string]bool{
	"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true,
	"secret": true, "secrets": true, "token": true, "key": true, "apikey": true,
	"credential": true, "credentials": true,
}

// isSecretKey reports whether the key of an assignment ("a.key_password = ")
// names a secret: its last part ends in one of secretWords, or has "secret"
// in it (secret_id, secretJWTsecret).
func isSecretKey(assignment string) bool {
	parts := keyParts(strings.TrimRight(assignment, " \t="))
	if len(parts) > 1 && parts[0] == "secrets" {
		return true // secrets.admin = …: under WSO2's [secrets]
	}
	words := splitWords(parts[len(parts)-1])
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if w == "secret" || w == "secrets" {
			return true
		}
	}
	return secretWords[words[len(words)-1]]
}

// keyParts splits a dotted key at the dots outside quotes, each part
// unquoted and trimmed: a."password" is a, password.
func keyParts(k string) []string {
	var parts []string
	start, quote := 0, byte(0)
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '.':
			parts = append(parts, k[start:i])
			start = i + 1
		}
	}
	parts = append(parts, k[start:])
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return parts
}

// isSecretTable reports whether a table's keys are all secrets: WSO2's
// secure vault lists the plain values to encrypt under [secrets].
func isSecretTable(name string) bool {
	first, _, _ := strings.Cut(name, ".")
	return strings.Trim(strings.TrimSpace(first), `"'`) == "secrets"
}

// splitWords splits a key name into lower-case words at '_', '-', spaces
// and lower-to-upper case changes: ssoClientSecret is sso, client, secret.
func splitWords(name string) []string {
	var words []string
	var w []rune
	flush := func() {
		if len(w) > 0 {
			words = append(words, strings.ToLower(string(w)))
			w = w[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == ' ':
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])):
			flush()
		}
		w = append(w, r)
	}
	flush()
	return words
}
