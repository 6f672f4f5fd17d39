package judge

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// Local is this machine: its environment, its processes from /proc, and
// its ports, tried by binding them.
type Local struct{}

func (Local) Getenv(key string) string { return os.Getenv(key) }

// Processes lists the processes whose command lines /proc shows.
func (Local) Processes() ([]Process, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := (Local{}).Process(pid); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Process is the process pid with its command line, from /proc; false when
// it is gone or shows none.
func (Local) Process(pid int) (Process, bool) {
	data, err := safefile.Read(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"), maxCmdline)
	data = data[:min(len(data), maxCmdline)]
	if err != nil || len(data) == 0 {
		return Process{}, false
	}
	return Process{PID: pid, Args: strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")}, true
}

// PortInUse tries to listen on port at loopback and at the wildcard
// address, as a server would; the owner comes from /proc/net/tcp and the
// processes' open sockets.
func (Local) PortInUse(port int) (bool, int, string) {
	if !listenFails(false, port) && !listenFails(true, port) {
		return false, 0, ""
	}
	pid, owner := socketOwner(port)
	return true, pid, owner
}

// ListeningPorts reads, once, the TCP ports something listens on in this
// machine's network namespace (/proc/net/tcp and tcp6), for a caller that
// asks of many ports; ok is false where /proc does not tell.
func (Local) ListeningPorts() (ports map[int]bool, ok bool) {
	ports = map[int]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		if _, err := os.Stat(table); err == nil {
			ok = true
		}
		for _, p := range listeners(table) {
			ports[p] = true
		}
	}
	return ports, ok
}

// PortOwner is the process listening on port, and its name, or 0.
func (Local) PortOwner(port int) (int, string) { return socketOwner(port) }

// socketOwner finds the process listening on port, through the socket's
// inode in /proc/net/tcp{,6} and the process whose fd links to it.
func socketOwner(port int) (int, string) {
	inode := ""
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for in, p := range listeners(table) {
			if p == port {
				inode = in
			}
		}
		if inode != "" {
			break
		}
	}
	if inode == "" {
		return 0, ""
	}
	target := fmt.Sprintf("socket:[%s]", inode)
	procs, _ := os.ReadDir("/proc")
	for _, e := range procs {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fds, _ := os.ReadDir(filepath.Join("/proc", e.Name(), "fd"))
		for _, fd := range fds {
			if link, _ := os.Readlink(filepath.Join("/proc", e.Name(), "fd", fd.Name())); link == target {
				comm, _ := safefile.Read(filepath.Join("/proc", e.Name(), "comm"), 64)
				return pid, strings.TrimSpace(string(comm))
			}
		}
	}
	return 0, ""
}
