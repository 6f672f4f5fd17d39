//go:build !linux

package safefile

// fsFlag reads no flags: chattr's immutable and append-only flags are
// Linux's. (The BSDs' chflags schg and uappnd make a write fail with
// EPERM, which is then reported as a permission error.)
func fsFlag(string) string { return "" }

// mountPoint cannot tell here: a rename over a mount point fails with
// EBUSY, and Replace then rewrites it in place.
func mountPoint(path, dir string) bool { return false }
