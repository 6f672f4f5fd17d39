package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
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
// Unlock, it takes the lock again first, waiting as Open does. The new
// file gets the owner, group and mode the file has now, not when it was
// opened: a chmod or chown made while a question waited is kept.
func (f *File) Replace(data []byte, opt ReplaceOptions) (res Result, err error) {
	defer f.dropPrepared() // when it was not for data, or the file is rewritten in place
	if err := f.relock(); err != nil {
		return res, err
	}
	if err := f.unchanged(); err != nil {
		return res, err
	}
	info, err := f.lock.Stat() // now: a link, chmod or chown may have been made since Open
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
		if res.Backup, err = f.backup(opt.Now, info, attrs); err != nil {
			return res, err
		}
	}
	if reason == "" {
		if reason, err = f.rename(data, info, attrs); err != nil {
			f.dropBackup(res)
			return Result{}, err
		}
	}
	if reason != "" {
		res.Reason = reason
		return f.rewriteInPlace(data, res, opt.Now, info, attrs)
	}
	if err := f.fs.SyncDir(f.dir); err != nil {
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

// changedError says that the file changed while the run worked on it.
func changedError(err error) error {
	return &Error{Msg: "the file changed while apim-offset was working on it; nothing was written", Kind: ErrChanged, Err: unwrapPath(err)}
}

// unchanged refuses when the file at Target's name, in the folder opened,
// is no longer the one Open read (another program replaced it, or put a
// link there), or no longer holds what Open read (another wrote into it).
func (f *File) unchanged() error {
	if !f.sameAt(f.dir, f.name, f.info) {
		return changedError(ErrChanged)
	}
	got, err := readFrom(f.lock, int64(len(f.Data))+1)
	if err == nil && !bytes.Equal(got, f.Data) {
		err = ErrChanged
	}
	if err != nil {
		return changedError(err)
	}
	return nil
}

// rename writes data to a temporary file and renames it over the target.
// When the target must be rewritten in place instead, it returns why: the
// rename failed with EBUSY (a mount point), or the temporary file could not
// be given one of the target's extended attributes.
func (f *File) rename(data []byte, info os.FileInfo, attrs []xattr) (inPlace string, err error) {
	p := f.prepared
	if p != nil && bytes.Equal(f.preparedData, data) && sameMeta(f.preparedFor, info) {
		f.prepared, f.preparedData = nil, nil // Prepare made it: no second file
	} else {
		p, err = f.temp(data, info, attrs)
	}
	var xe *xattrError
	if errors.As(err, &xe) {
		return xattrReason(xe), nil
	}
	if err != nil {
		return "", err
	}
	defer p.cleanup()
	if err := f.fs.Rename(f.dir, p.name, f.name); err != nil {
		if errors.Is(err, syscall.EBUSY) {
			return mountPointReason, nil
		}
		return "", f.cannot("rename a temporary file over the file", err)
	}
	p.keep()
	return "", nil
}

// sameMeta tells whether a and b have the same mode, owner and group.
func sameMeta(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return false
	}
	ua, ga, _ := owner(a)
	ub, gb, _ := owner(b)
	return modeOf(a) == modeOf(b) && ua == ub && ga == gb
}

// temp writes a temporary file next to the target holding data, with the
// owner, group and mode of info, extended attributes attrs, synced and
// closed. On failure it is removed; on success the caller's cleanup must
// remove it.
func (f *File) temp(data []byte, info os.FileInfo, attrs []xattr) (*pending, error) {
	if fl := f.dir.flag(); fl != "" {
		// chattr +a: a file could be made there, but not renamed over the
		// target nor removed.
		return nil, immutableError(fl, f.dir.Path, nil)
	}
	tmp, err := f.fs.CreateTemp(f.dir, tempPrefix(f.name))
	if err != nil {
		return nil, f.cannot("create a temporary file in "+f.dir.Path, err)
	}
	p := &pending{WFile: tmp, name: baseOf(tmp.Name()), label: tmp.Name(), fs: f.fs, dir: f.dir}
	if err := f.fill(p, data, info, attrs, false); err != nil {
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
