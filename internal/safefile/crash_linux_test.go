package safefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// The bytes of the kill tests: a torn in-place write of the new over the
// old, all but its last two bytes, leaves "offset = 1": a value that
// parses, and neither the old one nor the new.
const (
	killOld = "[server]\noffset = 2\n"
	killNew = "[server]\noffset = 12\n"
)

// replaceKilled is the child's side of TestKill: it replaces path with
// killNew, with a backup, and sends itself SIGKILL at the n-th call
// through the seam; a write is torn first. It prints "done" if it got to
// the end.
func replaceKilled(path, n string) {
	at, _ := strconv.Atoi(n)
	calls := 0
	fs := &hookFS{FS: safefile.OS, at: func(op, name string, tear func()) {
		if calls++; calls == at {
			if tear != nil {
				tear()
			}
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}}
	f, err := safefile.Open(path, safefile.Options{FS: fs})
	if err == nil {
		_, err = f.Replace([]byte(killNew), safefile.ReplaceOptions{Backup: true})
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("done")
}

// TestKill kills a run with SIGKILL at every call it makes through the
// seam in turn, the writes torn, while it replaces a file with a backup:
// by a rename, and in place (the file has a second hard link). After
// each kill:
//
//   - the file holds the old bytes, or the new, or begins with the NUL
//     byte an unfinished in-place rewrite starts with, which no TOML
//     reader takes and the next Open refuses (ErrTorn) — never a mix that
//     parses, as "offset = 1" would;
//   - every NAME.bak* holds the old bytes: no empty or partial backup;
//   - a file left half rewritten has its backup;
//   - the next Open removes whatever temporary file the kill left.
func TestKill(t *testing.T) {
	for _, inPlace := range []bool{false, true} {
		t.Run(map[bool]string{false: "rename", true: "in place"}[inPlace], func(t *testing.T) {
			outcomes := map[string]int{}
			for n := 1; ; n++ {
				if n > 100 {
					t.Fatal("the run never ends")
				}
				dir := t.TempDir()
				path := write(t, dir, "deployment.toml", killOld, 0o644)
				if inPlace {
					if err := os.Link(path, filepath.Join(dir, "other.toml")); err != nil {
						t.Fatal(err)
					}
				}
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "SAFEFILE_KILL="+strconv.Itoa(n), "SAFEFILE_KILL_PATH="+path)
				out, err := cmd.Output()
				done := err == nil && string(out) == "done\n"
				if !done && !killed(err) {
					t.Fatalf("kill at call %d: the run failed: %v: %s", n, err, out)
				}
				outcomes[checkKilled(t, n, dir, path)]++
				if done {
					t.Logf("killed at each of %d calls, then run to the end; the file held: %v", n-1, outcomes)
					return
				}
			}
		})
	}
}

// killed tells whether err is that of a process killed by SIGKILL.
func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// checkKilled checks what a run killed at call n left in dir, and says
// what the file held: "old", "new" or "torn".
func checkKilled(t *testing.T, n int, dir, path string) string {
	t.Helper()
	got := readFile(t, path)
	outcome := map[string]string{killOld: "old", killNew: "new"}[got]
	if outcome == "" && strings.HasPrefix(got, "\x00") {
		outcome = "torn"
	}
	if outcome == "" {
		t.Errorf("kill at call %d: the file holds %q: neither the old bytes, nor the new, nor refused", n, got)
	}
	var backups []string
	for _, name := range names(t, dir) {
		if strings.HasPrefix(name, "deployment.toml.bak") {
			backups = append(backups, name)
			if b := readFile(t, filepath.Join(dir, name)); b != killOld {
				t.Errorf("kill at call %d: the backup %s holds %q, not the old bytes", n, name, b)
			}
		}
	}
	f, err := safefile.Open(path, safefile.Options{})
	switch {
	case outcome == "torn":
		if !errors.Is(err, safefile.ErrTorn) || len(backups) > 0 && !strings.Contains(err.Error(), "its old bytes are in "+filepath.Join(dir, backups[len(backups)-1])) {
			t.Errorf("kill at call %d: Open of a half rewritten file: %v, want ErrTorn naming the backup", n, err)
		}
		if len(backups) == 0 {
			t.Errorf("kill at call %d: the file is half rewritten, and there is no backup", n)
		}
		return outcome
	case err != nil:
		t.Fatalf("kill at call %d: the next Open: %v", n, err)
	}
	f.Close()
	for _, name := range names(t, dir) {
		if name != "deployment.toml" && name != "other.toml" && !strings.HasPrefix(name, "deployment.toml.bak") {
			t.Errorf("kill at call %d: the next Open left %s", n, name)
		}
	}
	return outcome
}

// TestTornIsInvalid: what the in-place order leaves while it writes, a
// file beginning with a NUL byte, is refused by Open; the old and the new
// bytes are not.
func TestTornIsInvalid(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		torn       bool
	}{
		{"old", killOld, false},
		{"new", killNew, false},
		{"first byte written NUL, rest old", "\x00" + killOld[1:], true},
		{"new written over all but the first byte", "\x00" + killNew[1:], true},
		{"NUL alone", "\x00", true},
		{"empty", "", false},
	} {
		path := write(t, t.TempDir(), "deployment.toml", tt.data, 0o644)
		f, err := safefile.Open(path, safefile.Options{})
		if err == nil {
			f.Close()
		}
		if errors.Is(err, safefile.ErrTorn) != tt.torn {
			t.Errorf("%s: Open: %v, want torn %v", tt.name, err, tt.torn)
		}
		if tt.torn && !bytes.Contains([]byte(err.Error()), []byte("no backup of it was found")) {
			t.Errorf("%s: %v does not say that there is no backup", tt.name, err)
		}
	}
}
