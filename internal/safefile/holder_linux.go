package safefile

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// lockHolder returns the process that holds a lock on the file, from
// /proc/locks, with its user and command line from /proc/PID; its PID is
// 0 when it cannot tell (another PID namespace shows none).
func lockHolder(info os.FileInfo) Holder {
	h := Holder{UID: -1}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return h
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return h
	}
	h.PID = holderIn(bufio.NewScanner(f), unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	f.Close()
	if h.PID <= 0 {
		return h
	}
	proc := "/proc/" + strconv.Itoa(h.PID)
	if status, err := Read(proc+"/status", 64<<10); err == nil {
		h.UID = statusUID(status)
		if h.UID >= 0 {
			h.User = lookupUser(h.UID)
		}
	}
	if cmdline, err := Read(proc+"/cmdline", 4<<10); err == nil {
		h.Command = commandLine(cmdline)
	}
	return h
}

// statusUID is the real user ID in the Uid: line of /proc/PID/status
// ("Uid:\t1000\t1000\t1000\t1000"), or -1.
func statusUID(status []byte) int {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				if uid, err := strconv.Atoi(f[0]); err == nil {
					return uid
				}
			}
		}
	}
	return -1
}

// holderIn finds in the lines of /proc/locks the PID of the holder of a
// lock on inode ino of device major:minor. A line is
//
//	1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF
//
// with the device in hex; the lines of waiters have "->" after the number.
func holderIn(sc *bufio.Scanner, major, minor uint32, ino uint64) int {
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" {
			continue
		}
		id := strings.Split(fields[5], ":")
		if len(id) != 3 {
			continue
		}
		maj, err1 := strconv.ParseUint(id[0], 16, 32)
		mnr, err2 := strconv.ParseUint(id[1], 16, 32)
		in, err3 := strconv.ParseUint(id[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || uint32(maj) != major || uint32(mnr) != minor || in != ino {
			continue
		}
		if pid, err := strconv.Atoi(fields[4]); err == nil && pid > 0 {
			return pid
		}
	}
	return 0
}
