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
)

// fixtureDir holds one txtar per construct: its comment says what WSO2 does
// with the file (verdict), and for a file WSO2 stops on, the construct and
// where the finding is (at: line:col); for a file it starts with, the offset
// it starts with (offset: N, "placeholder" or "none").
const fixtureDir = "../../fixtures/dialect"

// effects maps a fixture's verdict to the Effect of its finding.
var effects = map[string]string{
	"refuses to start":      dialect.EffectRefuses,
	"crashes at start-up":   dialect.EffectCrashes,
	"NumberFormatException": dialect.EffectNFE,
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
			// Every fixture is a file go-toml reads: the dialect is what
			// WSO2 refuses on top of that.
			_, body := splitBOM(fx.src)
			var v map[string]any
			if err := toml.Unmarshal(body, &v); err != nil {
				t.Fatalf("go-toml refuses the fixture: %v", err)
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
