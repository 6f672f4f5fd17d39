package safefile

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// openLockable opens the file to read it and hold its lock, sharing delete
// access so that the file can still be renamed over while it is open.
func openLockable(name string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(h), name), nil
}

// lock takes an exclusive lock on a byte range past any real file's end, so
// that readers are not blocked. Without wait it reports busy instead of
// waiting for another holder.
func lock(f *os.File, wait bool) (busy bool, err error) {
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK)
	if !wait {
		flags |= windows.LOCKFILE_FAIL_IMMEDIATELY
	}
	ol := &windows.Overlapped{Offset: 0xFFFFFFFE, OffsetHigh: 0x7FFFFFFF}
	err = windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, err
}

// owner is not kept on Windows: a new file inherits the folder's ACL.
func owner(os.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

// links is not counted on Windows, whose rename replaces one name only
// like everywhere else, but which has no cheap way to count them here.
func links(os.FileInfo) uint64 { return 1 }
