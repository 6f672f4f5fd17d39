// Package synth makes large synthetic deployment.toml files for benchmarks:
// many small tables shaped like WSO2's, then [server] last with its offset
// commented out, so that finding the offset means reading the whole file.
package synth

import (
	"bytes"
	"fmt"
)

// Deployment returns a deployment.toml of at most size bytes, and less by
// no more than one table's worth: Deployment(patcher.MaxSize) is as large
// a file as the tool takes. Its [server] table is always there, even when
// it alone is larger than size.
func Deployment(size int) []byte {
	const server = "[server]\nhostname = \"localhost\"\n#offset=0\n"
	var out bytes.Buffer
	out.Grow(size)
	var table []byte
	for i := 0; ; i++ {
		table = fmt.Appendf(table[:0], "[generated%d.transport]\n# a comment line, as the real files have many\nhost = \"node%d.example.com\"\nport = %d\nenabled = true\nurls = [\"https://a%d:9443/x\", \"https://b%d:9443/y\"]\n\n", i, i, 9443+i%100, i, i)
		if out.Len()+len(table)+len(server) > size {
			break
		}
		out.Write(table)
	}
	out.WriteString(server)
	return out.Bytes()
}
