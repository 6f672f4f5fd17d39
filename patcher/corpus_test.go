package patcher_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/apim-offset/apim-offset/unidiff"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// corpusDir holds real deployment.toml files from WSO2's repositories, in
// the shared folder beside the checkout.
var corpusDir = filepath.Join("..", "..", "shared", "corpus", "real")

type corpusFile struct {
	name       string
	product    string
	appearance string // how the manifest says the offset appears
	parses     bool   // whether the manifest says it parses as plain TOML
	data       []byte
}

// readCorpus returns the corpus files, or skips the test when the shared
// folder is not there.
func readCorpus(t testing.TB) []corpusFile {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no corpus at %s", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes = '\t', true
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var files []corpusFile
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		cf := corpusFile{
			name:       rec[col["file"]],
			product:    rec[col["product"]],
			appearance: rec[col["server_offset_appearance"]],
			parses:     strings.HasPrefix(rec[col["parses_as_plain_toml(tomllib 1.0)"]], "yes"),
		}
		if cf.data, err = os.ReadFile(filepath.Join(corpusDir, cf.name)); err != nil {
			t.Fatal(err)
		}
		files = append(files, cf)
	}
	if len(files) < 100 {
		t.Fatalf("only %d files in the corpus manifest", len(files))
	}
	return files
}

// isTemplate tells templates apart by the manifest's product column and by
// their markup, independently of the patcher's own check.
func (cf corpusFile) isTemplate() bool {
	p := strings.ToLower(cf.product)
	return strings.Contains(p, "helm-templated") || strings.Contains(p, "jinja2") || strings.Contains(p, "erb template") ||
		bytes.Contains(cf.data, []byte("{{")) || bytes.Contains(cf.data, []byte("<%"))
}

// wantAction is the rule the manifest's description of the file calls for.
func (cf corpusFile) wantAction(from, n int) patcher.Action {
	switch a := cf.appearance; {
	case strings.HasPrefix(a, "set:"):
		if from == n {
			return patcher.Unchanged
		}
		return patcher.Replaced
	case strings.HasPrefix(a, "commented under [server]"):
		return patcher.Uncommented
	case strings.HasPrefix(a, "absent ([server] present"):
		return patcher.Inserted
	case strings.HasPrefix(a, "absent (no [server]"):
		return patcher.AddedTable
	}
	return ""
}

func TestCorpus(t *testing.T) {
	var patched, templates, invalid, templatesPatched int
	for _, cf := range readCorpus(t) {
		t.Run(cf.name, func(t *testing.T) {
			keep := bytes.Clone(cf.data)
			switch {
			case cf.isTemplate():
				templates++
				_, err := patcher.Set(cf.data, 2)
				var pe *patcher.Error
				if !errors.Is(err, patcher.ErrTemplate) || !errors.As(err, &pe) || pe.Hint == "" || pe.Line == 0 {
					t.Errorf("template %s: error = %v, want ErrTemplate with a place and a hint", cf.product, err)
				}
				if checkTemplate(t, cf) {
					templatesPatched++
				}
			case !cf.parses:
				invalid++
				if _, err := patcher.Set(cf.data, 2); !errors.Is(err, patcher.ErrSyntax) {
					t.Errorf("invalid TOML (%s): error = %v, want ErrSyntax", cf.product, err)
				}
			default:
				patched++
				before, err := patcher.Get(cf.data)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				for _, n := range []int{0, 1, 7, 54424} {
					checkPatch(t, cf, before.Offset, n)
				}
			}
			if !bytes.Equal(cf.data, keep) {
				t.Errorf("the input was modified")
			}
		})
	}
	t.Logf("corpus: %d patched at 4 offsets each, %d invalid files refused; of %d templates, %d patched with --template and %d refused naming the line",
		patched, invalid, templates, templatesPatched, templates-templatesPatched)
}

