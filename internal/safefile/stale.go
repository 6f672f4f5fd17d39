package safefile

import (
	"strings"
)

// removeStale removes temporary files that killed runs left next to the
// target: unfinished new files and unfinished backups. The lock is held:
// any such file is not being written.
func (f *File) removeStale() {
	names, _ := f.dir.names()
	prefix := tempPrefix(f.name)
	for _, s := range names {
		if !strings.HasPrefix(s, prefix) || strings.ContainsRune(s[len(prefix):], '.') {
			continue
		}
		if f.fs.Remove(f.dir, s) == nil {
			f.Removed = append(f.Removed, f.dir.join(s))
		}
	}
}
