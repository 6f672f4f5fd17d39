// Package txtardir writes test files into a new folder: a txtar archive's
// (Unpack), or a map's (Write).
package txtardir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// Unpack writes every file of the archive at path under a new temporary
// folder and returns the folder.
func Unpack(t testing.TB, path string) string {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range a.Files {
		write(t, dir, f.Name, f.Data)
	}
	return dir
}

// Write writes files, by slash path, under a new temporary folder and
// returns the folder.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		write(t, dir, name, []byte(content))
	}
	return dir
}

func write(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	file := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
