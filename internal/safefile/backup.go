package safefile

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"
)

// backup keeps the bytes Open read in a new file next to the target, with
// the owner and mode of info and its extended attributes, and returns its
// path. The backup is written under a temporary name, synced and read
// back, and only then renamed to NAME.bak (or NAME.bak.TIMESTAMP…),
// never over another: a run killed on the way leaves a temporary file,
// which the next Open removes, and never an empty or partial NAME.bak.
func (f *File) backup(now func() time.Time, info os.FileInfo, attrs []xattr) (string, error) {
	if now == nil {
		now = time.Now
	}
	w, err := f.fs.CreateTemp(f.dir, tempPrefix(f.name)+backupInfix)
	if err != nil {
		return "", f.cannot("create the backup", err)
	}
	p := &pending{WFile: w, name: baseOf(w.Name()), label: "the backup " + w.Name(), fs: f.fs, dir: f.dir}
	defer p.cleanup()
	if err := f.fill(p, f.Data, info, attrs, true); err != nil {
		return "", err
	}
	if err := sameBytesAt(f.dir, p.name, f.Data); err != nil {
		if errors.Is(err, ErrChanged) {
			err = errors.New("it does not hold the file's bytes")
		}
		return "", f.cannot("read back the backup "+w.Name(), err)
	}
	var name string
	for i := 0; ; i++ {
		name = backupName(f.name, now, i)
		err = f.fs.RenameNoReplace(f.dir, p.name, name)
		if !errors.Is(err, fs.ErrExist) || i > 1000 {
			break
		}
	}
	if err != nil {
		return "", f.cannot("rename the backup to "+f.dir.join(name), err)
	}
	p.keep()
	if err := f.fs.SyncDir(f.dir); err != nil {
		f.fs.Remove(f.dir, name)
		return "", f.cannot("sync the folder of the backup "+f.dir.join(name), err)
	}
	return f.dir.join(name), nil
}

// dropBackup removes the backup Replace made once it has failed with the
// file left as it was: the backup adds nothing then.
func (f *File) dropBackup(res Result) {
	if res.Backup != "" {
		f.fs.Remove(f.dir, baseOf(res.Backup))
	}
}

// newestBackup is the path of the newest NAME.bak* beside the file, by
// modification time, or "" when there is none. Only called for a file
// that begins with a NUL byte.
func (f *File) newestBackup() string {
	if len(f.Data) == 0 || f.Data[0] != 0 {
		return ""
	}
	names, _ := f.dir.names()
	prefix := backupName(f.name, time.Now, 0)
	var newest string
	var newestTime time.Time
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		if t, ok := f.dir.mtimeAt(n); ok && (newest == "" || t.After(newestTime)) {
			newest, newestTime = n, t
		}
	}
	if newest == "" {
		return ""
	}
	return f.dir.join(newest)
}
