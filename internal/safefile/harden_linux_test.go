//go:build linux

package safefile_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/google/go-cmp/cmp"
)

// holdLock starts this test binary as a child that locks path, and returns
// its PID once it holds the lock; the lock goes when the test ends.
func holdLock(t *testing.T, path string) int {
	t.Helper()
	return startHolder(t, exec.Command(os.Args[0]), path)
}

// startHolder starts cmd, this test binary, as a child that locks path,
// and returns its PID once it holds the lock; closing its stdin when the
// test ends releases it.
func startHolder(t *testing.T, cmd *exec.Cmd, path string) int {
	t.Helper()
	cmd.Env = append(os.Environ(), "SAFEFILE_HOLD="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("the child holding the lock says %q (%v)", line, err)
	}
	return cmd.Process.Pid
}

// TestLockTimeout: another process holds the lock; Open with a timeout
// gives up after about that long, naming the process.
func TestLockTimeout(t *testing.T) {
	path := write(t, t.TempDir(), "deployment.toml", "old", 0o644)
	pid := holdLock(t, path)
	waited := 0
	start := time.Now()
	f, err := safefile.Open(path, safefile.Options{LockTimeout: 200 * time.Millisecond, Waiting: func() { waited++ }})
	took := time.Since(start)
	if err == nil {
		f.Close()
		t.Fatal("Open took the lock another process holds")
	}
	var e *safefile.Error
	if !errors.Is(err, safefile.ErrLockTimeout) || !errors.As(err, &e) || e.PID != pid {
		t.Errorf("error %v (%#v), want ErrLockTimeout naming pid %d", err, e, pid)
	}
	me, _ := user.Current()
	if want := fmt.Sprintf("process %d holds the file's lock (%s, user %s)", pid, os.Args[0], me.Username); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if took < 200*time.Millisecond || took > time.Second {
		t.Errorf("Open gave up after %v, want about 200ms", took)
	}
	if waited != 1 {
		t.Errorf("Waiting called %d times, want once", waited)
	}
	t.Logf("gave up after %v", took)
}

