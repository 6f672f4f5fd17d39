package dialect_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/testing/corpus"
	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
)

// fixtureDir holds one txtar per construct: its comment says what WSO2 does
// with the file (verdict), and for a file WSO2 stops on, the construct and
// where the finding is (at: line:col); for a file it starts with, the offset
// it starts with (offset: N, "placeholder" or "none"). A file that is not
// TOML 1.0 but that WSO2 reads has not-toml-1.0: the place and construct of
// the first tomlutil.Substitution (go-toml refuses the file as it is).
const fixtureDir = "../../fixtures/dialect"

// effects maps a fixture's verdict to the Effect of its finding.
var effects = map[string]string{
	"refuses to start":                 dialect.EffectRefuses,
	"crashes at start-up":              dialect.EffectCrashes,
	"NumberFormatException":            dialect.EffectNFE,
	"crashes at start-up: Invalid key": dialect.EffectInvalidKey,
}

type fixture struct {
	name string
	a    *golden.Archive
	src  []byte
}

func readFixtures(t testing.TB) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	var fs []fixture
	for _, p := range paths {
		a, err := golden.ReadArchive(p)
		if err != nil {
			t.Fatal(err)
		}
		src, ok := a.Section("deployment.toml")
		if !ok {
			t.Fatalf("%s: no deployment.toml section", p)
		}
		fs = append(fs, fixture{strings.TrimSuffix(filepath.Base(p), ".txtar"), a, src})
	}
	return fs
}

type found struct {
	At, Construct, Effect string
}

func TestFixtures(t *testing.T) {
	for _, fx := range readFixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			f := fx.a.Fields
			if f["source"] == "" {
				t.Errorf("the fixture names no public source")
			}
			// Every fixture is a file go-toml reads, or that tomlutil reads
			// through its view: the dialect is what WSO2 refuses on top of
			// that.
			_, body := splitBOM(fx.src)
			var v map[string]any
			err := toml.Unmarshal(body, &v)
			switch not10 := f["not-toml-1.0"]; {
			case not10 == "" && err != nil:
				t.Fatalf("go-toml refuses the fixture: %v", err)
			case not10 != "" && err == nil:
				t.Fatalf("go-toml reads the fixture, which says it is not TOML 1.0")
			case not10 != "":
				doc, err := tomlutil.Parse(body)
				if err != nil {
					t.Fatalf("tomlutil.Parse: %v", err)
				}
				if len(doc.NotTOML10) == 0 {
					t.Fatalf("tomlutil.Parse found nothing that is not TOML 1.0")
				}
				first := doc.NotTOML10[0]
				line, col := tomlutil.Position(body, first.Span.Start)
				if got := fmt.Sprintf("%d:%d %s", line, col, first.Construct); got != not10 {
					t.Errorf("first not TOML 1.0: %s (%s), want %s", got, first.Msg, not10)
				}
			}
			got := dialect.Check(fx.src)
			var gotFound []found
			for _, g := range got {
				gotFound = append(gotFound, found{fmt.Sprintf("%d:%d", g.Line, g.Column), g.Construct, g.Effect})
				if g.Msg == "" || g.Fix == "" {
					t.Errorf("finding %+v has no message or fix", g)
				}
			}
			var want []found
			if f["verdict"] != "starts" {
				effect, ok := effects[f["verdict"]]
				if !ok {
					t.Fatalf("verdict %q is none of %v", f["verdict"], effects)
				}
				want = []found{{f["at"], f["construct"], effect}}
			}
			if d := cmp.Diff(want, gotFound); d != "" {
				t.Errorf("findings (-want +got):\n%s\nall: %v", d, got)
			}
			for _, g := range got {
				t.Logf("%s", g)
			}
			if f["verdict"] == "starts" {
				setOnlyOffset(t, fx.src, f["not-toml-1.0"])
			}

			ov, of := dialect.Offset(fx.src)
			switch want := f["offset"]; {
			case f["construct"] == dialect.ConstructOffsetNotInt:
				if of == nil || ov.OK || !ov.Set {
					t.Errorf("Offset = %+v, %v; want a finding", ov, of)
				} else if of.Construct != dialect.ConstructOffsetNotInt || fmt.Sprintf("%d:%d", of.Line, of.Column) != f["at"] {
					t.Errorf("Offset's finding %v differs from the fixture's", of)
				}
			case want == "placeholder":
				if of != nil || !ov.Set || ov.OK || !ov.Placeholder {
					t.Errorf("Offset = %+v, %v; want a placeholder", ov, of)
				}
			case want == "" && f["verdict"] != "starts":
				// The fixture is about another construct.
			case want == "none":
				if of != nil || ov.Set {
					t.Errorf("Offset = %+v, %v; want no offset", ov, of)
				}
			default:
				n, err := strconv.ParseInt(want, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				if of != nil || !ov.OK || ov.N != n {
					t.Errorf("Offset = %+v, %v; want %d", ov, of, n)
				}
			}
		})
	}
}

