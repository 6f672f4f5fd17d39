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
//
// # Spellings of a secret
//
// Each of these is masked (TestSpellings has an example of each, and
// FuzzSecrets writes files of them and checks that no secret value's bytes
// are in what is shown):
//
//   - a key whose last word is password, passwd, pwd, pass, passphrase,
//     secret(s), token, key, apikey, credential(s), or that has the word
//     secret in it, in any case and word style (key_password,
//     ssoClientSecret, "db.password"), bare, "quoted", 'literal' or dotted;
//   - such a key written with escapes, matched after decoding:
//     "pass\u0077ord", "key_pass\U00000077ord";
//   - every key under WSO2's [secrets], however the header is written:
//     ["sec\u0072ets"], [ 'secrets' ], [[secrets]], [secrets.x], and the
//     dotted secrets.admin or "secrets".admin;
//   - commented-out assignments: #password = "admin", and every
//     commented-out key after a commented-out # [secrets]; assignments in
//     a comment's words or after a value: # old: password = "x",
//     host = "h" # was key_password = 'x';
//   - one-word and numbered names: authtoken, dbpassword, privatekey,
//     password2 (a name ending in password, passwd, passphrase, token,
//     secret(s), credential(s), apikey or privatekey);
//   - an assignment of a secret written in the text of a multi-line
//     string that is not one (motd = """ … password = "x" … """);
//   - a first line after a byte order mark;
//   - a value in any form: "basic", 'literal', """multi-line""" (every line
//     it spans, and one ending in an escaped quote before the closing
//     quotes: """a\"""" ends there, """a\""" does not), a multi-line literal string,
//     a bare template placeholder;
//   - inline tables: user = { password = "…" }, and under a secret key
//     every value in it: auth = { value = "…" };
//   - arrays: password = [ "…" ] on one line, and the elements of a
//     multi-line password = [ … ] on every line up to its closing bracket
//     (commented out too); inline tables in an array, on one line or one a
//     line: users = [ { password = "…" } ];
//   - lines inside a multi-line array (of arrays) that look like a table
//     header, ["server"], are elements: they neither end [secrets] nor
//     start it;
//   - template assignments to a secret name: Jinja
//     {% set admin_password = … %} and {% set x_password %}…{% endset %}
//     (on one line or over lines),
//     ERB <% @keystore_password = … %>, Go templates (Helm)
//     {{- $dbPassword := … -}};
//   - the password in a URL's userinfo, under any key, in a string, an
//     array or a comment: amqp://admin:PW@host shows as
//     amqp://admin:(masked)@host; and a URL's parameters with a secret
//     name: jdbc:mysql://db/apim?user=u&password=PW, and JDBC's
//     ;password=PW.
//
// References are not secrets and are shown as they are, so that a diff
// showing them applies: a value that is only ${a.b}, $env{VAR},
// $sys{property}, $ref{key} or $secret{alias} (see isReference), as in
// the stock password = "${admin.password}" of API Manager.
//
// # Diffs
//
// Diff makes the unified diff of two versions of a file with both masked,
// and says whether a line it prints is masked: such a diff describes the
// change but will not apply as printed. With avoid, hunks keep masked
// lines out of their context where they can.
package redact

import (
	"bytes"
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/internal/unidiff"
)

// Mask is what a secret value is shown as. It is not TOML, so a masked line
// is never mistaken for the real one.
const Mask = "(masked)"

// A Masker shows the lines of one file with their secret values masked. It
// reads what the lines it is asked for depend on, and not the rest of the
// file: each line asked for, and before it the lines that change what the
// next ones mean, those holding a bracket (a table header, an array that
// opens or closes), triple quotes (which may open or close a multi-line
// string) or "{%" (a Jinja block set), found with bytes.Index. Showing the
// first lines of a large file reads the first kilobytes of it; showing its
// last lines reads those lines of all of it.
type Masker struct {
	src   []byte
	marks []mark // the state after those of them that change it, from line 1, in order
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
		s.advance(string(m.src[off:next]), &m.lower)
		line, prev = line+1, next
		if s != m.marks[len(m.marks)-1].s {
			// A line that leaves the state as it was needs no mark:
			// the one before says the same.
			m.marks = append(m.marks, mark{line: line, off: next, s: s})
		}
	}
	m.to = mark{line: line + bytes.Count(m.src[prev:end], []byte{'\n'}), off: end, s: s}
}