// TestLockTimeoutReleased: a lock released before the timeout is taken.
func TestLockTimeoutReleased(t *testing.T) {
	path := write(t, t.TempDir(), "deployment.toml", "old", 0o644)
	first, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, func() { first.Close() })
	f, err := safefile.Open(path, safefile.Options{LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestUnlock: a run that unlocked the file while it asked a question
// lets another run change it, and then refuses to write over that change;
// unchanged, it writes.
func TestUnlock(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", "old", 0o644)
	first, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	// Another run neither waits nor fails: the lock is free.
	if _, err := replaceWithin(path, "theirs", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	_, err = first.Replace([]byte("mine"), safefile.ReplaceOptions{Backup: true})
	first.Close()
	if !errors.Is(err, safefile.ErrChanged) {
		t.Errorf("Replace after Unlock over another run's change: %v, want ErrChanged", err)
	}
	if got := readFile(t, path); got != "theirs" {
		t.Errorf("the file holds %q, want the other run's bytes", got)
	}
	holds(t, dir, "deployment.toml")

	// Unchanged since Open: Replace takes the lock again and writes, and
	// holds the lock until Close.
	again, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again.Unlock()
	if _, err := again.Replace([]byte("mine"), safefile.ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	again.Close()
	if got := readFile(t, path); got != "mine" {
		t.Errorf("the file holds %q", got)
	}
	if _, err := again.Replace([]byte("late"), safefile.ReplaceOptions{}); err == nil {
		t.Errorf("Replace after Close wrote")
	}
}

// TestUnlockRelockTimesOut: Replace after Unlock waits for the lock no
// longer than Open would.
func TestUnlockRelockTimesOut(t *testing.T) {
	path := write(t, t.TempDir(), "deployment.toml", "old", 0o644)
	f, err := safefile.Open(path, safefile.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Unlock()
	pid := holdLock(t, path)
	_, err = f.Replace([]byte("new"), safefile.ReplaceOptions{})
	var e *safefile.Error
	if !errors.As(err, &e) || !errors.Is(err, safefile.ErrLockTimeout) || e.PID != pid {
		t.Errorf("Replace: %v, want ErrLockTimeout naming pid %d", err, pid)
	}
	if got := readFile(t, path); got != "old" {
		t.Errorf("the file holds %q", got)
	}
}

// replaceWithin opens path with a lock timeout and replaces it with data.
func replaceWithin(path, data string, timeout time.Duration) (safefile.Result, error) {
	f, err := safefile.Open(path, safefile.Options{LockTimeout: timeout})
	if err != nil {
		return safefile.Result{}, err
	}
	defer f.Close()
	return f.Replace([]byte(data), safefile.ReplaceOptions{})
}

// chattr sets a flag with chattr, skipping the test where the file system
// has none, and clears it when the test ends.
func chattr(t *testing.T, flag, path string) {
	t.Helper()
	needRoot(t)
	if _, err := exec.LookPath("chattr"); err != nil {
		t.Skip("no chattr (e2fsprogs)")
	}
	if out, err := exec.Command("chattr", "+"+flag, path).CombinedOutput(); err != nil {
		t.Skipf("chattr +%s does not work on this file system: %v: %s", flag, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-"+flag, path).Run() })
}

// TestImmutable: a file or folder with chattr +i or +a cannot be replaced,
// not even by root; Check says so before anything is written, and so does
// Replace.
func TestImmutable(t *testing.T) {
	for _, tt := range []struct {
		name, flag string
		folder     bool
		want       string
	}{
		{"immutable file", "i", false, "the file is immutable (chattr +i)"},
		{"append-only file", "a", false, "the file is append-only (chattr +a)"},
		{"immutable folder", "i", true, "is immutable (chattr +i)"},
		{"append-only folder", "a", true, "is append-only (chattr +a)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := write(t, dir, "deployment.toml", oldBytes, 0o644)
			wantDir := ""
			if tt.folder {
				wantDir = dir
				chattr(t, tt.flag, dir)
			} else {
				chattr(t, tt.flag, path)
			}
			f, err := safefile.Open(path, safefile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			checkErr := f.Check()
			_, replaceErr := f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
			for what, err := range map[string]error{"Check": checkErr, "Replace": replaceErr} {
				var e *safefile.Error
				if !errors.As(err, &e) || !errors.Is(err, safefile.ErrImmutable) || e.Flag != tt.flag || e.Dir != wantDir || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: %v (%+v), want ErrImmutable %q in %q", what, err, e, tt.flag, wantDir)
				}
				isKind(t, err, safefile.ErrImmutable, "")
			}
			if got := readFile(t, path); got != oldBytes {
				t.Errorf("the file changed")
			}
			holds(t, dir, "deployment.toml")
		})
	}
}

// check opens path and returns what Check says of it.
func check(t *testing.T, path string) error {
	t.Helper()
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.Check()
}

// TestCheckMounts: Check finds, writing nothing, a read-only mount of the
// folder or of the file alone, and nothing on a file Replace can write.
func TestCheckMounts(t *testing.T) {
	t.Run("writable", func(t *testing.T) {
		dir := t.TempDir()
		path := write(t, dir, "deployment.toml", oldBytes, 0o640)
		if err := check(t, path); err != nil {
			t.Error(err)
		}
		holds(t, dir, "deployment.toml")
	})
	t.Run("read-only folder", func(t *testing.T) {
		src, conf := t.TempDir(), t.TempDir()
		write(t, src, "deployment.toml", oldBytes, 0o644)
		mount(t, src, conf, true)
		err := check(t, filepath.Join(conf, "deployment.toml"))
		if !errors.Is(err, safefile.ErrReadOnly) {
			t.Errorf("Check: %v, want ErrReadOnly", err)
		}
	})
	t.Run("read-only file", func(t *testing.T) {
		host := write(t, t.TempDir(), "deployment.toml", oldBytes, 0o644)
		conf := t.TempDir()
		path := write(t, conf, "deployment.toml", "", 0o644)
		mount(t, host, path, true)
		err := check(t, path)
		if !errors.Is(err, safefile.ErrReadOnly) || !strings.Contains(err.Error(), "mount point") {
			t.Errorf("Check: %v, want ErrReadOnly for a mount point", err)
		}
		holds(t, conf, "deployment.toml")
	})
	t.Run("writable bind-mounted file", func(t *testing.T) {
		host := write(t, t.TempDir(), "deployment.toml", oldBytes, 0o644)
		conf := t.TempDir()
		path := write(t, conf, "deployment.toml", "", 0o644)
		mount(t, host, path, false)
		if err := check(t, path); err != nil {
			t.Errorf("Check: %v", err)
		}
		holds(t, conf, "deployment.toml")
	})
}

// TestCheckAsNobody: Check finds, writing nothing, what Replace would fail
// with for an unprivileged user: a folder it cannot write, an owner or a
// group it cannot give.
func TestCheckAsNobody(t *testing.T) {
	if os.Getenv("SAFEFILE_CHECK") != "" || os.Getenv("SAFEFILE_REPLACE") != "" {
		return
	}
	t.Run("folder not writable", func(t *testing.T) {
		needRoot(t)
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := write(t, dir, "deployment.toml", oldBytes, 0o666)
		out := asNobody(t, "SAFEFILE_CHECK="+path)
		if !strings.Contains(out, "cannot create a temporary file in "+dir+": permission denied\n") || !strings.Contains(out, "\nkind: "+safefile.ErrPermission.Error()+" in "+dir+"\n") {
			t.Errorf("as nobody: %s", out)
		}
		holds(t, dir, "deployment.toml")
	})
	for _, tt := range []struct {
		name     string
		uid, gid int
		kind     error
	}{
		{"another owner", 802, 803, safefile.ErrOwner},
		{"only another group", nobody, 803, safefile.ErrGroup},
	} {
		t.Run(tt.name, func(t *testing.T) {
			needRoot(t)
			dir := t.TempDir()
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			path := write(t, dir, "deployment.toml", oldBytes, 0o666)
			if err := os.Chown(path, tt.uid, tt.gid); err != nil {
				t.Fatal(err)
			}
			for _, op := range []string{"SAFEFILE_CHECK=", "SAFEFILE_REPLACE="} {
				out := asNobody(t, op+path)
				if !strings.Contains(out, "\nkind: "+tt.kind.Error()+" in \n") {
					t.Errorf("%s as nobody: %s", op, out)
				}
			}
			if got := readFile(t, path); got != oldBytes {
				t.Errorf("the file changed")
			}
			holds(t, dir, "deployment.toml")
		})
	}
}

// needTools skips the test without the commands named.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("no %s (apt-get install acl attr)", n)
		}
	}
}

// run runs a command and returns its output, failing the test on error.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// attrs is what getfacl and getfattr show of path, which they name FILE.
func attrs(t *testing.T, path string) string {
	t.Helper()
	out := run(t, "getfacl", "-c", "--absolute-names", path) + run(t, "getfattr", "-d", "-m", "-", "--absolute-names", path)
	return strings.ReplaceAll(out, path, "FILE")
}

// setfacl sets an ACL, skipping the test where the file system has none.
func setfacl(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("setfacl", args...).CombinedOutput(); err != nil {
		t.Skipf("no ACLs on this file system: %v: %s", err, out)
	}
}

// TestKeepsACLAndXattrs: a file puppet manages, readable by one more user
// through an ACL, keeps the ACL (its mask among it) and every extended
// attribute, and that user can still read it.
func TestKeepsACLAndXattrs(t *testing.T) {
	needRoot(t)
	needTools(t, "setfacl", "getfacl", "setfattr", "getfattr")
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} { // for nobody to read it
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := write(t, dir, "deployment.toml", oldBytes, 0o600)
	setfacl(t, "-m", "u:nobody:r", path)
	if out, err := exec.Command("setfattr", "-n", "user.origin", "-v", "puppet", path).CombinedOutput(); err != nil {
		t.Skipf("no user extended attributes on this file system: %v: %s", err, out)
	}
	before := attrs(t, path)
	if !strings.Contains(before, "user:nobody:r--") || !strings.Contains(before, `user.origin="puppet"`) {
		t.Fatalf("the file was not set up:\n%s", before)
	}
	res, err := replace(t, path, oldBytes, newBytes, safefile.ReplaceOptions{Backup: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.InPlace {
		t.Errorf("rewritten in place, as %s", res.Reason)
	}
	if diff := cmp.Diff(before, attrs(t, path)); diff != "" {
		t.Errorf("ACL and attributes (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(before, attrs(t, res.Backup)); diff != "" {
		t.Errorf("the backup's ACL and attributes (-file +backup):\n%s", diff)
	}
	cat := exec.Command("cat", path)
	cat.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	if out, err := cat.Output(); err != nil || string(out) != newBytes {
		t.Errorf("nobody cannot read the replaced file: %v", err)
	}
}

// TestKeepsACLMask: an ACL whose mask lets a named user write while the
// group only reads keeps both: the group bits of the mode are the mask, and
// a file with only those bits would let the group write.
func TestKeepsACLMask(t *testing.T) {
	needTools(t, "setfacl", "getfacl", "getfattr")
	path := write(t, t.TempDir(), "deployment.toml", oldBytes, 0o640)
	setfacl(t, "-m", "u:nobody:rw,g::r,m::rw", path)
	before := attrs(t, path)
	if !strings.Contains(before, "mask::rw-") || !strings.Contains(before, "group::r--") {
		t.Fatalf("the file was not set up:\n%s", before)
	}
	if _, err := replace(t, path, oldBytes, newBytes, safefile.ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, attrs(t, path)); diff != "" {
		t.Errorf("ACL (-before +after):\n%s", diff)
	}
}

// TestDropsInheritedACL: in a folder with a default ACL, a new file gets
// an ACL; the file had none, and still has none after Replace.
func TestDropsInheritedACL(t *testing.T) {
	needTools(t, "setfacl", "getfacl", "getfattr")
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o640)
	setfacl(t, "-d", "-m", "u:nobody:rwx", dir)
	before := attrs(t, path)
	if strings.Contains(before, "nobody") {
		t.Fatalf("the file has the folder's default ACL:\n%s", before)
	}
	if _, err := replace(t, path, oldBytes, newBytes, safefile.ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, attrs(t, path)); diff != "" {
		t.Errorf("ACL (-before +after):\n%s", diff)
	}
}

// TestXattrNotSettable: a security.* attribute (an SELinux label is one)
// can be set only with privilege: run as the file's unprivileged owner,
// Replace rewrites the file in place, which keeps it, and says why.
func TestXattrNotSettable(t *testing.T) {
	if os.Getenv("SAFEFILE_REPLACE") != "" {
		return
	}
	needRoot(t)
	needTools(t, "setfattr", "getfattr")
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := write(t, dir, "deployment.toml", oldBytes, 0o644)
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("setfattr", "-n", "security.apimoffset", "-v", "label", path).CombinedOutput(); err != nil {
		t.Skipf("cannot set a security.* attribute here: %v: %s", err, out)
	}
	before := run(t, "getfattr", "-d", "-m", "-", "--absolute-names", path)
	if !strings.Contains(before, "security.apimoffset") {
		t.Skipf("the security attribute does not show:\n%s", before)
	}
	ino := inode(t, path)
	out := asNobody(t, "SAFEFILE_REPLACE="+path)
	if want := "in place, as its extended attribute security.apimoffset cannot be given to a new file (operation not permitted)\n"; out != want {
		t.Errorf("as nobody: %q, want %q", out, want)
	}
	if got := readFile(t, path); got != newBytes || inode(t, path) != ino {
		t.Errorf("the file was not rewritten in place")
	}
	if diff := cmp.Diff(before, run(t, "getfattr", "-d", "-m", "-", "--absolute-names", path)); diff != "" {
		t.Errorf("attributes (-before +after):\n%s", diff)
	}
	holds(t, dir, "deployment.toml", "deployment.toml.bak")
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestHardLinks: a file with two names is rewritten in place, after a
// backup, so that both names show the new bytes; a rename would give them
// to one name only.
func TestHardLinks(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o644)
	other := filepath.Join(dir, "other.toml")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	res, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !res.InPlace || res.Reason != "it has 2 hard links" || res.Backup != path+".bak" {
		t.Errorf("result %+v, want in place as it has 2 hard links, with a backup", res)
	}
	for _, p := range []string{path, other} {
		if got := readFile(t, p); got != newBytes {
			t.Errorf("%s does not hold the new bytes", filepath.Base(p))
		}
	}
	fi, _ := os.Stat(path)
	if n := fi.Sys().(*syscall.Stat_t).Nlink; n != 2 {
		t.Errorf("%d links, want 2", n)
	}
	if got := readFile(t, res.Backup); got != oldBytes {
		t.Errorf("the backup does not hold the old bytes")
	}
	holds(t, dir, "deployment.toml", "deployment.toml.bak", "other.toml")
}

// TestNotRegularAtOnce: a FIFO, or a device through a symbolic link, at
// the path is refused at once: opening a FIFO waits for a writer, and
// reading /dev/zero never ends.
func TestNotRegularAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "deployment.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.toml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifoLink := filepath.Join(dir, "fifo-link.toml")
	if err := os.Symlink("deployment.toml", fifoLink); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, zero, fifoLink} {
		for what, call := range map[string]func() error{
			"Open": func() error {
				f, err := safefile.Open(path, safefile.Options{LockTimeout: time.Second})
				if err == nil {
					f.Close()
				}
				return err
			},
			"Read": func() error { _, err := safefile.Read(path, 1<<20); return err },
		} {
			done := make(chan error, 1)
			go func() { done <- call() }()
			select {
			case err := <-done:
				if !errors.Is(err, safefile.ErrNotRegular) {
					t.Errorf("%s %s: %v, want ErrNotRegular", what, filepath.Base(path), err)
				}
			case <-time.After(time.Second):
				t.Fatalf("%s %s still blocks after 1s", what, filepath.Base(path))
			}
		}
	}
}

// TestHardLinksNoBackup: a file with hard links is rewritten in place only
// after a backup; without room for one, nothing is written.
func TestHardLinksNoBackup(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", oldBytes, 0o644)
	if err := os.Link(path, filepath.Join(dir, "other.toml")); err != nil {
		t.Fatal(err)
	}
	f := openWith(t, path, newFaultFS(fault{op: "create", file: "backup", err: syscall.ENOSPC}))
	_, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
	f.Close()
	if want := "the file must be rewritten in place, as it has 2 hard links, and no backup could be made before doing so: no space left on device"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	isKind(t, err, safefile.ErrNoBackup, "")
	if got := readFile(t, path); got != oldBytes {
		t.Errorf("the file changed")
	}
	holds(t, dir, "deployment.toml", "other.toml")
}
