package tomlutil_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
)

// text returns what span s of doc reads.
func text(doc *tomlutil.Document, s tomlutil.Span) string { return string(doc.Src[s.Start:s.End]) }

func TestParseLayout(t *testing.T) {
	src := "# top\nname = \"apim\"\n[ \"server\" ] # hdr\n  hostname = \"x\" # c\ns = \"\"\"\n[fake]\n\"\"\"\n#offset=0\n[[ports]]\nhttp = { port = 9763, tls = { on = false } }\n"
	doc, err := tomlutil.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		Key          []string
		Array        bool
		Header, Line string
		Body         string
	}
	var tables []table
	for _, tb := range doc.Tables {
		tables = append(tables, table{tb.Key, tb.Array, text(doc, tb.Header), text(doc, tb.Line), text(doc, tb.Body)})
	}
	wantTables := []table{
		{[]string{"server"}, false, `[ "server" ]`, "[ \"server\" ] # hdr\n", "  hostname = \"x\" # c\ns = \"\"\"\n[fake]\n\"\"\"\n#offset=0\n"},
		{[]string{"ports"}, true, "[[ports]]", "[[ports]]\n", "http = { port = 9763, tls = { on = false } }\n"},
	}
	if d := cmp.Diff(wantTables, tables); d != "" {
		t.Errorf("tables (-want +got):\n%s", d)
	}

	type entry struct {
		Path          []string
		Table, Parent int
		Value, Lines  string
	}
	var entries []entry
	for _, e := range doc.Entries {
		entries = append(entries, entry{e.Path, e.Table, e.Parent, text(doc, e.Value), text(doc, e.Lines)})
	}
	wantEntries := []entry{
		{[]string{"name"}, -1, -1, `"apim"`, "name = \"apim\"\n"},
		{[]string{"server", "hostname"}, 0, -1, `"x"`, "  hostname = \"x\" # c\n"},
		{[]string{"server", "s"}, 0, -1, "\"\"\"\n[fake]\n\"\"\"", "s = \"\"\"\n[fake]\n\"\"\"\n"},
		{[]string{"ports", "http"}, 1, -1, "{ port = 9763, tls = { on = false } }", "http = { port = 9763, tls = { on = false } }\n"},
		{[]string{"ports", "http", "port"}, 1, 3, "9763", ""},
		{[]string{"ports", "http", "tls"}, 1, 3, "{ on = false }", ""},
		{[]string{"ports", "http", "tls", "on"}, 1, 5, "false", ""},
	}
	if d := cmp.Diff(wantEntries, entries); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}

	var comments []string
	for _, c := range doc.Comments {
		comments = append(comments, text(doc, c.Text))
	}
	if d := cmp.Diff([]string{"# top", "#offset=0"}, comments); d != "" {
		t.Errorf("whole-line comments (-want +got):\n%s", d)
	}
	if got := doc.Comments[1].Table; got != 0 {
		t.Errorf("#offset=0 is in table %d's region, want 0", got)
	}
	if doc.FindTable("server") != 0 || doc.FindTable("ports") != -1 || doc.Find("server", "hostname") != 1 {
		t.Errorf("FindTable/Find do not find what Parse listed")
	}
}

func TestParseRejectsDuplicates(t *testing.T) {
	_, err := tomlutil.Parse([]byte("[server]\noffset = 1\n[server]\n"))
	var se *tomlutil.SyntaxError
	if !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("error = %v, want a SyntaxError on line 3", err)
	}
}

