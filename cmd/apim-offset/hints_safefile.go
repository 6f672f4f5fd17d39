package main

import (
	"errors"
	"fmt"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// safefileHint is the hint for an error reading or replacing a file, from
// its kind; "" when there is none. The kinds are exclusive: an error has
// at most one.
func safefileHint(err error) string {
	var se *safefile.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch {
	case errors.Is(se, safefile.ErrChanged):
		return "another program wrote it at the same time; run again to change what it holds now"
	case errors.Is(se, safefile.ErrReadOnly):
		return "it is a read-only mount (a Kubernetes ConfigMap or Secret, a Docker volume with :ro): change the file where it comes from, or mount it read-write"
	case errors.Is(se, safefile.ErrPermission):
		return fmt.Sprintf("the file is replaced through a new file in %s, which needs write permission on that folder: run as its owner (sudo -u OWNER apim-offset ...) or as root", se.Dir)
	case errors.Is(se, safefile.ErrNoSpace):
		return "the disk (or your quota) is full: free some space and run again; the file was not changed"
	case errors.Is(se, safefile.ErrOwner):
		return "run as root, or as the file's owner (sudo -u OWNER apim-offset ...)"
	case errors.Is(se, safefile.ErrGroup):
		return "you own the file but are not a member of its group, which the new file must keep: run as root, or as a member of that group (sg GROUP apim-offset ...)"
	case errors.Is(se, safefile.ErrImmutable):
		return immutableHint(se)
	case errors.Is(se, safefile.ErrLockTimeout):
		return "run again once it has finished, or give --lock-timeout a longer wait"
	case errors.Is(se, safefile.ErrForeignLink):
		return fmt.Sprintf("check where it leads (ls -l %s); give --allow-foreign-link if it is meant, or run as the link's owner (sudo -u OWNER apim-offset ...)", se.Link)
	case errors.Is(se, safefile.ErrTorn):
		return "a run was killed while rewriting it in place: copy the backup named above over it, check it, and run again"
	case errors.Is(se, safefile.ErrMountPoint):
		return "mount its folder instead of the file, or make room for a backup next to it"
	case errors.Is(se, safefile.ErrNoBackup):
		return "make room for a backup next to it: a file rewritten in place is copied there first"
	case errors.Is(se, safefile.ErrRestoreFailed):
		return "copy the backup over the file"
	}
	return ""
}

// immutableHint names the flag that keeps even root from changing the file
// or its folder, and how to see and clear it.
func immutableHint(se *safefile.Error) string {
	what, flag := "immutable", "i"
	if se.Flag == "a" {
		what, flag = "append-only", "a"
	}
	if se.Dir != "" {
		return fmt.Sprintf("its folder %s is %s (chattr +%s): lsattr -d %s shows it; chattr -%s it first, or change the file where it comes from", se.Dir, what, flag, se.Dir, flag)
	}
	return fmt.Sprintf("the file is %s (chattr +%s): lsattr shows it; chattr -%s it first, or change it where it comes from", what, flag, flag)
}
