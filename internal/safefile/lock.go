package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// File is a file opened, locked and read for a read–modify–write.
type File struct {
	Path   string // as given
	Target string // Path with its symbolic links resolved: the file replaced
	Data   []byte // the bytes read
	// Removed lists temporary files left by earlier, interrupted runs that
	// Open removed.
	Removed []string
	// Links lists the symbolic links followed from Path to Target.
	Links []Link

	fs     FS
	opt    Options  // for taking the lock again after Unlock
	dir    *Dir     // Target's folder, opened once; nil after Close
	name   string   // Target's name in dir
	lock   *os.File // the open, locked target; nil after Unlock or Close
	info   os.FileInfo
	closed bool
	// prepared is the temporary file Prepare made for preparedData, with
	// the owner and mode of preparedFor.
	prepared     *pending
	preparedData []byte
	preparedFor  os.FileInfo
}

// Options are Open's choices.
type Options struct {
	// FS makes the writes; nil is the real file system.
	FS FS
	// MaxSize is the most bytes read; Data holds one more when the file is
	// larger, so the caller can refuse it.
	MaxSize int64
	// Waiting is called once when another run holds the lock, before
	// waiting for it (again by a Replace after Unlock that has to wait).
	Waiting func()
	// WaitingFor, when set, is called instead of Waiting, with the process
	// that holds the lock (its PID is 0 when the system does not tell).
	WaitingFor func(Holder)
	// LockTimeout is the longest Open, or a Replace after Unlock, waits for
	// another process to release the lock before failing with
	// ErrLockTimeout; 0 waits for as long as it takes.
	LockTimeout time.Duration
	// Home is the folder the file belongs to (a product's home). Running
	// as root, a path whose symbolic links lead out of it is refused with
	// ErrForeignLink, unless AllowForeignLink. "" checks only the links'
	// owners.
	Home string
	// AllowForeignLink lets a run as root follow a symbolic link that
	// another user owns, or that leads out of Home. Without it, such a
	// link is refused with ErrForeignLink before the file is opened: the
	// link's owner could point it at any file root can read or write.
	AllowForeignLink bool
}

// Open resolves path's symbolic links, locks the file and reads it.
func Open(path string, opt Options) (*File, error) {
	if opt.FS == nil {
		opt.FS = OS
	}
	f := &File{Path: path, fs: opt.FS, opt: opt}
	t, err := f.lockTarget()
	if err != nil {
		return nil, err
	}
	f.Target, f.Links, f.dir, f.name, f.lock, f.info = t.path, t.links, t.dir, filepath.Base(t.path), t.lf, t.info
	max := opt.MaxSize
	if max <= 0 {
		max = 1<<63 - 2
	}
	data, err := readAll(f.lock, f.info.Size(), max+1)
	if err != nil {
		f.Close()
		return nil, unwrapPath(err)
	}
	f.Data = data
	if err := torn(data, f.newestBackup()); err != nil {
		f.Close()
		return nil, err
	}
	f.removeStale()
	return f, nil
}

// locked is the file lockTarget opened and locked.
type locked struct {
	path  string
	links []Link
	dir   *Dir
	lf    *os.File
	info  os.FileInfo
}

func (t *locked) close() {
	if t.lf != nil {
		t.lf.Close()
	}
	t.dir.Close()
}

// errSwapped: the name was a symbolic link when opened with O_NOFOLLOW,
// though it resolved to a file: a link was swapped in meanwhile.
var errSwapped = errors.New("a symbolic link was put at the file's name while it was being opened")

// lockTarget opens and locks the regular file at f.Path's end: it follows
// the path's links, checks them (checkLinks), opens the folder at their
// end and the file in it, not following a link, and locks it. Once the
// lock is held the path must still lead to that file, through links that
// pass the check: a run that held the lock before may have renamed a new
// file over it, and another user may have swapped a link.
func (f *File) lockTarget() (*locked, error) {
	waiting := f.waiting()
	var deadline time.Time
	if f.opt.LockTimeout > 0 {
		deadline = time.Now().Add(f.opt.LockTimeout)
	}
	for try := 0; ; try++ {
		t, err := f.openTarget()
		if errors.Is(err, errSwapped) && try < 100 {
			continue
		}
		if err == nil {
			err = lockWaiting(t.lf, t.info, &waiting, deadline)
		}
		if err != nil {
			if t != nil {
				t.close()
			}
			return nil, err
		}
		again, links, err := resolve(f.Path)
		if err == nil {
			err = checkLinks(again, links, f.opt)
		}
		if err != nil {
			t.close()
			return nil, err
		}
		if again == t.path && f.sameAt(t.dir, filepath.Base(t.path), t.info) {
			if d, err := openDir(filepath.Dir(again)); err == nil {
				now, err1 := d.id()
				was, err2 := t.dir.id()
				d.Close()
				if err1 == nil && err2 == nil && now.same(was) {
					return t, nil
				}
			}
		}
		t.close() // replaced while waiting: lock the new one
		if try >= 100 {
			return nil, &Error{Msg: "the file keeps being replaced while apim-offset opens it", Kind: ErrChanged, Err: ErrChanged}
		}
	}
}

