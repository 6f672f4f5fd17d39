package redact

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"

	"github.com/apim-offset/apim-offset/internal/testing/synth"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/patcher"
)

// BenchmarkDiff times the diff step of set (offset 2) with secrets masked:
// "lazy" masks through Maskers, which read the lines the diff prints and
// those they depend on; "whole" scans both files first, as set did before
// (scan is that scan); "plain" masks nothing, the floor.
func BenchmarkDiff(b *testing.B) {
	real, err := golden.ReadSection(filepath.Join("..", "..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		b.Fatal(err)
	}
	const label = "repository/conf/deployment.toml"
	for _, in := range []struct {
		name string
		src  func() []byte
	}{
		{"real-apim-4.5", func() []byte { return real }},
		{"1MiB", func() []byte { return synth.Deployment(1 << 20) }},
	} {
		b.Run(in.name, func(b *testing.B) {
			src := in.src()
			res, err := patcher.Set(src, 2, nil)
			if err != nil {
				b.Fatal(err)
			}
			out := res.Output
			lazy := unidiff.Masked(label, src, out, For(src).Line, For(out).Line)
			whole := unidiff.Masked(label, src, out, lookup(scan(src)), lookup(scan(out)))
			if string(lazy) != string(whole) {
				b.Fatalf("the diffs differ:\n%s\n%s", lazy, whole)
			}
			for _, c := range []struct {
				name string
				diff func() []byte
			}{
				{"lazy", func() []byte { return unidiff.Masked(label, src, out, For(src).Line, For(out).Line) }},
				{"whole", func() []byte { return unidiff.Masked(label, src, out, lookup(scan(src)), lookup(scan(out))) }},
				{"plain", func() []byte { return unidiff.Diff(label, src, out) }},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.SetBytes(int64(len(src)))
					b.ReportAllocs()
					for b.Loop() {
						c.diff()
					}
				})
			}
		})
	}
}

func lookup(m map[int]string) unidiff.Shown {
	return func(n int) (string, bool) {
		s, ok := m[n]
		return s, ok
	}
}

// BenchmarkShapes masks every line of 1 MiB files of one shape each, the
// shapes a line scanner could be slow on: they take time in proportion to
// their size (under a second each when this was written).
func BenchmarkShapes(b *testing.B) {
	const n = 1 << 20
	for _, s := range []struct{ name, src string }{
		{"secret array on one line", "password = [" + strings.Repeat(`"abc", `, n/7) + "]\n"},
		{"secret array a line each", "password = [\n" + strings.Repeat("  \"abc\",\n", n/9) + "]\n"},
		{"nested arrays a line each", "a = [\n" + strings.Repeat("[\n", n/4) + strings.Repeat("]\n", n/4) + "]\n"},
		{"nested arrays on one line", "a = " + strings.Repeat("[", n/2) + strings.Repeat("]", n/2) + "\n"},
		{"headers", strings.Repeat("[a]\n", n/4)},
		{"URLs", "u = \"" + strings.Repeat("a://b:c@d ", n/10) + "\"\n"},
		{"inline tables", "users = [" + strings.Repeat(`{ password = "x" }, `, n/20) + "]\n"},
		{"template assignments", strings.Repeat(`{% set a_password = "x" %}`, n/26) + "\n"},
		{"open braces", "a = [" + strings.Repeat("{", n) + "\n"},
		{"escaped key", `"` + strings.Repeat(`\u0070`, n/6) + `" = "x"` + "\n"},
	} {
		b.Run(s.name, func(b *testing.B) {
			src := []byte(s.src)
			lines := strings.Count(s.src, "\n") + 1
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				m := For(src)
				for i := 1; i <= lines; i++ {
					m.Line(i)
				}
			}
		})
	}
}
