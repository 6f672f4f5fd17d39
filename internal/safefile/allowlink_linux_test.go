package safefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// TestAllowForeignLink: the operator who knows the link asks for it to be
// followed: Open reads and Replace writes through it, keeping the link.
func TestAllowForeignLink(t *testing.T) {
	needRoot(t)
	home, path := serviceHome(t)
	real := filepath.Join(home, "deployment.toml.real")
	if err := os.Rename(path, real); err != nil {
		t.Fatal(err)
	}
	linkAs(t, real, path, nobody)
	f, err := safefile.Open(path, safefile.Options{AllowForeignLink: true, Home: home})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Target != real || len(f.Links) != 1 || f.Links[0].UID != nobody {
		t.Errorf("Target %q Links %+v", f.Target, f.Links)
	}
	if _, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, real); got != newBytes {
		t.Errorf("the link's target was not replaced")
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone")
	}
}

// TestLinksRootMade: links root made are followed as before, a Kubernetes
// ConfigMap's ..data among them; with Home given, one leading out of the
// home is refused all the same, as it is not the home's file.
func TestLinksRootMade(t *testing.T) {
	needRoot(t)
	home, path := serviceHome(t)
	conf := filepath.Dir(path)
	// ConfigMap layout: deployment.toml -> ..data/deployment.toml, ..data -> ..2024_01_01.
	stamp := filepath.Join(conf, "..2024_01_01")
	if err := os.Mkdir(stamp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, filepath.Join(stamp, "deployment.toml")); err != nil {
		t.Fatal(err)
	}
	linkAs(t, "..2024_01_01", filepath.Join(conf, "..data"), 0)
	linkAs(t, "..data/deployment.toml", path, 0)
	f, err := safefile.Open(path, safefile.Options{Home: home})
	if err != nil {
		t.Fatalf("a ConfigMap's links: %v", err)
	}
	if len(f.Links) != 2 || string(f.Data) != oldBytes {
		t.Errorf("Links %+v, %d bytes", f.Links, len(f.Data))
	}
	f.Close()

	outside := write(t, t.TempDir(), "deployment.toml", oldBytes, 0o644)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	linkAs(t, outside, path, 0)
	_, err = safefile.Open(path, safefile.Options{Home: home})
	var e *safefile.Error
	if !errors.Is(err, safefile.ErrForeignLink) || !errors.As(err, &e) || e.Target != outside || !strings.Contains(err.Error(), "leading out of the home "+home) {
		t.Errorf("a link out of the home: %v", err)
	}
	if f, err := safefile.Open(path, safefile.Options{}); err != nil {
		t.Errorf("root's link, no home given: %v", err)
	} else {
		f.Close()
	}
}
