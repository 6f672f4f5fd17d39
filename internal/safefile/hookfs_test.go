package safefile_test

import (
	"os"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// hookFS is the real file system with a hook called before every call
// through the seam: to swap a file or a folder for a symbolic link
// between what Open checked and what Replace writes, or to kill the
// process at a given call. op is one of create, open, rename,
// rename-backup, remove, syncdir, write, truncate, sync, chmod, chown,
// close; name is the file's name or path. For a write, tear writes all
// but the last two bytes, as a write cut short would.
type hookFS struct {
	safefile.FS
	at func(op, name string, tear func())
}

func (h *hookFS) CreateTemp(dir *safefile.Dir, prefix string) (safefile.WFile, error) {
	h.at("create", prefix, nil)
	w, err := h.FS.CreateTemp(dir, prefix)
	if err != nil {
		return nil, err
	}
	return &hookFile{w, h}, nil
}

func (h *hookFS) OpenFile(dir *safefile.Dir, name string, flag int, perm os.FileMode) (safefile.WFile, error) {
	h.at("open", name, nil)
	w, err := h.FS.OpenFile(dir, name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &hookFile{w, h}, nil
}

func (h *hookFS) Rename(dir *safefile.Dir, oldname, newname string) error {
	h.at("rename", oldname, nil)
	return h.FS.Rename(dir, oldname, newname)
}

func (h *hookFS) RenameNoReplace(dir *safefile.Dir, oldname, newname string) error {
	h.at("rename-backup", oldname, nil)
	return h.FS.RenameNoReplace(dir, oldname, newname)
}

func (h *hookFS) Remove(dir *safefile.Dir, name string) error {
	h.at("remove", name, nil)
	return h.FS.Remove(dir, name)
}

func (h *hookFS) SyncDir(dir *safefile.Dir) error {
	h.at("syncdir", dir.Path, nil)
	return h.FS.SyncDir(dir)
}

type hookFile struct {
	safefile.WFile
	h *hookFS
}

func (f *hookFile) Write(b []byte) (int, error) {
	f.h.at("write", f.Name(), func() { f.WFile.Write(b[:max(0, len(b)-2)]) })
	return f.WFile.Write(b)
}

func (f *hookFile) WriteAt(b []byte, off int64) (int, error) {
	f.h.at("write", f.Name(), func() { f.WFile.WriteAt(b[:max(0, len(b)-2)], off) })
	return f.WFile.WriteAt(b, off)
}

func (f *hookFile) Truncate(n int64) error {
	f.h.at("truncate", f.Name(), nil)
	return f.WFile.Truncate(n)
}
func (f *hookFile) Sync() error { f.h.at("sync", f.Name(), nil); return f.WFile.Sync() }
func (f *hookFile) Chmod(m os.FileMode) error {
	f.h.at("chmod", f.Name(), nil)
	return f.WFile.Chmod(m)
}
func (f *hookFile) Chown(u, g int) error { f.h.at("chown", f.Name(), nil); return f.WFile.Chown(u, g) }
func (f *hookFile) Close() error         { f.h.at("close", f.Name(), nil); return f.WFile.Close() }
