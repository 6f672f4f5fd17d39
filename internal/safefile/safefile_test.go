package safefile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/google/go-cmp/cmp"
)

// names lists dir's entries.
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

// write makes dir/name holding data with mode, past the umask.
func write(t *testing.T, dir, name, data string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// replace opens path, checks it reads want, and replaces it with data.
func replace(t *testing.T, path, want, data string, opt safefile.ReplaceOptions) (safefile.Result, error) {
	t.Helper()
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if string(f.Data) != want {
		t.Fatalf("Open read %q, want %q", f.Data, want)
	}
	return f.Replace([]byte(data), opt)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReplaceKeepsMode(t *testing.T) {
	for _, mode := range []os.FileMode{0o600, 0o640, 0o444} {
		dir := t.TempDir()
		path := write(t, dir, "deployment.toml", "old", mode)
		if _, err := replace(t, path, "old", "new", safefile.ReplaceOptions{}); err != nil {
			t.Fatalf("mode %v: %v", mode, err)
		}
		fi, _ := os.Stat(path)
		if got := readFile(t, path); got != "new" || fi.Mode().Perm() != mode {
			t.Errorf("mode %v: file holds %q with mode %v", mode, got, fi.Mode().Perm())
		}
		if n := names(t, dir); len(n) != 1 {
			t.Errorf("folder holds %v", n)
		}
	}
}

// TestReplaceThroughSymlinks: a Kubernetes ConfigMap volume links
// deployment.toml to ..data/deployment.toml and ..data to a timestamped
// folder. The final file is replaced and both links stay.
func TestReplaceThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "..2026_11_26_10_00_00.1")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, real, "deployment.toml", "old", 0o644)
	if err := os.Symlink("..2026_11_26_10_00_00.1", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "deployment.toml")
	if err := os.Symlink("..data/deployment.toml", link); err != nil {
		t.Fatal(err)
	}
	if _, err := replace(t, link, "old", "new", safefile.ReplaceOptions{Backup: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Readlink(link); got != "..data/deployment.toml" {
		t.Errorf("link now points at %q", got)
	}
	if got := readFile(t, filepath.Join(real, "deployment.toml")); got != "new" {
		t.Errorf("target holds %q", got)
	}
	if got := readFile(t, filepath.Join(real, "deployment.toml.bak")); got != "old" {
		t.Errorf("backup next to the target holds %q", got)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := safefile.Open(filepath.Join(dir, "deployment.toml"), safefile.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := safefile.Open(dir, safefile.Options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("folder: %v", err)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("folder holds %v", n)
	}
}

func TestOpenMaxSize(t *testing.T) {
	path := write(t, t.TempDir(), "deployment.toml", strings.Repeat("x", 100), 0o644)
	f, err := safefile.Open(path, safefile.Options{MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Data) != 11 {
		t.Errorf("read %d bytes of a 100-byte file with MaxSize 10, want 11", len(f.Data))
	}
}

// TestBackup: the first backup is NAME.bak; later ones never overwrite an
// earlier one.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", "v1", 0o640)
	at := time.Date(2026, 11, 26, 10, 15, 0, 0, time.UTC)
	opt := safefile.ReplaceOptions{Backup: true, Now: func() time.Time { return at }}
	for i, want := range []string{"deployment.toml.bak", "deployment.toml.bak.20261126T101500", "deployment.toml.bak.20261126T101500.1"} {
		old, new := fmt.Sprintf("v%d", i+1), fmt.Sprintf("v%d", i+2)
		res, err := replace(t, path, old, new, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.Backup != filepath.Join(dir, want) {
			t.Errorf("backup %d made as %s, want %s", i+1, res.Backup, want)
		}
		if got := readFile(t, res.Backup); got != old {
			t.Errorf("%s holds %q, want %q", want, got, old)
		}
		if fi, _ := os.Stat(res.Backup); fi.Mode().Perm() != 0o640 {
			t.Errorf("%s has mode %v, want the file's 0640", want, fi.Mode().Perm())
		}
	}
	if got := readFile(t, filepath.Join(dir, "deployment.toml.bak")); got != "v1" {
		t.Errorf("the first backup was overwritten: %q", got)
	}
}

// TestChangedMeanwhile: another program writes the file between Open and
// Replace, in place (an editor saving over it) or by renaming a new file
// over it (vim, sed -i). Replace refuses and leaves the other program's
// bytes.
func TestChangedMeanwhile(t *testing.T) {
	for _, how := range []string{"in place", "renamed over"} {
		dir := t.TempDir()
		path := write(t, dir, "deployment.toml", "old", 0o644)
		f, err := safefile.Open(path, safefile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		switch how {
		case "in place":
			err = os.WriteFile(path, []byte("theirs"), 0o644)
		default:
			other := write(t, dir, "other", "theirs", 0o644)
			err = os.Rename(other, path)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Replace([]byte("new"), safefile.ReplaceOptions{Backup: true})
		f.Close()
		if !errors.Is(err, safefile.ErrChanged) {
			t.Errorf("%s: Replace returned %v, want ErrChanged", how, err)
		}
		if got := readFile(t, path); got != "theirs" {
			t.Errorf("%s: file holds %q", how, got)
		}
		if n := names(t, dir); !slices.Equal(n, []string{"deployment.toml"}) {
			t.Errorf("%s: folder holds %v", how, n)
		}
	}
}

// TestConcurrentNoLostUpdate: many writers each append their own line in a
// read–modify–write. With the lock, every line is there at the end.
func TestConcurrentNoLostUpdate(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", "[server]\n", 0o644)
	const writers = 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := safefile.Open(path, safefile.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			data := append(slices.Clone(f.Data), fmt.Sprintf("w%d = %d\n", i, i)...)
			if _, err := f.Replace(data, safefile.ReplaceOptions{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := readFile(t, path)
	for i := range writers {
		if !strings.Contains(got, fmt.Sprintf("w%d = %d\n", i, i)) {
			t.Errorf("writer %d's update was lost", i)
		}
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("folder holds %v", n)
	}
}

// TestWaiting: a second Open waits for the first to Close, saying so once.
func TestWaiting(t *testing.T) {
	path := write(t, t.TempDir(), "deployment.toml", "a", 0o644)
	first, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan bool, 2)
	done := make(chan *safefile.File)
	go func() {
		f, err := safefile.Open(path, safefile.Options{Waiting: func() { waiting <- true }})
		if err != nil {
			t.Error(err)
		}
		done <- f
	}()
	<-waiting
	if _, err := first.Replace([]byte("b"), safefile.ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	first.Close()
	second := <-done
	defer second.Close()
	if string(second.Data) != "b" {
		t.Errorf("the second run read %q, not what the first wrote", second.Data)
	}
	if len(waiting) != 0 {
		t.Errorf("Waiting called more than once")
	}
}

// TestStaleTemp: a temporary file left by a killed run is removed by the
// next Open; other files are not.
func TestStaleTemp(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "deployment.toml", "old", 0o644)
	stale := write(t, dir, ".deployment.toml.apim-offset-123456", "half", 0o644)
	write(t, dir, ".other.toml.apim-offset-1", "not ours", 0o644)
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if diff := cmp.Diff([]string{stale}, f.Removed); diff != "" {
		t.Errorf("Removed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{".other.toml.apim-offset-1", "deployment.toml"}, names(t, dir)); diff != "" {
		t.Errorf("folder (-want +got):\n%s", diff)
	}
}

// TestReplaceAfterClose is a programming error, reported, not a write.
func TestReplaceAfterClose(t *testing.T) {
	path := write(t, t.TempDir(), "deployment.toml", "old", 0o644)
	f, err := safefile.Open(path, safefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := f.Replace([]byte("new"), safefile.ReplaceOptions{}); err == nil {
		t.Error("Replace after Close wrote")
	}
	if got := readFile(t, path); got != "old" {
		t.Errorf("file holds %q", got)
	}
}

// holds checks that the folder holds exactly want.
func holds(t *testing.T, dir string, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, names(t, dir)); diff != "" {
		t.Errorf("folder (-want +got):\n%s", diff)
	}
}

// TestPrepare: Prepare makes the temporary file Replace then renames (one
// file in the folder while it waits, none after); Close without Replace
// removes it; Replace with other data makes its own.
func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "deployment.toml")
	if err := os.WriteFile(path, []byte("[server]\n#offset=0\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		es, _ := os.ReadDir(dir)
		return len(es)
	}
	for _, tt := range []struct {
		name    string
		prepare []byte
		write   []byte // nil: Close without Replace
	}{
		{"prepared and written", []byte("[server]\noffset=2\n"), []byte("[server]\noffset=2\n")},
		{"prepared, not written", []byte("[server]\noffset=3\n"), nil},
		{"prepared for other bytes", []byte("[server]\noffset=4\n"), []byte("[server]\noffset=5\n")},
	} {
		f, err := safefile.Open(path, safefile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		if err := f.Prepare(tt.prepare); err != nil {
			t.Fatalf("%s: Prepare: %v", tt.name, err)
		}
		if n := count(); n != 2 {
			t.Errorf("%s: %d files in the folder after Prepare, want the file and one temporary", tt.name, n)
		}
		want := before
		if tt.write != nil {
			if _, err := f.Replace(tt.write, safefile.ReplaceOptions{}); err != nil {
				t.Fatalf("%s: Replace: %v", tt.name, err)
			}
			want = tt.write
		}
		f.Close()
		if got, _ := os.ReadFile(path); string(got) != string(want) {
			t.Errorf("%s: the file holds %q, want %q", tt.name, got, want)
		}
		if info, _ := os.Stat(path); info.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v", tt.name, info.Mode())
		}
		if n := count(); n != 1 {
			t.Errorf("%s: %d files in the folder at the end, want 1", tt.name, n)
		}
	}
}
