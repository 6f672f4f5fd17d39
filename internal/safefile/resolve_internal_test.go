package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// asRoot makes checkLinks judge as if run as root, for the tests that run
// as another user; links made by this user are then another user's.
func asRoot(t *testing.T) (me int) {
	me = os.Geteuid()
	if me == 0 {
		t.Skip("run as root: privilege_linux_test.go tests this for real")
	}
	euid = func() int { return 0 }
	t.Cleanup(func() { euid = os.Geteuid })
	return me
}

// TestCheckLinksAsRoot: the rules root follows, tested as any user.
func TestCheckLinksAsRoot(t *testing.T) {
	me := asRoot(t)
	home := t.TempDir()
	outside := t.TempDir()
	real := filepath.Join(home, "real.toml")
	if err := os.WriteFile(real, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(home, "deployment.toml")
	if err := os.Symlink("real.toml", link); err != nil {
		t.Fatal(err)
	}
	target, links, err := resolve(link)
	if err != nil || target != real || len(links) != 1 || links[0].UID != me {
		t.Fatalf("resolve: %q %+v %v", target, links, err)
	}
	err = checkLinks(target, links, Options{Home: home})
	var e *Error
	if !errors.Is(err, ErrForeignLink) || !errors.As(err, &e) || e.UID != me || e.Link != link || e.Target != real {
		t.Errorf("another user's link: %v", err)
	}
	if err := checkLinks(target, links, Options{Home: home, AllowForeignLink: true}); err != nil {
		t.Errorf("allowed: %v", err)
	}
	// Links root made are judged by where they lead.
	rootLinks := []Link{{Path: link, Target: outside, UID: 0}}
	if err := checkLinks(filepath.Join(outside, "x.toml"), rootLinks, Options{Home: home}); !errors.Is(err, ErrForeignLink) {
		t.Errorf("root's link out of the home: %v", err)
	}
	if err := checkLinks(real, rootLinks, Options{Home: home}); err != nil {
		t.Errorf("root's link within the home: %v", err)
	}
	// A relative path and a relative home are compared as absolute ones.
	t.Chdir(home)
	rel, relLinks, err := resolve("deployment.toml")
	if err != nil || rel != "real.toml" {
		t.Fatalf("resolve of a relative path: %q, %v", rel, err)
	}
	relLinks[0].UID = 0
	if err := checkLinks(rel, relLinks, Options{Home: "."}); err != nil {
		t.Errorf("relative, within the home: %v", err)
	}
}

// TestOpenDirNoLinks: openDir goes through no symbolic link, anywhere on
// the path: a folder swapped for a link is not entered.
func TestOpenDirNoLinks(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", filepath.Join(root, "l")); err != nil {
		t.Fatal(err)
	}
	d, err := openDir(filepath.Join(root, "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	for _, p := range []string{filepath.Join(root, "l", "b"), filepath.Join(root, "l")} {
		if d, err := openDir(p); err == nil {
			d.Close()
			t.Errorf("openDir(%s) went through a link", p)
		}
	}
}
