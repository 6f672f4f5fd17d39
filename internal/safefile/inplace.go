package safefile

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"
)

// rewriteInPlace replaces a file that cannot be renamed over (res.Reason
// says why) by rewriting it in place, which keeps its inode: its mount,
// hard links and attributes. It is done only with a backup read back
// first: res's, or one made now.
//
// The file written is opened relative to the folder opened at Open, not
// following a link, and must be the very file locked and compared: a
// symbolic link or another file put at the name meanwhile is refused with
// ErrChanged, and nothing is written.
func (f *File) rewriteInPlace(data []byte, res Result, now func() time.Time, info os.FileInfo, attrs []xattr) (Result, error) {
	w, err := f.fs.OpenFile(f.dir, f.name, os.O_WRONLY, 0)
	if errors.Is(err, syscall.ELOOP) {
		f.dropBackup(res)
		return Result{}, changedError(errors.New("a symbolic link was put at its name"))
	}
	if err != nil {
		f.dropBackup(res)
		return Result{}, f.cannot("open the file to rewrite it in place ("+res.Reason+")", err)
	}
	defer w.Close()
	if wi, err := w.Stat(); err != nil || !f.sameFile(wi) {
		f.dropBackup(res)
		return Result{}, changedError(errors.New("another file was put at its name"))
	}
	if res.Backup == "" {
		if res.Backup, err = f.backup(now, info, attrs); err != nil {
			return Result{}, noBackup(res.Reason, err)
		}
	}
	res.InPlace = true
	return res, f.inPlace(w, data)
}

// sameFile tells whether info is of the file Open locked.
func (f *File) sameFile(info os.FileInfo) bool {
	a, ok1 := idOf(info)
	b, ok2 := idOf(f.info)
	return ok1 && ok2 && a.same(b)
}

// noBackup is the error for a file that must be rewritten in place, for
// reason, when its backup failed with err.
func noBackup(reason string, err error) error {
	if reason == mountPointReason {
		return &Error{Msg: "the file is a mount point (EBUSY: a single file bind-mounted into a container), and no backup could be made before rewriting it in place", Kind: ErrMountPoint, Err: errors.Unwrap(err)}
	}
	return &Error{Msg: "the file must be rewritten in place, as " + reason + ", and no backup could be made before doing so", Kind: ErrNoBackup, Err: errors.Unwrap(err)}
}

// inPlace overwrites the target's bytes with data, over the blocks it
// already has, in the order ordered says. Should that fail, it puts the
// old bytes back the same way, which fit in those blocks even on a full
// disk.
func (f *File) inPlace(w WFile, data []byte) error {
	if err := ordered(w, data); err != nil {
		if rerr := ordered(w, f.Data); rerr != nil {
			return &Error{Msg: "rewriting the file in place failed, and so did putting the old bytes back; the backup holds them", Kind: ErrRestoreFailed, Err: unwrapPath(err)}
		}
		return f.cannot("rewrite the file in place (the old bytes were put back)", err)
	}
	return nil
}

// ordered writes b over w's bytes so that a run killed at any moment, or
// a power cut, leaves the old bytes, the new bytes, or a file that begins
// with a NUL byte, and never a mix that reads as a file: old "offset = 2"
// and new "offset = 12" must not leave "offset = 1" behind.
//
//  1. The first byte becomes NUL, synced. From here on, the file is no
//     TOML (a NUL byte is refused anywhere outside a string, and at the
//     start of a key), nor any text file: WSO2's parser, apim-offset's
//     and Open (ErrTorn) all refuse it.
//  2. The rest of b is written from the second byte, the file cut to
//     b's length, synced. It begins with NUL still, whatever part of this
//     a kill lets through.
//  3. b's first byte is written over the NUL, synced: one byte in one
//     block, which lands whole or not at all.
//
// The syncs order the steps on disk, not only in the page cache. An empty
// b is written by step 2 alone.
func ordered(w WFile, b []byte) error {
	if err := writeAt(w, []byte{0}, 0); err != nil {
		return err
	}
	if err := w.Sync(); err != nil {
		return err
	}
	if len(b) > 1 {
		if err := writeAt(w, b[1:], 1); err != nil {
			return err
		}
	}
	if err := w.Truncate(int64(len(b))); err != nil {
		return err
	}
	if err := w.Sync(); err != nil {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	if err := writeAt(w, b[:1], 0); err != nil {
		return err
	}
	return w.Sync()
}

// writeAt writes b at off, reporting a short write as an error.
func writeAt(w WFile, b []byte, off int64) error {
	n, err := w.WriteAt(b, off)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	return err
}
