package safefile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames oldname to newname in the folder open as dirfd,
// unless newname exists (EEXIST). A file system without RENAME_NOREPLACE
// gets a hard link and an unlink instead.
func renameNoReplace(dirfd int, oldname, newname string) error {
	err := unix.Renameat2(dirfd, oldname, dirfd, newname, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return linkRename(dirfd, oldname, newname)
	}
	return err
}
