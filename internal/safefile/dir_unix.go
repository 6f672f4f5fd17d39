//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Dir is a folder opened once. Every file Replace makes, renames, removes
// or opens for writing is named relative to it (openat, renameat,
// unlinkat), so that swapping a folder on the path for a symbolic link
// afterwards changes nothing: the folder opened stays the one written in.
type Dir struct {
	Path string // the folder's path when it was opened, for messages
	fd   int
}

// openDir opens the folder at path, a path resolve gave (no link on
// it), one component at a time from the root or the working folder, none
// followed if it is a symbolic link (openat, O_NOFOLLOW): the folder
// opened is the one at that path, even if a folder on it is swapped for
// a link meanwhile (that fails with ELOOP or ENOTDIR instead).
func openDir(path string) (*Dir, error) {
	start := "."
	if filepath.IsAbs(path) {
		start = "/"
	}
	fd, err := retryEINTR(func() (int, error) {
		return unix.Open(start, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: start, Err: err}
	}
	for _, c := range split(path) {
		if c == "." {
			continue
		}
		next, err := retryEINTR(func() (int, error) {
			return unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		})
		unix.Close(fd)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		fd = next
	}
	return &Dir{Path: path, fd: fd}, nil
}

// Close closes the folder.
func (d *Dir) Close() error {
	if d == nil || d.fd < 0 {
		return nil
	}
	err := unix.Close(d.fd)
	d.fd = -1
	return err
}

// join is the path of name in d, for messages.
func (d *Dir) join(name string) string { return filepath.Join(d.Path, name) }

// fileID is a file's identity: its device and inode.
type fileID struct{ dev, ino uint64 }

// idOf is the identity of the file info describes.
func idOf(info os.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, true
}

// lstatAt tells the identity and type of name in d, not following a
// symbolic link.
func (d *Dir) lstatAt(name string) (id fileID, mode uint32, err error) {
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fileID{}, 0, &os.PathError{Op: "lstat", Path: d.join(name), Err: err}
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, uint32(st.Mode) & unix.S_IFMT, nil
}

// stat tells the folder's own identity.
func (d *Dir) id() (fileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(d.fd, &st); err != nil {
		return fileID{}, err
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, nil
}

// openRegularAt opens name in d to read it and hold its lock: not through
// a symbolic link (O_NOFOLLOW), not waiting for a FIFO's writer
// (O_NONBLOCK, cleared again for a regular file), and only a regular file.
func openRegularAt(d *Dir, name string) (*os.File, os.FileInfo, error) {
	// A device is refused before it is opened: opening one may do
	// something (rewind a tape).
	switch _, mode, err := d.lstatAt(name); {
	case err != nil:
		return nil, nil, err
	case mode == unix.S_IFLNK:
		return nil, nil, errSwapped
	case mode != unix.S_IFREG:
		return nil, nil, ErrNotRegular
	}
	fd, err := retryEINTR(func() (int, error) {
		return unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOFOLLOW|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	})
	switch {
	case errors.Is(err, unix.ELOOP):
		return nil, nil, errSwapped
	case errors.Is(err, unix.ENXIO), errors.Is(err, unix.ENODEV):
		return nil, nil, ErrNotRegular // a socket, or a device with no driver
	case err != nil:
		return nil, nil, &os.PathError{Op: "open", Path: d.join(name), Err: err}
	}
	f := os.NewFile(uintptr(fd), d.join(name))
	info, err := regular(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		f.Close()
		return nil, nil, &os.PathError{Op: "open", Path: d.join(name), Err: err}
	}
	return f, info, nil
}

// writableAt tells whether this process may write name in d.
func writableAt(d *Dir, name string) error {
	return unix.Faccessat(d.fd, name, unix.W_OK, unix.AT_EACCESS)
}

func retryEINTR(open func() (int, error)) (int, error) {
	for {
		fd, err := open()
		if !errors.Is(err, syscall.EINTR) {
			return fd, err
		}
	}
}

func (osFS) CreateTemp(d *Dir, prefix string) (WFile, error) {
	for try := 0; ; try++ {
		name := prefix + strconv.FormatUint(uint64(rand.Uint32()), 10)
		fd, err := retryEINTR(func() (int, error) {
			return unix.Openat(d.fd, name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		})
		if errors.Is(err, unix.EEXIST) && try < 10000 {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: d.join(name), Err: err}
		}
		return os.NewFile(uintptr(fd), d.join(name)), nil
	}
}

func (osFS) OpenFile(d *Dir, name string, flag int, perm os.FileMode) (WFile, error) {
	fd, err := retryEINTR(func() (int, error) {
		return unix.Openat(d.fd, name, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, uint32(perm.Perm()))
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.join(name), Err: err}
	}
	return os.NewFile(uintptr(fd), d.join(name)), nil
}

func (osFS) Rename(d *Dir, oldname, newname string) error {
	if err := unix.Renameat(d.fd, oldname, d.fd, newname); err != nil {
		return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: err}
	}
	return nil
}

func (osFS) RenameNoReplace(d *Dir, oldname, newname string) error {
	err := renameNoReplace(d.fd, oldname, newname)
	if errors.Is(err, unix.EEXIST) {
		err = fs.ErrExist
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: err}
	}
	return nil
}

// linkRename renames by making a second name, which fails if it exists,
// then removing the first: for file systems without RENAME_NOREPLACE.
func linkRename(dirfd int, oldname, newname string) error {
	if err := unix.Linkat(dirfd, oldname, dirfd, newname, 0); err != nil {
		return err
	}
	return unix.Unlinkat(dirfd, oldname, 0)
}

func (osFS) Remove(d *Dir, name string) error {
	if err := unix.Unlinkat(d.fd, name, 0); err != nil {
		return &os.PathError{Op: "remove", Path: d.join(name), Err: err}
	}
	return nil
}

func (osFS) SyncDir(d *Dir) error { return unix.Fsync(d.fd) }

// names lists the folder's entries.
func (d *Dir) names() ([]string, error) {
	fd, err := unix.Dup(d.fd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), d.Path)
	defer f.Close()
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	return f.Readdirnames(-1)
}

func (a fileID) same(b fileID) bool { return a != fileID{} && a == b }

// modeRegular is what lstatAt gives a regular file.
const modeRegular = unix.S_IFREG

// mtimeAt is the modification time of the regular file name in d.
func (d *Dir) mtimeAt(name string) (time.Time, bool) {
	var st unix.Stat_t
	if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || uint32(st.Mode)&unix.S_IFMT != unix.S_IFREG {
		return time.Time{}, false
	}
	return time.Unix(st.Mtim.Unix()), true
}

// owner is the folder's owner.
func (d *Dir) owner() (int, bool) {
	var st unix.Stat_t
	if unix.Fstat(d.fd, &st) != nil {
		return 0, false
	}
	return int(st.Uid), true
}
