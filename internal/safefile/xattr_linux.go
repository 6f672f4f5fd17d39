package safefile

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// xattrs returns the extended attributes of the file open as fd that this
// process can see, by name. A file system without them has none.
func xattrs(fd int) ([]xattr, error) {
	names, err := listXattrs(fd)
	if err != nil || len(names) == 0 {
		return nil, err
	}
	var out []xattr
	for _, name := range names {
		value, err := getXattr(fd, name)
		if errors.Is(err, unix.ENODATA) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, &xattrError{name: name, op: "read", err: err}
		}
		out = append(out, xattr{name, value})
	}
	return out, nil
}

// listXattrs lists the names of fd's extended attributes, sorted.
func listXattrs(fd int) ([]string, error) {
	buf, err := sized(func(b []byte) (int, error) { return unix.Flistxattr(fd, b) })
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range strings.Split(string(buf), "\x00") {
		if n != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

func getXattr(fd int, name string) ([]byte, error) {
	return sized(func(b []byte) (int, error) { return unix.Fgetxattr(fd, name, b) })
}

// sized calls get with a nil buffer for the size, then with a buffer of
// that size, again while the value grows in between (ERANGE).
func sized(get func([]byte) (int, error)) ([]byte, error) {
	for {
		n, err := get(nil)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return []byte{}, nil
		}
		buf := make([]byte, n)
		n, err = get(buf)
		if errors.Is(err, syscall.ERANGE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:n], nil
	}
}

// setXattrs gives the file open as fd exactly attrs: it sets those it does
// not have with the same value, then removes those attrs does not have (a
// folder's default ACL makes a new file inherit one). It goes on past a
// failure and returns the first.
func setXattrs(fd int, attrs []xattr) error {
	have, err := xattrs(fd)
	if err != nil {
		return err
	}
	var first error
	fail := func(name, op string, err error) {
		if first == nil {
			first = &xattrError{name: name, op: op, err: err}
		}
	}
	for _, a := range attrs {
		i := slices.IndexFunc(have, func(h xattr) bool { return h.name == a.name })
		if i >= 0 && bytes.Equal(have[i].value, a.value) {
			continue
		}
		if err := unix.Fsetxattr(fd, a.name, a.value, 0); err != nil {
			fail(a.name, "set", err)
		}
	}
	for _, h := range have {
		if !slices.ContainsFunc(attrs, func(a xattr) bool { return a.name == h.name }) {
			if err := unix.Fremovexattr(fd, h.name); err != nil && !errors.Is(err, unix.ENODATA) {
				fail(h.name, "remove", err)
			}
		}
	}
	return first
}
