package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/atomicfile"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestReplace(t *testing.T) {
	for _, mode := range []os.FileMode{0o600, 0o640, 0o444} {
		dir := t.TempDir()
		path := filepath.Join(dir, "deployment.toml")
		if err := os.WriteFile(path, []byte("old"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		if err := atomicfile.Replace(path, []byte("new")); err != nil {
			t.Fatalf("mode %v: %v", mode, err)
		}
		got, _ := os.ReadFile(path)
		fi, _ := os.Stat(path)
		if string(got) != "new" || fi.Mode().Perm() != mode {
			t.Errorf("mode %v: file holds %q with mode %v", mode, got, fi.Mode().Perm())
		}
		if n := names(t, dir); len(n) != 1 {
			t.Errorf("folder holds %v", n)
		}
	}
}

func TestReplaceFailureRemovesTemp(t *testing.T) {
	// The rename fails when the target is a folder that is not empty: the
	// temporary file written before it must go.
	dir := t.TempDir()
	target := filepath.Join(dir, "deployment.toml")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Replace(target, []byte("new")); err == nil {
		t.Fatal("Replace over a folder succeeded")
	}
	if n := names(t, dir); len(n) != 1 || n[0] != "deployment.toml" {
		t.Errorf("folder holds %v, want only deployment.toml", n)
	}
}

func TestReplaceMissing(t *testing.T) {
	dir := t.TempDir()
	if err := atomicfile.Replace(filepath.Join(dir, "deployment.toml"), []byte("new")); err == nil {
		t.Fatal("Replace created a file that was not there")
	}
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("folder holds %v", n)
	}
}
