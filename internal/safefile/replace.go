package safefile

import (
	"bytes"
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
	// Reason says why it was rewritten in place, for the operator: "it is
	// a mount point (a file bind-mounted on its own)", "it has 2 hard
	// links", or "its extended attribute security.selinux cannot be given
	// to a new file (operation not permitted)".
	Reason string
	// Warning is set when the file was replaced but the change may not
	// survive a crash (the folder could not be synced).
	Warning string
}

// The reasons to rewrite a file in place.
const mountPointReason = "it is a mount point (a file bind-mounted on its own)"

// Replace writes data over the file, as the package comment says. After
// Unlock, it takes the lock again first, waiting as Open does.
func (f *File) Replace(data []byte, opt ReplaceOptions) (res Result, err error) {
	defer f.dropPrepared() // when it was not for data, or the file is rewritten in place
	if err := f.relock(); err != nil {
		return res, err
	}
	if err := f.unchanged(); err != nil {
		return res, err
	}
	info, err := f.lock.Stat() // now: a link may have been made since Open
	if err != nil {
		return res, f.cannot("stat the file", err)
	}
	reason := linksReason(info)
	attrs, err := xattrs(int(f.lock.Fd()))
	var xe *xattrError
	switch {
	case errors.As(err, &xe):
		if reason == "" {
			reason = xattrReason(xe)
		}
	case err != nil:
		return res, f.cannot("read the file's extended attributes", err)
	}
	if opt.Backup {
		if res.Backup, err = f.backup(opt.Now, attrs); err != nil {
			return res, err
		}
	}
	if reason == "" {
		if reason, err = f.rename(data, attrs); err != nil {
			f.dropBackup(res)
			return Result{}, err
		}
	}
	if reason != "" {
		res.Reason = reason
		return f.rewriteInPlace(data, res, opt.Now, attrs)
	}
	if err := f.fs.SyncDir(filepath.Dir(f.Target)); err != nil {
		res.Warning = fmt.Sprintf("the file was replaced, but its folder could not be synced (%v): a crash in the next seconds may bring back the old file", err)
	}
	return res, nil
}

// linksReason is why a file with info must be rewritten in place, or "":
// a rename would give only one of its names the new bytes.
func linksReason(info os.FileInfo) string {
	if n := links(info); n > 1 {
		return fmt.Sprintf("it has %d hard links", n)
	}
	return ""
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
// When the target must be rewritten in place instead, it returns why: the
// rename failed with EBUSY (a mount point), or the temporary file could not
// be given one of the target's extended attributes.
func (f *File) rename(data []byte, attrs []xattr) (inPlace string, err error) {
	p := f.prepared
	if p != nil && bytes.Equal(f.preparedData, data) {
		f.prepared, f.preparedData = nil, nil // Prepare made it: no second file
	} else {
		p, err = f.temp(data, attrs)
	}
	var xe *xattrError
	if errors.As(err, &xe) {
		return xattrReason(xe), nil
	}
	if err != nil {
		return "", err
	}
	defer p.cleanup()
	if err := f.fs.Rename(p.Name(), f.Target); err != nil {
		if errors.Is(err, syscall.EBUSY) {
			return mountPointReason, nil
		}
		return "", f.cannot("rename a temporary file over the file", err)
	}
	p.keep()
	return "", nil
}

// temp writes a temporary file next to the target holding data, with its
// owner, group, extended attributes and mode, synced and closed. On
// failure it is removed; on success the caller's cleanup must remove it.
func (f *File) temp(data []byte, attrs []xattr) (*pending, error) {
	dir := filepath.Dir(f.Target)
	if fl := fsFlag(dir); fl != "" {
		// chattr +a: a file could be made there, but not renamed over the
		// target nor removed.
		return nil, immutableError(fl, dir, nil)
	}
	tmp, err := f.fs.CreateTemp(dir, "."+filepath.Base(f.Target)+tempInfix+"*")
	if err != nil {
		return nil, f.cannot("create a temporary file in "+dir, err)
	}
	p := &pending{WFile: tmp, label: tmp.Name(), fs: f.fs}
	if err := f.fill(p, data, attrs, false); err != nil {
		p.cleanup()
		return nil, err
	}
	return p, nil
}

// xattrReason words an attribute a new file could not be given.
func xattrReason(xe *xattrError) string {
	switch xe.op {
	case "read":
		return fmt.Sprintf("its extended attribute %s cannot be read to give it to a new file (%v)", xe.name, xe.err)
	case "remove":
		return fmt.Sprintf("a new file in its folder gets the extended attribute %s, which it does not have, and it cannot be removed (%v)", xe.name, xe.err)
	}
	return fmt.Sprintf("its extended attribute %s cannot be given to a new file (%v)", xe.name, xe.err)
}
