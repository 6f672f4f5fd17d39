package safefile

import (
	"errors"
	"io"
	"os"
	"time"
)

// rewriteInPlace replaces a file that cannot be renamed over (res.Reason
// says why) by rewriting it in place, which keeps its inode: its mount,
// hard links and attributes. A crash can leave that half written, so it is
// done only with a backup read back first: res's, or one made now.
func (f *File) rewriteInPlace(data []byte, res Result, now func() time.Time, attrs []xattr) (Result, error) {
	w, err := f.fs.OpenFile(f.Target, os.O_WRONLY, 0)
	if err != nil {
		f.dropBackup(res)
		return Result{}, f.cannot("open the file to rewrite it in place ("+res.Reason+")", err)
	}
	defer w.Close()
	if res.Backup == "" {
		if res.Backup, err = f.backup(now, attrs); err != nil {
			return Result{}, noBackup(res.Reason, err)
		}
	}
	res.InPlace = true
	return res, f.inPlace(w, data)
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
// already has, then cuts it to length. Should that fail, it puts the old
// bytes back, which fit in those blocks even on a full disk.
func (f *File) inPlace(w WFile, data []byte) error {
	if err := overwrite(w, data); err != nil {
		if rerr := overwrite(w, f.Data); rerr != nil {
			return &Error{Msg: "rewriting the file in place failed, and so did putting the old bytes back; the backup holds them", Kind: ErrRestoreFailed, Err: unwrapPath(err)}
		}
		return f.cannot("rewrite the file in place (the old bytes were put back)", err)
	}
	return nil
}

// overwrite writes b at the start of w, cuts w to its length and syncs it.
func overwrite(w WFile, b []byte) error {
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
