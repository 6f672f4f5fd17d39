package safefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// serviceHome makes a product home owned by user nobody, as a service
// account owns /opt/wso2am, with repository/conf/deployment.toml in it;
// root runs the tests on it, as provisioning does. (Run as another user,
// the home is that user's: the swaps still test the seam.) It returns
// the home and the file's path.
func serviceHome(t *testing.T) (home, path string) {
	t.Helper()
	home = t.TempDir()
	conf := filepath.Join(home, "repository", "conf")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	path = write(t, conf, "deployment.toml", oldBytes, 0o644)
	for _, p := range []string{home, filepath.Join(home, "repository"), conf, path} {
		if err := os.Chown(p, nobody, nobody); err != nil && os.Geteuid() == 0 {
			t.Fatal(err)
		}
	}
	return home, path
}

// secret makes a file only root may read, outside the home, as
// /etc/shadow is.
func secret(t *testing.T) string {
	t.Helper()
	return write(t, t.TempDir(), "shadow", "root:$6$SECRET-HASH:19000:0:99999:7:::\n", 0o600)
}

// linkAs makes link a symbolic link to target owned by uid, as that user
// would make it; run as another user than root, it is that user's.
func linkAs(t *testing.T, target, link string, uid int) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(link, uid, uid); err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
}

// TestRootRefusesServiceUsersLink: as root, a deployment.toml that the
// service account made a symbolic link to /etc/shadow is refused before
// it is read: Open and Read say whose link it is and where it leads, and
// nothing of the file shows.
func TestRootRefusesServiceUsersLink(t *testing.T) {
	needRoot(t)
	_, path := serviceHome(t)
	shadow := secret(t)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	linkAs(t, shadow, path, nobody)
	f, err := safefile.Open(path, safefile.Options{})
	if err == nil {
		t.Errorf("Open followed nobody's link and read %q", f.Data)
		f.Close()
	}
	_, rerr := safefile.Read(path, 1<<20)
	for what, err := range map[string]error{"Open": err, "Read": rerr} {
		if !errors.Is(err, safefile.ErrForeignLink) {
			t.Errorf("%s: %v, want ErrForeignLink", what, err)
			continue
		}
		for _, want := range []string{"user nobody (uid 65534)", shadow, "AllowForeignLink"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q does not say %q", what, err, want)
			}
		}
		if link, target, uid := linkErr(err); link != path || target != shadow || uid != nobody {
			t.Errorf("%s: Link %q Target %q UID %d", what, link, target, uid)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: the error shows the file's bytes: %v", what, err)
		}
	}
}

// TestRootRefusesServiceUsersFolderLink: the link can be a folder on the
// way, repository/conf made a link to /etc by the service account.
func TestRootRefusesServiceUsersFolderLink(t *testing.T) {
	needRoot(t)
	home, _ := serviceHome(t)
	elsewhere := t.TempDir()
	write(t, elsewhere, "deployment.toml", "[server]\n#root's own\n", 0o600)
	conf := filepath.Join(home, "repository", "conf")
	if err := os.RemoveAll(conf); err != nil {
		t.Fatal(err)
	}
	linkAs(t, elsewhere, conf, nobody)
	f, err := safefile.Open(filepath.Join(conf, "deployment.toml"), safefile.Options{})
	if err == nil {
		f.Close()
	}
	if link, _, _ := linkErr(err); !errors.Is(err, safefile.ErrForeignLink) || link != conf {
		t.Errorf("Open: %v, want ErrForeignLink for %s", err, conf)
	}
}

// TestInPlaceLinkSwap: a file with a hard link is rewritten in place. The
// service account swaps it for a symbolic link to /etc/shadow after the
// backup is made, just before root opens it to write: root must not write
// through the link. Nothing is written, and shadow is as it was.
func TestInPlaceLinkSwap(t *testing.T) {
	home, path := serviceHome(t)
	if err := os.Link(path, filepath.Join(home, "repository", "conf", "other.toml")); err != nil {
		t.Fatal(err)
	}
	shadow := secret(t)
	before := readFile(t, shadow)
	swapped := false
	fs := &hookFS{FS: safefile.OS, at: func(op, name string, _ func()) {
		if op == "open" && kind(name) == "target" && !swapped {
			swapped = true
			if err := os.Rename(path, path+".moved"); err != nil {
				t.Error(err)
			}
			linkAs(t, shadow, path, nobody)
		}
	}}
	f := openWith(t, path, fs)
	res, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{Backup: true})
	f.Close()
	if !swapped {
		t.Fatal("the file was never opened to be written in place")
	}
	if got := readFile(t, shadow); got != before {
		t.Fatalf("root wrote through the link swapped in: shadow holds %.40q", got)
	}
	if err == nil || !errors.Is(err, safefile.ErrChanged) {
		t.Errorf("Replace: %+v, %v; want ErrChanged", res, err)
	}
	if got := readFile(t, path+".moved"); got != oldBytes {
		t.Errorf("the file was changed")
	}
}

