//go:build !linux

package safefile

// xattrs finds none: extended attributes are copied on Linux only;
// elsewhere the new file has what its folder gives it (on Windows, the
// folder's inheritable ACL).
func xattrs(int) ([]xattr, error) { return nil, nil }

func setXattrs(int, []xattr) error { return nil }
