// Package safefile reads and replaces a configuration file the way an
// unattended run on a shared machine needs.
//
//   - Open follows symbolic links (a Kubernetes ConfigMap mount is one), locks
//     the file itself (no lock file is left anywhere) and reads it. The lock is
//     held until Close, so two runs on the same file take turns: the second
//     reads what the first wrote, and no update is lost.
//   - Replace refuses when the file changed since Open (another program
//     wrote it), writes a temporary file in the same folder with the file's
//     owner, group and permission bits, syncs it, renames it over the file
//     and syncs the folder. A reader, or a crash at any point, sees the old
//     bytes or the new ones. On any failure the temporary file is removed and
//     the file is untouched.
//   - A file that cannot be renamed over because it is a mount point (a
//     single file bind-mounted into a container: EBUSY) is rewritten in place
//     instead, after a backup that has been read back and compared.
//   - A temporary file left by a run that was killed is removed by the next
//     Open: while the lock is held, no other run can be writing one.
//
// The calls that write go through FS, so that tests can make any of them
// fail.
package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Error is a failure to read or replace the file, with a hint for the
// common cause.
type Error struct {
	Msg  string
	Hint string
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrChanged is returned by Replace when the file is no longer what Open
// read.
var ErrChanged = errors.New("the file changed since it was read")

// tempInfix marks the temporary files Replace makes: ".NAME.apim-offset-*".
const tempInfix = ".apim-offset-"

// File is a file opened, locked and read for a read–modify–write.
type File struct {
	Path   string // as given
	Target string // Path with its symbolic links resolved: the file replaced
	Data   []byte // the bytes read
	// Removed lists temporary files left by earlier, interrupted runs that
	// Open removed.
	Removed []string

	fs   FS
	lock *os.File // the open, locked target
	info os.FileInfo
}

// Options are Open's choices.
type Options struct {
	// FS makes the writes; nil is the real file system.
	FS FS
	// MaxSize is the most bytes read; Data holds one more when the file is
	// larger, so the caller can refuse it.
	MaxSize int64
	// Waiting is called once when another run holds the lock, before
	// waiting for it.
	Waiting func()
}

// Open resolves path's symbolic links, locks the file and reads it.
func Open(path string, opt Options) (*File, error) {
	if opt.FS == nil {
		opt.FS = OS
	}
	f := &File{Path: path, fs: opt.FS}
	waited := false
	// The file locked must still be the one at path once the lock is held:
	// a run that held it before may have renamed a new file over it.
	for {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, err
		}
		lf, err := openLockable(target)
		if err != nil {
			return nil, err
		}
		info, err := regular(lf)
		if err != nil {
			lf.Close()
			return nil, err
		}
		busy, err := lock(lf, false)
		if err == nil && busy {
			if !waited && opt.Waiting != nil {
				opt.Waiting()
			}
			waited = true
			_, err = lock(lf, true)
		}
		if err != nil {
			lf.Close()
			return nil, &Error{Msg: "cannot lock the file", Err: err}
		}
		now, err := os.Stat(target)
		if again, _ := filepath.EvalSymlinks(path); err != nil || again != target || !os.SameFile(info, now) {
			lf.Close() // replaced while waiting: lock the new one
			continue
		}
		f.Target, f.lock, f.info = target, lf, info
		break
	}
	max := opt.MaxSize
	if max <= 0 {
		max = 1<<63 - 2
	}
	data, err := readAll(f.lock, f.info.Size(), max+1)
	if err != nil {
		f.Close()
		return nil, err
	}
	f.Data = data
	f.removeStale()
	return f, nil
}

// Read reads the regular file at path, up to max+1 bytes, so that the
// caller can refuse a larger file without reading all of it. It takes no
// lock: a reader sees the old bytes or the new, as Replace renames.
func Read(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := regular(f)
	if err != nil {
		return nil, err
	}
	return readAll(f, info.Size(), max+1)
}

// regular returns f's file info, or an error when f is not a regular file.
func regular(f *os.File) (os.FileInfo, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &Error{Msg: "not a regular file"}
	}
	return info, nil
}

// readAll reads r, a file of about size bytes, up to limit bytes, into a
// buffer of its size: io.ReadAll would grow one to up to twice that.
func readAll(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(size+1, limit)) // +1: room to see the end
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			// The file is larger than it was when it was looked at.
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// Close releases the lock.
func (f *File) Close() error {
	if f.lock == nil {
		return nil
	}
	err := f.lock.Close() // closing the last descriptor releases the lock
	f.lock = nil
	return err
}

