//go:build unix && !linux

package safefile

// renameNoReplace renames oldname to newname in the folder open as dirfd,
// unless newname exists (EEXIST): a hard link, which fails if the name
// exists, and an unlink.
func renameNoReplace(dirfd int, oldname, newname string) error {
	return linkRename(dirfd, oldname, newname)
}
