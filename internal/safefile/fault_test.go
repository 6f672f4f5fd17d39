package safefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// fault makes one call of the real file system fail.
type fault struct {
	op    string // create, open, write, short-write, truncate, sync, close, chmod, chown, rename, syncdir
	file  string // which file's call: temp, backup or target ("" for any)
	err   error
	after int // write: bytes written before the failure
	times int // how many calls fail; 0 is every one
}

// faultFS is the real file system with some faults.
type faultFS struct {
	safefile.FS
	faults []fault
	fired  []int  // per fault
	hit1   *fault // the fault that fired last
}

func newFaultFS(faults ...fault) *faultFS {
	return &faultFS{FS: safefile.OS, faults: faults, fired: make([]int, len(faults))}
}

// kind tells which file a name is: the temporary file renamed over the
// target, the backup (under its temporary name first), or the target.
func kind(name string) string {
	switch base := filepath.Base(name); {
	case strings.Contains(base, ".apim-offset-bak-"), strings.Contains(base, ".bak"):
		return "backup"
	case strings.Contains(base, ".apim-offset-"):
		return "temp"
	}
	return "target"
}

func (fs *faultFS) hit(op, name string) bool {
	for i := range fs.faults {
		f := &fs.faults[i]
		if f.op != op || f.file != "" && f.file != kind(name) || f.times > 0 && fs.fired[i] >= f.times {
			continue
		}
		fs.fired[i]++
		fs.hit1 = f
		return true
	}
	return false
}

func (fs *faultFS) CreateTemp(dir *safefile.Dir, prefix string) (safefile.WFile, error) {
	if fs.hit("create", prefix) {
		return nil, &os.PathError{Op: "open", Path: filepath.Join(dir.Path, prefix), Err: fs.hit1.err}
	}
	w, err := fs.FS.CreateTemp(dir, prefix)
	if err != nil {
		return nil, err
	}
	return &faultFile{WFile: w, fs: fs}, nil
}

func (fs *faultFS) OpenFile(dir *safefile.Dir, name string, flag int, perm os.FileMode) (safefile.WFile, error) {
	if fs.hit("open", name) {
		return nil, &os.PathError{Op: "open", Path: filepath.Join(dir.Path, name), Err: fs.hit1.err}
	}
	w, err := fs.FS.OpenFile(dir, name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{WFile: w, fs: fs}, nil
}

func (fs *faultFS) Rename(dir *safefile.Dir, oldname, newname string) error {
	if fs.hit("rename", oldname) {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.hit1.err}
	}
	return fs.FS.Rename(dir, oldname, newname)
}

func (fs *faultFS) RenameNoReplace(dir *safefile.Dir, oldname, newname string) error {
	if fs.hit("rename-backup", oldname) {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.hit1.err}
	}
	return fs.FS.RenameNoReplace(dir, oldname, newname)
}

func (fs *faultFS) SyncDir(dir *safefile.Dir) error {
	if fs.hit("syncdir", "") {
		return fs.hit1.err
	}
	return fs.FS.SyncDir(dir)
}

type faultFile struct {
	safefile.WFile
	fs *faultFS
}

func (f *faultFile) Write(b []byte) (int, error) {
	name := f.Name()
	switch {
	case f.fs.hit("write", name):
		n, _ := f.WFile.Write(b[:min(f.fs.hit1.after, len(b))])
		return n, &os.PathError{Op: "write", Path: name, Err: f.fs.hit1.err}
	case f.fs.hit("short-write", name):
		// A broken writer: fewer bytes and no error.
		return f.WFile.Write(b[:len(b)/2])
	}
	return f.WFile.Write(b)
}

func (f *faultFile) WriteAt(b []byte, off int64) (int, error) {
	name := f.Name()
	if f.fs.hit("write", name) {
		n, _ := f.WFile.WriteAt(b[:min(f.fs.hit1.after, len(b))], off)
		return n, &os.PathError{Op: "write", Path: name, Err: f.fs.hit1.err}
	}
	return f.WFile.WriteAt(b, off)
}

func (f *faultFile) op(op string, real func() error) error {
	if f.fs.hit(op, f.Name()) {
		return &os.PathError{Op: op, Path: f.Name(), Err: f.fs.hit1.err}
	}
	return real()
}

func (f *faultFile) Sync() error { return f.op("sync", f.WFile.Sync) }
func (f *faultFile) Truncate(n int64) error {
	return f.op("truncate", func() error { return f.WFile.Truncate(n) })
}
func (f *faultFile) Chmod(m os.FileMode) error {
	return f.op("chmod", func() error { return f.WFile.Chmod(m) })
}
func (f *faultFile) Chown(u, g int) error {
	return f.op("chown", func() error { return f.WFile.Chown(u, g) })
}
func (f *faultFile) Close() error {
	err := f.op("close", func() error { return nil })
	if cerr := f.WFile.Close(); err == nil {
		err = cerr
	}
	return err
}

