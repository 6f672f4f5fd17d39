package safefile

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"sync"
	"time"
)

// Budget bounds the reads of one home's files other than the one Open
// reads: bin/version.txt, updates/product.txt, a Helm chart's
// values.yaml, the start scripts in bin/, wso2carbon.pid, an MI's
// inbound endpoint XMLs, the .car archives of carbonapps/. Each file is
// read as Read reads one: a regular file only (a FIFO, a device or a
// socket is refused with ErrNotRegular before it is opened or waited
// for), opened in its folder without following a link at its name
// (O_NOFOLLOW, O_NONBLOCK) and checked once open (fstat); the path's
// links are checked as Open checks them (as root, ErrForeignLink).
//
// A file larger than the cap its reader gives is refused with
// ErrTooLarge, without reading it. The bytes every ReadFile returns count
// against the budget's total, ErrBudget once it is spent: 200 links to
// one 1 MiB start script cost 200 MiB to read, and a budget of 16 MiB
// stops at the 16th. The same file read twice counts twice: each read
// returns its own bytes. A failed read costs nothing.
//
// One Budget is meant for one home, made where the home is loaded and
// handed to whatever reads its files. It is safe for concurrent use.
//
//	b := safefile.NewBudget(16<<20, safefile.Options{Home: home})
//	data, err := b.ReadFile(filepath.Join(home, "bin", "version.txt"), 4<<10)
//	switch {
//	case errors.Is(err, safefile.ErrNotRegular): // a FIFO, a folder: skip it, say so
//	case errors.Is(err, safefile.ErrTooLarge):   // not a version.txt
//	case errors.Is(err, safefile.ErrBudget):     // stop reading this home, say so
//	}
//
// A .car archive is a zip: read it whole, then zip.NewReader(bytes.NewReader(data), int64(len(data))),
// and bound what is uncompressed as well.
type Budget struct {
	opt Options // Home and AllowForeignLink

	mu    sync.Mutex
	total int64
	left  int64
}

// NewBudget returns a budget of total bytes for reads with opt's Home and
// AllowForeignLink (its other fields are not used).
func NewBudget(total int64, opt Options) *Budget {
	return &Budget{opt: opt, total: total, left: total}
}

// Left is how many bytes the budget has left.
func (b *Budget) Left() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.left
}

// charge takes n bytes from the budget, or reports false if it has fewer.
func (b *Budget) charge(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

func (b *Budget) refund(n int64) {
	b.mu.Lock()
	b.left += n
	b.mu.Unlock()
}

// ReadFile reads the regular file at path, of at most max bytes, as the
// type's comment says. The errors are *Error with Kind ErrTooLarge,
// ErrBudget or ErrForeignLink, ErrNotRegular, or the system's (a missing
// file: errors.Is(err, fs.ErrNotExist)).
func (b *Budget) ReadFile(path string, max int64) ([]byte, error) {
	return b.read(path, max, false)
}

// ReadHead is ReadFile for a file whose first max bytes are enough (a
// start script read for the -D settings it makes): a larger one gives its
// first max bytes, which the budget is charged, instead of ErrTooLarge.
func (b *Budget) ReadHead(path string, max int64) ([]byte, error) {
	return b.read(path, max, true)
}

func (b *Budget) read(path string, max int64, head bool) ([]byte, error) {
	f, info, err := openRead(path, b.opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := info.Size()
	if size > max && head {
		size = max
	} else if size > max {
		return nil, tooLarge(max)
	}
	// The size fstat gave is taken from the budget before a byte is
	// held; more as more is read, if the file grows while it is read, or
	// stat does not tell its size (/proc).
	if !b.charge(size) {
		return nil, b.spent()
	}
	held := size
	buf := make([]byte, 0, size+1) // +1: room to see the end
	for {
		if int64(len(buf)) > max && head {
			buf = buf[:max] // the rest of what is held is refunded below
			break
		}
		if int64(len(buf)) > max {
			b.refund(held)
			return nil, tooLarge(max)
		}
		if len(buf) == cap(buf) {
			grow := min(int64(len(buf))+4096, max+1-int64(len(buf)))
			buf = append(buf, make([]byte, grow)...)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if more := int64(len(buf)) - held; more > 0 {
			if !b.charge(more) {
				b.refund(held)
				return nil, b.spent()
			}
			held += more
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			b.refund(held)
			return nil, unwrapPath(err)
		}
	}
	b.refund(held - int64(len(buf)))
	return buf, nil
}

func tooLarge(max int64) error {
	return &Error{Msg: fmt.Sprintf("the file is larger than %d bytes, the most read of it", max), Kind: ErrTooLarge}
}

func (b *Budget) spent() error {
	return &Error{Msg: fmt.Sprintf("reading the file would take what is read of this home past %d bytes", b.total), Kind: ErrBudget}
}

// FS is the folder root as an fs.FS whose files are read with ReadFile,
// each up to max bytes, for code written against fs.FS
// (wso2.DetectVersion reads bin/version.txt with fs.ReadFile). Only
// files can be opened: a folder is refused with ErrNotRegular.
func (b *Budget) FS(root string, max int64) fs.FS { return budgetFS{b, root, max} }

type budgetFS struct {
	b    *Budget
	root string
	max  int64
}

// ReadFile makes fs.ReadFile read through the budget.
func (f budgetFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	data, err := f.b.ReadFile(filepath.Join(f.root, filepath.FromSlash(name)), f.max)
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	return data, nil
}

func (f budgetFS) Open(name string) (fs.File, error) {
	data, err := f.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), name: path.Base(name), size: int64(len(data))}, nil
}

// memFile is a file ReadFile read, as an fs.File.
type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m, nil }
func (m *memFile) Close() error               { return nil }
func (m *memFile) Name() string               { return m.name }
func (m *memFile) Size() int64                { return m.size }
func (m *memFile) Mode() fs.FileMode          { return 0o444 }
func (m *memFile) ModTime() time.Time         { return time.Time{} }
func (m *memFile) IsDir() bool                { return false }
func (m *memFile) Sys() any                   { return nil }
