//go:build !linux

package safefile

// fdFlag reads no flags: chattr's immutable and append-only flags are
// Linux's. (The BSDs' chflags schg and uappnd make a write fail with
// EPERM, which is then reported as a permission error.)
func fdFlag(int) string { return "" }

// flag reads no flags here.
func (d *Dir) flag() string { return "" }

// mountPointAt cannot tell here: a rename over a mount point fails with
// EBUSY, and Replace then rewrites it in place.
func mountPointAt(*Dir, string) bool { return false }