// openWith opens path with fs.
func openWith(t *testing.T, path string, fs safefile.FS) *safefile.File {
	t.Helper()
	f, err := safefile.Open(path, safefile.Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The file in the fault tests: big enough that a write can fail half way.
var (
	oldBytes = strings.Repeat("[server]\n#offset = 0\n", 2000)
	newBytes = strings.Repeat("[server]\noffset = 2\n", 2000)
)

// kinds are the sentinels an *safefile.Error may carry.
var kinds = []error{safefile.ErrChanged, safefile.ErrReadOnly, safefile.ErrPermission, safefile.ErrNoSpace,
	safefile.ErrOwner, safefile.ErrGroup, safefile.ErrImmutable, safefile.ErrLockTimeout,
	safefile.ErrMountPoint, safefile.ErrNoBackup, safefile.ErrRestoreFailed}

// isKind checks that err is of kind want and of no other kind; want nil is
// an error of no kind. An ErrPermission names the folder.
func isKind(t *testing.T, err, want error, dir string) {
	t.Helper()
	for _, k := range kinds {
		if errors.Is(err, k) != (k == want) {
			t.Errorf("error %v: errors.Is(err, %q) = %v", err, k, !(k == want))
		}
	}
	var e *safefile.Error
	if want == safefile.ErrPermission && (!errors.As(err, &e) || e.Dir != dir) {
		t.Errorf("error %v: names the folder %q, want %q", err, e.Dir, dir)
	}
}

// faultCase is a Replace with faults injected.
type faultCase struct {
	name   string
	faults []fault
	backup bool
	want   string // in the error
	kind   error  // the error's kind, or nil
	// kept: a backup was made before writing in place, and stays
	kept bool
}

// check runs the Replace and checks that it failed as tt says, leaving the
// original byte for byte and nothing else in its folder.
func (tt faultCase) check(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o640)
	if tt.faults[0].op == "chown" {
		// Chown is called only when the owner or group differs from
		// the temporary file's: ErrGroup when only the group does.
		if os.Geteuid() != 0 {
			t.Skip("needs root to own a file as another user")
		}
		uid := 12345
		if tt.kind == safefile.ErrGroup {
			uid = 0
		}
		if err := os.Chown(path, uid, 12345); err != nil {
			t.Fatal(err)
		}
	}
	fs := newFaultFS(tt.faults...)
	f := openWith(t, path, fs)
	_, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{Backup: tt.backup})
	f.Close()
	for i, n := range fs.fired {
		if n == 0 {
			t.Errorf("fault %+v was never injected", tt.faults[i])
		}
	}
	if err == nil || !strings.Contains(err.Error(), tt.want) {
		t.Errorf("error %v, want one saying %q", err, tt.want)
	}
	isKind(t, err, tt.kind, dir)
	if got := readFile(t, path); got != oldBytes {
		t.Errorf("the file holds %d bytes, not the original", len(got))
	}
	want := []string{"deployment.toml"}
	if tt.kept {
		want = append(want, "deployment.toml.bak")
	}
	holds(t, dir, want...)
}

