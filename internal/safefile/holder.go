package safefile

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Holder is the process that holds a file's lock, as far as the system
// tells: on Linux from /proc/locks, /proc/PID/status and /proc/PID/cmdline.
type Holder struct {
	PID     int    // 0: unknown (another PID namespace, or not Linux)
	UID     int    // the process's real user; -1 when unknown
	User    string // its name, or "" when it has none
	Command string // its command line, at most maxCommand bytes, with unprintable bytes escaped; "" when unknown
}

// maxCommand is the most bytes of a command line kept in a Holder.
const maxCommand = 256

// String words the holder for a message: "process 4242 (apim-offset set
// 2 --yes, user wso2carbon)", or "another process".
func (h Holder) String() string {
	if h.PID <= 0 {
		return "another process"
	}
	s := "process " + strconv.Itoa(h.PID)
	if d := h.details(); d != "" {
		s += " (" + d + ")"
	}
	return s
}

// details is what is known of the holder besides its PID: "apim-offset
// set 2 --yes, user wso2carbon".
func (h Holder) details() string {
	var what []string
	if h.Command != "" {
		what = append(what, h.Command)
	}
	switch {
	case h.User != "":
		what = append(what, "user "+h.User)
	case h.UID >= 0:
		what = append(what, "uid "+strconv.Itoa(h.UID))
	}
	return strings.Join(what, ", ")
}

// holdsMessage is the message of ErrLockTimeout: "process 4242 holds the
// file's lock (apim-offset set 2 --yes, user wso2carbon)".
func (h Holder) holdsMessage() string {
	if h.PID <= 0 {
		return "another process holds the file's lock"
	}
	s := "process " + strconv.Itoa(h.PID) + " holds the file's lock"
	if d := h.details(); d != "" {
		s += " (" + d + ")"
	}
	return s
}

// commandLine words the NUL-separated arguments of /proc/PID/cmdline:
// joined by spaces, an argument with a space or an unprintable byte
// quoted, cut to maxCommand bytes.
func commandLine(raw []byte) string {
	args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
	for i, a := range args {
		if a == "" || !utf8.ValidString(a) || strings.ContainsFunc(a, func(r rune) bool {
			return r <= ' ' || r == 0x7f || r >= 0x80 && !strconv.IsPrint(r) || r == '"' || r == '\\'
		}) {
			args[i] = strconv.QuoteToASCII(a)
		}
	}
	s := strings.Join(args, " ")
	if len(s) > maxCommand {
		cut := maxCommand - len("...")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strings.TrimSpace(s)
}

// userName is "user NAME (uid N)", or "uid N" when it has no name.
func userName(uid int) string {
	if name := lookupUser(uid); name != "" {
		return "user " + name + " (uid " + strconv.Itoa(uid) + ")"
	}
	return "uid " + strconv.Itoa(uid)
}