// removeStale removes temporary files that killed runs left next to the
// target. The lock is held: any such file is not being written.
func (f *File) removeStale() {
	pattern := filepath.Join(filepath.Dir(f.Target), "."+escapeGlob(filepath.Base(f.Target))+tempInfix+"*")
	stale, _ := filepath.Glob(pattern)
	for _, s := range stale {
		if f.fs.Remove(s) == nil {
			f.Removed = append(f.Removed, s)
		}
	}
}

func escapeGlob(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '*', '?', '[', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ReplaceOptions are Replace's choices.
type ReplaceOptions struct {
	// Backup keeps the bytes Open read as NAME.bak next to the target, or
	// NAME.bak.TIMESTAMP when that exists; no backup is overwritten.
	Backup bool
	// Now gives the time for a backup's name; nil is time.Now.
	Now func() time.Time
}

// Result says how the file was replaced.
type Result struct {
	Backup  string // the backup made, or ""
	InPlace bool   // rewritten in place: it could not be renamed over
	// Warning is set when the file was replaced but the change may not
	// survive a crash (the folder could not be synced).
	Warning string
}

// Replace writes data over the file, as the package comment says.
func (f *File) Replace(data []byte, opt ReplaceOptions) (res Result, err error) {
	if f.lock == nil {
		return res, errors.New("safefile: Replace after Close")
	}
	if err := f.unchanged(); err != nil {
		return res, err
	}
	if opt.Backup {
		if res.Backup, err = f.backup(opt.Now); err != nil {
			return res, err
		}
	}
	err = f.rename(data)
	if !errors.Is(err, syscall.EBUSY) {
		if err != nil {
			f.dropBackup(res)
			return Result{}, err
		}
		if err := f.fs.SyncDir(filepath.Dir(f.Target)); err != nil {
			res.Warning = fmt.Sprintf("the file was replaced, but its folder could not be synced (%v): a crash in the next seconds may bring back the old file", err)
		}
		return res, nil
	}
	// A mount point cannot be renamed over: rewrite it in place, which a
	// crash can leave half written, so only with a backup read back first.
	w, err := f.fs.OpenFile(f.Target, os.O_WRONLY, 0)
	if err != nil {
		f.dropBackup(res)
		return Result{}, f.cannot("open the file to rewrite it in place (it is a mount point: a file bind-mounted on its own)", err)
	}
	defer w.Close()
	if res.Backup == "" {
		if res.Backup, err = f.backup(opt.Now); err != nil {
			return Result{}, &Error{Msg: "the file is a mount point (EBUSY: a single file bind-mounted into a container), and no backup could be made before rewriting it in place", Err: errors.Unwrap(err),
				Hint: "mount its folder instead of the file, or make room for a backup next to it"}
		}
	}
	res.InPlace = true
	return res, f.inPlace(w, data)
}

// dropBackup removes the backup Replace made once it has failed with the
// file left as it was: the backup adds nothing then.
func (f *File) dropBackup(res Result) {
	if res.Backup != "" {
		f.fs.Remove(res.Backup)
	}
}

// unchanged refuses when the file at Target is no longer the one Open read:
// another program replaced it or wrote into it.
func (f *File) unchanged() error {
	info, err := os.Stat(f.Target)
	if err == nil && !os.SameFile(info, f.info) {
		err = ErrChanged
	}
	if err == nil {
		err = sameBytes(f.Target, f.Data)
	}
	if err != nil {
		return &Error{Msg: "the file changed while apim-offset was working on it; nothing was written", Err: err,
			Hint: "another program wrote it at the same time; run again to change what it holds now"}
	}
	return nil
}

// sameBytes returns ErrChanged unless the file at path holds data. It
// reads the file in pieces: a second copy of a large file would double
// what a run needs.
func sameBytes(path string, data []byte) error {
	r, err := os.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := io.ReadFull(r, buf)
		if n > len(data) || !bytes.Equal(buf[:n], data[:n]) {
			return ErrChanged
		}
		data = data[n:]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			if len(data) > 0 {
				return ErrChanged
			}
			return nil
		case err != nil:
			return err
		}
	}
}