// setOnlyOffset checks that patcher.Set takes src, a file WSO2 starts with,
// reports no WSO2 problem, warns at not10 (line:col construct) when it is
// given, and changes only the bytes of the offset's value, or only adds.
func setOnlyOffset(t *testing.T, src []byte, not10 string) {
	t.Helper()
	f, err := patcher.Parse(src, patcher.Auto)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if p := f.Problems(); len(p) > 0 {
		t.Errorf("WSO2 problems on a file WSO2 starts with: %v", p)
	}
	res, err := f.Set(7, nil)
	if err != nil {
		t.Fatalf("Set: %v", err)
	}
	if not10 != "" {
		at, _, _ := strings.Cut(not10, " ")
		var warned []string
		for _, w := range res.Warnings {
			warned = append(warned, fmt.Sprintf("%d:%d: %s", w.Line, w.Column, w.Msg))
		}
		if len(warned) == 0 || !strings.HasPrefix(warned[0], at+": ") || !strings.Contains(warned[0], "not TOML 1.0") {
			t.Errorf("Set's warnings %q; want one at %s saying it is not TOML 1.0", warned, at)
		}
	}
	out := res.Output
	p := 0
	for p < len(src) && p < len(out) && src[p] == out[p] {
		p++
	}
	s := 0
	for s < len(src)-p && s < len(out)-p && src[len(src)-1-s] == out[len(out)-1-s] {
		s++
	}
	changed := tomlutil.Span{Start: p, End: len(src) - s} // of src
	if changed.Len() == 0 {
		return // only added
	}
	ov, _ := dialect.Offset(src)
	_, body := splitBOM(src)
	start := len(src) - len(body) + offsetOf(body, ov.Line, ov.Column)
	if !ov.Set || changed.Start < start || changed.End > start+len(ov.Raw) {
		t.Errorf("Set changed %q at %d, outside the offset's value %q at %d:\n%s", src[changed.Start:changed.End], changed.Start, ov.Raw, start, out)
	}
	if !strings.Contains(string(out[changed.Start:len(out)-s]), "7") {
		t.Errorf("Set wrote %q for the offset", out[changed.Start:len(out)-s])
	}
}

// offsetOf is the byte offset of line:col (1-based) of src.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for i := 1; i < line; i++ {
		off += bytes.IndexByte(src[off:], '\n') + 1
	}
	return off + col - 1
}

func splitBOM(src []byte) (bom, body []byte) {
	if b, ok := bytes.CutPrefix(src, []byte("\ufeff")); ok {
		return src[:3], b
	}
	return nil, src
}

