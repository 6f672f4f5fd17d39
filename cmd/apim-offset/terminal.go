package main

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// terminalSafe writes text with the characters that could steer a terminal
// or disguise what it shows written as escapes: C0 controls but tab and
// newline (a carriage return only when a newline follows it: CRLF) and DEL
// as \xNN; the C1 controls U+0080 to U+009F as \u00NN, and the raw bytes
// 0x80 to 0x9F that are not part of a UTF-8 character (0x9B is CSI to a
// terminal reading 8-bit controls) as \xNN; and the bidirectional
// embeddings, overrides and isolates U+202A to U+202E and U+2066 to U+2069
// (which reorder what follows them, "Trojan Source") as \uNNNN. Names,
// keys, values and command lines come from files, paths and processes that
// anyone may have written; none of what the tool says itself holds such
// characters. stderr always goes through it, stdout when it is a terminal.
//
// Each Write is escaped on its own, so a character split over two writes
// would be taken for invalid bytes: the writers that feed it (fmt,
// tabwriter, encoding/json) write whole characters.
type terminalSafe struct{ w io.Writer }

func (t terminalSafe) Write(b []byte) (int, error) {
	if _, err := t.w.Write(escapeControls(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// escapeControls returns b with its control characters escaped, or b
// itself when it has none.
func escapeControls(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		esc := ""
		switch {
		case r == '\r' && i+1 < len(b) && b[i+1] == '\n', r == '\t', r == '\n':
		case r == utf8.RuneError && size == 1:
			if c := b[i]; c >= 0x80 && c <= 0x9f {
				esc = fmt.Sprintf(`\x%02x`, c)
			}
		case r < 0x20 || r == 0x7f:
			esc = fmt.Sprintf(`\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, isBidiControl(r):
			esc = fmt.Sprintf(`\u%04x`, r)
		}
		if esc != "" && out == nil {
			out = append(make([]byte, 0, len(b)+8), b[:i]...)
		}
		switch {
		case esc != "":
			out = append(out, esc...)
		case out != nil:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return b
	}
	return out
}

// isBidiControl reports whether r is a bidirectional embedding, override
// or isolate (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI).
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// quoteField returns s as one field of a line of output whose fields are
// separated by tabs (get --home '*' prints "HOME<TAB>OFFSET"): s itself
// when every character of it is printable (strconv.IsPrint: letters,
// marks, numbers, punctuation, symbols and the ASCII space) and it does
// not start with a double quote; otherwise s in double quotes with Go's
// escapes (strconv.Quote), so that a folder named "prod\t9" or "a\nb\t9"
// cannot forge a field or a line, and a name that is shown quoted cannot
// be taken for another that is not. The result holds no tab, newline or
// other control character, no bidirectional control and no invalid UTF-8.
func quoteField(s string) string {
	if s == "" || s[0] == '"' {
		return strconv.Quote(s)
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return strconv.Quote(s)
			}
		}
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
