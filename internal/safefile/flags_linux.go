package safefile

import (
	"golang.org/x/sys/unix"
)

// The inode flags of linux/fs.h that chattr +i and +a set.
const (
	immutableFL = 0x00000010 // FS_IMMUTABLE_FL
	appendFL    = 0x00000020 // FS_APPEND_FL
)

// fdFlag returns "i" when the file or folder open as fd has the immutable
// flag, "a" when it has the append-only flag, and "" when it has neither
// or they cannot be read (a file system without them).
func fdFlag(fd int) string {
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	switch {
	case err != nil:
		return ""
	case flags&immutableFL != 0:
		return "i"
	case flags&appendFL != 0:
		return "a"
	}
	return ""
}

// flag is the folder's immutable or append-only flag, or "".
func (d *Dir) flag() string { return fdFlag(d.fd) }

// mountPointAt reports whether name in d is the root of a mount: a file
// bind-mounted on its own, which rename cannot replace. statx says so
// since Linux 5.8; before, a device other than its folder's does.
func mountPointAt(d *Dir, name string) bool {
	var stx unix.Statx_t
	if err := unix.Statx(d.fd, name, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_INO, &stx); err == nil && stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 {
		return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
	}
	var st, dst unix.Stat_t
	if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || unix.Fstat(d.fd, &dst) != nil {
		return false
	}
	return st.Dev != dst.Dev
}
