package safefile

import (
	"os"
	"path/filepath"
)

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
	if err := f.lockTarget(opt.Waiting); err != nil {
		return nil, err
	}
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

// lockTarget opens and locks the file at f.Path's end. The file locked must
// still be the one at f.Path once the lock is held: a run that held it
// before may have renamed a new file over it.
func (f *File) lockTarget(waiting func()) error {
	for {
		target, err := filepath.EvalSymlinks(f.Path)
		if err != nil {
			return unwrapPath(err)
		}
		lf, err := openLockable(target)
		if err != nil {
			return unwrapPath(err)
		}
		info, err := regular(lf)
		if err == nil {
			err = lockWaiting(lf, &waiting)
		}
		if err != nil {
			lf.Close()
			return err
		}
		now, err := os.Stat(target)
		if again, _ := filepath.EvalSymlinks(f.Path); err != nil || again != target || !os.SameFile(info, now) {
			lf.Close() // replaced while waiting: lock the new one
			continue
		}
		f.Target, f.lock, f.info = target, lf, info
		return nil
	}
}

// lockWaiting locks lf, calling *waiting first if another run holds the
// lock; it then clears *waiting, which is called once however many files
// are waited for.
func lockWaiting(lf *os.File, waiting *func()) error {
	busy, err := lock(lf, false)
	if err == nil && busy {
		if *waiting != nil {
			(*waiting)()
			*waiting = nil
		}
		_, err = lock(lf, true)
	}
	if err != nil {
		return &Error{Msg: "cannot lock the file", Err: err}
	}
	return nil
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