func TestOffsetAsWSO2Reads(t *testing.T) {
	tests := []struct {
		name, in string
		n        int64
		ok       bool
	}{
		{"integer", "[server]\noffset = 7\n", 7, true},
		{"binary integer", "[server]\noffset = 0b11\n", 3, true},
		{"largest int", "[server]\noffset = 2147483647\n", 2147483647, true},
		{"smallest int", "[server]\noffset = -2147483648\n", -2147483648, true},
		{"string minus", "[server]\noffset = \"-2\"\n", -2, true},
		{"fullwidth digit: Character.digit reads it", "[server]\noffset = \"\uff12\"\n", 2, true},
		{"Arabic-Indic digits", "[server]\noffset = \"\u0661\u0662\"\n", 12, true},
		{"string above int", "[server]\noffset = \"2147483648\"\n", 0, false},
		{"string sign only", "[server]\noffset = \"+\"\n", 0, false},
		{"string hex: parseInt is decimal", "[server]\noffset = \"0x2\"\n", 0, false},
		{"string with underscore", "[server]\noffset = \"2_0\"\n", 0, false},
		{"string trailing space", "[server]\noffset = \"2 \"\n", 0, false},
		{"nan", "[server]\noffset = nan\n", 0, false},
		{"date", "[server]\noffset = 2024-01-01\n", 0, false},
		{"table under offset", "[server.offset]\nx = 1\n", 0, false},
		{"array of tables server is not the table", "[[server]]\noffset = \"x\"\n", 0, false},
		{"quoted key with a dot is another key", "\"server.offset\" = \"x\"\n", 0, false},
		{"$ref to an integer: ReferenceResolver puts its toString()", "[server]\nbase = 2\noffset = \"$ref{server.base}\"\n", 2, true},
		{"$ref to a later key, in text", "[server]\noffset = \"1$ref{a.b}\"\n[a]\nb = \"2\"\n", 12, true},
		{"$ref to a $ref", "a = \"$ref{b}\"\nb = 5\n[server]\noffset = \"$ref{a}\"\n", 5, true},
		{"$ref to a boolean", "a = true\n[server]\noffset = \"$ref{a}\"\n", 0, false},
		{"$ref to a key the file does not set: the product's defaults may", "[server]\noffset = \"$ref{server.base}\"\n", 0, false},
		{"$ref cycle", "a = \"$ref{a}\"\n[server]\noffset = \"$ref{a}\"\n", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, f := dialect.Offset([]byte(tt.in))
			if v.OK != tt.ok || v.N != tt.n {
				t.Errorf("Offset = %+v, %v; want N=%d ok=%v", v, f, tt.n, tt.ok)
			}
			if v.OK && f != nil {
				t.Errorf("a finding on an offset WSO2 reads: %v", f)
			}
		})
	}
	// The offset WSO2 cannot see at all: no value and no finding.
	for _, in := range []string{"[[server]]\noffset = \"x\"\n", "\"server.offset\" = \"x\"\n", "[server]\n", "[server.offset]\n"} {
		if v, f := dialect.Offset([]byte(in)); v.Set || f != nil {
			t.Errorf("Offset(%q) = %+v, %v; want nothing", in, v, f)
		}
	}
}

// TestCorpus runs Check on every real file. WSO2 starts with all of them
// but the seven Micro Integrator deployment-full.toml files, which declare
// tables twice (go-toml refuses them too): none may have a finding.
// Templates are read with their placeholders masked; their offset is
// whatever the template renders, so an offset that is a masked placeholder
// is not judged.
func TestCorpus(t *testing.T) {
	files := corpus.Read(t)
	refused := 0
	for _, cf := range files {
		got := dialect.Check(cf.Data)
		if cf.IsTemplate() {
			m, err := tmplmask.Mask(cf.Data)
			if err != nil {
				t.Logf("%s: cannot mask the template: %v", cf.Name, err)
				continue
			}
			got = dialect.CheckTemplate(m)
		}
		if strings.HasSuffix(cf.Name, "deployment-full.toml") && strings.Contains(cf.Name, "micro-integrator") {
			refused++
			for _, f := range got {
				t.Logf("%s (WSO2 refuses it for duplicate tables): %s [%s]", cf.Name, f, f.Construct)
			}
			continue
		}
		for _, f := range got {
			t.Errorf("%s: WSO2 accepts this file, but: %s [%s]", cf.Name, f, f.Construct)
		}
	}
	if refused != 7 {
		t.Errorf("%d Micro Integrator deployment-full.toml files in the corpus, want 7", refused)
	}
}

// TestStringAsRead: a multi-line basic string is read as cava-toml reads
// it (TomlLexer.g4 MLBasicStringLineEnd gives a line break and keeps the
// blanks after it); other strings as go-toml decoded them.
func TestStringAsRead(t *testing.T) {
	tests := []struct{ name, raw, decoded, want string }{
		{"backslash before", "\"\"\"\\\n2\"\"\"", "2", "\n2"},
		{"backslash after, blanks before the line break", "\"\"\"2\\  \n\"\"\"", "2", "2\n"},
		{"blanks on the next line are kept", "\"\"\"a\\\r\n   b\"\"\"", "ab", "a\n   b"},
		{"first line break dropped, CRLF read as LF", "\"\"\"\r\n2\r\n\\t\"\"\"", "2\r\n\t", "2\n\t"},
		{"escapes", `"""\u0032\t\"\\"""`, "2\t\"\\", "2\t\"\\"},
		{"one-line string: go-toml's reading", `"2"`, "2", "2"},
		{"literal: go-toml's reading", "'''2\\\n'''", "2\\\n", "2\\\n"},
	}
	for _, tt := range tests {
		if got := dialect.StringAsRead(tt.raw, tt.decoded); got != tt.want {
			t.Errorf("%s: StringAsRead(%q) = %q, want %q", tt.name, tt.raw, got, tt.want)
		}
	}
}
