//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadOnlyMountHint: set on a file in a read-only mount (a ConfigMap
// volume) fails with safefile's read-only error and the CLI's hint for it,
// and leaves the file as it was.
func TestReadOnlyMountHint(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount")
	}
	src, conf := t.TempDir(), t.TempDir()
	orig := "[server]\noffset = 1\n"
	if err := os.WriteFile(filepath.Join(src, "deployment.toml"), []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(src, conf, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(conf, 0); err != nil {
			t.Errorf("unmount %s: %v", conf, err)
		}
	})
	if err := syscall.Mount("", conf, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	path := filepath.Join(conf, "deployment.toml")
	code, stdout, stderr := runCLI(t, "set", "2", "--file", path, "--yes")
	if stdout != "" {
		t.Errorf("a write that cannot happen printed its diff first:\n%s", stdout)
	}
	wantErr := "apim-offset: error: " + path + ": the file is on a read-only file system; cannot create a temporary file in " + conf + ": read-only file system\n"
	wantHint := "apim-offset: hint: it is a read-only mount (a Kubernetes ConfigMap or Secret, a Docker volume with :ro): change the file where it comes from, or mount it read-write\n"
	if code != 2 || !strings.Contains(stderr, wantErr+wantHint) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("the file holds %q", got)
	}
}

// TestImmutableHint: set on a file with chattr +i fails, even as root, with
// safefile's immutable error and the hint that names the flag; the file
// stays as it was.
func TestImmutableHint(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chattr")
	}
	path := filepath.Join(t.TempDir(), "deployment.toml")
	orig := "[server]\noffset = 1\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i does not work here: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	code, stdout, stderr := runCLI(t, "set", "2", "--file", path, "--yes")
	if stdout != "" {
		t.Errorf("a write that cannot happen printed its diff first:\n%s", stdout)
	}
	wantHint := "apim-offset: hint: the file is immutable (chattr +i): lsattr shows it; chattr -i it first, or change it where it comes from\n"
	if code != 2 || !strings.Contains(stderr, "apim-offset: error: "+path+": the file is immutable (chattr +i)") || !strings.Contains(stderr, wantHint) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("the file holds %q", got)
	}
}
