package tomlutil

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apim-offset/apim-offset/internal/corpus"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// agree checks that decoding src in parts gives what decoding it whole
// gives: the same values, or the same error at the same place.
func agree(t *testing.T, src []byte) {
	t.Helper()
	want, werr := decodeWhole(src)
	got, gerr := decodeParts(src)
	if diff := cmp.Diff(werr, gerr); diff != "" {
		t.Fatalf("errors differ (-whole +parts):\n%s\ninput:\n%s", diff, src)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateNaNs()); diff != "" {
		t.Fatalf("values differ (-whole +parts):\n%s\ninput:\n%s", diff, src)
	}
}

var partsSeeds = []string{
	"a = 1\nb.c = 2\n[a]\n",                                       // a root key, then a table of the same name
	"[b]\nx = 1\n[a]\ny = 2\n[b]\nz = 3\n",                        // a table defined twice, with another between
	"x = { y = 1 }\n[x.z]\n",                                      // an inline table extended by a header
	"[[s]]\na = 1\n[[s]]\na = 2\n[s.t]\nb = 3\n",                  // array tables and a sub-table
	"[a]\nk = 1\n[b]\nk = 1\nk = 2\n[a]\n",                        // two errors: the earlier is reported
	"[a]\nk = 1\nk = 2\n[b]\nk = = 3\n",                           // a duplicate before a syntax error
	"[a]\nk = 1\n[b]\nk = \"\"\"\nx\n\"\"\"\n[b.c]\n[a.d]\nv = 1", // multi-line string, no final newline
	"# only a comment\n",
	"[a]\r\nk = 1\r\n[b]\r\nk = 2\r\n[a]\r\n", // CRLF
}

func TestDecodePartsAgrees(t *testing.T) {
	for _, s := range partsSeeds {
		agree(t, []byte(s))
	}
	files := corpus.Read(t)
	for _, cf := range files {
		agree(t, cf.Data)
	}
	t.Logf("%d seeds and %d corpus files decode the same in parts", len(partsSeeds), len(files))
}

// TestDecodeLarge: a document past partsFrom goes through decodeParts, and
// an error in it is placed in the whole document.
func TestDecodeLarge(t *testing.T) {
	var b bytes.Buffer
	for i := 0; b.Len() < 2*partsFrom; i++ {
		fmt.Fprintf(&b, "[t%d]\nk = %d\n\n", i, i)
	}
	b.WriteString("[t7]\n")
	_, err := Decode(b.Bytes())
	line := bytes.Count(b.Bytes(), []byte{'\n'})
	want := &SyntaxError{Line: line, Column: 2, Msg: "table t7 already exists"}
	if diff := cmp.Diff(want, err); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func FuzzDecodeParts(f *testing.F) {
	for _, s := range partsSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		agree(t, src)
	})
}
