package patcher_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/synth"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
)

func TestTooComplex(t *testing.T) {
	headers := strings.Repeat("[t]\n[t.u]\n", tomlutil.MaxHeaders/2) + "[x]\n"
	for _, tc := range []struct {
		name, reason, src string
		format            patcher.Format
		want              patcher.Error
	}{
		{"headers", "one header more than the bound, refused where it starts, before the parse finds [t] twice",
			headers, patcher.Auto,
			patcher.Error{Line: tomlutil.MaxHeaders + 1, Column: 1, Msg: "more than 2048 table headers in the file", Err: patcher.ErrTooComplex}},
		{"template", "a template is bounded as it is parsed, its placeholders masked",
			"{{ if .Values.x }}\n[server]\noffset = {{ .Values.o }}\n{{ end }}\na = " + strings.Repeat("{b = ", tomlutil.MaxDepth+1) + "1" + strings.Repeat("}", tomlutil.MaxDepth+1) + "\n",
			patcher.Template,
			patcher.Error{Line: 5, Column: 5 + 5*tomlutil.MaxDepth, Msg: fmt.Sprintf("more than %d arrays and inline tables nested in one another", tomlutil.MaxDepth), Err: patcher.ErrTooComplex, Template: true}},
		{"not a template", "markup that forms no placeholder in a file read as TOML is bounded too",
			"pw = \"Xy<%9q!\"\n[t]\n" + strings.Repeat("k.a = 1\n", tomlutil.MaxKeysPerTable+1), patcher.Auto,
			patcher.Error{Line: tomlutil.MaxKeysPerTable + 3, Column: 5, Msg: "more than 1024 keys in one table", Err: patcher.ErrTooComplex}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := patcher.Set([]byte(tc.src), 2, &patcher.Options{Format: tc.format})
			var pe *patcher.Error
			if !errors.As(err, &pe) || !errors.Is(err, patcher.ErrTooComplex) {
				t.Fatalf("%s: Set: %v, want an *Error wrapping ErrTooComplex", tc.reason, err)
			}
			if d := cmp.Diff(tc.want, *pe, cmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
				t.Errorf("%s: (-want +got):\n%s", tc.reason, d)
			}
			if _, err := offsetOf([]byte(tc.src), &patcher.Options{Format: tc.format}); !errors.Is(err, patcher.ErrTooComplex) {
				t.Errorf("Offset: %v, want ErrTooComplex", err)
			}
		})
	}
}

// TestShapes checks that each shape of internal/testing/synth is valid TOML that
// Set either takes or refuses for its structure, and that the largest
// instance the bounds accept is taken.
func TestShapes(t *testing.T) {
	const size = 100 << 10
	for _, s := range synth.Shapes {
		t.Run(s.Name, func(t *testing.T) {
			opt := shapeOptions(s)
			if _, err := patcher.Set(s.Make(size, 0), 2, opt); err != nil && !errors.Is(err, patcher.ErrTooComplex) {
				t.Errorf("Set: %v, want it taken or refused with ErrTooComplex", err)
			}
			res, err := patcher.Set(largest(s, size), 2, opt)
			if err != nil {
				t.Fatalf("Set on the largest instance the bounds accept: %v", err)
			}
			if res.Action != patcher.Replaced {
				t.Errorf("action %s, want %s", res.Action, patcher.Replaced)
			}
		})
	}
}

// BenchmarkLinear times Set on each shape of internal/testing/synth at 100 KiB and
// at 1 MiB: as many of its structure as fit when the bounds take that, or
// else both the refusal and the largest instance the bounds accept ("max").
// go run ./bench/linear prints the same as a table, with the growth.
func BenchmarkLinear(b *testing.B) {
	inputs := []struct {
		name string
		src  func(size int) []byte
		opt  *patcher.Options
	}{{"synth", synth.Deployment, nil}}
	for _, s := range synth.Shapes {
		inputs = append(inputs, struct {
			name string
			src  func(size int) []byte
			opt  *patcher.Options
		}{s.Name, func(size int) []byte { return s.Make(size, 0) }, shapeOptions(s)})
		inputs = append(inputs, struct {
			name string
			src  func(size int) []byte
			opt  *patcher.Options
		}{s.Name + "-max", func(size int) []byte { return largest(s, size) }, shapeOptions(s)})
	}
	for _, in := range inputs {
		for _, size := range []int{100 << 10, patcher.MaxSize} {
			src := in.src(size)
			b.Run(fmt.Sprintf("%s/%dKiB", in.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := patcher.Set(src, 2, in.opt); err != nil && !errors.Is(err, patcher.ErrTooComplex) {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func shapeOptions(s synth.Shape) *patcher.Options {
	if s.Template {
		return &patcher.Options{Format: patcher.Template}
	}
	return nil
}

// largest returns the largest instance of s of size bytes that the bounds
// accept.
func largest(s synth.Shape, size int) []byte {
	refused := func(n int) bool {
		src := s.Make(size, n)
		if s.Template {
			m, err := tmplmask.Mask(src)
			if err != nil {
				panic(err)
			}
			src = m.Text
		}
		return tomlutil.CheckLimits(src) != nil
	}
	return s.Make(size, sort.Search(size, func(n int) bool { return refused(n + 1) }))
}