func TestCommented(t *testing.T) {
	tests := []struct {
		comment string
		ok      bool
		key     []string
		value   string
	}{
		{"#offset=0", true, []string{"offset"}, "0"},
		{"# offset  = 10", true, []string{"offset"}, "10"},
		{"#\toffset = \"3\"   # third node", true, []string{"offset"}, `"3"`},
		{"# server.offset = 1", true, []string{"server", "offset"}, "1"},
		{"# offset moves every port", false, nil, ""},
		{"# offset = the port offset", false, nil, ""},
		{"# [server]", false, nil, ""},
		{"#", false, nil, ""},
		{"# a = 1 b = 2", false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			doc, err := tomlutil.Parse([]byte("[server]\n  " + tt.comment + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Comments) != 1 {
				t.Fatalf("%d comments found, want 1", len(doc.Comments))
			}
			ce, ok := doc.Commented(doc.Comments[0])
			if ok != tt.ok {
				t.Fatalf("Commented ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if d := cmp.Diff(tt.key, ce.Key); d != "" {
				t.Errorf("key (-want +got):\n%s", d)
			}
			if got := text(doc, ce.Value); got != tt.value {
				t.Errorf("value %q, want %q", got, tt.value)
			}
		})
	}
}

func TestLineEnding(t *testing.T) {
	tests := []struct {
		src  string
		off  int
		want string
	}{
		{"a\nb\n", 0, "\n"},
		{"a\r\nb\r\n", 0, "\r\n"},
		{"a\r\nb", 3, "\r\n"}, // last line has none: the file's first one
		{"a\nb\r\nc\n", 2, "\r\n"},
		{"", 0, "\n"},
	}
	for _, tt := range tests {
		if got := tomlutil.LineEnding([]byte(tt.src), tt.off); got != tt.want {
			t.Errorf("LineEnding(%q, %d) = %q, want %q", tt.src, tt.off, got, tt.want)
		}
	}
}

// TestLayoutGolden lists what Parse finds in the real API Manager 4.5
// default file, one line per table, entry and comment, and compares the
// listing with testdata/apim-4.5.layout (refreshed with -update).
func TestLayoutGolden(t *testing.T) {
	src, err := golden.ReadSection(filepath.Join("..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := tomlutil.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	pos := func(off int) string {
		line, col := tomlutil.Position(src, off)
		return fmt.Sprintf("%d:%d", line, col)
	}
	var b strings.Builder
	for i, tb := range doc.Tables {
		fmt.Fprintf(&b, "table %d %s %q body %s-%s\n", i, pos(tb.Header.Start), text(doc, tb.Header), pos(tb.Body.Start), pos(tb.Body.End))
	}
	for _, e := range doc.Entries {
		fmt.Fprintf(&b, "entry %s table %d %s = %s at %s\n", strings.Join(e.Path, "."), e.Table, e.Kind, text(doc, e.Value), pos(e.Value.Start))
	}
	for _, c := range doc.Comments {
		fmt.Fprintf(&b, "comment table %d %s %q", c.Table, pos(c.Text.Start), text(doc, c.Text))
		if ce, ok := doc.Commented(c); ok {
			fmt.Fprintf(&b, " assigns %s = %s", strings.Join(ce.Key, "."), text(doc, ce.Value))
		}
		b.WriteString("\n")
	}
	golden.Check(t, filepath.Join("testdata", "apim-4.5.layout"), []byte(b.String()))
}

func TestParseInlineTableComment(t *testing.T) {
	// TOML 1.1, which go-toml reads: a multi-line inline table may hold
	// comments; they are not entries.
	doc, err := tomlutil.Parse([]byte("server = {\n  # the node\n  hostname = \"x\",\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var paths [][]string
	for _, e := range doc.Entries {
		paths = append(paths, e.Path)
	}
	if d := cmp.Diff([][]string{{"server"}, {"server", "hostname"}}, paths); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
}

// TestPositions: Positions.At gives Position's answer for offsets in any
// order, CRLF and a last line without a newline included.
func TestPositions(t *testing.T) {
	src := []byte("a = 1\r\n\n[b]\nc = \"x\"\nd")
	pos := tomlutil.NewPositions(src)
	for _, off := range []int{0, 3, 7, 8, 12, 12, 20, 2, len(src), 9, len(src) - 1} {
		wl, wc := tomlutil.Position(src, off)
		gl, gc := pos.At(off)
		if gl != wl || gc != wc {
			t.Errorf("At(%d) = %d:%d, Position gives %d:%d", off, gl, gc, wl, wc)
		}
	}
}