// checkTemplate patches a template with Options.Template. It either
// succeeds, changing one region, keeping every other placeholder and the
// lines, or is refused naming a line. It reports whether it patched.
func checkTemplate(t *testing.T, cf corpusFile) bool {
	t.Helper()
	opt := patcher.Options{Template: true}
	res, err := patcher.SetWith(cf.data, 2, opt)
	if err != nil {
		var pe *patcher.Error
		if !errors.As(err, &pe) || pe.Line == 0 || pe.Hint == "" || !(errors.Is(err, patcher.ErrSyntax) || errors.Is(err, patcher.ErrTemplate)) {
			t.Errorf("--template: error %v does not name a line with a hint", err)
		}
		return false
	}
	out := res.Output
	if !res.Changed() {
		t.Errorf("--template: nothing changed")
	}
	if dropped := droppedBytes(cf.data, out); bytes.ContainsAny(dropped, "\n") ||
		res.Placeholder == "" && bytes.ContainsAny(dropped, "{}%<>") {
		t.Errorf("--template: dropped %q", dropped)
	}
	placeholders := func(b []byte) int {
		return bytes.Count(b, []byte("{{")) + bytes.Count(b, []byte("{%")) + bytes.Count(b, []byte("<%"))
	}
	want := placeholders(cf.data)
	if res.Placeholder != "" {
		want -= placeholders([]byte(res.Placeholder))
	}
	if got := placeholders(out); got != want {
		t.Errorf("--template: %d placeholders after, want %d", got, want)
	}
	if m, err := tmplmask.Mask(out); err != nil || res.Action != patcher.Replaced && m.InBlock(res.Line) {
		t.Errorf("--template: %s offset on line %d, inside a control block (mask error %v)", res.Action, res.Line, err)
	}
	if cur, err := patcher.GetWith(out, opt); err != nil || cur.Offset != 2 {
		t.Errorf("--template: GetWith(output) = %+v, %v", cur, err)
	}
	if again, err := patcher.SetWith(out, 2, opt); err != nil || again.Changed() {
		t.Errorf("--template: a second run changed it again (%v)", err)
	}
	if res.Placeholder != "" {
		kept, err := patcher.SetWith(cf.data, 2, patcher.Options{Template: true, KeepPlaceholder: true})
		if err != nil || kept.Changed() {
			t.Errorf("--keep-placeholder changed the file (%v)", err)
		}
	}
	return true
}

func checkPatch(t *testing.T, cf corpusFile, from, n int) {
	t.Helper()
	res, err := patcher.Set(cf.data, n)
	if err != nil {
		t.Fatalf("Set(%d): %v", n, err)
	}
	if want := cf.wantAction(from, n); res.Action != want {
		t.Errorf("Set(%d): action %s, want %s for %q", n, res.Action, want, cf.appearance)
	}
	out := res.Output

	// It decodes, with server.offset = n and nothing else changed.
	_, inBody := tomlutil.SplitBOM(cf.data)
	_, outBody := tomlutil.SplitBOM(out)
	vin, err := tomlutil.Decode(inBody)
	if err != nil {
		t.Fatal(err)
	}
	vout, err := tomlutil.Decode(outBody)
	if err != nil {
		t.Fatalf("Set(%d): the output does not decode: %v", n, err)
	}
	got, err := patcher.Get(out)
	if err != nil || got.Offset != n {
		t.Errorf("Set(%d): Get(output) = %d, %v", n, got.Offset, err)
	}
	if d := cmp.Diff(withoutOffset(vin), withoutOffset(vout), cmpopts.EquateNaNs()); d != "" {
		t.Errorf("Set(%d) changed other values (-in +out):\n%s", n, d)
	}

	// The change is one contiguous region of at most one removed line and
	// three added ones (a new [server] table, its offset and a blank line).
	if res.Changed() {
		diff := string(unidiff.Diff("deployment.toml", cf.data, out))
		var hunks, removed, added int
		for _, l := range strings.Split(diff, "\n")[2:] {
			switch {
			case strings.HasPrefix(l, "@@"):
				hunks++
			case strings.HasPrefix(l, "-"):
				removed++
			case strings.HasPrefix(l, "+"):
				added++
			}
		}
		if hunks != 1 || removed > 1 || added > 3 {
			t.Errorf("Set(%d): %d hunks, -%d +%d lines:\n%s", n, hunks, removed, added, diff)
		}
	}

	// Line endings, the final newline and a BOM are as they were.
	if bytes.Contains(out, []byte("\r\n")) != bytes.Contains(cf.data, []byte("\r\n")) ||
		bytes.HasSuffix(out, []byte("\n")) != bytes.HasSuffix(cf.data, []byte("\n")) ||
		bytes.HasPrefix(out, []byte("\ufeff")) != bytes.HasPrefix(cf.data, []byte("\ufeff")) {
		t.Errorf("Set(%d): line endings, final newline or BOM changed", n)
	}

	// Setting the same offset again changes nothing.
	again, err := patcher.Set(out, n)
	if err != nil || again.Changed() {
		t.Errorf("Set(%d) twice: changed %v, error %v", n, again != nil && again.Changed(), err)
	}
}

// withoutOffset drops server.offset from v, and server too when nothing else
// is in it.
func withoutOffset(v map[string]any) map[string]any {
	if server, ok := v["server"].(map[string]any); ok {
		delete(server, "offset")
		if len(server) == 0 {
			delete(v, "server")
		}
	}
	return v
}