// mode is the file's permission bits with setuid, setgid and sticky.
func (f *File) mode() os.FileMode {
	return f.info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// keepOwner gives w the target's owner, group and mode. Chown comes first:
// it clears setuid and setgid.
func (f *File) keepOwner(w WFile) error {
	if uid, gid, ok := owner(f.info); ok {
		wi, err := w.Stat()
		if err != nil {
			return err
		}
		if wu, wg, _ := owner(wi); wu != uid || wg != gid {
			if err := w.Chown(uid, gid); err != nil {
				return &Error{Msg: fmt.Sprintf("cannot give the new file the owner of the old one (uid %d, gid %d)", uid, gid), Err: unwrapPath(err),
					Hint: "run as root, or as the file's owner (sudo -u OWNER apim-offset ...)"}
			}
		}
	}
	return w.Chmod(f.mode())
}

// rename writes data to a temporary file and renames it over the target.
func (f *File) rename(data []byte) (err error) {
	dir := filepath.Dir(f.Target)
	tmp, err := f.fs.CreateTemp(dir, "."+filepath.Base(f.Target)+tempInfix+"*")
	if err != nil {
		return f.cannot("create a temporary file in "+dir, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			f.fs.Remove(tmp.Name())
		}
	}()
	if err := f.keepOwner(tmp); err != nil {
		return err
	}
	if err := writeAll(tmp, data); err != nil {
		return f.cannot("write "+tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return f.cannot("sync "+tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return f.cannot("write "+tmp.Name(), err)
	}
	if err := f.fs.Rename(tmp.Name(), f.Target); err != nil {
		if errors.Is(err, syscall.EBUSY) {
			return err
		}
		return f.cannot("rename a temporary file over the file", err)
	}
	return nil
}

// inPlace overwrites the target's bytes with data, over the blocks it
// already has, then cuts it to length. Should that fail, it puts the old
// bytes back, which fit in those blocks even on a full disk.
func (f *File) inPlace(w WFile, data []byte) error {
	write := func(b []byte) error {
		n, err := w.WriteAt(b, 0)
		if err == nil && n != len(b) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return err
		}
		if err := w.Truncate(int64(len(b))); err != nil {
			return err
		}
		return w.Sync()
	}
	if err := write(data); err != nil {
		if rerr := write(f.Data); rerr != nil {
			return &Error{Msg: "rewriting the file in place failed, and so did putting the old bytes back; the backup holds them", Err: unwrapPath(err),
				Hint: "copy the backup over the file"}
		}
		return f.cannot("rewrite the file in place (the old bytes were put back)", err)
	}
	return nil
}

// backup writes the bytes Open read to a new file next to the target, with
// its owner and mode, syncs it and reads it back.
func (f *File) backup(now func() time.Time) (_ string, err error) {
	if now == nil {
		now = time.Now
	}
	base := f.Target + ".bak"
	var (
		w    WFile
		name string
	)
	for i := 0; ; i++ {
		name = base
		switch {
		case i == 1:
			name = base + "." + now().Format("20060102T150405")
		case i > 1:
			name = base + "." + now().Format("20060102T150405") + "." + strconv.Itoa(i-1)
		}
		w, err = f.fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", f.cannot("create the backup "+name, err)
	}
	defer func() {
		if err != nil {
			w.Close()
			f.fs.Remove(name)
		}
	}()
	if err := f.keepOwner(w); err != nil {
		return "", err
	}
	if err := writeAll(w, f.Data); err != nil {
		return "", f.cannot("write the backup "+name, err)
	}
	if err := w.Sync(); err != nil {
		return "", f.cannot("sync the backup "+name, err)
	}
	if err := w.Close(); err != nil {
		return "", f.cannot("write the backup "+name, err)
	}
	if back, err := os.ReadFile(name); err != nil || !bytes.Equal(back, f.Data) {
		if err == nil {
			err = errors.New("it does not hold the file's bytes")
		}
		return "", f.cannot("read back the backup "+name, err)
	}
	if err := f.fs.SyncDir(filepath.Dir(name)); err != nil {
		return "", f.cannot("sync the folder of the backup "+name, err)
	}
	return name, nil
}

// writeAll writes b, reporting a short write as an error.
func writeAll(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	return err
}

// cannot wraps err from doing what, with a hint for the causes an operator
// can act on.
func (f *File) cannot(what string, err error) error {
	err = unwrapPath(err)
	e := &Error{Msg: "cannot " + what, Err: err}
	dir := filepath.Dir(f.Target)
	switch {
	case errors.Is(err, syscall.EROFS):
		e.Msg = "the file is on a read-only file system; cannot " + what
		e.Hint = "it is a read-only mount (a Kubernetes ConfigMap or Secret, a Docker volume with :ro): change the file where it comes from, or mount it read-write"
	case errors.Is(err, fs.ErrPermission):
		e.Hint = fmt.Sprintf("the file is replaced through a new file in %s, which needs write permission on that folder: run as its owner (sudo -u OWNER apim-offset ...) or as root", dir)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		e.Hint = "the disk (or your quota) is full: free some space and run again; the file was not changed"
	}
	return e
}

// unwrapPath drops a *fs.PathError around err: the message names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
