package tomlutil_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"
)

// viewTests are documents WSO2's parser (cava-toml 0.5.0) reads and go-toml
// refuses, from the probes of issue 20, and documents View must leave
// alone.
var viewTests = []struct {
	name, reason string
	src, view    string
	subst        []string // "offset construct" of each substitution
}{
	{"surrogate pair", "an emoji written as UTF-16: QuotedStringVisitor uses Character.toChars",
		`a = "\uD83D\uDE00"` + "\n", `a = "\uFFFD\uFFFD"` + "\n", []string{"5 surrogate-escape", "11 surrogate-escape"}},
	{"lone surrogate, long form", `\U0000DC00 alone`,
		`a = "x\U0000DC00"` + "\n", `a = "x\U0000FFFD"` + "\n", []string{"6 surrogate-escape"}},
	{"surrogate in a quoted key", "keys are basic strings too",
		`"\udfff" = 1` + "\n", `"\uFFFD" = 1` + "\n", []string{"1 surrogate-escape"}},
	{"escaped backslash before u", `\\uD83D is a backslash and text, no escape`,
		`a = "\\uD83D"` + "\n", `a = "\\uD83D"` + "\n", nil},
	{"Latin-1 in a comment", "saved by an editor in ISO-8859-1",
		"# caf\xe9\na = 1\n", "# caf?\na = 1\n", []string{"5 invalid-utf8"}},
	{"overlong in a string", "C0 AF, an overlong '/'",
		"a = \"\xc0\xaf\"\n", "a = \"??\"\n", []string{"5 invalid-utf8", "6 invalid-utf8"}},
	{"invalid in a literal and a multi-line string", "every kind of string",
		"a = '\xff'\nb = '''\n\xfe'''\nc = \"\"\"\xfd\"\"\"\n", "a = '?'\nb = '''\n?'''\nc = \"\"\"?\"\"\"\n",
		[]string{"5 invalid-utf8", "16 invalid-utf8", "28 invalid-utf8"}},
	{"NUL, ESC and DEL in a comment", "TOML 1.0 forbids control characters in comments, cava-toml's COMMENT takes them",
		"# a\x00b\x1b[0m\x7f\na = 1\n", "# a b [0m \na = 1\n", []string{"3 comment-control", "5 comment-control", "9 comment-control"}},
	{"bare CR in a comment", "a CR not followed by LF",
		"# a\rb\r\na = 1\r\n", "# a b\r\na = 1\r\n", []string{"3 comment-control"}},
	{"a '#' in a string starts no comment", "strings are skipped",
		"a = \"#\x01\"\n", "a = \"#\x01\"\n", nil},
	{"control character in a string is left", "cava-toml refuses it too (BasicStringUnescaped)",
		"a = \"\x01\"\n", "a = \"\x01\"\n", nil},
	{"invalid UTF-8 in a bare key is left", "cava-toml refuses U+FFFD there too",
		"caf\xe9 = 1\n", "caf\xe9 = 1\n", nil},
	{"valid UTF-8 is left", "café, an emoji, U+FFFD itself",
		"# café 😀 \ufffd\na = \"café\"\n", "# café 😀 \ufffd\na = \"café\"\n", nil},
}

func TestView(t *testing.T) {
	for _, tt := range viewTests {
		t.Run(tt.name, func(t *testing.T) {
			view, subst := tomlutil.View([]byte(tt.src))
			if diff := cmp.Diff(tt.view, string(view)); diff != "" {
				t.Errorf("%s: view (-want +got):\n%s", tt.reason, diff)
			}
			var got []string
			for _, s := range subst {
				got = append(got, fmt.Sprintf("%d %s", s.Span.Start, s.Construct))
				if s.Msg == "" {
					t.Errorf("substitution %+v has no message", s)
				}
			}
			if diff := cmp.Diff(tt.subst, got); diff != "" {
				t.Errorf("%s: substitutions (-want +got):\n%s", tt.reason, diff)
			}
			if len(subst) == 0 {
				return
			}
			var v map[string]any
			if toml.Unmarshal([]byte(tt.src), &v) == nil {
				t.Errorf("go-toml reads the source: nothing to substitute")
			}
			if err := toml.Unmarshal(view, &v); err != nil {
				t.Errorf("go-toml refuses the view: %v", err)
			}
		})
	}
}

// TestViewSame: without a substitution, the view is the source itself.
func TestViewSame(t *testing.T) {
	src := []byte("[server]\noffset = 1\n")
	view, subst := tomlutil.View(src)
	if &view[0] != &src[0] || subst != nil {
		t.Errorf("View copied a source it does not change, or substituted: %v", subst)
	}
}

