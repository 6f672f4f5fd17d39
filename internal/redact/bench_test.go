package redact

import (
	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"path/filepath"
	"testing"

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
