package patcher_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/golden"
	"github.com/apim-offset/apim-offset/internal/patchtest"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
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
	opt    patcher.Options
}{
	{"set-plain", 2, patcher.Replaced, "offset set under [server]", none},
	{"set-spaced-header", 2, patcher.Replaced, "[ server ] with blanks inside the brackets", none},
	{"set-quoted-header", 2, patcher.Replaced, `["server"] and "offset" quoted`, none},
	{"set-dotted-root", 2, patcher.Replaced, "server.offset as a root dotted key", none},
	{"set-inline-table", 2, patcher.Replaced, "server = { ..., offset = 1 }", none},
	{"set-string", 2, patcher.Replaced, `offset = "0", as in kubernetes-apim 3.0 confs: stays a string`, none},
	{"set-literal-string", 2, patcher.Replaced, "offset = '7': keeps its single quotes", none},
	{"set-hex", 31, patcher.Replaced, "offset = 0x1: stays hex", none},
	{"set-inline-comment", 3, patcher.Replaced, "offset = 5 # node b: the comment stays", none},
	{"set-aligned", 2, patcher.Replaced, "aligned '=' columns stay aligned", none},
	{"set-unchanged", 2, patcher.Unchanged, "already 2: same bytes, no diff", none},
	{"commented-apim", 2, patcher.Uncommented, "APIM default: #offset=0 under [server]", none},
	{"commented-mi", 3, patcher.Uncommented, "MI default: # offset  = 10, double space kept", none},
	{"commented-indented", 4, patcher.Uncommented, "tab-indented, trailing comment: both kept", none},
	{"commented-prose", 2, patcher.Inserted, "a comment that mentions offset is prose, not an assignment", none},
	{"commented-other-table", 2, patcher.Inserted, "#offset=0 under [server.file_upload] is not the server's", none},
	{"commented-crlf", 2, patcher.Uncommented, "CRLF file: the line keeps CRLF", none},
	{"commented-bom", 2, patcher.Uncommented, "UTF-8 byte order mark kept", none},
	{"commented-no-final-newline", 2, patcher.Uncommented, "last line commented, no final newline: still none", none},
	{"insert-after-last-key", 2, patcher.Inserted, "after server_role, before the blank line and comment that introduce [super_admin]", none},
	{"insert-before-subtable", 2, patcher.Inserted, "not under [server.file_upload]", none},
	{"insert-empty-table", 2, patcher.Inserted, "[server] with no keys: right after the header", none},
	{"insert-indented", 2, patcher.Inserted, "keys indented by four spaces: so is offset", none},
	{"insert-compact", 2, patcher.Inserted, "hostname=\"localhost\": offset=2 in the same style", none},
	{"insert-multiline-value", 2, patcher.Inserted, "after the line that closes a multi-line array", none},
	{"insert-dotted-root", 2, patcher.Inserted, "server.hostname at the root: server.offset after it", none},
	{"insert-inline-table", 2, patcher.Inserted, "server = { hostname = ... }: , offset = 2 before }", none},
	{"insert-inline-empty", 2, patcher.Inserted, "server = {}", none},
	{"insert-inline-comment-only", 2, patcher.Inserted, "TOML 1.1 inline table holding only a comment: the comment stays", none},
	{"insert-no-final-newline", 2, patcher.Inserted, "last key on the last line, no final newline: still none", none},
	{"insert-header-no-final-newline", 2, patcher.Inserted, "the file is only [server], no newline", none},
	{"insert-crlf", 2, patcher.Inserted, "CRLF file: the new line ends in CRLF", none},
	{"insert-server-string-in-multiline", 2, patcher.Inserted, "[server] and #offset=0 inside a multi-line string are text", none},
	{"table-empty-file", 2, patcher.AddedTable, "empty file becomes [server]\\noffset = 2\\n", none},
	{"table-root-keys-only", 2, patcher.AddedTable, "root keys only: the table goes after them", none},
	{"table-comments-only", 2, patcher.AddedTable, "only a comment", none},
	{"table-overlay", 2, patcher.AddedTable, "IS overlay fragment: the file's header comment stays first", none},
	{"table-introduced-first-table", 2, patcher.AddedTable, "after the root keys, above the comment introducing [database]", none},
	{"table-subtable-only", 2, patcher.AddedTable, "[server.file_upload] alone: [server] goes before it", none},
	{"table-no-final-newline", 2, patcher.AddedTable, "a = 1 without a newline: still none at the end", none},
	{"table-crlf", 2, patcher.AddedTable, "CRLF file: the new table is CRLF", none},
	{"real-apim-3.2", 2, patcher.Uncommented, "APIM 3.2.0 default, no final newline", none},
	{"real-apim-4.0", 2, patcher.Uncommented, "APIM 4.0.0 default, no final newline", none},
	{"real-apim-4.2", 2, patcher.Uncommented, "APIM 4.2.0 default, no final newline", none},
	{"real-apim-4.5", 2, patcher.Uncommented, "APIM 4.5.0 all-in-one default", none},
	{"real-apim-4.5-control-plane", 2, patcher.Uncommented, "APIM 4.5.0 control plane default, no final newline", none},
	{"real-is-7.0", 2, patcher.Inserted, "IS 7.0.0 default: [server] with no offset line", none},
	{"real-mi-4.3", 3, patcher.Uncommented, "MI 4.3.0 default: # offset  = 10", none},
	{"shift-literals-apim-4.5", 2, patcher.Uncommented, "APIM 4.5 default: its gateway URLs' 9099, 8099, 9021, 8021 move by 2 too", shift},
	{"shift-literals-moved", 5, patcher.Replaced, "from 2 to 5: moved, default and hostname URLs move; other hosts and comments stay", shift},
	{"template-helm", 2, patcher.Replaced, "helm-apim 4.5 style: offset = {{ .Values… }} becomes 2, the if/else and other placeholders stay", template},
	{"template-jinja", 2, patcher.Replaced, `ansible-apim style: offset="{{ ports_offset }}" becomes "2"`, template},
	{"template-erb-insert", 2, patcher.Inserted, "puppet-apim style ERB without an offset: offset = 2 is added, placeholders stay", template},
}

// apimPorts are the ports --shift-literals moves for API Manager.
var apimPorts = wso2.Default.ShiftingPorts()

// The options of the golden cases: none, set --shift-literals for API
// Manager, and set --template.
var (
	none     = patcher.Options{}
	shift    = patcher.Options{ShiftLiterals: apimPorts}
	template = patcher.Options{Format: patcher.Template}
)

func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range goldens {
		seen[g.name] = true
		t.Run(g.name, func(t *testing.T) {
			dir := filepath.Join("..", "fixtures", g.name)
			in := readFile(t, filepath.Join(dir, "input.toml"))
			res, err := patcher.Set(in, g.n, &g.opt)
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
			cur, err := patcher.Offset(res.Output, &g.opt)
			if err != nil || cur.Offset != g.n || cur.Source != patcher.SourceSet {
				t.Errorf("Get(output) = %+v, %v; want offset %d set", cur, err, g.n)
			}
			again, err := patcher.Set(res.Output, g.n, &g.opt)
			if err != nil || again.Changed || !bytes.Equal(again.Output, res.Output) {
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
