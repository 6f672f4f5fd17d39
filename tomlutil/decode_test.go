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
	got, gerr := decodeParts(src, nil)
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

// TestParseOnly: over the corpus, ParseOnly(src, "server") holds exactly
// what Parse holds of server, the first table and the comments before it,
// at the same places.
func TestParseOnly(t *testing.T) {
	n := 0
	for _, cf := range corpus.Read(t) {
		full, err := Parse(cf.Data)
		if err != nil {
			continue
		}
		only, err := ParseOnly(cf.Data, "server")
		if err != nil {
			t.Fatalf("%s: %v", cf.Name, err)
		}
		n++
		var tables []Table
		keptTable := map[int]int{} // index in full to index in only
		for i, tb := range full.Tables {
			if i == 0 || tb.Key[0] == "server" {
				keptTable[i] = len(tables)
				tables = append(tables, tb)
			}
		}
		var entries []Entry
		keptEntry := map[int]int{}
		for i, e := range full.Entries {
			j, ok := keptTable[e.Table]
			if e.Table < 0 {
				ok = e.Path[0] == "server"
				j = -1
			}
			if !ok {
				continue
			}
			e.Table = j
			if e.Parent >= 0 {
				e.Parent = keptEntry[e.Parent]
			}
			keptEntry[i] = len(entries)
			entries = append(entries, e)
		}
		var comments []Comment
		for _, c := range full.Comments {
			if j, ok := keptTable[c.Table]; ok || c.Table < 0 {
				if c.Table >= 0 {
					c.Table = j
				}
				comments = append(comments, c)
			}
		}
		if diff := cmp.Diff(tables, only.Tables); diff != "" {
			t.Errorf("%s: tables (-Parse +ParseOnly):\n%s", cf.Name, diff)
		}
		if diff := cmp.Diff(entries, only.Entries); diff != "" {
			t.Errorf("%s: entries (-Parse +ParseOnly):\n%s", cf.Name, diff)
		}
		if diff := cmp.Diff(comments, only.Comments); diff != "" {
			t.Errorf("%s: comments (-Parse +ParseOnly):\n%s", cf.Name, diff)
		}
		if diff := cmp.Diff(map[string]any{"server": full.Values["server"]}, only.Values, cmpopts.EquateNaNs()); full.Values["server"] != nil && diff != "" {
			t.Errorf("%s: values (-Parse +ParseOnly):\n%s", cf.Name, diff)
		}
	}
	t.Logf("%d corpus files: ParseOnly agrees with Parse", n)
}

// changedNaive is Parts.Changed the slow way: split both, compare texts.
func changedNaive(a, b []byte) ([]string, error) {
	pa, err := Split(a)
	if err != nil {
		return nil, err
	}
	pb, err := Split(b)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range pa.Names() {
		if !bytes.Equal(pa.Text(n), pb.Text(n)) {
			names = append(names, n)
		}
	}
	for _, n := range pb.Names() {
		if !pa.Has(n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// FuzzChanged: Changed finds the names whose text differs, as splitting
// both and comparing does, and gives their text in the changed document.
func FuzzChanged(f *testing.F) {
	for _, s := range partsSeeds {
		f.Add([]byte(s), 3, []byte("x = 1\n"))
	}
	f.Add([]byte("[a]\nk = 1\n[b]\nk = 2\n[a.c]\nv = 3\n"), 20, []byte("[d]\n"))
	f.Fuzz(func(t *testing.T, a []byte, at int, insert []byte) {
		if _, err := Split(a); err != nil || len(a) == 0 {
			return
		}
		at = min(max(at, 0), len(a))
		b := append(append(append([]byte{}, a[:at]...), insert...), a[at:]...)
		want, werr := changedNaive(a, b)
		pa, _ := Split(a)
		got, changed, gerr := pa.Changed(b)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("errors differ: naive %v, Changed %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("names (-naive +Changed):\n%s\na: %q\nb: %q", diff, a, b)
		}
		pb, _ := Split(b)
		for _, n := range got {
			if !bytes.Equal(pb.Text(n), changed.Text(n)) {
				t.Fatalf("%s: text %q, want %q", n, changed.Text(n), pb.Text(n))
			}
		}
	})
}
