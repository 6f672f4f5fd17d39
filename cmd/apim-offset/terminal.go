package main

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// terminalSafe writes text with the control characters that could steer a
// terminal shown escaped: C0 controls but tab and newline (a carriage
// return only when a newline follows it: CRLF), DEL, and the C1 controls
// U+0080 to U+009F, as \xNN or \u00NN. Names, keys, values and command lines
// come from files, paths and processes that anyone may have written; none
// of what the tool says itself holds such characters. stderr always goes
// through it, stdout when it is a terminal.
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
		case r < 0x20 || r == 0x7f:
			esc = fmt.Sprintf(`\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
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