// TestFaults: every failure on the way to a replaced file leaves the
// original byte for byte and nothing else in its folder, and says what
// failed, with the kind of error the caller gives a hint for.
func TestFaults(t *testing.T) {
	busy := fault{op: "rename", err: syscall.EBUSY}
	tests := []faultCase{
		{"disk full creating the temp file", []fault{{op: "create", err: syscall.ENOSPC}}, false, "cannot create a temporary file in", safefile.ErrNoSpace, false},
		{"folder not writable", []fault{{op: "create", err: syscall.EACCES}}, false, "permission denied", safefile.ErrPermission, false},
		{"read-only file system", []fault{{op: "create", err: syscall.EROFS}}, false, "read-only file system", safefile.ErrReadOnly, false},
		{"disk full half way through the write", []fault{{op: "write", file: "temp", err: syscall.ENOSPC, after: 4096}}, false, "no space left on device", safefile.ErrNoSpace, false},
		{"quota exceeded", []fault{{op: "write", file: "temp", err: syscall.EDQUOT, after: 100}}, false, "quota", safefile.ErrNoSpace, false},
		{"I/O error writing", []fault{{op: "write", file: "temp", err: syscall.EIO}}, false, "input/output error", nil, false},
		{"short write", []fault{{op: "short-write", file: "temp"}}, false, "short write", nil, false},
		{"sync fails", []fault{{op: "sync", file: "temp", err: syscall.EIO}}, false, "cannot sync", nil, false},
		{"close reports a delayed write error", []fault{{op: "close", file: "temp", err: syscall.EIO}}, false, "input/output error", nil, false},
		{"cannot keep the owner", []fault{{op: "chown", file: "temp", err: syscall.EPERM}}, false, "owner of the old one", safefile.ErrOwner, false},
		{"cannot keep the group", []fault{{op: "chown", file: "temp", err: syscall.EPERM}}, false, "group of the old one (gid 12345)", safefile.ErrGroup, false},
		{"cannot set the mode", []fault{{op: "chmod", file: "temp", err: syscall.EPERM}}, false, "operation not permitted", nil, false},
		{"rename refused", []fault{{op: "rename", err: syscall.EACCES}}, false, "cannot rename a temporary file over the file: permission denied", safefile.ErrPermission, false},
		{"rename on a read-only file system", []fault{{op: "rename", err: syscall.EROFS}}, false, "read-only file system", safefile.ErrReadOnly, false},
		{"rename across devices", []fault{{op: "rename", err: syscall.EXDEV}}, false, "cross-device", nil, false},
		{"disk full making the backup", []fault{{op: "write", file: "backup", err: syscall.ENOSPC, after: 10}}, true, "backup", safefile.ErrNoSpace, false},
		{"backup cannot be created", []fault{{op: "create", file: "backup", err: syscall.EACCES}}, true, "backup", safefile.ErrPermission, false},
		{"backup sync fails", []fault{{op: "sync", file: "backup", err: syscall.EIO}}, true, "backup", nil, false},
		{"backup short write", []fault{{op: "short-write", file: "backup"}}, true, "backup", nil, false},
		{"disk full after the backup", []fault{{op: "write", file: "temp", err: syscall.ENOSPC, after: 1}}, true, "no space", safefile.ErrNoSpace, false},
		{"mount point, and no room for the backup", []fault{busy, {op: "create", file: "backup", err: syscall.ENOSPC}}, false, "mount point", safefile.ErrMountPoint, false},
		{"mount point, and the disk fills while writing in place", []fault{busy, {op: "write", file: "target", err: syscall.ENOSPC, after: 1000, times: 1}}, false, "old bytes were put back", safefile.ErrNoSpace, true},
		{"mount point, and truncating fails", []fault{busy, {op: "truncate", file: "target", err: syscall.EIO, times: 1}}, false, "old bytes were put back", nil, true},
		{"mount point, and it cannot be opened for writing", []fault{busy, {op: "open", file: "target", err: syscall.EACCES}}, false, "in place", safefile.ErrPermission, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t) })
	}
	t.Logf("%d faults injected", len(tests))
}

// TestInPlaceRestoreFails: when writing in place and putting the old bytes
// back both fail, the error says so and the backup holds the old bytes.
func TestInPlaceRestoreFails(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o640)
	f := openWith(t, path, newFaultFS(fault{op: "rename", err: syscall.EBUSY}, fault{op: "write", file: "target", err: syscall.EIO, after: 10}))
	_, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
	f.Close()
	if err == nil || !strings.Contains(err.Error(), "so did putting the old bytes back; the backup holds them: input/output error") {
		t.Errorf("error %v", err)
	}
	isKind(t, err, safefile.ErrRestoreFailed, dir)
	if got := readFile(t, path+".bak"); got != oldBytes {
		t.Errorf("the backup holds %d bytes, not the original", len(got))
	}
}

// TestMountPointFallback: when the file cannot be renamed over (EBUSY), it
// is rewritten in place after a backup, keeping its inode.
func TestMountPointFallback(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o640)
	before, _ := os.Stat(path)
	f := openWith(t, path, newFaultFS(fault{op: "rename", err: syscall.EBUSY}))
	res, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !res.InPlace || res.Backup != path+".bak" {
		t.Errorf("result %+v, want in place with a backup", res)
	}
	after, _ := os.Stat(path)
	if got := readFile(t, path); got != newBytes || !os.SameFile(before, after) {
		t.Errorf("file not rewritten in place")
	}
	if got := readFile(t, res.Backup); got != oldBytes {
		t.Errorf("backup holds %d bytes, not the original", len(got))
	}
	holds(t, dir, "deployment.toml", "deployment.toml.bak")
}

// TestSyncDirFails: the rename happened; a failed folder sync is a warning,
// not an error, since the file already holds the new bytes.
func TestSyncDirFails(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o640)
	f := openWith(t, path, newFaultFS(fault{op: "syncdir", err: syscall.EIO}))
	res, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
	f.Close()
	if err != nil || !strings.Contains(res.Warning, "could not be synced") {
		t.Errorf("Replace: %v, warning %q", err, res.Warning)
	}
	if got := readFile(t, path); got != newBytes {
		t.Errorf("file not replaced")
	}
	holds(t, dir, "deployment.toml")
}
