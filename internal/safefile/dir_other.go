//go:build !unix

package safefile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Dir is a folder. Here (Windows, wasip1) there are no descriptors to
// name files relative to: the calls join its path, and a folder swapped
// in the meantime is not noticed. Root on another user's tree is the
// Unix case this guards.
type Dir struct {
	Path string
}

// openDir checks that path is a folder.
func openDir(path string) (*Dir, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New("not a folder")}
	}
	return &Dir{Path: path}, nil
}

// Close does nothing: no descriptor is held.
func (d *Dir) Close() error { return nil }

func (d *Dir) join(name string) string { return filepath.Join(d.Path, name) }

// fileID is a file's identity, as os.SameFile tells it.
type fileID struct{ info os.FileInfo }

func idOf(info os.FileInfo) (fileID, bool) { return fileID{info}, true }

func (a fileID) same(b fileID) bool {
	return a.info != nil && b.info != nil && os.SameFile(a.info, b.info)
}

func (d *Dir) lstatAt(name string) (fileID, uint32, error) {
	info, err := os.Lstat(d.join(name))
	if err != nil {
		return fileID{}, 0, err
	}
	var mode uint32
	if info.Mode().IsRegular() {
		mode = modeRegular
	}
	return fileID{info}, mode, nil
}

func (d *Dir) id() (fileID, error) {
	info, err := os.Stat(d.Path)
	return fileID{info}, err
}

// modeRegular is what lstatAt gives a regular file.
const modeRegular = 0o100000

func openRegularAt(d *Dir, name string) (*os.File, os.FileInfo, error) {
	info, err := os.Lstat(d.join(name))
	if err != nil {
		return nil, nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, nil, errSwapped
	}
	if !info.Mode().IsRegular() {
		return nil, nil, ErrNotRegular
	}
	f, err := openLockable(d.join(name))
	if err != nil {
		return nil, nil, err
	}
	if info, err = regular(f); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

func writableAt(*Dir, string) error { return nil }

func (osFS) CreateTemp(d *Dir, prefix string) (WFile, error) {
	for try := 0; ; try++ {
		name := d.join(prefix + strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return f, nil
	}
}

func (osFS) OpenFile(d *Dir, name string, flag int, perm os.FileMode) (WFile, error) {
	if info, err := os.Lstat(d.join(name)); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return nil, &os.PathError{Op: "open", Path: d.join(name), Err: errors.New("is a symbolic link")}
	}
	f, err := os.OpenFile(d.join(name), flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (osFS) Rename(d *Dir, oldname, newname string) error {
	return os.Rename(d.join(oldname), d.join(newname))
}

// RenameNoReplace looks before it renames: there is no atomic way here.
func (osFS) RenameNoReplace(d *Dir, oldname, newname string) error {
	if _, err := os.Lstat(d.join(newname)); err == nil {
		return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: fs.ErrExist}
	}
	return os.Rename(d.join(oldname), d.join(newname))
}

func (osFS) Remove(d *Dir, name string) error { return os.Remove(d.join(name)) }

// SyncDir syncs the folder where it can be opened: Windows cannot open a
// folder to sync it, and NTFS journals its renames.
func (osFS) SyncDir(d *Dir) error {
	f, err := os.Open(d.Path)
	if err != nil {
		return nil
	}
	defer f.Close()
	f.Sync()
	return nil
}

func (d *Dir) names() ([]string, error) {
	f, err := os.Open(d.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// mtimeAt is the modification time of the regular file name in d.
func (d *Dir) mtimeAt(name string) (time.Time, bool) {
	info, err := os.Lstat(d.join(name))
	if err != nil || !info.Mode().IsRegular() {
		return time.Time{}, false
	}
	return info.ModTime(), true
}

// owner is not known here.
func (d *Dir) owner() (int, bool) { return 0, false }