// TestFolderSwap: while root replaces the file, the service account
// renames the folder it is in and puts a symbolic link to another folder
// (one only root may write) at its name. Root must not create, rename or
// chown anything in that folder: the temporary file, the backup and the
// rename stay in the folder Open opened.
func TestFolderSwap(t *testing.T) {
	_, path := serviceHome(t)
	conf := filepath.Dir(path)
	victim := t.TempDir() // /etc, say
	write(t, victim, "passwd", "root:x:0:0::/root:/bin/sh\n", 0o644)
	swapped := false
	fs := &hookFS{FS: safefile.OS, at: func(op, name string, _ func()) {
		if op == "create" && !swapped {
			swapped = true
			if err := os.Rename(conf, conf+".moved"); err != nil {
				t.Error(err)
			}
			linkAs(t, victim, conf, nobody)
		}
	}}
	f := openWith(t, path, fs)
	_, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{Backup: true})
	f.Close()
	if !swapped {
		t.Fatal("no file was created")
	}
	holds(t, victim, "passwd")
	if err != nil {
		t.Fatal(err)
	}
	// Replaced where Open read it, in the folder now named conf.moved.
	if got := readFile(t, filepath.Join(conf+".moved", "deployment.toml")); got != newBytes {
		t.Errorf("the file opened was not replaced")
	}
}

// TestCommitTimeOwnerAndMode: while the question waits (after Unlock),
// the file's owner runs chmod and chown. Replace gives the new file the
// mode, owner and group the file has then, not those Open saw.
func TestCommitTimeOwnerAndMode(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o644)
	if err := os.Chown(path, 802, 802); err != nil {
		t.Fatal(err)
	}
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	f.Unlock()
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{Backup: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".bak"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Perm() != 0o600 || st.Uid != nobody || st.Gid != nobody {
			t.Errorf("%s: mode %v owner %d:%d, want 0600 %d:%d as the file had when written", filepath.Base(p), fi.Mode().Perm(), st.Uid, st.Gid, nobody, nobody)
		}
	}
}

// TestCommitTimeModePrepared: the same with Prepare, whose temporary file
// was made with the mode of the moment: a chmod after it is kept.
func TestCommitTimeModePrepared(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o644)
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Prepare([]byte(newBytes)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600, set after Prepare", fi.Mode().Perm())
	}
	holds(t, dir, "deployment.toml")
}

// TestFolderSwapDuringQuestion: the swap made while the question waits
// (after Unlock): Replace finds the path leading elsewhere and refuses,
// writing nothing there nor in the folder Open read.
func TestFolderSwapDuringQuestion(t *testing.T) {
	_, path := serviceHome(t)
	conf := filepath.Dir(path)
	victim := t.TempDir()
	write(t, victim, "deployment.toml", oldBytes, 0o644)
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	f.Unlock()
	if err := os.Rename(conf, conf+".moved"); err != nil {
		t.Fatal(err)
	}
	linkAs(t, victim, conf, nobody)
	_, err = f.Replace([]byte(newBytes), safefile.ReplaceOptions{Backup: true})
	if !errors.Is(err, safefile.ErrChanged) && !errors.Is(err, safefile.ErrForeignLink) {
		t.Errorf("Replace: %v, want ErrChanged, or ErrForeignLink as root", err)
	}
	holds(t, victim, "deployment.toml")
	if got := readFile(t, filepath.Join(victim, "deployment.toml")); got != oldBytes {
		t.Errorf("the other folder's file was written")
	}
	holds(t, conf+".moved", "deployment.toml")
}

// TestRootRefusesHardLinkedRootFile: where fs.protected_hardlinks is off,
// the service account can hard-link /etc/shadow into its home as
// deployment.toml. A file with two links is rewritten in place, so root
// would write into shadow. As root, a file with hard links that its
// folder's owner does not own is refused before it is read.
func TestRootRefusesHardLinkedRootFile(t *testing.T) {
	needRoot(t)
	_, path := serviceHome(t)
	shadowDir := t.TempDir()
	shadow := write(t, shadowDir, "shadow", "root:$6$SECRET-HASH:19000:0:99999:7:::\n", 0o600)
	before := readFile(t, shadow)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(shadow, path); err != nil {
		t.Skipf("cannot hard-link across these folders: %v", err)
	}
	f, err := safefile.Open(path, safefile.Options{})
	if err == nil {
		_, err = f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
		f.Close()
		t.Errorf("Open read root's file through the service account's hard link")
	}
	if !errors.Is(err, safefile.ErrForeignLink) || !strings.Contains(err.Error(), "2 hard links and is owned by user root (uid 0), not by user nobody (uid 65534)") {
		t.Errorf("Open: %v, want ErrForeignLink for the hard link", err)
	}
	if got := readFile(t, shadow); got != before {
		t.Fatalf("root wrote into shadow through the hard link: %.40q", got)
	}
	if _, err := safefile.Read(path, 1<<20); !errors.Is(err, safefile.ErrForeignLink) {
		t.Errorf("Read: %v, want ErrForeignLink", err)
	}
}
