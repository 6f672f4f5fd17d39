package judge

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Listener is a System that can tell the TCP ports a process listens on.
// Check reads a running server's sockets when its System is one.
type Listener interface {
	Listening(pid int) ([]int, error)
}

// Listening lists the TCP ports process pid listens on: the socket inodes
// its /proc/PID/fd links name, looked up among the LISTEN rows of its
// network namespace's /proc/PID/net/tcp and tcp6. Another user's process
// gives an error (its fd folder cannot be read without privilege).
func (Local) Listening(pid int) ([]int, error) {
	base := filepath.Join("/proc", strconv.Itoa(pid))
	fds, err := os.ReadDir(filepath.Join(base, "fd"))
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join(base, "fd", fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			inodes[strings.TrimSuffix(inode, "]")] = true
		}
	}
	var ports []int
	for _, table := range []string{"tcp", "tcp6"} {
		for inode, port := range listeners(filepath.Join(base, "net", table)) {
			if inodes[inode] && !slices.Contains(ports, port) {
				ports = append(ports, port)
			}
		}
	}
	slices.Sort(ports)
	return ports, nil
}

// listeners reads a /proc/net/tcp table: the inode and port of each
// listening socket.
func listeners(table string) map[string]int {
	out := map[string]int{}
	f, err := os.Open(table)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" { // 0A: LISTEN
			continue
		}
		i := strings.LastIndexByte(fields[1], ':')
		if p, err := strconv.ParseInt(fields[1][i+1:], 16, 32); err == nil {
			out[fields[9]] = int(p)
		}
	}
	return out
}

// listensAt finds the offset a server listening on ports runs at: the one
// that puts the most of the product's shifting ports that are on where
// they are, the expected offset first on a tie. matched are those ports,
// each with its purpose.
func (c *checker) listensAt(ports []int, expect int) (offset int, matched []string) {
	count := map[int][]string{}
	for _, l := range ports {
		for _, p := range c.srv.Product.Ports {
			if p.Shifts && p.Enabled && l-p.Port >= -p.Port {
				k := l - p.Port
				count[k] = append(count[k], fmt.Sprintf("%d %s", l, p.Purpose))
			}
		}
	}
	best := 0
	for k, m := range count {
		switch {
		case len(m) > best, len(m) == best && k == expect, len(m) == best && offset != expect && k < offset:
			offset, best, matched = k, len(m), m
		}
	}
	return offset, matched
}
