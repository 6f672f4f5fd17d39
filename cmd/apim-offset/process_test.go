//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/patcher"
	"golang.org/x/sys/unix"
)

// TestProcesses runs the built command as separate processes: at a
// terminal, several at once on one file, and killed in the middle of
// writing.
func TestProcesses(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "apim-offset")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("prompt", func(t *testing.T) { testPrompt(t, bin) })
	t.Run("concurrent", func(t *testing.T) { testConcurrent(t, bin) })
	t.Run("kill", func(t *testing.T) { testKill(t, bin) })
	t.Run("owner", func(t *testing.T) { testOwner(t, bin) })
	t.Run("version", testVersion)
}

// testVersion: a build from a git checkout prints its module version and
// revision, as "go install" gives them.
func testVersion(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	if err := exec.Command("git", "rev-parse", "HEAD").Run(); err != nil {
		t.Skip("not a git checkout")
	}
	bin := filepath.Join(t.TempDir(), "apim-offset")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^apim-offset version v\d+\.\d+\.\d+\S* ` + strings.TrimSpace(string(rev)) + `( \(modified\))?\n$`)
	if !want.Match(out) {
		t.Errorf("--version printed %q, want the module version and revision %s", out, rev)
	}
}

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// session is a command running at a new terminal.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	shown  bytes.Buffer // what the terminal showed
	done   chan struct{}
}

// atTerminal starts bin with args at a new terminal.
func atTerminal(t *testing.T, bin string, env []string, args ...string) *session {
	t.Helper()
	master, slave := openPTY(t)
	s := &session{t: t, cmd: exec.Command(bin, args...), master: master, done: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = slave, slave, slave
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			s.mu.Lock()
			s.shown.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return // EIO once the command has exited
			}
		}
	}()
	return s
}

// waitFor waits until the terminal shows text.
func (s *session) waitFor(text string) {
	s.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s.mu.Lock()
		shown := s.shown.String()
		s.mu.Unlock()
		if strings.Contains(shown, text) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%q not shown after 10 s; the terminal shows:\n%s", text, shown)
		}
	}
}

// answer types a line.
// send types keys at the terminal as they are: "\x04" is Ctrl-D.
func (s *session) send(keys string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) answer(line string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(line + "\n")); err != nil {
		s.t.Fatal(err)
	}
}

// wait waits for the command to end and returns what the terminal showed
// and the exit code.
func (s *session) wait() (string, int) {
	s.t.Helper()
	err := s.cmd.Wait()
	<-s.done
	s.master.Close()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return strings.ReplaceAll(s.shown.String(), "\r\n", "\n"), code
}

// ask runs bin at a terminal, answers its question and returns what the
// terminal showed and the exit code.
func ask(t *testing.T, bin, answer string, env []string, args ...string) (string, int) {
	t.Helper()
	s := atTerminal(t, bin, env, args...)
	s.waitFor("[y/N] ")
	s.answer(answer)
	return s.wait()
}

// testPrompt: at a terminal, set shows the diff in colour and asks; n
// (or Enter, or Ctrl-D) leaves the file and exits 1, y writes it. The lock
// is not held while it asks: a second run writes at once, and the first,
// answered y, refuses to write over that. A file another program changes
// while set asks is not written. --json there needs --yes.
func testPrompt(t *testing.T, bin string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "deployment.toml")
	orig := "[server]\nhostname = \"localhost\"\n#offset=0\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	// Anything but y or yes is no: n, Enter, end of input (Ctrl-D). Each
	// prints "not applied" on a line of its own and exits 1.
	for _, answer := range []struct{ name, keys string }{{"n", "n\n"}, {"Enter", "\n"}, {"Ctrl-D", "\x04"}} {
		s := atTerminal(t, bin, nil, "set", "2", "--file", path)
		s.waitFor("[y/N] ")
		s.send(answer.keys)
		shown, code := s.wait()
		if code != 1 || !strings.Contains(shown, "\x1b[32m+offset=2\x1b[0m") || !strings.Contains(shown, "Apply to "+path+"? [y/N] ") ||
			!strings.Contains(shown, "\napim-offset: "+path+": not applied\n") {
			t.Errorf("answering %s: exit %d, terminal:\n%q", answer.name, code, shown)
		}
		if got, _ := os.ReadFile(path); string(got) != orig {
			t.Errorf("answering %s changed the file:\n%s", answer.name, got)
		}
	}

	// The lock is not held while set asks: a second run writes at once,
	// and the first, answered y, refuses to write over it.
	first := atTerminal(t, bin, []string{"NO_COLOR=1"}, "set", "2", "--file", path)
	first.waitFor("[y/N] ")
	other, err := exec.Command(bin, "set", "5", "--file", path, "--json", "--yes", "--lock-timeout", "5s").CombinedOutput()
	if err != nil || !strings.Contains(string(other), `"applied":true`) {
		t.Fatalf("a second run while the first asks: %v: %s", err, other)
	}
	first.answer("y")
	shown, code := first.wait()
	if code != 2 || !strings.Contains(shown, "\n+offset=2\n") || strings.Contains(shown, "\x1b[") ||
		!strings.Contains(shown, "the file changed while apim-offset was working on it") {
		t.Errorf("answering y after another run wrote: exit %d, terminal:\n%q", code, shown)
	}
	if got, _ := os.ReadFile(path); string(got) != "[server]\nhostname = \"localhost\"\noffset=5\n" {
		t.Errorf("after both runs the file holds:\n%s", got)
	}

	// y writes.
	shown, code = ask(t, bin, "y", []string{"NO_COLOR=1"}, "set", "6", "--file", path)
	if code != 0 || !strings.Contains(shown, "offset 5 -> 6 written; restart the server to use it") {
		t.Errorf("answering y: exit %d, terminal:\n%q", code, shown)
	}

	// Another program writes the file while set asks.
	s := atTerminal(t, bin, nil, "set", "7", "--file", path)
	s.waitFor("[y/N] ")
	theirs := "[server]\noffset=9\n"
	if err := os.WriteFile(path, []byte(theirs), 0o644); err != nil {
		t.Fatal(err)
	}
	s.answer("y")
	shown, code = s.wait()
	if code != 2 || !strings.Contains(shown, "the file changed while apim-offset was working on it; nothing was written") {
		t.Errorf("a file changed meanwhile: exit %d, terminal:\n%q", code, shown)
	}
	if got, _ := os.ReadFile(path); string(got) != theirs {
		t.Errorf("the other program's change was overwritten:\n%s", got)
	}

	shown, code = atTerminal(t, bin, nil, "set", "3", "--file", path, "--json").wait()
	if code != 2 || !strings.Contains(shown, `{"error":"--json on a terminal needs --yes, --dry-run or --check"`) {
		t.Errorf("--json at a terminal: exit %d, terminal:\n%q", code, shown)
	}
}

// runAtOnce runs count processes of bin at once, process i with the
// arguments args(i), and returns their JSON reports.
func runAtOnce(t *testing.T, bin string, count int, args func(i int) []string) []setReport {
	t.Helper()
	reports := make([]setReport, count)
	var wg sync.WaitGroup
	for i := range count {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, args(i)...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("run %d: %v\n%s%s", i, err, stdout.String(), stderr.String())
				return
			}
			if err := json.Unmarshal(stdout.Bytes(), &reports[i]); err != nil {
				t.Errorf("run %d: %v: %s", i, err, stdout.String())
			}
		}()
	}
	wg.Wait()
	return reports
}

// testConcurrent: runs that set different offsets on one file at the same
// time take turns: each reads what the one before wrote, so their from and
// to chain from the first offset to the last, and the file ends as one
// run on it would leave it. Runs that set the same offset write once.
func testConcurrent(t *testing.T, bin string) {
	orig, err := golden.ReadSection(filepath.Join("..", "..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		t.Fatal(err)
	}
	const rounds, runs = 10, 12
	for round := range rounds {
		dir := t.TempDir()
		path := filepath.Join(dir, "deployment.toml")
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
		reports := runAtOnce(t, bin, runs, func(i int) []string {
			return []string{"set", strconv.Itoa(i + 1), "--file", path, "--yes", "--json"}
		})
		next := map[int]int{}
		for _, r := range reports {
			if !r.Applied || r.From == nil {
				t.Fatalf("round %d: a run did not apply: %+v", round, r)
			}
			if _, dup := next[*r.From]; dup {
				t.Fatalf("round %d: two runs changed offset %d: an update was lost", round, *r.From)
			}
			next[*r.From] = r.To
		}
		at, seen := 0, 0
		for ; seen < runs; seen++ {
			to, ok := next[at]
			if !ok {
				break
			}
			at = to
		}
		if seen != runs {
			t.Fatalf("round %d: the runs do not chain: %v", round, next)
		}
		want, err := patcher.Set(orig, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, want.Output) {
			t.Fatalf("round %d: the file is not what setting %d once gives", round, at)
		}
		if names := folderNames(t, dir); len(names) != 1 {
			t.Fatalf("round %d: folder holds %v", round, names)
		}
	}

	// The same offset from every run: one writes, the others find it set.
	dir := t.TempDir()
	path := filepath.Join(dir, "deployment.toml")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	applied := 0
	for _, r := range runAtOnce(t, bin, runs, func(int) []string { return []string{"set", "7", "--file", path, "--yes", "--json"} }) {
		if r.Applied {
			applied++
		} else if r.Changed || r.Action != "unchanged" {
			t.Errorf("a run that did not write: %+v", r)
		}
	}
	if applied != 1 {
		t.Errorf("%d runs wrote offset 7, want 1", applied)
	}
	t.Logf("%d rounds of %d runs with different offsets at once, then %d with the same: no update lost", rounds, runs, runs)
}

// testKill kills runs with SIGKILL at random moments while they write a
// large file: the file is always the old bytes or the new, and the next
// run removes any temporary file a killed one left.
func testKill(t *testing.T, bin string) {
	iterations := 100
	if n, err := strconv.Atoi(os.Getenv("APIM_OFFSET_KILL_LOOP")); err == nil {
		iterations = n
	}
	real, err := golden.ReadSection(filepath.Join("..", "..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		t.Fatal(err)
	}
	// As large as the tool takes, so that writing takes long enough to be
	// interrupted.
	orig := append(bytes.Repeat([]byte("# padding so that the write takes a while\n"), (patcher.MaxSize-len(real))/43), real...)
	res, err := patcher.Set(orig, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "deployment.toml")
	args := []string{"set", "3", "--file", path, "--yes"}

	// How long a whole run takes here, to kill within it.
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	whole := time.Since(start)

	var old, new, stale, removed int
	for i := range iterations {
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Half the kills anywhere in the run, half in its last third, where
		// it writes.
		at := rand.Int64N(int64(whole))
		if i%2 == 1 {
			at = int64(whole)*2/3 + rand.Int64N(int64(whole)/3)
		}
		time.Sleep(time.Duration(at))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case bytes.Equal(got, orig):
			old++
		case bytes.Equal(got, res.Output):
			new++
		default:
			t.Fatalf("kill %d: the file is neither the old nor the new bytes (%d bytes)", i, len(got))
		}
		if len(folderNames(t, dir)) > 1 {
			stale++
			// The next run cleans up and finishes the job.
			var stderr bytes.Buffer
			cmd := exec.Command(bin, args...)
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("the run after a kill: %v: %s", err, stderr.String())
			}
			if strings.Contains(stderr.String(), "left by an interrupted run") {
				removed++
			}
			if names := folderNames(t, dir); len(names) != 1 {
				t.Fatalf("after the next run the folder holds %v", names)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, res.Output) {
				t.Fatalf("the run after a kill did not write the new bytes")
			}
		}
	}
	t.Logf("%d runs killed within a %v run: %d left the old file, %d the new, %d a stale temporary file (%d removed by the next run); none a mix",
		iterations, whole.Round(time.Millisecond), old, new, stale, removed)
	if stale != removed {
		t.Errorf("%d stale temporary files, %d removed", stale, removed)
	}
}

// testOwner: provisioning runs as root on a file owned by the server's
// user; the written file keeps owner, group and mode, as does the backup.
func testOwner(t *testing.T, bin string) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "deployment.toml")
	if err := os.WriteFile(path, []byte("[server]\n#offset=0\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 802, 802); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "set", "2", "--file", path, "--yes", "--backup").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, p := range []string{path, path + ".bak"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != 802 || st.Gid != 802 || fi.Mode().Perm() != 0o640 {
			t.Errorf("%s: %d:%d %v, want 802:802 -rw-r-----", filepath.Base(p), st.Uid, st.Gid, fi.Mode().Perm())
		}
	}
	got, _ := os.ReadFile(path)
	if string(got) != "[server]\noffset=2\n" {
		t.Errorf("file holds %q", got)
	}
}
