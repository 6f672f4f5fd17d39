package tomlutil_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		name, reason, src string
		want              tomlutil.Counts
	}{
		{"tables and keys", "headers reset the keys per table; a dotted header's '.' is a name",
			"a = 1\nb = 2\n[server]\noffset = 0\n[[x.y]]\nk = 1\n",
			tomlutil.Counts{Headers: 2, Names: 7, KeysPerTable: 2}},
		{"multi-line strings", "what a string holds counts for nothing, whatever its quotes",
			"s = \"\"\"\n[fake]\nk = 1\n\\\"\"\"\n[fake2]\"\"\"\nl = '''\n[fake]\nk.x = 1\n'''\nq = \"a=b.c\"\nr = 'x[y]={'\n",
			tomlutil.Counts{Names: 4, KeysPerTable: 4}},
		{"multi-line array", "a '[' that starts a line inside an array is not a header",
			"urls = [\n  [\"a\"],\n  [\"b\"], # [c]\n]\n[t]\n",
			tomlutil.Counts{Headers: 1, Names: 5, KeysPerTable: 1, Depth: 2}},
		{"comments", "a commented-out key or table counts for nothing",
			"#offset=0\n# [server]\n  # a.b = [[{\n",
			tomlutil.Counts{}},
		{"inline tables", "keys in inline tables count under the header; nesting counts arrays and inline tables",
			"[t]\nx = { a = 1, b = [ { c = 2.5 } ] }\n",
			tomlutil.Counts{Headers: 1, Names: 9, KeysPerTable: 4, Depth: 3}},
		{"quoted header", "']' and '.' in a quoted part of a header are text",
			"[\"a.]b\".c]\n[['x]']]\nk = 1\n",
			tomlutil.Counts{Headers: 2, Names: 4, KeysPerTable: 1}},
		{"template tokens", "a masked template's tokens are comments, strings or bare keys",
			"#__apim_offset_tpl_0__\n[server]\noffset = \"__apim_offset_tpl_1__\"\n",
			tomlutil.Counts{Headers: 1, Names: 2, KeysPerTable: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tomlutil.Count([]byte(tc.src))); d != "" {
				t.Errorf("%s: Count (-want +got):\n%s", tc.reason, d)
			}
		})
	}
}

func TestCheckLimits(t *testing.T) {
	lines := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	headers := func(n int) string { return lines(n, func(i int) string { return fmt.Sprintf("[t%d]\n", i) }) }
	keys := func(n int) string {
		return "[t]\n" + lines(n, func(i int) string { return fmt.Sprintf("k%05d = %d\n", i, i) })
	}
	names := func(n int) string { // "a = [" is two names, each "{}," one more
		return "a = [\n" + lines(n-2, func(int) string { return "{},\n" }) + "]\n"
	}
	nested := func(n int) string { return "a = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }
	for _, tc := range []struct {
		name      string
		under     string // at the bound: accepted
		over      string // one more: refused
		line, col int
		msg       string
	}{
		{"headers", headers(tomlutil.MaxHeaders), headers(tomlutil.MaxHeaders + 1),
			tomlutil.MaxHeaders + 1, 1, "more than 2048 table headers in the file"},
		{"keys per table", keys(tomlutil.MaxKeysPerTable), keys(tomlutil.MaxKeysPerTable + 1),
			tomlutil.MaxKeysPerTable + 2, 8, "more than 1024 keys in one table"},
		{"names", names(tomlutil.MaxNames), names(tomlutil.MaxNames + 1),
			tomlutil.MaxNames, 1, "more than 16384 names (keys, tables, arrays) in the file"},
		{"depth", nested(tomlutil.MaxDepth), nested(tomlutil.MaxDepth + 1),
			1, 5 + tomlutil.MaxDepth, fmt.Sprintf("more than %d arrays and inline tables nested in one another", tomlutil.MaxDepth)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tomlutil.CheckLimits([]byte(tc.under)); err != nil {
				t.Errorf("at the bound: %v, want accepted", err)
			}
			if _, err := tomlutil.Decode([]byte(tc.under)); err != nil {
				t.Errorf("at the bound: the document is not valid TOML: %v", err)
			}
			var le *tomlutil.LimitError
			if err := tomlutil.CheckLimits([]byte(tc.over)); !errors.As(err, &le) {
				t.Fatalf("one over the bound: %v, want a *LimitError", err)
			}
			want := fmt.Sprintf("%d:%d: %s", tc.line, tc.col, tc.msg)
			if le.Error() != want {
				t.Errorf("one over the bound: %q, want %q", le.Error(), want)
			}
		})
	}
}
