// Package patchtest applies unified diffs with the real patch(1) and
// git apply, for tests that must show a diff is one those tools accept.
package patchtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Tools are the programs Apply can use.
var Tools = []string{"patch", "git"}

// Apply writes input to name under a new folder, applies diff there with
// tool ("patch" or "git"), stripping one leading path component as
// "patch -p1" does, and returns the file's bytes afterwards. It skips the
// test when the tool is missing, unless $CI is set: CI must run it.
func Apply(t testing.TB, tool, name string, input, diff []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed to check diffs and is not installed", tool)
		}
		t.Skipf("%s not installed", tool)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, input, 0o644); err != nil {
		t.Fatal(err)
	}
	patchFile := filepath.Join(t.TempDir(), "change.patch")
	if err := os.WriteFile(patchFile, diff, 0o644); err != nil {
		t.Fatal(err)
	}
	var cmd *exec.Cmd
	switch tool {
	case "patch":
		// Exact context only, no backups, no questions.
		cmd = exec.Command("patch", "-p1", "--fuzz=0", "--batch", "--no-backup-if-mismatch", "-i", patchFile)
	case "git":
		cmd = exec.Command("git", "apply", "-p1", "--whitespace=nowarn", patchFile)
	default:
		t.Fatalf("unknown tool %q", tool)
	}
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s did not apply the diff: %v\n%s\ndiff:\n%s", tool, err, out.Bytes(), diff)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
