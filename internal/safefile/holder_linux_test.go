package safefile_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// holdLockAsNobody starts a copy of this test binary as user nobody,
// with arguments that show in its command line, locking path; it returns
// the child's PID and its command line once it holds the lock.
func holdLockAsNobody(t *testing.T, path string) (int, string) {
	t.Helper()
	needRoot(t)
	bin := nobodyBinary(t)
	cmd := exec.Command(bin, "-test.run=^$", "--holding", "deploy ment.toml")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	pid := startHolder(t, cmd, path)
	return pid, bin + ` -test.run=^$ --holding "deploy ment.toml"`
}

// nobodyBinary copies this test binary where user nobody may run it: the
// one go test built sits in a folder only root may enter.
func nobodyBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "safefile.test")
	src, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, src, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Dir(bin), filepath.Dir(filepath.Dir(bin))} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// readableByNobody makes a file that user nobody can read and lock.
func readableByNobody(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return write(t, dir, "deployment.toml", "old", 0o644)
}

// TestLockHolderNamed: the lock is held by another user's process (a
// text editor, a configuration tool, another apim-offset): the error
// names its PID, its user and its command line, not "another
// apim-offset".
func TestLockHolderNamed(t *testing.T) {
	path := readableByNobody(t)
	pid, command := holdLockAsNobody(t, path)
	_, err := safefile.Open(path, safefile.Options{LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, safefile.ErrLockTimeout) {
		t.Fatalf("Open: %v, want ErrLockTimeout", err)
	}
	want := fmt.Sprintf("process %d holds the file's lock (%s, user nobody)", pid, command)
	if err.Error() != want {
		t.Errorf("error\n%q, want\n%q", err, want)
	}
}
