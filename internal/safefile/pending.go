package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
)

// pending is a new file being written next to the target: the temporary
// file renamed over it, or a backup. Until keep is called, cleanup closes
// and removes it, so a deferred cleanup leaves nothing behind on any
// failure path. It is renameio's PendingFile, with the target's owner.
type pending struct {
	WFile
	name  string // its name in dir
	label string // the file in messages: its path, or "the backup PATH"
	fs    FS
	dir   *Dir
	kept  bool
}

// cleanup removes the file unless it was kept.
func (p *pending) cleanup() {
	if p.kept {
		return
	}
	p.Close() // an error, or closing it twice, changes nothing here
	p.fs.Remove(p.dir, p.name)
}

// keep makes cleanup leave the file.
func (p *pending) keep() { p.kept = true }

// fill writes data to p, gives it the owner, group and mode of info (the
// target's now: a chmod or chown made since Open is kept), its extended
// attributes, syncs and closes it. The data goes first: a write
// clears setuid, setgid and security.capability, and chown clears the
// first two. The mode goes last, as it sets an ACL's mask.
//
// An attribute that cannot be set fails a temporary file with an
// *xattrError, for Replace to rewrite the file in place instead. A backup
// goes without it, but without its group and other permission bits too if
// the file has an ACL: that may be what kept them from reading it.
func (f *File) fill(p *pending, data []byte, info os.FileInfo, attrs []xattr, backup bool) error {
	if err := writeAll(p, data); err != nil {
		return f.cannot("write "+p.label, err)
	}
	if err := keepOwner(p, info); err != nil {
		return err
	}
	mode := modeOf(info)
	if err := setXattrs(int(p.Fd()), attrs); err != nil {
		var xe *xattrError
		switch {
		case !errors.As(err, &xe):
			return f.cannot("set the extended attributes of "+p.label, err)
		case !backup:
			return err
		case slices.ContainsFunc(attrs, func(a xattr) bool { return a.name == aclAttr }):
			mode &^= 0o077
		}
	}
	if err := p.Chmod(mode); err != nil {
		return err
	}
	if err := p.Sync(); err != nil {
		return f.cannot("sync "+p.label, err)
	}
	if err := p.Close(); err != nil {
		return f.cannot("write "+p.label, err)
	}
	return nil
}

// modeOf is a file's permission bits with setuid, setgid and sticky.
func modeOf(info os.FileInfo) os.FileMode {
	return info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// keepOwner gives w the owner and group of info, the target's. The owner may give a file
// only the groups it is a member of, and another owner only root may give:
// which of the two failed is told apart.
func keepOwner(w WFile, info os.FileInfo) error {
	uid, gid, ok := owner(info)
	if !ok {
		return nil
	}
	wi, err := w.Stat()
	if err != nil {
		return err
	}
	wu, wg, _ := owner(wi)
	if wu == uid && wg == gid {
		return nil
	}
	err = w.Chown(uid, gid)
	switch {
	case err == nil:
		return nil
	case wu == uid:
		return &Error{Msg: fmt.Sprintf("cannot give the new file the group of the old one (gid %d)", gid), Kind: ErrGroup, Err: unwrapPath(err)}
	}
	return &Error{Msg: fmt.Sprintf("cannot give the new file the owner of the old one (uid %d, gid %d)", uid, gid), Kind: ErrOwner, Err: unwrapPath(err)}
}

// writeAll writes b, reporting a short write as an error.
func writeAll(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	return err
}
