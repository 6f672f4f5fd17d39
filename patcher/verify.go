package patcher

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/apim-offset/apim-offset/internal/dialect"
)

// verify checks after, the values of the text made from the one whose
// values are before: server.offset is n (or, with keep, as it was), and
// every other value equals before's: as it is, or, for a string, as shift
// makes it when shift is not nil.
func verify(before, after map[string]any, n int, keep bool, shift *shifter) error {
	server, _ := after["server"].(map[string]any)
	if keep {
		was, _ := before["server"].(map[string]any)
		if !equal(was["offset"], server["offset"], nil) {
			return fmt.Errorf("the patched file changed server.offset, which was to be kept")
		}
	} else if err := checkOffset(server["offset"], n); err != nil {
		return err
	}
	if !equal(withoutOffset(before), withoutOffset(after), shift) {
		return fmt.Errorf("the patched file changed a value other than server.offset")
	}
	return nil
}

// sameDialect checks that out holds nothing WSO2's own parser refuses that
// the text it was made from, which has the findings before, did not hold
// already (package dialect): the edit
// never adds what stops the server. Both are plain TOML or masked
// templates, without their byte order mark. The offset's own value is
// checked by verify.
func sameDialect(before, after []dialect.Finding) error {
	had := map[string]int{} // by construct: a message names lines, which the edit moves
	for _, f := range before {
		had[f.Construct]++
	}
	for _, f := range after {
		if had[f.Construct] == 0 && f.Construct != dialect.ConstructOffsetNotInt {
			return fmt.Errorf("the patched file has what WSO2 refuses and the original had not: %s", f)
		}
		had[f.Construct]--
	}
	return nil
}

// checkOffset checks a decoded server.offset against n.
func checkOffset(offset any, n int) error {
	switch v := offset.(type) {
	case int64:
		if v != int64(n) {
			return fmt.Errorf("the patched file has server.offset = %d, want %d", v, n)
		}
	case string:
		if v != strconv.Itoa(n) {
			return fmt.Errorf("the patched file has server.offset = %q, want %d", v, n)
		}
	default:
		return fmt.Errorf("the patched file has no number in server.offset")
	}
	return nil
}

// withoutOffset returns v without server.offset, and without server when
// that leaves it an empty table. v is not modified.
func withoutOffset(v map[string]any) map[string]any {
	server, ok := v["server"].(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = x
	}
	s := make(map[string]any, len(server))
	for k, x := range server {
		if k != "offset" {
			s[k] = x
		}
	}
	out["server"] = s
	if len(s) == 0 {
		delete(out, "server")
	}
	return out
}

// shifter is the shift of literal ports that verify applies to decoded
// strings, as the edit did in the raw text: not under the keys whose URLs
// are another server's (Options.OtherKeys). A nil *shifter shifts nothing.
type shifter struct {
	fn   func(string) string
	skip [][]string
	path []string
}

// enter is s for the values under key k.
func (s *shifter) enter(k string) *shifter {
	if s == nil {
		return nil
	}
	path := append(slices.Clip(s.path), k)
	if slices.ContainsFunc(s.skip, func(p []string) bool { return hasPrefix(path, p) }) {
		return nil
	}
	return &shifter{s.fn, s.skip, path}
}

// equal compares decoded TOML values, taking NaN as equal to NaN, and a
// string as equal to shift's version of it.
func equal(a, b any, shift *shifter) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, x := range a {
			y, ok := b[k]
			if !ok || !equal(x, y, shift.enter(k)) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !equal(a[i], b[i], shift) {
				return false
			}
		}
		return true
	case string:
		if shift != nil {
			a = shift.fn(a)
		}
		return a == b
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || math.IsNaN(a) && math.IsNaN(b))
	}
	return reflect.DeepEqual(a, b)
}
