package safefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

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
	if errors.Is(err, syscall.EBUSY) {
		return f.rewriteInPlace(data, res, opt.Now)
	}
	if err != nil {
		f.dropBackup(res)
		return Result{}, err
	}
	if err := f.fs.SyncDir(filepath.Dir(f.Target)); err != nil {
		res.Warning = fmt.Sprintf("the file was replaced, but its folder could not be synced (%v): a crash in the next seconds may bring back the old file", err)
	}
	return res, nil
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
		return &Error{Msg: "the file changed while apim-offset was working on it; nothing was written", Kind: ErrChanged, Err: unwrapPath(err)}
	}
	return nil
}

// rename writes data to a temporary file and renames it over the target.
// It returns the rename's EBUSY as it is, for the caller to rewrite a
// mount point in place.
func (f *File) rename(data []byte) error {
	dir := filepath.Dir(f.Target)
	tmp, err := f.fs.CreateTemp(dir, "."+filepath.Base(f.Target)+tempInfix+"*")
	if err != nil {
		return f.cannot("create a temporary file in "+dir, err)
	}
	p := &pending{WFile: tmp, label: tmp.Name(), fs: f.fs}
	defer p.cleanup()
	if err := f.fill(p, data); err != nil {
		return err
	}
	if err := f.fs.Rename(tmp.Name(), f.Target); err != nil {
		if errors.Is(err, syscall.EBUSY) {
			return err
		}
		return f.cannot("rename a temporary file over the file", err)
	}
	p.keep()
	return nil
}
