package dialect_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"

	"github.com/apim-offset/apim-offset/internal/dialect"
)

// FuzzCheck: Check and Offset never panic, every finding is inside the
// input, and on a file go-toml reads, appending a comment line changes no
// finding.
func FuzzCheck(f *testing.F) {
	for _, fx := range readFixtures(f) {
		f.Add(fx.src)
	}
	f.Add([]byte("a = [1979-05-27,1979-05-28]\nb = {c = 07:32}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		got := dialect.Check(src)
		_, body := splitBOM(src)
		lines := bytes.Split(body, []byte("\n"))
		for _, g := range got {
			if g.Line < 1 || g.Line > len(lines) || g.Column < 1 || g.Column > len(lines[g.Line-1])+1 {
				t.Fatalf("finding %v outside the input (%d lines)", g, len(lines))
			}
		}
		if v, of := dialect.Offset(src); of != nil && v.OK {
			t.Fatalf("Offset: a finding on a value WSO2 reads: %+v %v", v, of)
		}
		var v map[string]any
		if toml.Unmarshal(body, &v) != nil {
			return
		}
		more := append(append([]byte(nil), src...), "\n# a comment\n"...)
		if d := cmp.Diff(got, dialect.Check(more)); d != "" {
			t.Fatalf("a comment line appended changed the findings (-before +after):\n%s", d)
		}
	})
}
