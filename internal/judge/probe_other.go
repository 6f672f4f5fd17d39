//go:build !unix && !windows

package judge

// listenFails cannot tell on the remaining systems (WebAssembly, Plan 9):
// every port counts as free. On WebAssembly net.Listen failed as well; on
// Plan 9, which would need its /net files, doctor gives up the probe.
func listenFails(wildcard bool, port int) bool { return false }
