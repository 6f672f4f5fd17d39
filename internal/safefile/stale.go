package safefile

import (
	"path/filepath"
	"strings"
)

// removeStale removes temporary files that killed runs left next to the
// target. The lock is held: any such file is not being written.
func (f *File) removeStale() {
	pattern := filepath.Join(filepath.Dir(f.Target), "."+escapeGlob(filepath.Base(f.Target))+tempInfix+"*")
	stale, _ := filepath.Glob(pattern)
	for _, s := range stale {
		if f.fs.Remove(s) == nil {
			f.Removed = append(f.Removed, s)
		}
	}
}

// escapeGlob escapes the characters filepath.Match gives a meaning.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
