package tomlutil_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
)

// decodeTests are documents go-toml's decoder refuses or accepts for
// reasons that are easy to get wrong: keys that clash across tables, and
// errors whose place must be the one in the file.
var decodeTests = []struct {
	name, src string
	want      *tomlutil.SyntaxError // nil: accepted
}{
	{"a root key, then a table of the same name", "a = 1\nb.c = 2\n[a]\n",
		&tomlutil.SyntaxError{Line: 3, Column: 2, Msg: "key a should be a table, not a value"}},
	{"a table defined twice, with another between", "[b]\nx = 1\n[a]\ny = 2\n[b]\nz = 3\n",
		&tomlutil.SyntaxError{Line: 5, Column: 2, Msg: "table b already exists"}},
	{"an inline table extended by a header: not TOML 1.0, but WSO2's cava-toml reads it", "x = { y = 1 }\n[x.z]\n", nil},
	{"an inline table given its own header later: refused", "x = { y = 1 }\n[x]\n",
		&tomlutil.SyntaxError{Line: 2, Column: 2, Msg: "key x should be a table, not a value"}},
	{"an inline table extended, then a key of it defined twice: refused", "x = { y = 1 }\nx.y = 2\n",
		&tomlutil.SyntaxError{Line: 2, Column: 1, Msg: "key x is already defined"}},
	{"array tables and a sub-table", "[[s]]\na = 1\n[[s]]\na = 2\n[s.t]\nb = 3\n", nil},
	{"two errors: the earlier is reported", "[a]\nk = 1\n[b]\nk = 1\nk = 2\n[a]\n",
		&tomlutil.SyntaxError{Line: 5, Column: 1, Msg: "key k is already defined"}},
	{"a duplicate before a syntax error: the duplicate", "[a]\nk = 1\nk = 2\n[b]\nk = = 3\n",
		&tomlutil.SyntaxError{Line: 3, Column: 1, Msg: "key k is already defined"}},
	{"a multi-line string holding a header, no final newline", "[a]\nk = 1\n[b]\nk = \"\"\"\nx\n\"\"\"\n[b.c]\n[a.d]\nv = 1", nil},
	{"only a comment", "# only a comment\n", nil},
	{"CRLF: columns count bytes on the line", "[a]\r\nk = 1\r\n[b]\r\nk = 2\r\n[a]\r\n",
		&tomlutil.SyntaxError{Line: 5, Column: 2, Msg: "table a already exists"}},
	{"an unterminated multi-line string at the end (found by fuzzing)", "[0]\n0=\"\"\"\n0",
		&tomlutil.SyntaxError{Line: 3, Column: 1, Msg: "multiline basic string not terminated by \"\"\""}},
}

