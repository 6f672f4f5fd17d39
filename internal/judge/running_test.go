package judge_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/google/go-cmp/cmp"
)

// TestMain lets the test binary stand in for a running WSO2 server: with
// DOCTOR_STAND_IN set it listens on loopback at 9443+k and 8243+k (the
// servlet HTTPS and gateway passthrough HTTPS ports at offset k), prints k
// and waits for stdin to close.
func TestMain(m *testing.M) {
	if os.Getenv("DOCTOR_STAND_IN") != "" {
		standIn()
		return
	}
	os.Exit(m.Run())
}

func standIn() {
	for range 200 {
		k := 10000 + rand.IntN(20000)
		a, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 9443+k))
		if err != nil {
			continue
		}
		b, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 8243+k))
		if err != nil {
			a.Close()
			continue
		}
		fmt.Println(k)
		bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
		a.Close()
		b.Close()
		os.Exit(0)
	}
	os.Exit(3)
}

// startServer starts the stand-in with -Dcarbon.home=dir in its command
// line, as WSO2's start scripts give the java process (product-apim
// startup-scripts/api-manager.sh), and returns its pid and offset.
func startServer(t *testing.T, dir string) (int, int) {
	t.Helper()
	if _, err := os.Stat("/proc/self/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp to read sockets from")
	}
	cmd := exec.Command(os.Args[0], "-Xms256m", "-Dcarbon.home="+dir, "org.wso2.carbon.bootstrap.Bootstrap")
	cmd.Env = append(os.Environ(), "DOCTOR_STAND_IN=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	k, err2 := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || err2 != nil {
		t.Fatalf("stand-in server: %q, %v, %v", line, err, err2)
	}
	return cmd.Process.Pid, k
}

// machine is the real machine's processes and sockets, with an environment
// and ports of the test's own.
type machine struct{ fakeSystem }

func (machine) Processes() ([]judge.Process, error) { return judge.Local{}.Processes() }
func (machine) Listening(pid int) ([]int, error)    { return judge.Local{}.Listening(pid) }

// TestRunningServer: doctor reads the listening sockets of the process
// whose command line has -Dcarbon.home=HOME, from /proc/PID/fd and
// /proc/PID/net/tcp, and tells whether it runs at the file's offset or
// needs a restart (Carbon reads the offset at start-up only: kernel
// CarbonUtils.getPortFromServerConfig).
func TestRunningServer(t *testing.T) {
	h := home(t, "plain")
	pid, k := startServer(t, h.Dir)
	run := func(offset int) []string {
		h.Src = []byte(fmt.Sprintf("[server]\noffset = %d\n", offset))
		var got []string
		for _, f := range check([]Home{h}, machine{}) {
			if f.Check == "running" {
				got = append(got, fmt.Sprintf("%s %s %s: %s | %s", f.Severity, f.Code, f.Source, f.Message, f.Fix))
			}
		}
		return got
	}
	ports := fmt.Sprintf("%d gateway passthrough HTTPS, %d management console and servlet HTTPS", 8243+k, 9443+k)
	want := []string{fmt.Sprintf("note server-at-offset pid %d: the server (pid %d) listens at offset %d, the one it should (%s) | ", pid, pid, k, ports)}
	if d := cmp.Diff(want, run(k)); d != "" {
		t.Errorf("at the file's offset (-want +got):\n%s", d)
	}
	want = []string{fmt.Sprintf("warning server-stale pid %d: the server (pid %d) listens at offset %d (%s), not at the file's offset %d: it was started before the change | restart the server for offset %d to take effect", pid, pid, k, ports, k+1, k+1)}
	if d := cmp.Diff(want, run(k+1)); d != "" {
		t.Errorf("file changed since (-want +got):\n%s", d)
	}
}

func TestLocalListening(t *testing.T) {
	if _, err := os.Stat("/proc/self/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ports, err := judge.Local{}.Listening(os.Getpid())
	port := l.Addr().(*net.TCPAddr).Port
	if err != nil || !strings.Contains(fmt.Sprint(ports), strconv.Itoa(port)) {
		t.Errorf("Listening(own pid) = %v, %v; want it to hold %d", ports, err, port)
	}
}
