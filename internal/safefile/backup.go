package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// backup writes the bytes Open read to a new file next to the target, with
// its owner, mode and extended attributes, syncs it and reads it back. It returns its name.
func (f *File) backup(now func() time.Time, attrs []xattr) (string, error) {
	if now == nil {
		now = time.Now
	}
	var (
		w    WFile
		name string
		err  error
	)
	for i := 0; ; i++ {
		name = backupName(f.Target, now, i)
		w, err = f.fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", f.cannot("create the backup "+name, err)
	}
	p := &pending{WFile: w, label: "the backup " + name, fs: f.fs}
	defer p.cleanup()
	if err := f.fill(p, f.Data, attrs, true); err != nil {
		return "", err
	}
	if err := sameBytes(name, f.Data); err != nil {
		if errors.Is(err, ErrChanged) {
			err = errors.New("it does not hold the file's bytes")
		}
		return "", f.cannot("read back the backup "+name, err)
	}
	if err := f.fs.SyncDir(filepath.Dir(name)); err != nil {
		return "", f.cannot("sync the folder of the backup "+name, err)
	}
	p.keep()
	return name, nil
}

// backupName is the name of the i-th try at a backup of target:
// NAME.bak, then NAME.bak.TIMESTAMP, then NAME.bak.TIMESTAMP.1 and on.
func backupName(target string, now func() time.Time, i int) string {
	name := target + ".bak"
	if i > 0 {
		name += "." + now().Format("20060102T150405")
	}
	if i > 1 {
		name += "." + strconv.Itoa(i-1)
	}
	return name
}

// dropBackup removes the backup Replace made once it has failed with the
// file left as it was: the backup adds nothing then.
func (f *File) dropBackup(res Result) {
	if res.Backup != "" {
		f.fs.Remove(res.Backup)
	}
}
