package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/google/go-cmp/cmp"
)

// TestSafefileHint: each kind of safefile error gets the hint the CLI has
// always printed for it, also when wrapped as report sees it; other errors
// get none.
func TestSafefileHint(t *testing.T) {
	kind := func(k error) error {
		return &fileError{"deployment.toml", &safefile.Error{Msg: "cannot write", Kind: k, Dir: "/opt/wso2/repository/conf", Err: syscall.EIO}}
	}
	with := func(e safefile.Error) error { return &fileError{"deployment.toml", &e} }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"changed", kind(safefile.ErrChanged), "another program wrote it at the same time; run again to change what it holds now"},
		{"read-only", kind(safefile.ErrReadOnly), "it is a read-only mount (a Kubernetes ConfigMap or Secret, a Docker volume with :ro): change the file where it comes from, or mount it read-write"},
		{"permission", kind(safefile.ErrPermission), "the file is replaced through a new file in /opt/wso2/repository/conf, which needs write permission on that folder: run as its owner (sudo -u OWNER apim-offset ...) or as root"},
		{"no space", kind(safefile.ErrNoSpace), "the disk (or your quota) is full: free some space and run again; the file was not changed"},
		{"owner", kind(safefile.ErrOwner), "run as root, or as the file's owner (sudo -u OWNER apim-offset ...)"},
		{"only the group", kind(safefile.ErrGroup), "you own the file but are not a member of its group, which the new file must keep: run as root, or as a member of that group (sg GROUP apim-offset ...)"},
		{"immutable file", with(safefile.Error{Kind: safefile.ErrImmutable, Flag: "i"}), "the file is immutable (chattr +i): lsattr shows it; chattr -i it first, or change it where it comes from"},
		{"append-only file", with(safefile.Error{Kind: safefile.ErrImmutable, Flag: "a"}), "the file is append-only (chattr +a): lsattr shows it; chattr -a it first, or change it where it comes from"},
		{"immutable folder", with(safefile.Error{Kind: safefile.ErrImmutable, Flag: "i", Dir: "/opt/conf"}), "its folder /opt/conf is immutable (chattr +i): lsattr -d /opt/conf shows it; chattr -i it first, or change the file where it comes from"},
		{"lock held (the error names the holder)", with(safefile.Error{Kind: safefile.ErrLockTimeout, PID: 4242}), "run again once it has finished, or give --lock-timeout a longer wait"},
		{"a link another user owns, as root", with(safefile.Error{Kind: safefile.ErrForeignLink, Link: "/opt/apim/repository/conf/deployment.toml"}), "check where it leads (ls -l /opt/apim/repository/conf/deployment.toml); give --allow-foreign-link if it is meant, or run as the link's owner (sudo -u OWNER apim-offset ...)"},
		{"a torn in-place rewrite", with(safefile.Error{Kind: safefile.ErrTorn}), "a run was killed while rewriting it in place: copy the backup named above over it, check it, and run again"},
		{"in place without a backup", kind(safefile.ErrNoBackup), "make room for a backup next to it: a file rewritten in place is copied there first"},
		{"mount point", kind(safefile.ErrMountPoint), "mount its folder instead of the file, or make room for a backup next to it"},
		{"restore failed", kind(safefile.ErrRestoreFailed), "copy the backup over the file"},
		{"no kind: an I/O error", kind(nil), ""},
		{"not a safefile.Error", fmt.Errorf("x: %w", safefile.ErrNoSpace), ""},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, safefileHint(tt.err)); diff != "" {
			t.Errorf("%s: hint (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestChangedHint: a real ErrChanged from safefile, reported as set
// reports it, prints its hint.
func TestChangedHint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deployment.toml")
	if err := os.WriteFile(path, []byte("[server]\noffset = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.WriteFile(path, []byte("[server]\noffset = 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = f.Replace([]byte("[server]\noffset = 2\n"), safefile.ReplaceOptions{})
	if !errors.Is(err, safefile.ErrChanged) {
		t.Fatalf("Replace: %v, want ErrChanged", err)
	}
	var stderr strings.Builder
	a := &app{stderr: &stderr}
	a.report(&fileError{path, err})
	want := "apim-offset: error: " + path + ": the file changed while apim-offset was working on it; nothing was written\n" +
		"apim-offset: hint: another program wrote it at the same time; run again to change what it holds now\n"
	if diff := cmp.Diff(want, stderr.String()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}
