package safefile

import (
	"bytes"
	"io"
	"os"
)

// Read reads the regular file at path, up to max+1 bytes, so that the
// caller can refuse a larger file without reading all of it. It takes no
// lock: a reader sees the old bytes or the new, as Replace renames. A
// FIFO, a device or a socket is refused with ErrNotRegular without
// waiting for it.
func Read(path string, max int64) ([]byte, error) {
	f, info, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readAll(f, info.Size(), max+1)
	return data, unwrapPath(err)
}

// openRegular opens the regular file at name to read it. Anything else is
// refused before it is opened, since opening a FIFO waits for a writer and
// opening a device may do something, and again once it is open, in case it
// was put there in between (openLockable does not wait for a FIFO).
func openRegular(name string) (*os.File, os.FileInfo, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, nil, unwrapPath(err)
	}
	if !info.Mode().IsRegular() {
		return nil, nil, ErrNotRegular
	}
	f, err := openLockable(name)
	if err != nil {
		return nil, nil, unwrapPath(err)
	}
	if info, err = regular(f); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
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
	buf := make([]byte, 0, min(size+1, limit)) // +1: room to see the end
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

// sameBytes returns ErrChanged unless the file at path holds data. It
// reads the file once, and at most one byte more than data.
func sameBytes(path string, data []byte) error {
	got, err := Read(path, int64(len(data)))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return ErrChanged
	}
	return nil
}
