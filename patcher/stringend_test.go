package patcher

import (
	"bytes"
	"runtime"
	"testing"
)

// stringArray is one array of strings of about size bytes, as the value of
// a key: `["localhost", "localhost", …]`.
func stringArray(size int) []byte {
	const elem = `"localhost", `
	return append(append([]byte("["), bytes.Repeat([]byte(elem), size/len(elem))...), `"x"]`...)
}

// TestCommentSpansLinear: reading the strings of one long array copies
// nothing per string (stringEnd once copied the rest of the value at each
// quote: an array of 512 KiB took 19 to 80 s, issue 21 item 3).
func TestCommentSpansLinear(t *testing.T) {
	for _, size := range []int{100 << 10, MaxSize} {
		v := stringArray(size)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		spans := commentSpans(v)
		runtime.ReadMemStats(&after)
		if len(spans) != 0 {
			t.Fatalf("comment spans %v in an array without comments", spans)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > uint64(size/8) {
			t.Fatalf("%d KiB: commentSpans allocated %d bytes, want at most %d: a copy per string", size>>10, got, size/8)
		}
	}
}

// BenchmarkCommentSpans times commentSpans on one array of strings at 100
// KiB and 1 MiB:
//
//	go test ./patcher -run '^$' -bench CommentSpans -benchmem
func BenchmarkCommentSpans(b *testing.B) {
	for _, size := range []int{100 << 10, MaxSize} {
		v := stringArray(size)
		b.Run(byteSize(size), func(b *testing.B) {
			b.SetBytes(int64(len(v)))
			b.ReportAllocs()
			for b.Loop() {
				commentSpans(v)
			}
		})
	}
}

func byteSize(n int) string {
	if n >= 1<<20 {
		return "1MiB"
	}
	return "100KiB"
}
