//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForeignLink: run as root on a home a service account owns, a
// deployment.toml that is that account's symbolic link to a file outside
// the home (here, a secret of root's) is refused before it is read, naming
// the link's owner and target and the option that allows it; its content
// is never printed. With --allow-foreign-link it is followed.
func TestForeignLink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the refusal is root's")
	}
	dir := t.TempDir()
	secret := filepath.Join(dir, "shadow")
	if err := os.WriteFile(secret, []byte("[server]\noffset = 3\n# root:$6$SECRET-HASH\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "apim")
	conf := filepath.Join(home, "repository", "conf")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(conf, "deployment.toml")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(link, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"get", "--home", home}, {"set", "2", "--home", home, "--dry-run"}, {"doctor", "--home", home}} {
		code, stdout, stderr := runCLI(t, append(args, "--product", "apim-4")...)
		if code != 2 || strings.Contains(stdout+stderr, "SECRET") || !strings.Contains(stderr, "--allow-foreign-link") || !strings.Contains(stderr, secret) {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q", args, code, stdout, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, "get", "--home", home, "--product", "apim-4", "--allow-foreign-link")
	if code != 0 || stdout != "3\n" {
		t.Errorf("--allow-foreign-link: exit %d, %q, %q", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(secret); !strings.Contains(string(b), "offset = 3") {
		t.Errorf("the target changed: %q", b)
	}
}
