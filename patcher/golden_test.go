package patcher_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/golden"
	"github.com/apim-offset/apim-offset/internal/patchtest"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/unidiff"
	"github.com/apim-offset/apim-offset/wso2"
	"github.com/google/go-cmp/cmp"
)

// diffName is the name the golden diffs give the file, as "set --home" does.
const diffName = "repository/conf/deployment.toml"

// goldens are the cases under fixtures/<name>: input.toml is written by hand
// or copied from shared/corpus/real; output.toml and diff.patch are what Set
// and the diff make of it, refreshed with "go test ./... -update".
var goldens = []struct {
	name   string
	n      int
	action patcher.Action
	reason string
	shift  bool // move literal ports too, as set --shift-literals does for API Manager
}{
	{"set-plain", 2, patcher.Replaced, "offset set under [server]", false},
	{"set-spaced-header", 2, patcher.Replaced, "[ server ] with blanks inside the brackets", false},
	{"set-quoted-header", 2, patcher.Replaced, `["server"] and "offset" quoted`, false},
	{"set-dotted-root", 2, patcher.Replaced, "server.offset as a root dotted key", false},
	{"set-inline-table", 2, patcher.Replaced, "server = { ..., offset = 1 }", false},
	{"set-string", 2, patcher.Replaced, `offset = "0", as in kubernetes-apim 3.0 confs: stays a string`, false},
	{"set-literal-string", 2, patcher.Replaced, "offset = '7': keeps its single quotes", false},
	{"set-hex", 31, patcher.Replaced, "offset = 0x1: stays hex", false},
	{"set-inline-comment", 3, patcher.Replaced, "offset = 5 # node b: the comment stays", false},
	{"set-aligned", 2, patcher.Replaced, "aligned '=' columns stay aligned", false},
	{"set-unchanged", 2, patcher.Unchanged, "already 2: same bytes, no diff", false},
	{"commented-apim", 2, patcher.Uncommented, "APIM default: #offset=0 under [server]", false},
	{"commented-mi", 3, patcher.Uncommented, "MI default: # offset  = 10, double space kept", false},
	{"commented-indented", 4, patcher.Uncommented, "tab-indented, trailing comment: both kept", false},
	{"commented-prose", 2, patcher.Inserted, "a comment that mentions offset is prose, not an assignment", false},
	{"commented-other-table", 2, patcher.Inserted, "#offset=0 under [server.file_upload] is not the server's", false},
	{"commented-crlf", 2, patcher.Uncommented, "CRLF file: the line keeps CRLF", false},
	{"commented-bom", 2, patcher.Uncommented, "UTF-8 byte order mark kept", false},
	{"commented-no-final-newline", 2, patcher.Uncommented, "last line commented, no final newline: still none", false},
	{"insert-after-last-key", 2, patcher.Inserted, "after server_role, before the blank line and comment that introduce [super_admin]", false},
	{"insert-before-subtable", 2, patcher.Inserted, "not under [server.file_upload]", false},
	{"insert-empty-table", 2, patcher.Inserted, "[server] with no keys: right after the header", false},
	{"insert-indented", 2, patcher.Inserted, "keys indented by four spaces: so is offset", false},
	{"insert-compact", 2, patcher.Inserted, "hostname=\"localhost\": offset=2 in the same style", false},
	{"insert-multiline-value", 2, patcher.Inserted, "after the line that closes a multi-line array", false},
	{"insert-dotted-root", 2, patcher.Inserted, "server.hostname at the root: server.offset after it", false},
	{"insert-inline-table", 2, patcher.Inserted, "server = { hostname = ... }: , offset = 2 before }", false},
	{"insert-inline-empty", 2, patcher.Inserted, "server = {}", false},
	{"insert-inline-comment-only", 2, patcher.Inserted, "TOML 1.1 inline table holding only a comment: the comment stays", false},
	{"insert-no-final-newline", 2, patcher.Inserted, "last key on the last line, no final newline: still none", false},
	{"insert-header-no-final-newline", 2, patcher.Inserted, "the file is only [server], no newline", false},
	{"insert-crlf", 2, patcher.Inserted, "CRLF file: the new line ends in CRLF", false},
	{"insert-server-string-in-multiline", 2, patcher.Inserted, "[server] and #offset=0 inside a multi-line string are text", false},
	{"table-empty-file", 2, patcher.AddedTable, "empty file becomes [server]\\noffset = 2\\n", false},
	{"table-root-keys-only", 2, patcher.AddedTable, "root keys only: the table goes after them", false},
	{"table-comments-only", 2, patcher.AddedTable, "only a comment", false},
	{"table-overlay", 2, patcher.AddedTable, "IS overlay fragment: the file's header comment stays first", false},
	{"table-introduced-first-table", 2, patcher.AddedTable, "after the root keys, above the comment introducing [database]", false},
	{"table-subtable-only", 2, patcher.AddedTable, "[server.file_upload] alone: [server] goes before it", false},
	{"table-no-final-newline", 2, patcher.AddedTable, "a = 1 without a newline: still none at the end", false},
	{"table-crlf", 2, patcher.AddedTable, "CRLF file: the new table is CRLF", false},
	{"real-apim-3.2", 2, patcher.Uncommented, "APIM 3.2.0 default, no final newline", false},
	{"real-apim-4.0", 2, patcher.Uncommented, "APIM 4.0.0 default, no final newline", false},
	{"real-apim-4.2", 2, patcher.Uncommented, "APIM 4.2.0 default, no final newline", false},
	{"real-apim-4.5", 2, patcher.Uncommented, "APIM 4.5.0 all-in-one default", false},
	{"real-apim-4.5-control-plane", 2, patcher.Uncommented, "APIM 4.5.0 control plane default, no final newline", false},
	{"real-is-7.0", 2, patcher.Inserted, "IS 7.0.0 default: [server] with no offset line", false},
	{"real-mi-4.3", 3, patcher.Uncommented, "MI 4.3.0 default: # offset  = 10", false},
	{"shift-literals-apim-4.5", 2, patcher.Uncommented, "APIM 4.5 default: its gateway URLs' 9099, 8099, 9021, 8021 move by 2 too", true},
	{"shift-literals-moved", 5, patcher.Replaced, "from 2 to 5: moved, default and hostname URLs move; other hosts and comments stay", true},
}