// openTarget resolves f.Path, checks its links and opens the file at its
// end, relative to its folder.
func (f *File) openTarget() (*locked, error) {
	target, links, err := resolve(f.Path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := checkLinks(target, links, f.opt); err != nil {
		return nil, err
	}
	d, err := openDir(filepath.Dir(target))
	if err != nil {
		return nil, unwrapPath(err)
	}
	lf, info, err := openRegularAt(d, filepath.Base(target))
	if err == nil {
		if err = checkHardLink(d, filepath.Base(target), info, f.opt); err != nil {
			lf.Close()
		}
	}
	if err != nil {
		d.Close()
		return nil, unwrapPath(err)
	}
	return &locked{path: target, links: links, dir: d, lf: lf, info: info}, nil
}

// sameAt tells whether name in d is, without following a link, the file
// info describes.
func (f *File) sameAt(d *Dir, name string, info os.FileInfo) bool {
	id, mode, err := d.lstatAt(name)
	was, ok := idOf(info)
	return err == nil && ok && mode == modeRegular && id.same(was)
}

// waiting is the function to call once before waiting for the lock.
func (f *File) waiting() func(Holder) {
	switch {
	case f.opt.WaitingFor != nil:
		return f.opt.WaitingFor
	case f.opt.Waiting != nil:
		return func(Holder) { f.opt.Waiting() }
	}
	return nil
}

// lockWaiting locks lf, calling *waiting first if another process holds
// the lock; it then clears *waiting, which is called once however many
// files are waited for. With a deadline it polls until then, at growing
// intervals up to 50ms, and fails with ErrLockTimeout.
func lockWaiting(lf *os.File, info os.FileInfo, waiting *func(Holder), deadline time.Time) error {
	busy, err := lock(lf, false)
	if err == nil && busy {
		if *waiting != nil {
			(*waiting)(lockHolder(info))
			*waiting = nil
		}
		if deadline.IsZero() {
			busy, err = lock(lf, true)
		} else {
			busy, err = pollLock(lf, deadline)
		}
	}
	if err != nil {
		return &Error{Msg: "cannot lock the file", Err: err}
	}
	if busy {
		h := lockHolder(info)
		return &Error{Msg: h.holdsMessage(), Kind: ErrLockTimeout, PID: h.PID, Holder: h}
	}
	return nil
}

// pollLock tries to lock lf until deadline; busy is true when it could not.
func pollLock(lf *os.File, deadline time.Time) (busy bool, err error) {
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		left := time.Until(deadline)
		if left <= 0 {
			return true, nil
		}
		time.Sleep(min(wait, left))
		if busy, err = lock(lf, false); err != nil || !busy {
			return busy, err
		}
	}
}

// Unlock releases the lock, keeping what Open read, so that other runs can
// change the file while this one waits (for a question to be answered). A
// later Replace takes the lock again, as Open did, and refuses with
// ErrChanged if the file is no longer the one Open read.
func (f *File) Unlock() error {
	// Without the lock another run may clean up a prepared temporary
	// file as one left behind: Replace makes its own then.
	f.dropPrepared()
	if f.lock == nil {
		return nil
	}
	err := f.lock.Close() // closing the last descriptor releases the lock
	f.lock = nil
	return err
}

// relock takes the lock again after Unlock. The file at f.Path must still
// be the one Open read, in the same folder; if it is not, the lock taken
// on the new one is kept until Close all the same.
func (f *File) relock() error {
	if f.closed {
		return errors.New("safefile: Replace after Close")
	}
	if f.lock != nil {
		return nil
	}
	t, err := f.lockTarget()
	if err != nil {
		return err
	}
	f.lock = t.lf
	newDir, err1 := t.dir.id()
	oldDir, err2 := f.dir.id()
	t.dir.Close()
	was, _ := idOf(f.info)
	now, _ := idOf(t.info)
	if t.path != f.Target || err1 != nil || err2 != nil || !newDir.same(oldDir) || !now.same(was) {
		return &Error{Msg: "the file changed while apim-offset was working on it; nothing was written", Kind: ErrChanged, Err: ErrChanged}
	}
	return nil
}

// Close releases the lock. Replace cannot be called after it.
func (f *File) Close() error {
	f.closed = true
	err := f.Unlock()
	if f.dir != nil {
		f.dir.Close()
		f.dir = nil
	}
	return err
}