// stateLines returns, in order, where the lines from src[from:] to
// src[:end] start that can change the scanner's state: those holding a
// bracket (a table header, an array that opens or closes), those holding
// three double or three single quotes (opening or closing a multi-line
// string) and those holding "{%" (a Jinja block set that goes on over
// lines, or its end). from and end are where lines start.
func stateLines(src []byte, from, end int) []int {
	var starts []int
	for _, q := range [][]byte{[]byte("["), []byte("]"), []byte(`"""`), []byte("'''"), []byte("{%")} {
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

// isStateLine reports whether stateLines would find line.
func isStateLine(line string) bool {
	return strings.ContainsAny(line, "[]") || strings.Contains(line, `"""`) || strings.Contains(line, "'''") || strings.Contains(line, "{%")
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
// lines are in, a multi-line string, and arrays that go on over lines.
type scanner struct {
	secretTable   bool   // in [secrets] (WSO2's secure vault) or below it
	commentSecret bool   // after a commented-out [secrets] header: its commented-out keys are secrets
	closer        string // `"""` or `'''` while inside a multi-line string
	strSecret     bool   // that string is a secret value: its lines are masked
	depth         int    // the arrays open at the end of the line
	arraySecret   bool   // they are a secret value: all they hold is masked
	commented     bool   // the open string or array is a commented-out value's
	block         bool   // inside Jinja's {% set x_password %} … {% endset %}
}

// next returns line, the next line of a file, with its secret values
// masked, and whether it had any; it carries the state on to the line after.
// A line that holds no bracket, no triple quotes and no "{%" leaves the
// state as it found it: only a header changes the table, only a value
// starting with triple quotes, or the closing quotes, opens or closes a
// multi-line string, only brackets open or close an array, and only Jinja
// tags a block set.
func (s *scanner) next(line string, lower *[]byte) (string, bool) {
	if s.closer == "" && s.depth == 0 && !s.secretTable && !s.commentSecret && !s.block && plain(line, lower) {
		return "", false // most lines: no secret, no header, no array
	}
	return s.line(line)
}

// advance carries the state on over line as next does, without showing
// it: for an index, which needs the state after a line and not the line.
func (s *scanner) advance(line string, lower *[]byte) {
	if s.closer == "" && s.depth == 0 && !s.secretTable && !s.commentSecret && !s.block && plain(line, lower) {
		return
	}
	b := out{discard: true}
	s.structure(&b, strings.TrimRight(line, "\r\n"))
}

// out is where a line is shown, or nothing is when discard is set.
type out struct {
	strings.Builder
	discard bool
}

func (o *out) WriteString(s string) {
	if !o.discard {
		o.Builder.WriteString(s)
	}
}

// plain reports whether line can neither hold a secret nor change what the
// next lines mean when nothing is open: it holds no '[', no triple quotes
// and no "://" and no Jinja tag, and mayHoldSecret says no.
func plain(line string, lower *[]byte) bool {
	return strings.IndexByte(line, '[') < 0 && !strings.Contains(line, `"""`) && !strings.Contains(line, "'''") &&
		!strings.Contains(line, "://") && !strings.Contains(line, "{%") && !mayHoldSecret(line, lower)
}

// line returns line with its secret values masked, and whether it had any.
func (s *scanner) line(line string) (string, bool) {
	body := strings.TrimRight(line, "\r\n")
	ending := line[len(body):]
	var b out
	changed := s.structure(&b, body)
	shown, inline := maskInline(b.String())
	if !changed && !inline {
		return line, false
	}
	return shown + ending, true
}

// structure writes body, the text of a line, masking the secret values the
// TOML in it assigns, and reports whether it masked any. It goes on with
// what the lines before left open: a multi-line string, then arrays.
func (s *scanner) structure(b *out, rest string) bool {
	hash := false // the line goes on a commented-out value: its '#' is not the value's
	if s.commented {
		i := skipBlanks(rest, 0)
		if i < len(rest) && rest[i] == '#' {
			i, hash = i+1, true
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
	}
	if strings.HasPrefix(rest, "\ufeff") {
		b.WriteString("\ufeff") // a byte order mark starts the file
		rest = rest[len("\ufeff"):]
	}
	changed := false
	if s.block {
		var done bool
		if rest, changed, done = s.endset(b, rest); done {
			return changed
		}
	}
	if s.closer != "" {
		end := closeAt(rest, s.closer)
		if end < 0 {
			if s.strSecret && rest != "" {
				b.WriteString(Mask)
				return true
			}
			// Text, not keys; but a secret written in it as an
			// assignment (password = "x") is masked all the same.
			return prose(b, rest, false)
		}
		if s.strSecret {
			b.WriteString(Mask)
			changed = true
		} else {
			changed = prose(b, rest[:end], false)
		}
		rest = rest[end:]
		s.closer, s.strSecret = "", false
		if s.depth == 0 {
			s.commented = false
			return s.after(b, rest) || changed
		}
	}
	if s.depth > 0 {
		switch {
		case !hash && !s.arraySecret && isHeaderOnly(rest):
			// No element of an array looks so: the array was never
			// closed (a template, a broken file), and the table starts.
			// A secret array goes on to its closing bracket: what it
			// holds stays masked, and only a plain array ends so (the
			// table it is in is not [secrets]: there every array is
			// secret), which can make more lines masked, never fewer.
			s.depth, s.commented = 0, false
		case !s.arraySecret && keyLen(strings.TrimLeft(rest, " \t#")) > 0:
			// Nor so: an assignment. One that may open a string or an
			// array (a line index finds it) ends the array; any other is
			// shown as an assignment, leaving the state as it is, for
			// only the lines an index finds may change it.
			if !isStateLine(rest) {
				t := scanner{secretTable: s.secretTable}
				return t.top(b, rest) || changed
			}
			s.depth, s.commented = 0, false
		default:
			return s.elements(b, rest) || changed
		}
	}
	return s.top(b, rest) || changed
}

// endset writes the part of a line inside a Jinja {% set x_password %}
// block, masked, up to its {% endset %}: it returns the rest of the line,
// whether it masked, and done when the block goes on past the line.
func (s *scanner) endset(b *out, rest string) (string, bool, bool) {
	m := jinjaEndset().FindStringIndex(rest)
	if m == nil {
		if strings.TrimSpace(rest) == "" {
			b.WriteString(rest)
			return "", false, true
		}
		b.WriteString(Mask)
		return "", true, true
	}
	changed := false
	if strings.TrimSpace(rest[:m[0]]) != "" {
		b.WriteString(Mask)
		changed = true
	}
	b.WriteString(rest[m[0]:m[1]])
	s.block = false
	return rest[m[1]:], changed, false
}

// top writes a line that starts outside any value: a table header, an
// assignment (commented out or not), or text that is neither.
func (s *scanner) top(b *out, body string) bool {
	if m := jinjaSetBlock().FindStringSubmatchIndex(body); m != nil && isSecretName(body[m[2]:m[3]]) && jinjaEndset().FindStringIndex(body[m[1]:]) == nil {
		// A secret's block set that goes on over lines: what follows
		// is the secret, up to {% endset %}.
		s.block = true
		b.WriteString(body[:m[1]])
		if strings.TrimSpace(body[m[1]:]) == "" {
			b.WriteString(body[m[1]:])
			return false
		}
		b.WriteString(Mask)
		return true
	}
	if parts, ok := header(body); ok {
		s.secretTable = isSecretTable(parts)
		s.commentSecret = false
		b.WriteString(body)
		return false
	}
	start := skipBlanks(body, 0)
	if start < len(body) && (body[start] == '{' || body[start] == '[') && !isTemplate(body[start:]) {
		// Elements of an array whose start was not followed (an
		// assignment-looking comment in it ended it): the secrets in
		// their inline tables are masked all the same.
		_, _, _, tables := scanArray(body[start:], 1)
		b.WriteString(body[:start])
		return s.withTables(b, body[start:], tables, false)
	}
	// A commented-out assignment is masked too.
	commented := start < len(body) && body[start] == '#'
	if commented {
		start = skipBlanks(body, start+1)
		if parts, ok := header(body[start:]); ok {
			// A commented-out header: the commented-out keys after it
			// are its, and under [secrets] all of them are secrets.
			s.commentSecret = isSecretTable(parts)
			b.WriteString(body)
			return false
		}
	}
	b.WriteString(body[:start])
	if _, _, ok := keyAssign(body[start:]); commented && !ok {
		return prose(b, body[start:], s.secretTable || s.commentSecret)
	}
	return s.pairs(b, body[start:], false, commented)
}

// pairs writes rest, masking the values of its secret key = value pairs:
// one at the start of a line, or several inside an inline table (inTable).
// It returns whether it masked anything. A value on a commented-out line
// (commented) that goes on over lines is followed only when it is secret.
func (s *scanner) pairs(b *out, rest string, inTable, commented bool) bool {
	changed := false
	for {
		sp := skipBlanks(rest, 0)
		b.WriteString(rest[:sp])
		rest = rest[sp:]
		parts, n, ok := keyAssign(rest)
		if !ok {
			b.WriteString(rest)
			return changed
		}
		b.WriteString(rest[:n])
		rest = rest[n:]
		var c bool
		rest, c = s.value(b, rest, s.secretTable || commented && s.commentSecret || isSecretParts(parts), commented)
		changed = changed || c
		if !inTable {
			return s.comment(b, rest) || changed
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

// comment writes rest, what follows a value on its line, masking the
// secret assignments in a comment there (password = "new" # was "old"
// is rare, # old: password = "x" less so); the comment leaves the state
// as it is.
func (s *scanner) comment(b *out, rest string) bool {
	i := strings.IndexByte(rest, '#')
	if i < 0 {
		b.WriteString(rest)
		return false
	}
	b.WriteString(rest[:i+1])
	return prose(b, rest[i+1:], s.secretTable || s.commentSecret)
}

// prose writes text, a comment, masking the value after each '=' whose
// key, the word before it, names a secret (all of them when secret):
// "old: password = x" shows as "old: password = (masked)"; an unquoted
// value of several words is prose ("the password = is in the vault"). It
// follows no value over lines.
func prose(b *out, text string, secret bool) bool {
	changed, prev := false, 0
	for i := 0; i < len(text); i++ {
		if text[i] != '=' || i+1 < len(text) && text[i+1] == '=' || i > 0 && strings.IndexByte("=!<>", text[i-1]) >= 0 {
			continue
		}
		k := i
		for k > prev && (text[k-1] == ' ' || text[k-1] == '\t') {
			k--
		}
		start := k
		for start > prev && k-start < 128 && (isBare(text[start-1]) || strings.IndexByte(`."'\`, text[start-1]) >= 0) {
			start--
		}
		v := skipBlanks(text, i+1)
		n := valueLen(text[v:])
		value := text[v : v+n]
		if start == k || n == 0 || !(secret || isSecretKey(text[start:k])) || !isMaskable(value) || isReference(value) ||
			!strings.ContainsAny(value[:1], `"'`) && !isTemplate(value) && strings.ContainsAny(value, " \t") {
			continue // not an assignment, or words: "the password = is prose"
		}
		b.WriteString(text[prev:v])
		b.WriteString(Mask)
		prev, i, changed = v+n, v+n-1, true
	}
	b.WriteString(text[prev:])
	return changed
}

// value writes the value at the start of rest, masked when secret, and
// returns what follows it on the line, and whether it masked anything. A
// multi-line string or array that does not end on the line is left open
// in s for the next lines.
func (s *scanner) value(b *out, rest string, secret, commented bool) (string, bool) {
	switch {
	case rest == "":
		return "", false
	case strings.HasPrefix(rest, `"""`), strings.HasPrefix(rest, "'''"):
		q := rest[:3]
		if end := closeAt(rest[3:], q); end >= 0 {
			return rest[3+end:], s.scalar(b, rest[:3+end], secret)
		}
		if commented && !secret {
			b.WriteString(rest)
			return "", false
		}
		s.closer, s.strSecret, s.commented = q, secret, commented
		if secret {
			b.WriteString(Mask)
			return "", true
		}
		b.WriteString(q)
		return "", prose(b, rest[3:], false)
	case isTemplate(rest):
		n := valueLen(rest)
		return rest[n:], s.scalar(b, rest[:n], secret)
	case rest[0] == '{':
		// An inline table: look inside it; under a secret key, every
		// value in it is one (auth = { password = { value = "…" } }).
		n := bracketedLen(rest)
		return rest[n:], s.inside(b, rest[:n], secret, commented)
	case rest[0] == '[':
		return s.array(b, rest, secret, commented)
	}
	n := valueLen(rest)
	return rest[n:], s.scalar(b, rest[:n], secret)
}

// scalar writes value, a string, placeholder or bare value, as Mask when
// it is secret and could be one (isMaskable) and is not only references to
// other values (isReference); it reports whether it masked it.
func (s *scanner) scalar(b *out, value string, secret bool) bool {
	if secret && isMaskable(value) && !isReference(value) {
		b.WriteString(Mask)
		return true
	}
	b.WriteString(value)
	return false
}

// inside writes the inline table value, masking the secrets in it, all of
// its values when secret; it reports whether it masked any.
func (s *scanner) inside(b *out, value string, secret, commented bool) bool {
	b.WriteString("{")
	was := s.secretTable
	s.secretTable = was || secret
	changed := s.pairs(b, strings.TrimSuffix(value[1:], "}"), true, commented)
	s.secretTable = was
	if strings.HasSuffix(value, "}") {
		b.WriteString("}")
	}
	return changed
}

// array writes the array at the start of rest: as Mask when it is secret
// and holds anything, or with the secrets in its inline tables masked. It
// returns what follows it on the line, and whether it masked anything. An
// array that does not close on the line is left open in s, unless it is a
// commented-out value that is not secret.
func (s *scanner) array(b *out, rest string, secret, commented bool) (string, bool) {
	end, depth, closer, tables := scanArray(rest, 0)
	changed := false
	switch {
	case secret && strings.TrimSpace(strings.Trim(rest[:end], "[]")) != "":
		b.WriteString(Mask)
		changed = true
	case secret:
		b.WriteString(rest[:end])
	default:
		changed = s.withTables(b, rest[:end], tables, commented)
	}
	if depth > 0 && (secret || !commented) {
		s.depth, s.arraySecret, s.commented = depth, secret, commented
		if closer != "" {
			s.closer, s.strSecret = closer, secret
		}
	}
	return rest[end:], changed
}

// elements writes rest, a line inside open arrays: as Mask up to the
// bracket that closes them when they are secret, or with the secrets in
// their inline tables masked. It reports whether it masked anything.
func (s *scanner) elements(b *out, rest string) bool {
	end, depth, closer, tables := scanArray(rest, s.depth)
	changed := false
	if s.arraySecret {
		lead, cut := skipBlanks(rest, 0), end
		if depth == 0 {
			cut = end - 1 // the closing bracket is shown
		}
		if strings.TrimSpace(rest[lead:cut]) != "" {
			b.WriteString(rest[:lead] + Mask)
			changed = true
		} else {
			b.WriteString(rest[:cut])
		}
		b.WriteString(rest[cut:end])
	} else {
		changed = s.withTables(b, rest[:end], tables, s.commented)
	}
	s.depth = depth
	if closer != "" {
		s.closer, s.strSecret = closer, s.arraySecret
		return changed
	}
	if depth == 0 {
		s.arraySecret, s.commented = false, false
		return s.after(b, rest[end:]) || changed
	}
	return changed
}

// withTables writes text with its inline tables (at the spans tables)
// written by inside; it reports whether they masked anything.
func (s *scanner) withTables(b *out, text string, tables [][2]int, commented bool) bool {
	changed, prev := false, 0
	for _, t := range tables {
		b.WriteString(text[prev:t[0]])
		if s.inside(b, text[t[0]:t[1]], false, commented) {
			changed = true
		}
		prev = t[1]
	}
	b.WriteString(text[prev:])
	return changed
}

// after writes what follows a value that went on over lines: a comment, or
// in an inline table the next pairs after a comma.
func (s *scanner) after(b *out, rest string) bool {
	i := strings.IndexAny(rest, ",#")
	if i < 0 || rest[i] == '#' {
		b.WriteString(rest)
		return false
	}
	b.WriteString(rest[:i+1])
	return s.pairs(b, rest[i+1:], true, false)
}

// scanArray reads rest, a line with depth arrays open before it (or 0 and
// rest starts with '['): it returns where the bracket that closes them all
// ends (len(rest) when none does), the arrays still open there, the
// closing quotes of a multi-line string opened and not closed on the line,
// and the spans of the inline tables in it. Brackets in strings, inline
// tables, placeholders and comments do not count.
func scanArray(rest string, depth int) (end, open int, closer string, tables [][2]int) {
	for i := 0; i < len(rest); {
		switch c := rest[i]; {
		case c == '[':
			depth++
			i++
		case c == ']':
			depth--
			i++
			if depth <= 0 {
				return i, 0, "", tables
			}
		case c == '#':
			return len(rest), depth, "", tables
		case strings.HasPrefix(rest[i:], `"""`), strings.HasPrefix(rest[i:], "'''"):
			q := rest[i : i+3]
			e := closeAt(rest[i+3:], q)
			if e < 0 {
				return len(rest), depth, q, tables
			}
			i += 3 + e
		case c == '"' || c == '\'':
			i += valueLen(rest[i:])
		case c == '{' && isTemplate(rest[i:]):
			i += valueLen(rest[i:])
		case c == '{':
			n := bracketedLen(rest[i:])
			tables = append(tables, [2]int{i, i + n})
			i += n
		default:
			i++
		}
	}
	return len(rest), depth, "", tables
}

// closeAt returns where the multi-line string that s goes on ends, after
// its closing quotes q, or -1 when it does not end in s. In a basic string
// (`"""`) a backslash escapes the character after it: `\"""` is a quote and
// two more, not the end. Up to two quotes right before the closing three
// are the string's own.
func closeAt(s, q string) int {
	for i := 0; i < len(s); {
		switch {
		case q[0] == '"' && s[i] == '\\':
			i += 2
		case s[i] == q[0]:
			n := 1
			for i+n < len(s) && s[i+n] == q[0] {
				n++
			}
			if n >= 3 {
				return i + n
			}
			i += n
		default:
			i++
		}
	}
	return -1
}

// keyAssign reads the (dotted) key, its '=' and the blanks after it at the
// start of s: the key's parts, unquoted and unescaped, how long all that
// is, and whether s starts with one.
func keyAssign(s string) (parts []string, n int, ok bool) {
	parts, n, ok = parseKey(s)
	if !ok || n >= len(s) || s[n] != '=' || n+1 < len(s) && s[n+1] == '=' {
		return nil, 0, false
	}
	return parts, skipBlanks(s, n+1), true
}

// keyLen returns the length of the (dotted) key, its '=' and the blanks
// after it at the start of s, or 0 when s does not start with one.
func keyLen(s string) int {
	_, n, _ := keyAssign(s)
	return n
}

// parseKey reads the dotted key at the start of s (blanks around its parts
// and dots): its parts, bare, "basic" with their escapes decoded ("pass\u0077ord" is
// password) or 'literal', and where the blanks after it end.
func parseKey(s string) (parts []string, n int, ok bool) {
	i := 0
	for {
		i = skipBlanks(s, i)
		start := i
		switch {
		case i < len(s) && s[i] == '"':
			j, closed := basicEnd(s[i:])
			if !closed {
				return nil, 0, false
			}
			parts = append(parts, unescape(s[i+1:i+j-1]))
			i += j
		case i < len(s) && s[i] == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, 0, false
			}
			parts = append(parts, s[i+1:i+1+j])
			i += j + 2
		default:
			for i < len(s) && isBare(s[i]) {
				i++
			}
			if i == start {
				return nil, 0, false
			}
			parts = append(parts, s[start:i])
		}
		i = skipBlanks(s, i)
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		return parts, i, true
	}
}

// header returns the name of the table a header line ("[a.b]", "[[a]]",
// `["sec\u0072ets"]`) starts, its parts unescaped, and whether body
// starts with one.
func header(body string) ([]string, bool) {
	i := skipBlanks(body, 0)
	if i >= len(body) || body[i] != '[' {
		return nil, false
	}
	i++
	double := i < len(body) && body[i] == '['
	if double {
		i++
	}
	parts, n, ok := parseKey(body[i:])
	if !ok {
		return nil, false
	}
	i += n
	if i >= len(body) || body[i] != ']' || double && (i+1 >= len(body) || body[i+1] != ']') {
		return nil, false
	}
	return parts, true
}

// isHeaderOnly reports whether line is a table header that cannot be an
// array in an array: a bare name in brackets that is not a number, a
// boolean, inf or nan ([server], [[apim.throttling]], [secrets]), where
// ["secrets"] or [1] could be.
func isHeaderOnly(line string) bool {
	parts, ok := header(line)
	if !ok {
		return false
	}
	t := strings.TrimLeft(line, " \t[")
	if t == "" || t[0] == '"' || t[0] == '\'' || strings.ContainsRune("0123456789+-", rune(t[0])) {
		return false
	}
	switch parts[0] {
	case "true", "false", "inf", "nan":
		return false
	}
	return true
}

// unescape decodes the escapes of a TOML basic string's text (\" \\ \b \t
// \n \f \r \e \xHH \uHHHH \UHHHHHHHH); an escape it does not know stays as
// it is.
func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		if e := strings.IndexByte(`"\btnfre`, s[i+1]); e >= 0 {
			b.WriteByte("\"\\\b\t\n\f\r\x1b"[e])
			i++
			continue
		}
		digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i+1]]
		if digits > 0 && i+2+digits <= len(s) {
			if r, err := strconv.ParseUint(s[i+2:i+2+digits], 16, 32); err == nil && utf8.ValidRune(rune(r)) {
				b.WriteRune(rune(r))
				i += 1 + digits
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
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

// valueLen is the length of the value at the start of s: a string, an
// inline table or array up to its closing bracket, a template placeholder,
// or a bare value up to a comma, a closing brace or a comment.
func valueLen(s string) int {
	if s == "" {
		return 0
	}
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(s, q) {
			if i := closeAt(s[3:], q); i >= 0 {
				return 3 + i
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
		n, _ := basicEnd(s)
		return n
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

// basicEnd returns the length of the "string" at the start of s, up to its
// closing quote, and true; or len(s) and false when it does not close.
func basicEnd(s string) (int, bool) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return len(s), false
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

// isTemplate reports whether value is a template placeholder, which is not
// an inline table even when it starts with '{'.
func isTemplate(value string) bool {
	_, ok := tmplmask.At(value)
	return ok
}

// isMaskable reports whether value could hold a secret: a string that is
// not empty, or a bare value that is not a boolean, number or date (a
// template placeholder).
func isMaskable(value string) bool {
	switch {
	case value == "", value == `""`, value == "''", value == `""""""`, value == "''''''":
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

// isReference reports whether value (a string or bare value as written)
// holds only references to a value kept elsewhere, and at least one:
// ${a.b} (another key of the file), $env{VAR}, $sys{property}, $ref{key}
// or $secret{alias}. None is a secret, so none is masked, and a diff
// showing them applies. $secret{alias} names a secret the cipher tool
// encrypted from the plain text listed under [secrets]; the secret is not
// in the reference: "You must first list the plain-text secrets in the
// deployment.toml file under the secrets header ... specified an alias for
// the secret followed by the actual plain-text secret", then use
// $secret{alias} in its place
// (https://apim.docs.wso2.com/en/4.1.0/install-and-setup/setup/mi-setup/security/encrypting_plain_text/;
// $env and $sys:
// https://is.docs.wso2.com/en/6.0.0/deploy/security/set-passwords-using-environment-variables-or-system-properties/).
func isReference(value string) bool {
	text := stringText(value)
	found := false
	for {
		text = strings.TrimSpace(text)
		if text == "" {
			return found
		}
		ok := false
		for _, p := range referencePrefixes {
			if strings.HasPrefix(text, p) {
				ok = true
				break
			}
		}
		end := strings.IndexByte(text, '}')
		if !ok || end < 0 {
			return false
		}
		text, found = text[end+1:], true
	}
}

// referencePrefixes start the references isReference knows.
var referencePrefixes = []string{"${", "$env{", "$sys{", "$secret{", "$ref{"}

// stringText returns the text of a string value, its quotes taken off and,
// in a basic string, its escapes decoded; a bare value as it is.
func stringText(value string) string {
	for _, q := range []string{`"""`, `'''`} {
		if len(value) >= 6 && strings.HasPrefix(value, q) && strings.HasSuffix(value, q) {
			if q[0] == '"' {
				return unescape(value[3 : len(value)-3])
			}
			return value[3 : len(value)-3]
		}
	}
	if len(value) >= 2 && value[0] == value[len(value)-1] && (value[0] == '"' || value[0] == '\'') {
		if value[0] == '"' {
			return unescape(value[1 : len(value)-1])
		}
		return value[1 : len(value)-1]
	}
	return value
}

// maskInline masks, in a line shown, the secrets that need no state:
// passwords in URLs (userinfo and parameters) and the values templates
// assign to secret names.
func maskInline(line string) (string, bool) {
	line, urls := maskURLs(line)
	line, params := maskParams(line)
	line, tags := maskAssignments(line)
	return line, urls || params || tags
}

// urlParam finds a parameter of a URL: ?name=value, &name=value or
// ;name=value (JDBC's SQL Server and H2 URLs).
var urlParam = lazyregexp.New(`[?&;]([A-Za-z_][\w.-]*)=([^&;#"'\s\\]*)`)

// maskParams masks the values of the parameters with secret names
// (password, pwd, token, secret, ...) in the URLs of line, after "://" or
// "jdbc:": jdbc:sqlserver://db;user=u;password=PW shows as
// jdbc:sqlserver://db;user=u;password=(masked). A value that is only
// references (isReference) is shown.
func maskParams(line string) (string, bool) {
	start := strings.Index(line, "://")
	if j := strings.Index(line, "jdbc:"); j >= 0 && (start < 0 || j < start) {
		start = j
	}
	if start < 0 {
		return line, false
	}
	var b strings.Builder
	prev := 0
	for _, m := range urlParam().FindAllStringSubmatchIndex(line[start:], -1) {
		name, value := line[start+m[2]:start+m[3]], line[start+m[4]:start+m[5]]
		if value == "" || value == Mask || isReference(value) || !isSecretName(name) {
			continue
		}
		b.WriteString(line[prev : start+m[4]])
		b.WriteString(Mask)
		prev = start + m[5]
	}
	if prev == 0 {
		return line, false
	}
	b.WriteString(line[prev:])
	return b.String(), true
}

// maskURLs masks the password in the userinfo of every URL in s, whatever
// the key, string or comment it is in: amqp://admin:PW@host shows as
// amqp://admin:(masked)@host. The authority runs from "://" to the next '/',
// '?', '#', quote, backslash or blank; its userinfo to the last '@' in it;
// the password from the first ':' in that. A password that is only
// references (isReference) is shown.
func maskURLs(s string) (string, bool) {
	if !strings.Contains(s, "://") {
		return s, false
	}
	var b strings.Builder
	changed, prev := false, 0
	for i := 0; ; {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		start := i + j + 3
		end := start
		for end < len(s) && !strings.ContainsRune("/?#\"'\\ \t", rune(s[end])) {
			end++
		}
		i = end
		at := strings.LastIndexByte(s[start:end], '@')
		if at < 0 {
			continue
		}
		colon := strings.IndexByte(s[start:start+at], ':')
		if colon < 0 {
			continue
		}
		pw := s[start+colon+1 : start+at]
		if pw == "" || isReference(pw) {
			continue
		}
		b.WriteString(s[prev : start+colon+1])
		b.WriteString(Mask)
		prev = start + at
		changed = true
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[prev:])
	return b.String(), true
}

// templateAssignments find the assignments of templates to a name, the
// value in the last group: Jinja's {% set name = value %} and
// {% set name %}value{% endset %}, ERB's <% @name = value %>, Go
// templates' (Helm's) {{ $name := value }}.
var templateAssignments = []func() *regexp.Regexp{
	lazyregexp.New(`\{%[-+]?\s*set\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*(.*?)\s*[-+]?%\}`),
	lazyregexp.New(`\{%[-+]?\s*set\s+([A-Za-z_]\w*)\s*[-+]?%\}(.*?)\{%[-+]?\s*endset\s*[-+]?%\}`),
	lazyregexp.New(`<%-?\s*(@{0,2}\$?[A-Za-z_]\w*)\s*(?:\|\||&&|\+)?=\s*([^=~>\s].*?)\s*-?%>`),
	lazyregexp.New(`\{\{-?\s*(\$[A-Za-z_]\w*)\s*:?=\s*(.*?)\s*-?\}\}`),
}

// jinjaSetBlock finds the start of Jinja's block set, {% set name %}, and
// jinjaEndset its end.
var (
	jinjaSetBlock = lazyregexp.New(`\{%[-+]?\s*set\s+([A-Za-z_]\w*)\s*[-+]?%\}`)
	jinjaEndset   = lazyregexp.New(`\{%[-+]?\s*endset\s*[-+]?%\}`)
)

// maskAssignments masks the values templates assign to a secret name in
// line: {% set admin_password = "x" %} shows as
// {% set admin_password = (masked) %}.
func maskAssignments(line string) (string, bool) {
	if !strings.Contains(line, "{%") && !strings.Contains(line, "<%") && !strings.Contains(line, "{{") {
		return line, false
	}
	changed := false
	for _, re := range templateAssignments {
		var b strings.Builder
		prev := 0
		for _, m := range re().FindAllStringSubmatchIndex(line, -1) {
			name, value := line[m[2]:m[3]], line[m[4]:m[5]]
			if value == "" || value == Mask || !isSecretName(name) {
				continue
			}
			b.WriteString(line[prev:m[4]])
			b.WriteString(Mask)
			prev = m[5]
		}
		if prev > 0 {
			b.WriteString(line[prev:])
			line, changed = b.String(), true
		}
	}
	return line, changed
}

// isSecretName reports whether a template variable's name (admin_password,
// @keystore_password, $dbPassword, or several: a, b_token) names a secret.
func isSecretName(names string) bool {
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimLeft(strings.TrimSpace(n), "@$")
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			n = n[i+1:] // Jinja's set ns.db_password
		}
		if isSecretParts([]string{n}) {
			return true
		}
	}
	return false
}

// mayHoldSecret reports whether line assigns something (it has '=') and
// has, in any case, a part of one of secretWords or "secret", or a
// backslash (a key may spell a word with escapes: "pass\u0077ord"): a line
// without both assigns no secret key. lower is scratch space.
func mayHoldSecret(line string, lower *[]byte) bool {
	if strings.IndexByte(line, '=') < 0 {
		return false
	}
	if strings.IndexByte(line, '\\') >= 0 {
		return true
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

// isSecretKey reports whether the key of an assignment ("a.key_password = ",
// `"pass\u0077ord" =`) names a secret (isSecretParts).
func isSecretKey(assignment string) bool {
	return isSecretParts(keyParts(strings.TrimRight(assignment, " \t=")))
}

// isSecretParts reports whether a key, in parts unquoted and unescaped,
// names a secret: its last part ends in one of secretWords, or has
// "secret" in it (secret_id, secretJWTsecret), or the key is under WSO2's
// secrets.
func isSecretParts(parts []string) bool {
	if len(parts) == 0 {
		return false
	}
	if len(parts) > 1 && strings.EqualFold(parts[0], "secrets") {
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
	last := strings.TrimRight(words[len(words)-1], "0123456789") // password2
	if secretWords[last] {
		return true
	}
	for _, w := range secretEndings {
		if strings.HasSuffix(last, w) {
			return true // authtoken, dbpassword, privatekey
		}
	}
	return false
}

// secretEndings end a one-word name that names a secret: words that end
// so and are not secrets are rare (unlike key: monkey, or pass: bypass).
var secretEndings = []string{"password", "passwd", "passphrase", "token", "secret", "secrets", "credential", "credentials", "apikey", "privatekey"}

// keyParts splits a dotted key at the dots outside quotes, each part
// unquoted and unescaped: a."pass\u0077ord" is a, password. Text that is
// not a key is one part, as it is.
func keyParts(k string) []string {
	parts, n, ok := parseKey(k)
	if !ok || n != len(k) {
		return []string{strings.TrimSpace(k)}
	}
	return parts
}

// isSecretTable reports whether a table's keys are all secrets: WSO2's
// secure vault lists the plain values to encrypt under [secrets].
func isSecretTable(parts []string) bool {
	return len(parts) > 0 && strings.EqualFold(parts[0], "secrets")
}

// splitWords splits a key name into lower-case words at every character
// that is not a letter or a digit ('_', '-', '.', blanks) and at
// lower-to-upper case changes: ssoClientSecret is sso, client, secret.
func splitWords(name string) []string {
	var words []string
	var w []rune
	flush := func() {
		if len(w) > 0 {
			words = append(words, strings.ToLower(string(w)))
			w = w[:0]
		}
	}
	ascii := true
	for i := 0; i < len(name) && ascii; i++ {
		ascii = name[i] < utf8.RuneSelf
	}
	if ascii && !strings.ContainsAny(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		// The common case, lower-case ASCII: words are split at
		// anything not a letter or digit only.
		return strings.FieldsFunc(name, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') })
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
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

// Diff returns the unified diff that turns a into b (unidiff.Make) with
// the secret values of both masked, and whether a line it prints is
// masked: then it describes the change but will not apply as printed.
// With avoid, hunks keep masked lines out of their context where they can
// (unidiff.Options.AvoidMasked): the diff is masked, and will not apply,
// only where a secret's line is changed or next to a change.
func Diff(name string, a, b []byte, avoid bool) unidiff.Result {
	return unidiff.Make(name, a, b, unidiff.Options{OldShown: For(a).Line, NewShown: For(b).Line, AvoidMasked: avoid})
}
