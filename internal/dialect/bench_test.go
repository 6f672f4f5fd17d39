package dialect_test

import (
	"testing"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/testing/golden"
)

// BenchmarkCheckAPIM45 checks the real API Manager 4.5 default file.
func BenchmarkCheckAPIM45(b *testing.B) {
	src, err := golden.ReadSection("../../fixtures/golden/real-apim-4.5.txtar", "input.toml")
	if err != nil {
		b.Fatal(err)
	}
	if got := dialect.Check(src); len(got) != 0 {
		b.Fatalf("findings on the APIM 4.5 default: %v", got)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		dialect.Check(src)
	}
}
