package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/google/go-cmp/cmp"
)

// runCLI runs the command in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"apim-offset"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// folderNames lists the names in dir, to show that no temporary file stays.
func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestRefusalsLeaveFileAlone covers inputs a text script cannot hold: each is
// refused with exit 2 and a located error, and the file and its folder stay
// as they were.
func TestRefusalsLeaveFileAlone(t *testing.T) {
	tests := []struct {
		name, content, wantErr string
	}{
		{"NUL byte", "[server]\nhost\x00 = 1\n", "deployment.toml:2:5: NUL byte"},
		{"Latin-1 in a bare key, which WSO2 refuses too", "[server]\ncaf\xe9 = 1\n", "deployment.toml:2:4: invalid UTF-8 byte 0xe9"},
		{"duplicate after BOM", "\ufeff[server]\noffset = 1\noffset = 2\n", "deployment.toml:3:1: key offset is already defined"},
		{"too large", strings.Repeat("# padding line\n", patcher.MaxSize/15+1), "deployment.toml: file is larger than 1 MiB, the most this tool reads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "deployment.toml")
			if err := os.WriteFile(path, []byte(tt.content), 0o640); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "set", "2", "--file", path, "--yes")
			if code != exitError || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if !strings.HasPrefix(stderr, "apim-offset: error: "+dir) || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q, want an error saying %q", stderr, tt.wantErr)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != tt.content {
				t.Errorf("the file changed (err %v)", err)
			}
			if names := folderNames(t, dir); len(names) != 1 {
				t.Errorf("folder holds %v, want only deployment.toml", names)
			}
		})
	}
}

func TestUnchangedIsNotWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "deployment.toml")
	if err := os.WriteFile(path, []byte("[server]\noffset = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if code, stdout, _ := runCLI(t, "set", "2", "--file", path, "--yes"); code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(old) || !os.SameFile(before, after) {
		t.Errorf("the file was rewritten: mtime %v, same file %v", after.ModTime(), os.SameFile(before, after))
	}
}

func TestWriteKeepsModeAndLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "configmap", "deployment.toml")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("[server]\n#offset=0\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "deployment.toml")
	if err := os.Symlink(filepath.Join("configmap", "deployment.toml"), link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "set", "3", "--file", link, "--yes"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (err %v)", err)
	}
	got, _ := os.ReadFile(real)
	if string(got) != "[server]\noffset=3\n" {
		t.Errorf("target holds %q", got)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if names := folderNames(t, filepath.Dir(real)); len(names) != 1 {
		t.Errorf("folder holds %v, want only deployment.toml", names)
	}
}

func TestColorize(t *testing.T) {
	in := "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\r\n+b\r\n c\n\\ No newline at end of file\n"
	want := "\x1b[1m--- a/f\x1b[0m\n\x1b[1m+++ b/f\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-a\x1b[0m\r\n\x1b[32m+b\x1b[0m\r\n c\n\\ No newline at end of file\n"
	if got := string(colorize([]byte(in))); got != want {
		t.Errorf("colorize =\n%q\nwant\n%q", got, want)
	}
}

// TestPortsGolden runs ports on every sample home under fixtures/homes and
// compares the table with testdata/ports/<home>.txt (-update rewrites).
func TestPortsGolden(t *testing.T) {
	homes, err := filepath.Glob(filepath.Join("..", "..", "fixtures", "homes", "*"))
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, home := range homes {
		if fi, err := os.Stat(home); err != nil || !fi.IsDir() {
			continue
		}
		want := filepath.Join("testdata", "ports", filepath.Base(home)+".txt")
		tested[want] = true
		t.Run(filepath.Base(home), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "ports", "--home", home)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden.Check(t, want, []byte(stdout+stderr))
		})
	}
	goldens, err := filepath.Glob(filepath.Join("testdata", "ports", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		if !tested[g] {
			t.Errorf("%s: no home under fixtures/homes for it", g)
		}
	}
}

// TestManPage keeps docs/apim-offset.1 what "apim-offset man" prints (-update
// rewrites it), and checks that groff reads it without a warning. The title
// line carries the build's version and date, which differ from build to
// build: it is compared in form only, and -update dates the page by
// $SOURCE_DATE_EPOCH or, without it, the commit checked out.
func TestManPage(t *testing.T) {
	if os.Getenv("SOURCE_DATE_EPOCH") == "" {
		if out, err := exec.Command("git", "log", "-1", "--format=%ct").Output(); err == nil {
			t.Setenv("SOURCE_DATE_EPOCH", strings.TrimSpace(string(out)))
		}
	}
	code, stdout, stderr := runCLI(t, "man")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	path := filepath.Join("..", "..", "docs", "apim-offset.1")
	title := regexp.MustCompile(`^\.TH APIM-OFFSET 1 "\d{4}-\d{2}-\d{2}" "apim-offset [^"]+" "User Commands"\n`)
	if *golden.Update {
		golden.Check(t, path, []byte(stdout))
	}
	checked, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gotTitle, gotBody, _ := strings.Cut(stdout, "\n")
	wantTitle, wantBody, _ := strings.Cut(string(checked), "\n")
	if !title.MatchString(gotTitle+"\n") || !title.MatchString(wantTitle+"\n") {
		t.Errorf("title lines %q (made) and %q (%s), want a date and a version", gotTitle, wantTitle, path)
	}
	if gotBody != wantBody {
		t.Errorf("%s differs from what 'apim-offset man' prints (-want +got; go test -run TestManPage -update rewrites it):\n%s", path, cmp.Diff(wantBody, gotBody))
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("no groff to render it")
	}
	cmd := exec.Command("groff", "-man", "-ww", "-z")
	cmd.Stdin = strings.NewReader(stdout)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}

// TestManPageWidth renders docs/apim-offset.1 as man(1) does at 80 columns:
// no line may be wider.
func TestManPageWidth(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("no man to render it")
	}
	cmd := exec.Command("man", "-l", filepath.Join("..", "..", "docs", "apim-offset.1"))
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "MAN_KEEP_FORMATTING=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("man -l: %v", err)
	}
	if len(out) < 1000 {
		t.Fatalf("man -l printed %d bytes:\n%s", len(out), out)
	}
	for i, line := range strings.Split(string(out), "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, n, line)
		}
	}
}
