package safefile

import (
	"errors"
	"fmt"
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

	fs     FS
	opt    Options  // for taking the lock again after Unlock
	lock   *os.File // the open, locked target; nil after Unlock or Close
	info   os.FileInfo
	closed bool
	// prepared is the temporary file Prepare made for preparedData.
	prepared     *pending
	preparedData []byte
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
	// LockTimeout is the longest Open, or a Replace after Unlock, waits for
	// another process to release the lock before failing with
	// ErrLockTimeout; 0 waits for as long as it takes.
	LockTimeout time.Duration
}

// Open resolves path's symbolic links, locks the file and reads it.
func Open(path string, opt Options) (*File, error) {
	if opt.FS == nil {
		opt.FS = OS
	}
	f := &File{Path: path, fs: opt.FS, opt: opt}
	target, lf, info, err := f.lockTarget()
	if err != nil {
		return nil, err
	}
	f.Target, f.lock, f.info = target, lf, info
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
	f.removeStale()
	return f, nil
}

// lockTarget opens and locks the regular file at f.Path's end. The file
// locked must still be the one at f.Path once the lock is held: a run that
// held it before may have renamed a new file over it.
func (f *File) lockTarget() (target string, lf *os.File, info os.FileInfo, err error) {
	waiting := f.opt.Waiting
	var deadline time.Time
	if f.opt.LockTimeout > 0 {
		deadline = time.Now().Add(f.opt.LockTimeout)
	}
	for {
		target, err := filepath.EvalSymlinks(f.Path)
		if err != nil {
			return "", nil, nil, unwrapPath(err)
		}
		lf, info, err := openRegular(target)
		if err == nil {
			err = lockWaiting(lf, info, &waiting, deadline)
		}
		if err != nil {
			if lf != nil {
				lf.Close()
			}
			return "", nil, nil, err
		}
		now, err := os.Stat(target)
		if again, _ := filepath.EvalSymlinks(f.Path); err != nil || again != target || !os.SameFile(info, now) {
			lf.Close() // replaced while waiting: lock the new one
			continue
		}
		return target, lf, info, nil
	}
}

// lockWaiting locks lf, calling *waiting first if another process holds
// the lock; it then clears *waiting, which is called once however many
// files are waited for. With a deadline it polls until then, at growing
// intervals up to 50ms, and fails with ErrLockTimeout.
func lockWaiting(lf *os.File, info os.FileInfo, waiting *func(), deadline time.Time) error {
	busy, err := lock(lf, false)
	if err == nil && busy {
		if *waiting != nil {
			(*waiting)()
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
		e := &Error{Msg: "another process holds the file's lock", Kind: ErrLockTimeout, PID: lockHolder(info)}
		if e.PID > 0 {
			e.Msg = fmt.Sprintf("process %d holds the file's lock", e.PID)
		}
		return e
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
// be the one Open read; if it is not, the lock taken on the new one is
// kept until Close all the same.
func (f *File) relock() error {
	if f.closed {
		return errors.New("safefile: Replace after Close")
	}
	if f.lock != nil {
		return nil
	}
	target, lf, info, err := f.lockTarget()
	if err != nil {
		return err
	}
	f.lock = lf
	if target != f.Target || !os.SameFile(info, f.info) {
		return &Error{Msg: "the file changed while apim-offset was working on it; nothing was written", Kind: ErrChanged, Err: ErrChanged}
	}
	return nil
}

// Close releases the lock. Replace cannot be called after it.
func (f *File) Close() error {
	f.closed = true
	return f.Unlock()
}
