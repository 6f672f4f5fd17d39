//go:build linux

package safefile_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// TestKeepsOwner: provisioning runs as root on a file owned by the server's
// user. The replaced file, and the backup, keep owner, group and mode.
func TestKeepsOwner(t *testing.T) {
	needRoot(t)
	for _, mode := range []os.FileMode{0o640, 0o600 | os.ModeSetgid} {
		dir := t.TempDir()
		path := write(t, dir, "deployment.toml", "old", 0o640)
		if err := os.Chown(path, 802, 803); err != nil { // wso2carbon in WSO2's images
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		res, err := replace(t, path, "old", "new", safefile.ReplaceOptions{Backup: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, res.Backup} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			st := fi.Sys().(*syscall.Stat_t)
			got := fi.Mode() & (os.ModePerm | os.ModeSetgid)
			if st.Uid != 802 || st.Gid != 803 || got != mode {
				t.Errorf("%s: owner %d:%d mode %v, want 802:803 %v", filepath.Base(p), st.Uid, st.Gid, got, mode)
			}
		}
	}
}

// mount bind-mounts src on dst, read-only when ro, and unmounts it when the
// test ends. It skips the test where mounting is not allowed.
func mount(t *testing.T, src, dst string, ro bool) {
	t.Helper()
	needRoot(t)
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dst, 0); err != nil {
			t.Errorf("unmount %s: %v", dst, err)
		}
	})
	if ro {
		if err := syscall.Mount("", dst, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
			t.Fatalf("remount read-only: %v", err)
		}
	}
}

// TestBindMountedFile: docker run -v ./deployment.toml:/home/wso2carbon/.../deployment.toml
// makes the file a mount point, which rename cannot replace (EBUSY). It is
// rewritten in place after a backup.
func TestBindMountedFile(t *testing.T) {
	host := write(t, t.TempDir(), "deployment.toml", oldBytes, 0o644)
	conf := t.TempDir()
	path := write(t, conf, "deployment.toml", "", 0o644)
	mount(t, host, path, false)
	res, err := replace(t, path, oldBytes, newBytes, safefile.ReplaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.InPlace || res.Backup != path+".bak" {
		t.Errorf("result %+v, want in place with a backup", res)
	}
	if got := readFile(t, host); got != newBytes {
		t.Errorf("the host's file was not rewritten")
	}
	if got := readFile(t, res.Backup); got != oldBytes {
		t.Errorf("the backup does not hold the old bytes")
	}
	holds(t, conf, "deployment.toml", "deployment.toml.bak")
}

// TestReadOnlyMounts: a read-only folder (a ConfigMap volume) and a file
// bind-mounted read-only (docker -v ...:ro) are refused, saying so, and
// left as they were.
func TestReadOnlyMounts(t *testing.T) {
	t.Run("folder", func(t *testing.T) {
		src := t.TempDir()
		write(t, src, "deployment.toml", oldBytes, 0o644)
		conf := t.TempDir()
		mount(t, src, conf, true)
		path := filepath.Join(conf, "deployment.toml")
		_, err := replace(t, path, oldBytes, newBytes, safefile.ReplaceOptions{Backup: true})
		if err == nil || !strings.Contains(err.Error(), "read-only file system") {
			t.Errorf("error %v", err)
		}
		isKind(t, err, safefile.ErrReadOnly, conf)
		holds(t, src, "deployment.toml")
	})
	t.Run("file", func(t *testing.T) {
		host := write(t, t.TempDir(), "deployment.toml", oldBytes, 0o644)
		conf := t.TempDir()
		path := write(t, conf, "deployment.toml", "", 0o644)
		mount(t, host, path, true)
		_, err := replace(t, path, oldBytes, newBytes, safefile.ReplaceOptions{})
		if err == nil || !strings.Contains(err.Error(), "read-only file system") {
			t.Errorf("error %v", err)
		}
		if got := readFile(t, host); got != oldBytes {
			t.Errorf("the host's file changed")
		}
		holds(t, conf, "deployment.toml")
	})
}

// TestFolderNotWritable runs a Replace as an unprivileged user on a file it
// may write but in a folder it may not: the error names the folder and
// what to do.
func TestFolderNotWritable(t *testing.T) {
	if os.Getenv("SAFEFILE_REPLACE") != "" {
		return // the child's side: see replaceAsNobody
	}
	needRoot(t)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := write(t, dir, "deployment.toml", oldBytes, 0o666)
	out := replaceAsNobody(t, path)
	if !strings.Contains(out, "cannot create a temporary file in "+dir+": permission denied\n") || !strings.Contains(out, "\nkind: "+safefile.ErrPermission.Error()+" in "+dir+"\n") {
		t.Errorf("as nobody: %s", out)
	}
	if got := readFile(t, path); got != oldBytes {
		t.Errorf("the file changed")
	}
	holds(t, dir, "deployment.toml")
}

// TestMain lets the test binary work on a file as a child process:
// SAFEFILE_REPLACE=PATH writes newBytes over it and prints the error, or
// how it was rewritten in place; SAFEFILE_CHECK=PATH prints what Check
// says; SAFEFILE_HOLD=PATH locks it, says "locked" and keeps the lock
// until its stdin ends; SAFEFILE_KILL=N with SAFEFILE_KILL_PATH=PATH
// replaces it with a backup and kills itself at the N-th call through the
// seam (replaceKilled).
func TestMain(m *testing.M) {
	if path := os.Getenv("SAFEFILE_HOLD"); path != "" {
		hold(path)
		os.Exit(0)
	}
	if n := os.Getenv("SAFEFILE_KILL"); n != "" {
		replaceKilled(os.Getenv("SAFEFILE_KILL_PATH"), n)
		os.Exit(0)
	}
	path, check := os.Getenv("SAFEFILE_REPLACE"), os.Getenv("SAFEFILE_CHECK")
	if path == "" && check == "" {
		os.Exit(m.Run())
	}
	var res safefile.Result
	f, err := safefile.Open(path+check, safefile.Options{})
	switch {
	case err == nil && check != "":
		err = f.Check()
	case err == nil:
		res, err = f.Replace([]byte(newBytes), safefile.ReplaceOptions{})
	}
	if err != nil {
		var e *safefile.Error
		if errors.As(err, &e) && e.Kind != nil {
			err = fmt.Errorf("%w\nkind: %v in %s", err, e.Kind, e.Dir)
		}
		io.WriteString(os.Stdout, err.Error()+"\n")
	}
	if res.InPlace {
		fmt.Printf("in place, as %s\n", res.Reason)
	}
	os.Exit(0)
}

// hold locks path as Open does and keeps the lock until stdin ends.
func hold(path string) {
	f, err := os.Open(path)
	if err == nil {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
}

// replaceAsNobody runs this test binary as user nobody to replace path.
func replaceAsNobody(t *testing.T, path string) string {
	t.Helper()
	return asNobody(t, "SAFEFILE_REPLACE="+path)
}

// asNobody runs this test binary as user nobody with env added, and
// returns what it printed.
func asNobody(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(nobodyBinary(t))
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return string(out)
}

// nobody is the user and group nobody.
const nobody = 65534
