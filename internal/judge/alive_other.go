//go:build !unix

package judge

import "os"

// Alive reports whether process pid exists: on Windows, opening it fails
// when it does not.
func (Local) Alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