// apimPorts are the ports --shift-literals moves for API Manager.
var apimPorts = wso2.Default.ShiftingPorts()

// set runs Set, or SetWith shifting API Manager's literal ports.
func set(in []byte, n int, shift bool) (*patcher.Result, error) {
	if shift {
		return patcher.SetWith(in, n, patcher.Options{ShiftLiterals: apimPorts})
	}
	return patcher.Set(in, n)
}

func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range goldens {
		seen[g.name] = true
		t.Run(g.name, func(t *testing.T) {
			dir := filepath.Join("..", "fixtures", g.name)
			in := readFile(t, filepath.Join(dir, "input.toml"))
			res, err := set(in, g.n, g.shift)
			if err != nil {
				t.Fatalf("Set(%d): %v (%s)", g.n, err, g.reason)
			}
			if res.Action != g.action {
				t.Errorf("action = %s, want %s (%s)", res.Action, g.action, g.reason)
			}
			diff := unidiff.Diff(diffName, in, res.Output)
			golden.Check(t, filepath.Join(dir, "output.toml"), res.Output)
			golden.Check(t, filepath.Join(dir, "diff.patch"), diff)

			if line := bytes.Split(res.Output, []byte("\n"))[res.Line-1]; !bytes.Contains(line, []byte("offset")) {
				t.Errorf("Line = %d, which reads %q: no offset there", res.Line, line)
			}
			cur, err := patcher.Get(res.Output)
			if err != nil || cur.Offset != g.n || cur.Source != patcher.SourceSet {
				t.Errorf("Get(output) = %+v, %v; want offset %d set", cur, err, g.n)
			}
			again, err := set(res.Output, g.n, g.shift)
			if err != nil || again.Changed() || !bytes.Equal(again.Output, res.Output) {
				t.Errorf("second Set changed the output again (err %v)", err)
			}
		})
	}
	entries, err := os.ReadDir(filepath.Join("..", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join("..", "fixtures", e.Name(), "input.toml")); err == nil && !seen[e.Name()] {
			t.Errorf("fixtures/%s has no case in goldens", e.Name())
		}
	}
}

// TestGoldenDiffsApply checks that each golden diff, applied to its input by
// patch -p1 and by git apply, gives the golden output byte for byte.
func TestGoldenDiffsApply(t *testing.T) {
	for _, g := range goldens {
		dir := filepath.Join("..", "fixtures", g.name)
		in := readFile(t, filepath.Join(dir, "input.toml"))
		want := readFile(t, filepath.Join(dir, "output.toml"))
		diff := readFile(t, filepath.Join(dir, "diff.patch"))
		if len(diff) == 0 {
			continue
		}
		for _, tool := range patchtest.Tools {
			t.Run(g.name+"/"+tool, func(t *testing.T) {
				got := patchtest.Apply(t, tool, diffName, in, diff)
				if !bytes.Equal(got, want) {
					t.Errorf("%s gave other bytes than Set (-want +got):\n%s", tool, cmp.Diff(string(want), string(got)))
				}
			})
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
