package safefile

import (
	"errors"
	"os"
)

// Check tells, before any change is shown, whether Replace can write the
// file, failing with the *Error Replace would fail with: ErrImmutable,
// ErrReadOnly, ErrPermission (with Dir), ErrOwner, ErrGroup, ErrMountPoint
// or ErrNoBackup. It finds out by doing what Replace does short of
// writing: it reads the immutable and append-only flags, and for a file
// that is renamed over, it makes a temporary file in the folder, gives it
// the file's owner, group, extended attributes and mode, and removes it;
// for one that is rewritten in place, it asks whether the file may be
// written and makes and removes a file where the backup goes.
//
// What it cannot foresee: a full disk (the temporary file is empty), a
// rename refused by the folder's sticky bit, another program changing the
// file in the meantime. It may be called after Unlock.
func (f *File) Check() error { return f.check(nil, false) }

// Prepare is Check for a write that follows without Unlock: it makes the
// temporary file that Replace renames over the file, already holding data
// and synced, so that checking and writing make one file, not two. Replace
// with the same data renames it; Close removes it when Replace did not.
func (f *File) Prepare(data []byte) error { return f.check(data, f.lock != nil) }

func (f *File) check(data []byte, keep bool) error {
	if f.closed {
		return errors.New("safefile: Check after Close")
	}
	dir := f.dir.Path
	if fl := f.fileFlag(); fl != "" {
		return immutableError(fl, "", nil)
	}
	if f.dir.flag() == "i" { // no new file there: no backup, no temporary file
		return immutableError("i", dir, nil)
	}
	reason, info, attrs, err := f.checkAttrs()
	if err != nil {
		return err
	}
	if reason == "" && mountPointAt(f.dir, f.name) {
		reason = mountPointReason
	}
	if reason == "" {
		p, err := f.temp(data, info, attrs)
		var xe *xattrError
		switch {
		case errors.As(err, &xe):
			reason = xattrReason(xe)
		case err != nil:
			return err
		case keep:
			f.dropPrepared()
			f.prepared, f.preparedData, f.preparedFor = p, data, info
		default:
			p.cleanup()
		}
	}
	if reason == "" {
		return nil
	}
	if err := writableAt(f.dir, f.name); err != nil {
		return f.cannot("open the file to rewrite it in place ("+reason+")", err)
	}
	tmp, err := f.fs.CreateTemp(f.dir, tempPrefix(f.name)+backupInfix)
	if err != nil {
		return noBackup(reason, f.cannot("create the backup", err))
	}
	(&pending{WFile: tmp, name: baseOf(tmp.Name()), fs: f.fs, dir: f.dir}).cleanup()
	return nil
}

// checkAttrs returns the file's info and extended attributes now, and why
// it must be rewritten in place if its links or attributes say so
// already.
func (f *File) checkAttrs() (reason string, info os.FileInfo, attrs []xattr, err error) {
	lf := f.lock
	if lf == nil { // after Unlock
		if lf, _, err = openRegularAt(f.dir, f.name); err != nil {
			return "", nil, nil, unwrapPath(err)
		}
		defer lf.Close()
	}
	if info, err = lf.Stat(); err != nil {
		return "", nil, nil, f.cannot("stat the file", err)
	}
	reason = linksReason(info)
	attrs, err = xattrs(int(lf.Fd()))
	var xe *xattrError
	if errors.As(err, &xe) {
		if reason == "" {
			reason = xattrReason(xe)
		}
		return reason, info, nil, nil
	}
	if err != nil {
		return "", nil, nil, f.cannot("read the file's extended attributes", err)
	}
	return reason, info, attrs, nil
}

// fileFlag is the file's immutable or append-only flag, or "".
func (f *File) fileFlag() string {
	if f.lock != nil {
		return fdFlag(int(f.lock.Fd()))
	}
	lf, _, err := openRegularAt(f.dir, f.name)
	if err != nil {
		return ""
	}
	defer lf.Close()
	return fdFlag(int(lf.Fd()))
}

// immutable returns the ErrImmutable error for the file or its folder when
// either has the immutable or append-only flag: a failure with EPERM is
// most likely for that.
func (f *File) immutable() *Error {
	if fl := f.fileFlag(); fl != "" {
		return immutableError(fl, "", nil)
	}
	if fl := f.dir.flag(); fl != "" {
		return immutableError(fl, f.dir.Path, nil)
	}
	return nil
}

// immutableError says that the file, or the folder dir when not "", has
// the flag fl ("i" or "a").
func immutableError(fl, dir string, err error) *Error {
	what := "the file is immutable (chattr +i)"
	if fl == "a" {
		what = "the file is append-only (chattr +a)"
	}
	if dir != "" {
		what = "its folder " + dir + what[len("the file"):]
	}
	return &Error{Msg: what, Kind: ErrImmutable, Dir: dir, Flag: fl, Err: err}
}

// dropPrepared removes the temporary file Prepare made, if Replace has not
// used it.
func (f *File) dropPrepared() {
	if f.prepared != nil {
		f.prepared.cleanup()
		f.prepared, f.preparedData = nil, nil
	}
}
