package tomlutil

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// A Substitution is a place where a document is not TOML 1.0, although
// WSO2's own parser (cava-toml 0.5.0 in config-mapper, a TOML 0.5 parser)
// reads it and the server starts, and what [View] or [Parse] read there
// instead so that go-toml reads the rest.
type Substitution struct {
	Span      Span   // where in the document
	Construct string // one of the NotTOML10* constants
	Msg       string // what is there: "invalid UTF-8 byte 0xff in a comment"
}

// The constructs of a Substitution. The cava-toml sources cited are those
// of ConsenSys/cava v1.0 as loaded into github.com/apache/incubator-tuweni
// at commit 73e4230d7, toml/src/main/antlr/net/consensys/cava/toml/internal/
// and toml/src/main/java/net/consensys/cava/toml/ (see package dialect).
const (
	// A byte that is not UTF-8 (invalid, overlong or an encoded
	// surrogate) in a comment, a string or a quoted key. config-mapper
	// reads the file through ANTLR's CharStreams.fromPath, whose UTF-8
	// decoder puts U+FFFD in its place, which cava-toml's lexer takes
	// there (TomlLexer.g4: COMMENT : '#' (~'\n')*, and StringChar). View
	// puts '?' in the byte's place.
	NotTOML10InvalidUTF8 = "invalid-utf8"
	// A control character (U+0000 to U+001F but tab, or U+007F) or a CR
	// not followed by LF in a comment: TOML 1.0 forbids them, cava-toml's
	// COMMENT takes everything up to '\n'. View puts a space in its place.
	NotTOML10CommentControl = "comment-control"
	// A \uD800 to \uDFFF escape (or \U0000D800 to \U0000DFFF) in a basic
	// string or quoted key: not a Unicode scalar value, which TOML 1.0
	// requires; cava-toml makes it a Java char (QuotedStringVisitor:
	// Character.toChars), and a pair \uD83D\uDE00 is one character there.
	// View writes \uFFFD (or \U0000FFFD), of the same length.
	NotTOML10Surrogate = "surrogate-escape"
	// An inline table given more keys later, by a [table] header under it
	// or a dotted key: TOML 1.0 says an inline table is complete, cava-toml
	// adds to it (MutableTomlTable.createTable and set find the table and
	// go on). Parse reads the inline table as dotted keys; nothing is
	// substituted, the Span is the header or key that adds to it.
	NotTOML10InlineExtended = "inline-table-extended"
)

// View returns src with each byte that makes it not TOML 1.0, but that
// WSO2's parser reads, replaced by bytes of the same length that go-toml
// reads (see the NotTOML10* constants), and the substitutions made, in the
// order of src. Every byte range of the view is the same range of src, so
// an edit planned on the view can be spliced into src. Without
// substitutions, view is src itself.
//
// It reads src as TOML's lexer does (comments, the four kinds of string,
// the rest) in one pass. Bytes outside comments and strings, and control
// characters in strings, are left as they are: cava-toml refuses them as
// go-toml does.
func View(src []byte) (view []byte, subst []Substitution) {
	v := viewer{src: src}
	for i := 0; i < len(src); {
		// Only comments and strings are viewed: skip to the next.
		for i < len(src) && src[i] != '#' && src[i] != '"' && src[i] != '\'' {
			i++
		}
		switch {
		case i == len(src):
		case src[i] == '#':
			i = v.comment(i)
		default:
			i = v.str(i)
		}
	}
	if v.view == nil {
		return src, nil
	}
	return v.view, v.subst
}

// viewer is what View has made so far.
type viewer struct {
	src   []byte
	view  []byte // a copy of src, from the first substitution on
	subst []Substitution
}

// put replaces src[at:at+len(with)] with with in the view.
func (v *viewer) put(at int, with, construct, msg string) {
	if v.view == nil {
		v.view = bytes.Clone(v.src)
	}
	copy(v.view[at:], with)
	v.subst = append(v.subst, Substitution{Span: Span{at, at + len(with)}, Construct: construct, Msg: msg})
}

