package safefile_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// TestBudgetManyLinks: a home whose bin/ holds 200 symbolic links and 200
// hard links to one 1 MiB start script. Each read of it is allowed (1 MiB
// is under its cap), but all of them together stop at the home's total:
// 8 MiB here, 8 reads; the rest fail with ErrBudget, and memory stays
// near 8 MiB, not 400.
func TestBudgetManyLinks(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := write(t, bin, "api-manager.sh", strings.Repeat("#!/bin/sh\n", 1<<20/10+1)[:1<<20], 0o755)
	var paths []string
	for i := range 200 {
		link := filepath.Join(bin, "s"+strconv.Itoa(i)+".sh")
		if err := os.Symlink("api-manager.sh", link); err != nil {
			t.Fatal(err)
		}
		hard := filepath.Join(bin, "h"+strconv.Itoa(i)+".sh")
		if err := os.Link(script, hard); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, link, hard)
	}
	b := safefile.NewBudget(8<<20, safefile.Options{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	read, spent := 0, 0
	for _, p := range paths {
		data, err := b.ReadFile(p, 1<<20)
		switch {
		case err == nil && len(data) == 1<<20:
			read++
		case errors.Is(err, safefile.ErrBudget):
			spent++
		default:
			t.Fatalf("%s: %d bytes, %v", filepath.Base(p), len(data), err)
		}
	}
	runtime.ReadMemStats(&after)
	if read != 8 || spent != 392 || b.Left() != 0 {
		t.Errorf("%d read, %d over budget, %d bytes left; want 8, 392, 0", read, spent, b.Left())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 12<<20 {
		t.Errorf("reading allocated %d MiB, want about 8", alloc>>20)
	}
}

// TestBudgetCap: a file over its cap is refused without being read, and
// costs nothing; one at the cap is read.
func TestBudgetCap(t *testing.T) {
	dir := t.TempDir()
	big := write(t, dir, "wso2carbon.pid", strings.Repeat("9", 5000), 0o644)
	ok := write(t, dir, "version.txt", "WSO2 API Manager v4.5.0\n", 0o644)
	b := safefile.NewBudget(1<<20, safefile.Options{})
	if _, err := b.ReadFile(big, 4096); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("5000 bytes with a cap of 4096: %v, want ErrTooLarge", err)
	}
	if b.Left() != 1<<20 {
		t.Errorf("a refused file cost %d bytes", 1<<20-b.Left())
	}
	data, err := b.ReadFile(ok, int64(len("WSO2 API Manager v4.5.0\n")))
	if err != nil || string(data) != "WSO2 API Manager v4.5.0\n" {
		t.Errorf("a file at its cap: %q, %v", data, err)
	}
	if b.Left() != 1<<20-int64(len(data)) {
		t.Errorf("%d bytes left after reading %d", b.Left(), len(data))
	}
	if _, err := b.ReadFile(filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
}

// TestBudgetSizeUnknown: a file whose size stat does not tell (/proc's
// are 0) is read to its end all the same, and to its cap only.
func TestBudgetSizeUnknown(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	b := safefile.NewBudget(1<<20, safefile.Options{})
	data, err := b.ReadFile("/proc/self/status", 64<<10)
	if err != nil || !strings.Contains(string(data), "\nUid:") {
		t.Errorf("/proc/self/status: %v, %q", err, data)
	}
	if _, err := b.ReadFile("/proc/self/status", 10); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("/proc/self/status with a cap of 10: %v, want ErrTooLarge", err)
	}
	if b.Left() != 1<<20-int64(len(data)) {
		t.Errorf("%d bytes left after reading %d", b.Left(), len(data))
	}
}

// TestBudgetConcurrent: readers of one home in parallel never take more
// than its total together.
func TestBudgetConcurrent(t *testing.T) {
	path := write(t, t.TempDir(), "inbound.xml", strings.Repeat("x", 1000), 0o644)
	b := safefile.NewBudget(10_000, safefile.Options{})
	var mu sync.Mutex
	got := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if data, err := b.ReadFile(path, 1000); err == nil {
					mu.Lock()
					got += len(data)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if got != 10_000 || b.Left() != 0 {
		t.Errorf("%d bytes read, %d left; want 10000, 0", got, b.Left())
	}
}

// TestBudgetFS: code written against fs.FS reads through the budget.
func TestBudgetFS(t *testing.T) {
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(home, "bin"), "version.txt", "WSO2 API Manager v4.5.0\n", 0o644)
	write(t, filepath.Join(home, "bin"), "huge.txt", strings.Repeat("x", 100), 0o644)
	fsys := safefile.NewBudget(1<<20, safefile.Options{}).FS(home, 64)
	if data, err := fs.ReadFile(fsys, "bin/version.txt"); err != nil || string(data) != "WSO2 API Manager v4.5.0\n" {
		t.Errorf("fs.ReadFile: %q, %v", data, err)
	}
	f, err := fsys.Open("bin/version.txt")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != 24 || fi.Name() != "version.txt" {
		t.Errorf("Stat: %v, %v", fi, err)
	}
	f.Close()
	for name, want := range map[string]error{
		"bin/huge.txt":    safefile.ErrTooLarge,
		"bin":             safefile.ErrNotRegular,
		"../etc/passwd":   fs.ErrInvalid,
		"bin/missing.txt": fs.ErrNotExist,
	} {
		if _, err := fs.ReadFile(fsys, name); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
}

// TestReadHead: a start script larger than the cap gives its first max
// bytes, and the budget is charged those alone.
func TestReadHead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api-manager.sh")
	if err := os.WriteFile(path, bytes.Repeat([]byte("# padding\n"), 300<<10), 0o755); err != nil {
		t.Fatal(err)
	}
	b := safefile.NewBudget(4<<20, safefile.Options{})
	data, err := b.ReadHead(path, 1<<20)
	if err != nil || len(data) != 1<<20 || b.Left() != 3<<20 {
		t.Fatalf("ReadHead: %d bytes, %v; %d left", len(data), err, b.Left())
	}
	if _, err := b.ReadFile(path, 1<<20); !errors.Is(err, safefile.ErrTooLarge) || b.Left() != 3<<20 {
		t.Fatalf("ReadFile: %v; %d left", err, b.Left())
	}
	for range 3 {
		b.ReadHead(path, 1<<20)
	}
	if _, err := b.ReadHead(path, 1<<20); !errors.Is(err, safefile.ErrBudget) {
		t.Fatalf("past the budget: %v", err)
	}
}
