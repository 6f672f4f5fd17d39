package dialect_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/dialect"
)

// longHeader is a document of about size bytes: one table header of
// thousands of dotted parts, [a.a.a…], then as many keys under it, with a
// finding (a mixed array) on each, and a sub-table header of it.
func longHeader(size int) []byte {
	parts := size / 8 // two headers of a quarter of the bytes each
	var b strings.Builder
	b.WriteString("[" + strings.Repeat("a.", parts) + "a]\n")
	for i := 0; b.Len() < size*9/10; i++ {
		fmt.Fprintf(&b, "k%d = [1, \"x\"]\n", i)
	}
	b.WriteString("[" + strings.Repeat("a.", parts) + "a.b]\nk = 1\n")
	return []byte(b.String())
}

// checkCost returns the time and the bytes allocated by one Check of src.
func checkCost(src []byte) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	dialect.Check(src)
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return d, after.TotalAlloc - before.TotalAlloc
}

// TestCheckLinear: one header with thousands of dotted parts costs memory
// linear in its size (issue 21 item 3: defineTable joined every prefix of
// the key, a 32 KB file took 2 to 15 s and 450 MB), as do many keys under
// it and many findings.
func TestCheckLinear(t *testing.T) {
	small, large := longHeader(10<<10), longHeader(100<<10)
	_, a := checkCost(small)
	_, b := checkCost(large)
	ratio := float64(b) / float64(a) / (float64(len(large)) / float64(len(small)))
	t.Logf("allocated %d bytes at %d KiB, %d at %d KiB: %.2f times linear", a, len(small)>>10, b, len(large)>>10, ratio)
	if ratio > 2 {
		t.Errorf("bytes allocated grow %.2f times faster than the size (%d at %d bytes, %d at %d bytes)", ratio, a, len(small), b, len(large))
	}
	if limit := uint64(128 * len(large)); b > limit {
		t.Errorf("%d bytes allocated for a %d-byte file, more than %d", b, len(large), limit)
	}
	if got := dialect.Check(large); len(got) < 100 || got[0].Construct != dialect.ConstructMixedArray {
		t.Errorf("want a mixed-array finding on each key, got %d findings", len(got))
	}
}

// BenchmarkCheckLongHeader times Check on longHeader at 100 KiB and 1 MiB:
//
//	go test ./internal/dialect -run '^$' -bench LongHeader -benchmem
func BenchmarkCheckLongHeader(b *testing.B) {
	for _, size := range []int{100 << 10, 1 << 20} {
		src := longHeader(size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				dialect.Check(src)
			}
		})
	}
}
