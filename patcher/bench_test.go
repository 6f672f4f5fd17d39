package patcher_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/unidiff"
)

// synthetic returns a deployment.toml of about size bytes: the real APIM 4.5
// default's tables repeated under new names, then [server] last with its
// offset commented out, so that the patcher reads the whole file first.
func synthetic(b testing.TB, size int) []byte {
	b.Helper()
	real, err := os.ReadFile(filepath.Join("..", "fixtures", "real-apim-4.5", "input.toml"))
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	for i := 0; out.Len() < size; i++ {
		fmt.Fprintf(&out, "[generated%d]\n# a comment line, as the real files have many\nhost = \"node%d.example.com\"\nport = %d\nenabled = true\nurls = [\"https://a%d:9443/x\", \"https://b%d:9443/y\"]\n\n", i, i, 9443+i%100, i, i)
	}
	out.WriteString("[server]\nhostname = \"localhost\"\n#offset=0\n")
	_ = real
	return out.Bytes()
}

func benchInputs(b *testing.B) map[string][]byte {
	real, err := os.ReadFile(filepath.Join("..", "fixtures", "real-apim-4.5", "input.toml"))
	if err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{"real-apim-4.5": real, "1MiB": synthetic(b, 1<<20), "10MiB": synthetic(b, 10<<20)}
}

// BenchmarkSet times the edit alone, verification included.
func BenchmarkSet(b *testing.B) {
	for _, name := range []string{"real-apim-4.5", "1MiB", "10MiB"} {
		src := benchInputs(b)[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := patcher.Set(src, 2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDiff times the unified diff of a set.
func BenchmarkDiff(b *testing.B) {
	for _, name := range []string{"real-apim-4.5", "1MiB", "10MiB"} {
		src := benchInputs(b)[name]
		res, err := patcher.Set(src, 2)
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
