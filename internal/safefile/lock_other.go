//go:build !unix && !windows

package safefile

import "os"

// openLockable opens the file to read it.
func openLockable(name string) (*os.File, error) { return os.Open(name) }

// lock takes no lock: these platforms (wasip1, js) have no advisory
// file lock. Open then works as on the others, but two runs on the same
// file do not take turns. Replace still refuses a file whose bytes changed
// since Open (ErrChanged), so a run that lost the race says so instead of
// writing over the other's update; only a write in the moment between that
// check and the rename can still be lost. Refusing to open at all would
// make the read-only commands fail for a risk they do not run.
func lock(*os.File, bool) (busy bool, err error) { return false, nil }

// owner is not kept: these platforms have no numeric owner to give.
func owner(os.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

// links cannot be counted here.
func links(os.FileInfo) uint64 { return 1 }
