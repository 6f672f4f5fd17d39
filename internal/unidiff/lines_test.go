package unidiff

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestCommonLines checks commonLines, which compares bytes, against
// peeling whole lines off both ends one at a time, over random texts of
// short lines that share their start or end or both.
func TestCommonLines(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := func() []byte {
		var b []byte
		n := r.IntN(5)
		if r.IntN(4) == 0 {
			n = r.IntN(200) // past the 64-byte blocks compared whole
		}
		for range n {
			b = append(b, "ab\n"[r.IntN(3)])
		}
		return b
	}
	for range 200000 {
		mid1, mid2, head, tail := text(), text(), text(), text()
		a := append(append(append([]byte{}, head...), mid1...), tail...)
		b := append(append(append([]byte{}, head...), mid2...), tail...)
		pre, suf := commonLines(a, b)
		wpre, wsuf := peel(a, b)
		if pre != wpre || suf != wsuf {
			t.Fatalf("commonLines(%q, %q) = %d, %d; peeling lines gives %d, %d", a, b, pre, suf, wpre, wsuf)
		}
	}
}

// peel is how lineOps found the common lines before it compared bytes.
func peel(a, b []byte) (pre, suf int) {
	for {
		i := bytes.IndexByte(a[pre:], '\n')
		if i < 0 || pre+i+1 > len(b) || !bytes.Equal(a[pre:pre+i+1], b[pre:pre+i+1]) {
			break
		}
		pre += i + 1
	}
	for {
		ra, rb := a[pre:len(a)-suf], b[pre:len(b)-suf]
		if len(ra) == 0 || len(rb) == 0 {
			break
		}
		la, lb := ra[lastLine(ra):], rb[lastLine(rb):]
		if !bytes.Equal(la, lb) {
			break
		}
		suf += len(la)
	}
	return pre, suf
}

// lastLine returns where the last line of r starts, whether or not it ends
// with a line ending.
func lastLine(r []byte) int {
	end := len(r)
	if r[end-1] == '\n' {
		end--
	}
	return bytes.LastIndexByte(r[:end], '\n') + 1
}
