package safefile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Link is a symbolic link followed on the way to a file.
type Link struct {
	Path   string // the link
	Target string // what it holds, as readlink gives it
	UID    int    // its owner
}

// maxLinks is how many links a path may go through, as Linux's MAXSYMLINKS.
const maxLinks = 40

// resolve follows path's symbolic links, component by component as the
// kernel does, and returns the path of the file at its end (which need
// not exist) and every link it went through.
//
// A relative path gives a relative result, as filepath.EvalSymlinks
// does, unless a link on the way is absolute or the working folder's own
// path goes through a link (where ".." would not lead back).
func resolve(path string) (string, []Link, error) {
	if filepath.IsAbs(path) {
		target, links, _, err := resolveAbs(path)
		return target, links, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	target, links, sawAbs, err := resolveAbs(filepath.Join(wd, path))
	if err != nil || sawAbs {
		return target, links, err
	}
	if physical, _, _, err := resolveAbs(wd); err == nil && physical == wd {
		if r, err := filepath.Rel(wd, target); err == nil {
			target = r
		}
	}
	return target, links, nil
}

// resolveAbs is resolve for an absolute path; sawAbs tells whether a link
// on the way held an absolute path.
func resolveAbs(abs string) (target string, links []Link, sawAbs bool, err error) {
	path := abs
	vol := filepath.VolumeName(abs)
	cur := vol + string(filepath.Separator)
	todo := split(abs[len(vol):])
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		info, err := os.Lstat(next)
		if err != nil {
			if len(todo) == 0 {
				return next, links, sawAbs, err
			}
			return "", nil, false, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if len(links) == maxLinks {
			return "", nil, false, &os.PathError{Op: "open", Path: path, Err: syscall.ELOOP}
		}
		dest, err := os.Readlink(next)
		if err != nil {
			return "", nil, false, err
		}
		uid, _, _ := owner(info)
		links = append(links, Link{Path: next, Target: dest, UID: uid})
		if filepath.IsAbs(dest) {
			sawAbs = true
			v := filepath.VolumeName(dest)
			cur, dest = v+string(filepath.Separator), dest[len(v):]
		}
		todo = append(split(dest), todo...)
	}
	return cur, links, sawAbs, nil
}

func split(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return os.IsPathSeparator(uint8(r)) })
}

// within tells whether path is dir or inside it; both are clean and
// absolute.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// euid is the effective user; a variable for tests.
var euid = os.Geteuid

// checkLinks refuses, when run as root, a path that goes through a
// symbolic link another user owns, or whose link leads out of opt.Home,
// unless opt.AllowForeignLink: such a link is the other user's to point
// anywhere, /etc/shadow included, and root would read and write there.
func checkLinks(target string, links []Link, opt Options) error {
	if euid() != 0 || opt.AllowForeignLink || len(links) == 0 {
		return nil
	}
	target, err := filepath.Abs(target)
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.UID != 0 {
			return foreignLink(l, target, fmt.Sprintf("owned by %s", userName(l.UID)), "")
		}
	}
	if opt.Home == "" {
		return nil
	}
	home, _, err := resolve(opt.Home)
	if err == nil {
		home, err = filepath.Abs(home)
	}
	if err != nil {
		return &Error{Msg: "cannot resolve the home " + opt.Home, Err: unwrapPath(err)}
	}
	if !within(target, home) {
		return foreignLink(links[len(links)-1], target, "", home)
	}
	return nil
}

// foreignLink is the error for link l on the way to target: owned by
// another user (owned says by whom) or leading out of home.
func foreignLink(l Link, target, owned, home string) *Error {
	why := owned
	if home != "" {
		why = "leading out of the home " + home
	}
	return &Error{
		Msg: fmt.Sprintf("%s is a symbolic link %s, to %s (%s): running as root, apim-offset does not follow it, which would read and write where its owner points; allow it with AllowForeignLink",
			l.Path, why, target, l.Target),
		Kind: ErrForeignLink, Link: l.Path, Target: target, UID: l.UID,
	}
}

// checkHardLink refuses, when run as root, a file with more than one hard
// link that is not owned by its folder's owner, unless
// opt.AllowForeignLink: the folder's owner may have linked another's file
// there (/etc/shadow, where fs.protected_hardlinks is off), and a file
// with hard links is rewritten in place, through the link.
func checkHardLink(d *Dir, name string, info os.FileInfo, opt Options) error {
	if euid() != 0 || opt.AllowForeignLink || links(info) < 2 {
		return nil
	}
	uid, _, ok := owner(info)
	duid, dok := d.owner()
	if !ok || !dok || uid == duid {
		return nil
	}
	return &Error{
		Msg: fmt.Sprintf("%s has %d hard links and is owned by %s, not by %s, who owns its folder: running as root, apim-offset does not read or rewrite it, as the folder's owner may have linked another user's file there; allow it with AllowForeignLink",
			d.join(name), links(info), userName(uid), userName(duid)),
		Kind: ErrForeignLink, Link: d.join(name), Target: d.join(name), UID: uid,
	}
}
