package synth

import (
	"fmt"
	"strings"
)

// A Shape is a kind of document whose parse could cost more than its size
// says: many of one structure, or one structure nested deep.
type Shape struct {
	Name     string
	What     string // the structure that is repeated or nested
	Template bool   // read it with --template
	make     func(size, n int) []byte
}

// Make returns a document of the shape of at most size bytes, ending with
// a [server] table that sets offset = 0 (outside every structure of the
// shape). It holds the structure n times, or as many times as fit when n
// is 0 or too many to fit; the rest, when n is fewer, is comment lines, so
// that the document is still about size bytes.
func (s Shape) Make(size, n int) []byte { return s.make(size, n) }

// server ends every shape's document.
const server = "[server]\noffset = 0\n"

// Shapes are the shapes the linear benchmark measures.
var Shapes = []Shape{
	{Name: "headers", What: "[t0] [t1] … one table header per line", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "[t%d]\n", i) })
	}},
	{Name: "headers-grouped", What: "[g0.t0] … [gN.t15]: 16 sub-tables per group", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "[g%d.t%d]\n", i/16, i%16) })
	}},
	{Name: "subtables", What: "[a.t0] [a.t1] …: sub-tables under one name", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "[a.t%d]\n", i) })
	}},
	{Name: "small-tables", What: "[t0] k = 0 … small tables", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "[t%d]\nk = %d\n", i, i) })
	}},
	{Name: "array-tables", What: "[[a]] k = 0 … one array of tables", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "[[a]]\nk = %d\n", i) })
	}},
	{Name: "keys", What: "k0 = 0 … keys at the root", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "k%d = %d\n", i, i) })
	}},
	{Name: "dotted-keys", What: "a.k0 = 0 … dotted keys under one name", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "a.k%d = %d\n", i, i) })
	}},
	{Name: "inline-wide", What: "a = {k0 = 0, k1 = 1, …}: one inline table", make: func(size, n int) []byte {
		return repeat(size, n, "a = {k = 0", "}\n", func(b []byte, i int) []byte { return fmt.Appendf(b, ", k%d = %d", i, i) })
	}},
	{Name: "inline-array", What: "a = [{}, {}, …]: inline tables in an array", make: func(size, n int) []byte {
		return repeat(size, n, "a = [{}", "]\n", func(b []byte, i int) []byte { return append(b, ", {}"...) })
	}},
	{Name: "scalar-array", What: "a = [0, 1, …]: one array of numbers", make: func(size, n int) []byte {
		return repeat(size, n, "a = [0", "]\n", func(b []byte, i int) []byte { return fmt.Appendf(b, ", %d", i) })
	}},
	{Name: "nested-inline", What: "a = {a = {a = … }}: inline tables nested", make: func(size, n int) []byte {
		return nest(size, n, "a = ", "{a = ", "1", "}")
	}},
	{Name: "nested-arrays", What: "a = [[[ … ]]]: arrays nested", make: func(size, n int) []byte {
		return nest(size, n, "a = ", "[", "1", "]")
	}},
	{Name: "long-string", What: `a = "xxx…": one string`, make: func(size, n int) []byte {
		return repeat(size, n, `a = "`, "\"\n", func(b []byte, i int) []byte { return append(b, "xxxxxxxxxxxxxxxx"...) })
	}},
	{Name: "comments", What: "# comment lines", make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte { return fmt.Appendf(b, "# comment %d\n", i) })
	}},
	{Name: "tmpl-nested", What: "{{ if .x }} … {{ end }}: template blocks nested", Template: true, make: func(size, n int) []byte {
		return nest(size, n, "", "{{ if .Values.x }}\n", "k = 1\n", "{{ end }}\n")
	}},
	{Name: "tmpl-placeholders", What: "k0 = {{ .Values.k0 }} … placeholders in small tables", Template: true, make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte {
			return fmt.Appendf(b, "[t%d]\nk = {{ .Values.k%d }} # {{ .Values.c }}\n", i, i)
		})
	}},
	{Name: "tmpl-one-line", What: `a = ["{{ .x }}", …]: placeholders on one line`, Template: true, make: func(size, n int) []byte {
		return repeat(size, n, `a = ["{{ .x }}"`, "]\n", func(b []byte, i int) []byte { return append(b, `, "{{ .x }}"`...) })
	}},
	{Name: "tmpl-branches", What: "{% if %} k = 1 {% else %} k = 2 {% endif %} in small tables", Template: true, make: func(size, n int) []byte {
		return repeat(size, n, "", "", func(b []byte, i int) []byte {
			return fmt.Appendf(b, "[t%d]\n{%% if x %%}\nk = 1\n{%% else %%}\nk = 2\n{%% endif %%}\n", i)
		})
	}},
}

// repeat writes head, unit(0), unit(1) … (n of them, or as many as fit),
// end, comment lines up to size, then the [server] table.
func repeat(size, n int, head, end string, unit func(b []byte, i int) []byte) []byte {
	b := make([]byte, 0, size)
	b = append(b, head...)
	var u []byte
	for i := 0; n <= 0 || i < n; i++ {
		u = unit(u[:0], i)
		if len(b)+len(u)+len(end)+len(server) > size {
			break
		}
		b = append(b, u...)
	}
	return pad(append(b, end...), size)
}

// nest writes head, open n times (or as many as fit), mid, close as many
// times, a newline, comment lines up to size, then the [server] table.
func nest(size, n int, head, open, mid, close string) []byte {
	fit := (size - len(head) - len(mid) - 1 - len(server)) / (len(open) + len(close))
	if n <= 0 || n > fit {
		n = fit
	}
	b := make([]byte, 0, size)
	b = append(b, head...)
	b = append(b, strings.Repeat(open, n)...)
	b = append(b, mid...)
	b = append(b, strings.Repeat(close, n)...)
	if !strings.HasSuffix(close, "\n") {
		b = append(b, '\n')
	}
	return pad(b, size)
}

// pad appends comment lines to b up to size less the [server] table, then
// the table.
func pad(b []byte, size int) []byte {
	const line = "# padding, to keep the size\n"
	for len(b)+len(line)+len(server) <= size {
		b = append(b, line...)
	}
	return append(b, server...)
}
