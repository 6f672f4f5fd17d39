package safefile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// pending is a new file being written next to the target: the temporary
// file renamed over it, or a backup. Until keep is called, cleanup closes
// and removes it, so a deferred cleanup leaves nothing behind on any
// failure path. It is renameio's PendingFile, with the target's owner.
type pending struct {
	WFile
	label string // the file in messages: its name, or "the backup NAME"
	fs    FS
	kept  bool
}

// cleanup removes the file unless it was kept.
func (p *pending) cleanup() {
	if p.kept {
		return
	}
	p.Close() // an error, or closing it twice, changes nothing here
	p.fs.Remove(p.Name())
}

// keep makes cleanup leave the file.
func (p *pending) keep() { p.kept = true }

// fill gives p the target's owner, group and mode, writes data, syncs and
// closes it.
func (f *File) fill(p *pending, data []byte) error {
	if err := f.keepOwner(p); err != nil {
		return err
	}
	if err := writeAll(p, data); err != nil {
		return f.cannot("write "+p.label, err)
	}
	if err := p.Sync(); err != nil {
		return f.cannot("sync "+p.label, err)
	}
	if err := p.Close(); err != nil {
		return f.cannot("write "+p.label, err)
	}
	return nil
}

// mode is the file's permission bits with setuid, setgid and sticky.
func (f *File) mode() os.FileMode {
	return f.info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// keepOwner gives w the target's owner, group and mode. Chown comes first:
// it clears setuid and setgid.
func (f *File) keepOwner(w WFile) error {
	if uid, gid, ok := owner(f.info); ok {
		wi, err := w.Stat()
		if err != nil {
			return err
		}
		if wu, wg, _ := owner(wi); wu != uid || wg != gid {
			if err := w.Chown(uid, gid); err != nil {
				return &Error{Msg: fmt.Sprintf("cannot give the new file the owner of the old one (uid %d, gid %d)", uid, gid), Kind: ErrOwner, Err: unwrapPath(err)}
			}
		}
	}
	return w.Chmod(f.mode())
}

// writeAll writes b, reporting a short write as an error.
func writeAll(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	return err
}
