package safefile_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// TestBudgetNotRegular: a FIFO where wso2carbon.pid should be (opening it
// would wait for a writer), a link to /dev/zero as bin/version.txt
// (reading it never ends), a socket, a folder: each is refused at once
// with ErrNotRegular, and costs nothing.
func TestBudgetNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "wso2carbon.pid")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "version.txt")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.xml")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	b := safefile.NewBudget(1<<20, safefile.Options{})
	for _, p := range []string{fifo, zero, sock, dir} {
		done := make(chan error, 1)
		go func() { _, err := b.ReadFile(p, 1<<20); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, safefile.ErrNotRegular) {
				t.Errorf("%s: %v, want ErrNotRegular", filepath.Base(p), err)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s: still blocks after 1s", filepath.Base(p))
		}
	}
	if b.Left() != 1<<20 {
		t.Errorf("refused files cost %d bytes", 1<<20-b.Left())
	}
}

// TestBudgetRootRefusesLink: as root, a start script the service account
// made a link to /etc/shadow is refused, as Open refuses one, and nothing
// of it is read.
func TestBudgetRootRefusesLink(t *testing.T) {
	needRoot(t)
	home, _ := serviceHome(t)
	shadow := secret(t)
	link := filepath.Join(home, "api-manager.sh")
	linkAs(t, shadow, link, nobody)
	b := safefile.NewBudget(1<<20, safefile.Options{Home: home})
	if data, err := b.ReadFile(link, 1<<20); !errors.Is(err, safefile.ErrForeignLink) {
		t.Errorf("%q, %v; want ErrForeignLink", data, err)
	}
}