// invalid replaces the invalid UTF-8 byte at i, in where, and returns the
// offset after it; or returns i when the text at i is valid UTF-8, with the
// size of its character.
func (v *viewer) invalid(i int, where string) (next int, ok bool) {
	if v.src[i] < utf8.RuneSelf {
		return i + 1, true
	}
	r, size := utf8.DecodeRune(v.src[i:])
	if r == utf8.RuneError && size == 1 {
		v.put(i, "?", NotTOML10InvalidUTF8, fmt.Sprintf("invalid UTF-8 byte 0x%02x in %s", v.src[i], where))
		return i + 1, false
	}
	return i + size, true
}

// comment views the comment that starts at i and returns the offset of
// the line break that ends it, or the end of src.
func (v *viewer) comment(i int) int {
	src := v.src
	// Most comments are printable ASCII to their line's end: skip that.
	for i++; i < len(src) && (src[i]-0x20 < 0x7f-0x20 || src[i] == '\t'); i++ {
	}
	for i < len(src) && src[i] != '\n' {
		b := src[i]
		switch {
		case b >= 0x20 && b < 0x7f || b == '\t': // most of every comment
		case b == '\r' && i+1 < len(src) && src[i+1] == '\n':
			return i + 1
		case b == '\r':
			v.put(i, " ", NotTOML10CommentControl, "carriage return (CR) without a line feed in a comment")
		case b == 0:
			v.put(i, " ", NotTOML10CommentControl, "NUL byte in a comment")
		case b < 0x20 && b != '\t' || b == 0x7f:
			v.put(i, " ", NotTOML10CommentControl, fmt.Sprintf("control character 0x%02x in a comment", b))
		default:
			i, _ = v.invalid(i, "a comment")
			continue
		}
		i++
	}
	return i
}

// str views the string (or quoted key) whose first quote is at i and
// returns the offset just past it. A one-line string ends at its line's
// end if it does not close before; a multi-line one ends with its last
// three quotes, as go-toml reads it.
func (v *viewer) str(i int) int {
	src := v.src
	q := src[i]
	basic := q == '"'
	multi := i+2 < len(src) && src[i+1] == q && src[i+2] == q
	j := i + 1
	if multi {
		j = i + 3
	}
	for j < len(src) {
		switch b := src[j]; {
		case basic && b == '\\':
			j = v.escape(j)
		case b == q && !multi:
			return j + 1
		case b == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q:
			j += 3
			for k := 0; k < 2 && j < len(src) && src[j] == q; k++ {
				j++ // up to two quotes may end the content
			}
			return j
		case b == '\n' && !multi:
			return j
		case b < utf8.RuneSelf:
			j++
		default:
			j, _ = v.invalid(j, "a string or quoted key")
		}
	}
	return j
}

// escape views the escape whose backslash is at i, in a basic string, and
// returns the offset after it.
func (v *viewer) escape(i int) int {
	src := v.src
	if i+1 >= len(src) {
		return i + 1
	}
	n := 0
	switch src[i+1] {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		if src[i+1] >= utf8.RuneSelf {
			return i + 1 // the byte after '\' is seen on its own
		}
		return i + 2
	}
	hex := src[i+2 : min(i+2+n, len(src))]
	if len(hex) < n {
		return i + 2
	}
	var r rune
	for _, h := range hex {
		d, ok := hexDigit(h)
		if !ok {
			return i + 2
		}
		r = r<<4 | d
	}
	if r >= 0xD800 && r <= 0xDFFF {
		with := `\uFFFD`
		if n == 8 {
			with = `\U0000FFFD`
		}
		v.put(i, with, NotTOML10Surrogate, fmt.Sprintf(`escape %s in a string: a UTF-16 surrogate, not a Unicode character`, src[i:i+2+n]))
	}
	return i + 2 + n
}

func hexDigit(b byte) (rune, bool) {
	switch {
	case b >= '0' && b <= '9':
		return rune(b - '0'), true
	case b >= 'a' && b <= 'f':
		return rune(b-'a') + 10, true
	case b >= 'A' && b <= 'F':
		return rune(b-'A') + 10, true
	}
	return 0, false
}
