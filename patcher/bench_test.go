package patcher_test

import (
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/internal/testing/synth"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/patcher"
)

func benchInputs(b *testing.B) map[string][]byte {
	real, err := golden.ReadSection(filepath.Join("..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{"real-apim-4.5": real, "1MiB": synth.Deployment(patcher.MaxSize)}
}

// BenchmarkSet times the edit alone, verification included.
func BenchmarkSet(b *testing.B) {
	for _, name := range []string{"real-apim-4.5", "1MiB"} {
		src := benchInputs(b)[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := patcher.Set(src, 2, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDiff times the unified diff of a set.
func BenchmarkDiff(b *testing.B) {
	for _, name := range []string{"real-apim-4.5", "1MiB"} {
		src := benchInputs(b)[name]
		res, err := patcher.Set(src, 2, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				unidiff.Diff("repository/conf/deployment.toml", src, res.Output)
			}
		})
	}
}