// TestParseNotTOML10: Parse reads what WSO2 reads and go-toml does not,
// lists where, and gives spans of the source.
func TestParseNotTOML10(t *testing.T) {
	tests := []struct {
		name, reason, src string
		values            map[string]any
		notes             []string // "line:col construct"
	}{
		{"inline table then a sub-table", "server = {…} then [server.x]: MutableTomlTable adds to it",
			"server = { offset = 2 }\n[server.file_upload]\nmax = 10\n",
			map[string]any{"server": map[string]any{"offset": int64(2), "file_upload": map[string]any{"max": int64(10)}}},
			[]string{"2:2 inline-table-extended"}},
		{"inline table then a dotted key", "x = {…} then x.b = 2, in a table",
			"[t]\nx = { a = { b = 1 }, c = [1, 2] }\nx.d = 2\n[t.x.a.e]\n",
			map[string]any{"t": map[string]any{"x": map[string]any{"a": map[string]any{"b": int64(1), "e": map[string]any{}}, "c": []any{int64(1), int64(2)}, "d": int64(2)}}},
			[]string{"3:1 inline-table-extended", "4:2 inline-table-extended"}},
		{"an empty inline table then a sub-table", "x = {} then [x.y]: the header creates x, as cava-toml adds to it",
			"x = {}\n[x.y]\n", map[string]any{"x": map[string]any{"y": map[string]any{}}}, []string{"2:2 inline-table-extended"}},
		{"an inline table given its own header", "x = {…} then [x]: a table defined twice, which go-toml refuses (the probes did not try it on cava-toml)",
			"x = { a = 1 }\n[x]\n", nil, nil},
		{"invalid UTF-8 and a surrogate", "both at once, in the order of the file",
			"# caf\xe9\na = \"\\uD800\"\n",
			map[string]any{"a": "\ufffd"},
			[]string{"1:6 invalid-utf8", "2:6 surrogate-escape"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := tomlutil.Parse([]byte(tt.src))
			if tt.values == nil {
				if err == nil {
					t.Fatalf("%s: Parse accepted it", tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: Parse: %v", tt.reason, err)
			}
			if diff := cmp.Diff(tt.values, doc.Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			var got []string
			for _, s := range doc.NotTOML10 {
				line, col := tomlutil.Position(doc.Src, s.Span.Start)
				got = append(got, fmt.Sprintf("%d:%d %s", line, col, s.Construct))
			}
			if diff := cmp.Diff(tt.notes, got); diff != "" {
				t.Errorf("NotTOML10 (-want +got):\n%s", diff)
			}
			if !bytes.Equal(doc.Src, []byte(tt.src)) {
				t.Errorf("doc.Src is not the source")
			}
			checkSpans(t, doc)
		})
	}
}

// FuzzView: the view has the length of the source, differs from it only
// inside the substitutions, which are in order and do not overlap, and is
// its own view; what go-toml reads in the source, View leaves as it is.
func FuzzView(f *testing.F) {
	for _, tt := range viewTests {
		f.Add([]byte(tt.src))
	}
	for _, tt := range decodeTests {
		f.Add([]byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		view, subst := tomlutil.View(src)
		if len(view) != len(src) {
			t.Fatalf("view of %d bytes for %d", len(view), len(src))
		}
		prev := 0
		for _, s := range subst {
			if s.Span.Start < prev || s.Span.End <= s.Span.Start || s.Span.End > len(src) {
				t.Fatalf("substitution %+v out of order or outside the source", s)
			}
			if bytes.Equal(src[prev:s.Span.Start], view[prev:s.Span.Start]) == false {
				t.Fatalf("view differs from the source outside the substitutions, in [%d, %d)", prev, s.Span.Start)
			}
			prev = s.Span.End
		}
		if !bytes.Equal(src[prev:], view[prev:]) {
			t.Fatalf("view differs from the source after the last substitution")
		}
		if again, more := tomlutil.View(view); !bytes.Equal(again, view) || len(more) > 0 {
			t.Fatalf("the view is not its own view: %v", more)
		}
		var v map[string]any
		if toml.Unmarshal(src, &v) == nil && len(subst) > 0 {
			t.Fatalf("go-toml reads the source, and View substituted %v", subst)
		}
	})
}

// TestCommentedKeepsSubstituted: a comment that holds what View substitutes
// is not a commented-out pair, so that uncommenting it never puts a
// control character or invalid UTF-8 outside a comment (found by FuzzSet:
// "#offset=0\x13").
func TestCommentedKeepsSubstituted(t *testing.T) {
	for _, src := range []string{"[server]\n#offset=0\x13\n", "[server]\n#offset=0 # caf\xe9\n", "[server]\n#offset=0\rx\n"} {
		doc, err := tomlutil.Parse([]byte(src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if len(doc.Comments) != 1 {
			t.Fatalf("Parse(%q): comments %v", src, doc.Comments)
		}
		if ce, ok := doc.Commented(doc.Comments[0]); ok {
			t.Errorf("Commented(%q) = %+v, a pair", src, ce)
		}
	}
}
