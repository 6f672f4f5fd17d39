package safefile

import (
	"os"
	"runtime"
)

// FS is the calls that write. OS makes them on the real file system; tests
// wrap it to inject faults: a full disk, a short write, a failed sync or
// rename.
type FS interface {
	CreateTemp(dir, pattern string) (WFile, error)
	OpenFile(name string, flag int, perm os.FileMode) (WFile, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	// SyncDir makes the renames and creations in dir durable.
	SyncDir(dir string) error
}

// WFile is a file being written.
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

func (osFS) CreateTemp(dir, pattern string) (WFile, error) { return os.CreateTemp(dir, pattern) }
func (osFS) OpenFile(name string, flag int, perm os.FileMode) (WFile, error) {
	return os.OpenFile(name, flag, perm)
}
func (osFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error             { return os.Remove(name) }

// SyncDir syncs the folder. Windows cannot open a folder to sync it; NTFS
// journals its renames.
func (osFS) SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
