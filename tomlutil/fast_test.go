package tomlutil

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/corpus"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sameAsGoTOML fails t when fast, the one-pass decoder, and go-toml's
// decoder disagree on src: fast must refuse what go-toml refuses and give
// go-toml's values for the rest; Decode and Parse must give go-toml's
// values or its error, word for word and at the same line:col, and Parse
// the layout its two passes gave.
func sameAsGoTOML(t *testing.T, src []byte) {
	t.Helper()
	view, subst := View(src)
	want, werr := unmarshal(view)
	got, ok := fast(view, nil)
	switch {
	case ok && werr != nil:
		t.Fatalf("fast accepts what go-toml refuses (%v)\nsource: %q", werr, src)
	case ok:
		if diff := cmp.Diff(want, got, cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("fast's values differ from go-toml's (-go-toml +fast):\n%s\nsource: %q", diff, src)
		}
	}
	wv, _, wderr := decode(view) // the way before fast
	gv, gderr := Decode(src)
	if diff := cmp.Diff(wderr, gderr); diff != "" {
		t.Fatalf("Decode's error (-go-toml +Decode):\n%s\nsource: %q", diff, src)
	}
	if diff := cmp.Diff(wv, gv, cmpopts.EquateNaNs()); diff != "" {
		t.Fatalf("Decode's values (-go-toml +Decode):\n%s\nsource: %q", diff, src)
	}
	wdoc, wperr := parseSlow(src, view, subst)
	gdoc, gperr := Parse(src)
	if diff := cmp.Diff(wperr, gperr); diff != "" {
		t.Fatalf("Parse's error (-two passes +Parse):\n%s\nsource: %q", diff, src)
	}
	if diff := cmp.Diff(wdoc, gdoc, cmpopts.EquateNaNs()); diff != "" {
		t.Fatalf("Parse's document (-two passes +Parse):\n%s\nsource: %q", diff, src)
	}
}

// fastSeeds are documents where go-toml's tracker rules are easy to get
// wrong: array tables that start their elements afresh, dotted keys and
// headers through each other, inline tables in arrays.
var fastSeeds = []string{
	"[[a]]\nb.c = 1\n[[a]]\nb.c = 2\n[a.b]\nd = 3\n",
	"[[a]]\n[a.b]\nx = 1\n[[a]]\n[a.b]\nx = 2\n",
	"[[a]]\n[a.b]\n[a.b]\n",
	"a.b = 1\n[a.c]\n",
	"a.b = 1\n[a]\n",
	"a.b.c = 1\n[a.b]\n",
	"[a.b]\n[a]\nb = 1\n",
	"[a]\nb.c = 1\n[a.b]\n",
	"[a]\n[a.b]\n[a]\n",
	"x = [{a = 1, a = 2}]\n",
	"x = [{a = 1}, {a = 2}]\n",
	"x = [[{a.b = 1, a.c = 2}], [{a = 1}]]\n",
	"x = {a = {b = 1}, a.c = 2}\n",
	"x = {a.b = 1, a.c = 2}\n",
	"x = {a.b = 1, a = 2}\n",
	"x = [1, 2.5, \"s\", 1979-05-27T07:32:00Z, 1979-05-27, 07:32:00, 1979-05-27T07:32:00, nan, -inf, 0x_1]\n",
	"i = 0x7FFFFFFFFFFFFFFF\nj = -9223372036854775808\nk = 9223372036854775808\n",
	"f = 1e400\n",
	"d = 1979-02-30\n",
	"t = 24:00:00\n",
	"o = 1979-05-27T07:32:00+24:00\n",
	"\"\" = 1\n'' = 2\n",
	"[[a.b]]\n[a]\nc = 1\n[[a.b]]\n",
	"[a]\n[[a.b]]\n[[a]]\n",
	"a = [ # c\n 1, # d\n]\n",
	"[server]\nhostname = \"localhost\"\n#offset=0\n[[apim.gateway.environment]]\nname = \"Default\"\n",
	"x = { y = 1 }\n[x.z]\n",
}

// TestDecodeSameCorpus compares fast with go-toml's decoder on every real
// file of the corpus, templates read as written and with their
// placeholders masked.
func TestDecodeSameCorpus(t *testing.T) {
	for _, f := range corpus.Read(t) {
		t.Run(f.Name, func(t *testing.T) {
			sameAsGoTOML(t, f.Data)
			if m, err := tmplmask.Mask(f.Data); err == nil {
				sameAsGoTOML(t, m.Text)
			}
		})
	}
}

func TestDecodeSameSeeds(t *testing.T) {
	for i, s := range fastSeeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) { sameAsGoTOML(t, []byte(s)) })
	}
}

// FuzzDecodeSame: on any input, fast refuses what go-toml's decoder
// refuses and gives its values otherwise; Decode and Parse give what go-toml
// gives, errors included (sameAsGoTOML). Seeded from the tests above and
// the corpus' APIM 4.5 default.
func FuzzDecodeSame(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	for _, tt := range []string{"[b]\nx = 1\n[a]\ny = 2\n[b]\nz = 3\n", "a = 1\nb.c = 2\n[a]\n"} {
		f.Add([]byte(tt))
	}
	if dir, err := corpus.Dir(); err == nil {
		if b, err := os.ReadFile(filepath.Join(dir, "wso2__product-apim__v4.5.0__all-in-one-apim_modules_distribution_product_src_main_conf_deployment.toml")); err == nil {
			f.Add(b)
			f.Add(bytes.ReplaceAll(b, []byte("[apim.cors]"), []byte("[apim.sync_runtime_artifacts.gateway]")))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 64<<10 {
			return
		}
		sameAsGoTOML(t, src)
	})
}
