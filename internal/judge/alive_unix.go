//go:build unix

package judge

import (
	"errors"
	"syscall"
)

// Alive reports whether process pid exists: signal 0 checks without
// sending anything, and EPERM means it exists under another user.
func (Local) Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