// TestDecodeErrors: Decode and Parse refuse the same documents, with the
// same error at the same place.
func TestDecodeErrors(t *testing.T) {
	for _, tt := range decodeTests {
		t.Run(tt.name, func(t *testing.T) {
			var want error // a nil *SyntaxError is not a nil error
			if tt.want != nil {
				want = tt.want
			}
			_, err := tomlutil.Decode([]byte(tt.src))
			if diff := cmp.Diff(want, err); diff != "" {
				t.Errorf("Decode error (-want +got):\n%s", diff)
			}
			_, err = tomlutil.Parse([]byte(tt.src))
			if diff := cmp.Diff(want, err); diff != "" {
				t.Errorf("Parse error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeLarge: in a document of five thousand tables,
// a duplicate table at the end is found and placed on its line.
func TestDecodeLarge(t *testing.T) {
	var b bytes.Buffer
	for i := 0; b.Len() < 64<<10; i++ {
		fmt.Fprintf(&b, "[t%d]\nk = %d\n\n", i, i)
	}
	b.WriteString("[t7]\n")
	_, err := tomlutil.Decode(b.Bytes())
	line := bytes.Count(b.Bytes(), []byte{'\n'})
	want := &tomlutil.SyntaxError{Line: line, Column: 2, Msg: "table t7 already exists"}
	if diff := cmp.Diff(want, err); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

// FuzzParse: Parse never panics, refuses exactly what Decode refuses with
// the same error, and every span it gives lies within the source, in
// order: tables one after the other covering the rest of the file, entries
// and comments in the order they are written, each key before its value.
func FuzzParse(f *testing.F) {
	for _, tt := range decodeTests {
		f.Add([]byte(tt.src))
	}
	f.Add([]byte("# top\nname = \"apim\"\n[ \"server\" ] # hdr\n  hostname = \"x\" # c\n#offset=0\n[[ports]]\nhttp = { port = 9763, tls = { on = false } }\n"))
	f.Add([]byte("server = {\n  # the node\n  hostname = \"x\",\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := tomlutil.Parse(src)
		_, derr := tomlutil.Decode(src)
		if diff := cmp.Diff(derr, err); diff != "" {
			t.Fatalf("Parse and Decode disagree (-Decode +Parse):\n%s", diff)
		}
		if err != nil {
			return
		}
		checkSpans(t, doc)
	})
}

// checkSpans fails t when a span of doc is outside doc.Src or out of order.
func checkSpans(t *testing.T, doc *tomlutil.Document) {
	t.Helper()
	src := doc.Src
	in := func(what string, s tomlutil.Span, lo, hi int) {
		t.Helper()
		if s.Start < lo || s.End < s.Start || s.End > hi {
			t.Fatalf("%s %v is not within [%d, %d]\nsource: %q", what, s, lo, hi, src)
		}
	}
	for i, tb := range doc.Tables {
		in(fmt.Sprintf("table %d line", i), tb.Line, 0, len(src))
		in(fmt.Sprintf("table %d header", i), tb.Header, tb.Line.Start, tb.Line.End)
		in(fmt.Sprintf("table %d body", i), tb.Body, tb.Line.End, len(src))
		if src[tb.Header.Start] != '[' || src[tb.Header.End-1] != ']' {
			t.Fatalf("table %d header %q is not in brackets", i, src[tb.Header.Start:tb.Header.End])
		}
		next := len(src)
		if i+1 < len(doc.Tables) {
			next = doc.Tables[i+1].Line.Start
		}
		if tb.Body.Start != tb.Line.End || tb.Body.End != next {
			t.Fatalf("table %d body %v, want [%d, %d)", i, tb.Body, tb.Line.End, next)
		}
	}
	prev := 0 // where the previous entry's key starts
	for i, e := range doc.Entries {
		if len(e.KeyRaw) == 0 || len(e.KeyRaw) != len(e.Key) {
			t.Fatalf("entry %d: %d key parts, %d spans", i, len(e.Key), len(e.KeyRaw))
		}
		if e.KeyRaw[0].Start < prev {
			t.Fatalf("entry %d starts at %d, before the previous one at %d", i, e.KeyRaw[0].Start, prev)
		}
		prev = e.KeyRaw[0].Start
		lo, hi := 0, len(src)
		switch {
		case e.Parent >= 0:
			if e.Parent >= i || doc.Entries[e.Parent].Kind != tomlutil.InlineTable {
				t.Fatalf("entry %d: parent %d is not an earlier inline table", i, e.Parent)
			}
			lo, hi = doc.Entries[e.Parent].Value.Start, doc.Entries[e.Parent].Value.End
		case e.Table >= 0:
			lo, hi = doc.Tables[e.Table].Body.Start, doc.Tables[e.Table].Body.End
			in(fmt.Sprintf("entry %d lines", i), e.Lines, lo, hi)
			lo, hi = e.Lines.Start, e.Lines.End
		default:
			if len(doc.Tables) > 0 {
				hi = doc.Tables[0].Line.Start
			}
			in(fmt.Sprintf("entry %d lines", i), e.Lines, lo, hi)
			lo, hi = e.Lines.Start, e.Lines.End
		}
		for j, k := range e.KeyRaw {
			in(fmt.Sprintf("entry %d key part %d", i, j), k, lo, hi)
			lo = k.End
		}
		in(fmt.Sprintf("entry %d value", i), e.Value, lo, hi)
		if e.Value.Len() == 0 || e.Kind == 0 {
			t.Fatalf("entry %d: value %v of kind %v", i, e.Value, e.Kind)
		}
	}
	prev = 0
	for i, c := range doc.Comments {
		in(fmt.Sprintf("comment %d line", i), c.Line, prev, len(src))
		in(fmt.Sprintf("comment %d text", i), c.Text, c.Line.Start, c.Line.End)
		if c.Text.Len() == 0 || src[c.Text.Start] != '#' {
			t.Fatalf("comment %d text %q does not start with '#'", i, src[c.Text.Start:c.Text.End])
		}
		prev = c.Line.End
		if ce, ok := doc.Commented(c); ok {
			in(fmt.Sprintf("comment %d body", i), ce.Body, c.Text.Start+1, c.Text.End)
			in(fmt.Sprintf("comment %d value", i), ce.Value, ce.KeyEnd, ce.Body.End)
		}
	}
}
