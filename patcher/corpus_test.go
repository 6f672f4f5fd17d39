package patcher_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/corpus"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// corpusFile is a corpus file, with the action its manifest entry calls for.
type corpusFile struct{ corpus.File }

// readCorpus returns the corpus files, or skips the test without them.
func readCorpus(t testing.TB) []corpusFile {
	var files []corpusFile
	for _, f := range corpus.Read(t) {
		files = append(files, corpusFile{f})
	}
	return files
}

// defaultOffset is the offset the file's server uses when it sets none:
// 10 for Micro Integrator, 0 for the others.
func (cf corpusFile) defaultOffset() int {
	if strings.HasPrefix(cf.Product, "MI ") {
		return 10
	}
	return 0
}

// wantAction is the rule the manifest's description of the file calls for.
func (cf corpusFile) wantAction(from, n int) patcher.Action {
	switch a := cf.Appearance; {
	case strings.HasPrefix(a, "set:"):
		if from == n {
			return patcher.Unchanged
		}
		return patcher.Replaced
	case n == cf.defaultOffset():
		return patcher.Unchanged // no offset set, and n is the default
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
		t.Run(cf.Name, func(t *testing.T) {
			keep := bytes.Clone(cf.Data)
			switch {
			case cf.IsTemplate():
				templates++
				// Auto finds it a template, as Format Template reads it.
				auto, err := patcher.Set(cf.Data, 2, nil)
				tmpl, terr := patcher.Set(cf.Data, 2, &patcher.Options{Format: patcher.Template})
				if fmt.Sprint(err) != fmt.Sprint(terr) || !bytes.Equal(auto.Output, tmpl.Output) {
					t.Errorf("template %s: Auto gives %v, Template %v", cf.Product, err, terr)
				}
				if checkTemplate(t, cf) {
					templatesPatched++
				}
			case !cf.Parses:
				invalid++
				if _, err := patcher.Set(cf.Data, 2, nil); !errors.Is(err, patcher.ErrSyntax) {
					t.Errorf("invalid TOML (%s): error = %v, want ErrSyntax", cf.Product, err)
				}
			default:
				patched++
				before, err := offsetOf(cf.Data, nil)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				for _, n := range []int{0, 1, 7, 54424} {
					checkPatch(t, cf, before.Offset, n)
				}
			}
			if !bytes.Equal(cf.Data, keep) {
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
	opt := patcher.Options{Format: patcher.Template}
	res, err := patcher.Set(cf.Data, 2, &opt)
	if err != nil {
		var pe *patcher.Error
		if !errors.As(err, &pe) || pe.Line == 0 || !pe.Template || !(errors.Is(err, patcher.ErrSyntax) || errors.Is(err, patcher.ErrTemplate)) {
			t.Errorf("--template: error %v does not name a line of a template", err)
		}
		return false
	}
	out := res.Output
	if !res.Changed {
		t.Errorf("--template: nothing changed")
	}
	if dropped := droppedBytes(cf.Data, out); bytes.ContainsAny(dropped, "\n") ||
		res.Placeholder == "" && bytes.ContainsAny(dropped, "{}%<>") {
		t.Errorf("--template: dropped %q", dropped)
	}
	placeholders := func(b []byte) int {
		return bytes.Count(b, []byte("{{")) + bytes.Count(b, []byte("{%")) + bytes.Count(b, []byte("<%"))
	}
	want := placeholders(cf.Data)
	if res.Placeholder != "" {
		want -= placeholders([]byte(res.Placeholder))
	}
	if got := placeholders(out); got != want {
		t.Errorf("--template: %d placeholders after, want %d", got, want)
	}
	if m, err := tmplmask.Mask(out); err != nil || res.Action != patcher.Replaced && m.InBlock(res.Line) {
		t.Errorf("--template: %s offset on line %d, inside a control block (mask error %v)", res.Action, res.Line, err)
	}
	if cur, err := offsetOf(out, &opt); err != nil || cur.Offset != 2 {
		t.Errorf("--template: Offset(output) = %+v, %v", cur, err)
	}
	if again, err := patcher.Set(out, 2, &opt); err != nil || again.Changed {
		t.Errorf("--template: a second run changed it again (%v)", err)
	}
	if res.Placeholder != "" {
		kept, err := patcher.Set(cf.Data, 2, &patcher.Options{Format: patcher.Template, KeepPlaceholder: true})
		if err != nil || kept.Changed {
			t.Errorf("--keep-placeholder changed the file (%v)", err)
		}
	}
	return true
}

func checkPatch(t *testing.T, cf corpusFile, from, n int) {
	t.Helper()
	res, err := patcher.Set(cf.Data, n, &patcher.Options{DefaultOffset: cf.defaultOffset()})
	if err != nil {
		t.Fatalf("Set(%d): %v", n, err)
	}
	if want := cf.wantAction(from, n); res.Action != want {
		t.Errorf("Set(%d): action %s, want %s for %q", n, res.Action, want, cf.Appearance)
	}
	out := res.Output

	// It decodes, with server.offset = n and nothing else changed.
	_, inBody := tomlutil.SplitBOM(cf.Data)
	_, outBody := tomlutil.SplitBOM(out)
	vin, err := tomlutil.Decode(inBody)
	if err != nil {
		t.Fatal(err)
	}
	vout, err := tomlutil.Decode(outBody)
	if err != nil {
		t.Fatalf("Set(%d): the output does not decode: %v", n, err)
	}
	got, err := offsetOf(out, nil)
	if err != nil || got.Offset != n {
		t.Errorf("Set(%d): Get(output) = %d, %v", n, got.Offset, err)
	}
	if d := cmp.Diff(withoutOffset(vin), withoutOffset(vout), cmpopts.EquateNaNs()); d != "" {
		t.Errorf("Set(%d) changed other values (-in +out):\n%s", n, d)
	}

	// The change is one contiguous region of at most one removed line and
	// three added ones (a new [server] table, its offset and a blank line).
	if res.Changed {
		diff := string(unidiff.Diff("deployment.toml", cf.Data, out))
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
	if bytes.Contains(out, []byte("\r\n")) != bytes.Contains(cf.Data, []byte("\r\n")) ||
		bytes.HasSuffix(out, []byte("\n")) != bytes.HasSuffix(cf.Data, []byte("\n")) ||
		bytes.HasPrefix(out, []byte("\ufeff")) != bytes.HasPrefix(cf.Data, []byte("\ufeff")) {
		t.Errorf("Set(%d): line endings, final newline or BOM changed", n)
	}

	// Setting the same offset again changes nothing.
	again, err := patcher.Set(out, n, nil)
	if err != nil || again.Changed {
		t.Errorf("Set(%d) twice: changed %v, error %v", n, again.Changed, err)
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
