package safefile

import (
	"os"
)

// FS is the calls that write. Each is made relative to a folder opened
// once (a Dir), never by walking a path again, and none follows a
// symbolic link at the name it is given: root working in a folder another
// user owns cannot be sent elsewhere by a link or a folder swapped in
// while it works. OS makes the calls on the real file system; tests wrap
// it to inject faults (a full disk, a short write, a failed sync or
// rename), kills and swaps.
type FS interface {
	// CreateTemp creates a new file in dir, named prefix followed by
	// random digits, for reading and writing, with mode 0600.
	CreateTemp(dir *Dir, prefix string) (WFile, error)
	// OpenFile opens name in dir without following a symbolic link.
	OpenFile(dir *Dir, name string, flag int, perm os.FileMode) (WFile, error)
	// Rename renames oldname over newname, both in dir.
	Rename(dir *Dir, oldname, newname string) error
	// RenameNoReplace renames oldname to newname, both in dir, failing
	// with an error for which errors.Is(err, fs.ErrExist) holds when
	// newname exists: a backup never replaces another.
	RenameNoReplace(dir *Dir, oldname, newname string) error
	// Remove removes name from dir.
	Remove(dir *Dir, name string) error
	// SyncDir makes the renames and creations in dir durable.
	SyncDir(dir *Dir) error
}

// WFile is a file being written. Name is its path, for messages.
type WFile interface {
	Name() string
	Write(b []byte) (int, error)
	WriteAt(b []byte, off int64) (int, error)
	Truncate(size int64) error
	Sync() error
	Close() error
	Stat() (os.FileInfo, error)
	Chmod(mode os.FileMode) error
	Chown(uid, gid int) error
	// Fd is the file's descriptor, to give it extended attributes.
	Fd() uintptr
}

// OS is the real file system.
var OS FS = osFS{}

type osFS struct{}
