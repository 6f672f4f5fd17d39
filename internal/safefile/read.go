package safefile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Read reads the regular file at path, up to max+1 bytes, so that the
// caller can refuse a larger file without reading all of it. It takes no
// lock: a reader sees the old bytes or the new, as Replace renames. A
// FIFO, a device or a socket is refused with ErrNotRegular without
// waiting for it or opening it. Running as root, it refuses a path
// through a symbolic link another user owns, as Open does with no Options
// (ErrForeignLink), reading nothing.
func Read(path string, max int64) ([]byte, error) { return ReadWith(path, max, Options{}) }

// ReadWith is Read with opt's Home and AllowForeignLink.
func ReadWith(path string, max int64, opt Options) ([]byte, error) {
	f, info, err := openRead(path, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readAll(f, info.Size(), max+1)
	return data, unwrapPath(err)
}

// openRead opens the regular file at path's end to read it: its links
// checked as Open checks them, the file opened in its folder without
// following a link.
func openRead(path string, opt Options) (*os.File, os.FileInfo, error) {
	for try := 0; ; try++ {
		target, links, err := resolve(path)
		if err != nil {
			return nil, nil, unwrapPath(err)
		}
		if err := checkLinks(target, links, opt); err != nil {
			return nil, nil, err
		}
		d, err := openDir(filepath.Dir(target))
		if err != nil {
			return nil, nil, unwrapPath(err)
		}
		f, info, err := openRegularAt(d, filepath.Base(target))
		if err == nil {
			if err = checkHardLink(d, filepath.Base(target), info, opt); err != nil {
				f.Close()
			}
		}
		d.Close()
		if errors.Is(err, errSwapped) && try < 100 {
			continue // a link was put there since resolve: check it
		}
		if err != nil {
			return nil, nil, unwrapPath(err)
		}
		return f, info, nil
	}
}

// regular returns f's file info, or an error when f is not a regular file.
func regular(f *os.File) (os.FileInfo, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if !info.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	return info, nil
}

// readAll reads r, a file of about size bytes, up to limit bytes, into a
// buffer of its size: io.ReadAll would grow one to up to twice that.
func readAll(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, max(0, min(size+1, limit))) // +1: room to see the end
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			// The file is larger than it was when it was looked at.
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// readFrom reads the file open as f from its start, up to limit bytes,
// whatever was read from it before.
func readFrom(f *os.File, limit int64) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readAll(io.NewSectionReader(f, 0, limit), info.Size(), limit)
}

// sameBytesAt returns ErrChanged unless name in d, not followed if a
// link, holds data. It reads the file once, and at most one byte more
// than data.
func sameBytesAt(d *Dir, name string, data []byte) error {
	f, _, err := openRegularAt(d, name)
	if err != nil {
		return err
	}
	defer f.Close()
	got, err := readFrom(f, int64(len(data))+1)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return ErrChanged
	}
	return nil
}

// torn refuses the bytes of a file an in-place rewrite was killed in the
// middle of: it writes a NUL byte first, and the file's first byte last
// (inPlace.go's ordered says why). backup names the newest backup beside
// it, or is "".
func torn(data []byte, backup string) error {
	if len(data) == 0 || data[0] != 0 {
		return nil
	}
	where := "no backup of it was found beside it"
	if backup != "" {
		where = "its old bytes are in " + backup + ", the newest backup beside it"
	}
	return &Error{Msg: "the file begins with a NUL byte: a run was killed while rewriting it in place, and it holds part of the old bytes and part of the new; " + where, Kind: ErrTorn}
}
