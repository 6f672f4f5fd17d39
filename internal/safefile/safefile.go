// Package safefile reads and replaces a configuration file the way an
// unattended run on a shared machine needs.
//
//   - Open follows symbolic links (a Kubernetes ConfigMap mount is one), locks
//     the file itself (no lock file is left anywhere) and reads it. The lock is
//     held until Close, so two runs on the same file take turns: the second
//     reads what the first wrote, and no update is lost. Options.LockTimeout
//     bounds the wait. Unlock lets others in while this run waits (for an
//     answer); Replace then takes the lock again.
//   - Check tells beforehand whether Replace can write, with the error it
//     would fail with.
//   - Replace refuses when the file changed since Open (another program
//     wrote it), writes a temporary file in the same folder with the file's
//     owner, group and permission bits, syncs it, renames it over the file
//     and syncs the folder. A reader, or a crash at any point, sees the old
//     bytes or the new ones. On any failure the temporary file is removed and
//     the file is untouched.
//   - Every file Replace makes, renames, removes or writes in place is
//     named relative to the file's folder, opened once by Open (openat,
//     renameat, unlinkat, fstatat, never following a link at the name):
//     a folder on the path swapped for a symbolic link while a question
//     waits cannot send a write elsewhere.
//   - Run as root, Open and Read refuse a path that goes through a
//     symbolic link another user owns, or whose links lead out of
//     Options.Home, or a file with hard links that its folder's owner does
//     not own, before reading anything (ErrForeignLink), unless
//     Options.AllowForeignLink: root on a service account's home must not
//     read or write /etc/shadow because the account made a link to it.
//   - The new file gets the owner, group and mode the file has when it is
//     replaced: a chmod or chown made while a question waited is kept.
//   - A file that cannot be renamed over because it is a mount point (a
//     single file bind-mounted into a container: EBUSY) is rewritten in
//     place instead, after a backup that has been read back and compared,
//     through a descriptor checked to be the very file locked. The bytes
//     are written in an order (inPlace.go's ordered) that leaves, if the
//     run is killed, the old bytes, the new, or a file beginning with a
//     NUL byte that no TOML reader takes and the next Open refuses
//     (ErrTorn): never a mix that reads as a value.
//   - A file with more than one hard link is rewritten in place the same
//     way, so that all its names keep showing the same file.
//   - A backup is written under a temporary name, synced, read back and
//     only then renamed to NAME.bak, never over another: a kill never
//     leaves an empty or partial NAME.bak.
//   - The new file gets every extended attribute the old one had, its POSIX
//     ACL (system.posix_acl_access) and SELinux label (security.selinux)
//     among them, and loses any it inherited that the old one did not have
//     (a folder's default ACL). Where that cannot be done (a security.*
//     attribute without the privilege to set it), the file is rewritten in
//     place, which keeps them all; Result.Reason says why. Attributes the
//     user cannot read (trusted.* for any user but root) cannot be seen,
//     so they are kept only in place.
//   - A temporary file left by a run that was killed is removed by the next
//     Open: while the lock is held, no other run can be writing one. Its
//     name, and a backup's, fit NAME_MAX (255 bytes) however long the
//     file's name is.
//   - Only a regular file is opened: a FIFO, a device or a socket at the
//     path is refused before anything could block on it.
//   - A Budget reads a home's other files (version.txt, start scripts,
//     inbound XMLs, ...) the way Read does, each to its own cap and all of
//     them to one total.
//   - A run that waits for the lock, or gives up, is told who holds it
//     (Holder: PID, user, command line).
//
// # Files
//
// lock.go opens and locks (lock_unix.go, lock_windows.go, lock_other.go per
// platform; holder.go and holder_linux.go find who holds a lock),
// resolve.go follows and checks links, dir_unix.go (dir_other.go) opens the
// folder and makes every call relative to it, read.go reads, budget.go
// bounds the reads of a home, stale.go removes what killed runs left,
// names.go names temporary files and backups, pending.go writes a new file
// next to the target, xattr_linux.go gives it the old one's extended
// attributes, replace.go renames it over the target, backup.go keeps the
// old bytes, inplace.go rewrites a mount point or a file with hard links,
// and check.go tells beforehand whether Replace can write (flags_linux.go
// reads the immutable and append-only flags).
//
// # Errors
//
// The errors name no file: the caller prints the path first. A failure an
// operator can act on is an *Error whose Kind is one of the sentinels below
// (test with errors.Is); what to tell the operator is the caller's to say.
//
// The calls that write go through FS, relative to a Dir, so that tests can
// make any of them fail, kill the run at any of them, or swap a file for
// a link just before one.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Error is a failure to read or replace the file.
type Error struct {
	Msg  string // what failed
	Kind error  // one of the sentinels below, or nil
	// Dir is the folder the file is replaced through; set with
	// ErrPermission, and with ErrImmutable when the folder has the flag.
	Dir string
	// PID is the process that holds the lock, with ErrLockTimeout; 0 when
	// the system does not tell. Holder says more of it.
	PID    int
	Holder Holder
	// Link is the symbolic link refused, Target the file it leads to and
	// UID its owner, with ErrForeignLink.
	Link, Target string
	UID          int
	// Flag is "i" (immutable) or "a" (append-only), with ErrImmutable.
	Flag string
	Err  error // the cause
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// The kinds of Error.
var (
	// ErrChanged: the file is no longer what Open read (another program
	// wrote it); nothing was written.
	ErrChanged = errors.New("the file changed since it was read")
	// ErrReadOnly: the file is on a read-only file system.
	ErrReadOnly = errors.New("read-only file system")
	// ErrPermission: no permission to make or rename a file in Dir, the
	// file's folder.
	ErrPermission = errors.New("no write permission on the folder")
	// ErrNoSpace: the disk or the user's quota is full.
	ErrNoSpace = errors.New("no space left")
	// ErrOwner: the new file could not be given the old one's owner (only
	// root may).
	ErrOwner = errors.New("cannot keep the file's owner")
	// ErrGroup: the new file has the old one's owner, the user's, but could
	// not be given its group: the owner may give only the groups it is a
	// member of.
	ErrGroup = errors.New("cannot keep the file's group")
	// ErrImmutable: the file, or the folder it is replaced through (Dir
	// set), has the immutable or append-only flag (chattr +i, +a; Flag
	// says which), which even root must clear before changing it.
	ErrImmutable = errors.New("immutable file")
	// ErrLockTimeout: another process held the file's lock longer than
	// Options.LockTimeout; PID names it when known.
	ErrLockTimeout = errors.New("timed out waiting for the file's lock")
	// ErrMountPoint: the file is a mount point, so it can only be
	// rewritten in place, and no backup could be made to do that safely;
	// nothing was written.
	ErrMountPoint = errors.New("mount point without a backup")
	// ErrNoBackup: the file can only be rewritten in place, as it has
	// hard links or an extended attribute a new file cannot be given, and
	// no backup could be made to do that safely; nothing was written.
	ErrNoBackup = errors.New("must be rewritten in place, without a backup")
	// ErrForeignLink: running as root, the path goes through a symbolic
	// link another user owns, or one that leads out of Options.Home;
	// Link, Target and UID say which. Nothing was read.
	// Options.AllowForeignLink follows it.
	ErrForeignLink = errors.New("symbolic link not followed as root")
	// ErrTorn: the file begins with a NUL byte, which is how an in-place
	// rewrite leaves it while it writes: a run was killed in the middle of
	// one. Its old bytes are in the newest backup beside it (NAME.bak*).
	ErrTorn = errors.New("the file was left half rewritten")
	// ErrTooLarge: a file is larger than the cap its reader gave; nothing
	// of it is returned.
	ErrTooLarge = errors.New("file too large")
	// ErrBudget: the reads of one Budget together would go past its total;
	// nothing of the file is returned.
	ErrBudget = errors.New("read budget spent")
	// ErrRestoreFailed: rewriting the file in place failed, and so did
	// putting its old bytes back; the backup holds them.
	ErrRestoreFailed = errors.New("the file could not be restored")
)

// ErrNotRegular is returned by Open and Read for a folder, a device or any
// other file that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// tempInfix marks the temporary files Replace makes: ".NAME.apim-offset-*".
const tempInfix = ".apim-offset-"

// cannot wraps err from doing what, with the Kind of the causes an
// operator can act on.
func (f *File) cannot(what string, err error) error {
	err = unwrapPath(err)
	e := &Error{Msg: "cannot " + what, Err: err}
	if errors.Is(err, syscall.EPERM) {
		if ie := f.immutable(); ie != nil {
			ie.Msg += "; cannot " + what
			ie.Err = err
			return ie
		}
	}
	switch {
	case errors.Is(err, syscall.EROFS):
		e.Msg = "the file is on a read-only file system; cannot " + what
		e.Kind = ErrReadOnly
	case errors.Is(err, fs.ErrPermission):
		e.Kind, e.Dir = ErrPermission, filepath.Dir(f.Target)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		e.Kind = ErrNoSpace
	}
	return e
}

// unwrapPath drops the *fs.PathError or *os.LinkError around err: the
// message err goes into names the file, and says what was being done.
// Reading a file or a link is the exception, which no message here names:
// its operation stays, as in "read: input/output error".
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if pe.Op == "read" || pe.Op == "readlink" {
			return fmt.Errorf("%s: %w", pe.Op, pe.Err)
		}
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
