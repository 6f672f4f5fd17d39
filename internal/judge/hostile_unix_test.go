//go:build unix

package judge_test

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/judge"
)

// TestHostileFiles: a FIFO where the pid file goes, and start scripts that
// are a FIFO or a link to /dev/zero, neither hang doctor nor make it read
// without end: it skips them, at once.
func TestHostileFiles(t *testing.T) {
	h := home(t, "plain")
	bin := filepath.Join(h.Dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, fifo := range []string{filepath.Join(h.Dir, "wso2carbon.pid"), filepath.Join(bin, "fifo.sh")} {
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/dev/zero", filepath.Join(bin, "evil.sh")); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan []judge.Finding, 1)
	start := time.Now()
	go func() { done <- check([]Home{h}, fakeSystem{}) }()
	select {
	case got := <-done:
		runtime.ReadMemStats(&after)
		if len(got) != 0 {
			t.Errorf("findings %+v, want none", got)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("doctor allocated %d bytes", alloc)
		}
		t.Logf("done in %v, %d bytes allocated", time.Since(start), after.TotalAlloc-before.TotalAlloc)
	case <-time.After(5 * time.Second):
		t.Fatal("doctor still runs after 5s")
	}
}

// TestLongScript: a start script longer than doctor reads is read up to
// its limit, and an override in that part is found.
func TestLongScript(t *testing.T) {
	h := home(t, "plain")
	bin := filepath.Join(h.Dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := []byte("JAVA_OPTS=-DportOffset=7\n")
	for len(script) < 3<<20 {
		script = append(script, "# padding padding padding padding padding padding padding padding\n"...)
	}
	if err := os.WriteFile(filepath.Join(bin, "api-manager.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	got := check([]Home{h}, fakeSystem{})
	if len(got) != 1 || got[0].Code != judge.OverrideDiffers {
		t.Errorf("findings %+v, want the override", got)
	}
}
