// Package synth makes large synthetic deployment.toml files for benchmarks:
// many small tables shaped like WSO2's, then [server] last with its offset
// commented out, so that finding the offset means reading the whole file.
package synth

import (
	"bytes"
	"fmt"
)

// Deployment returns a deployment.toml of at least size bytes.
func Deployment(size int) []byte {
	var out bytes.Buffer
	out.Grow(size + 256)
	for i := 0; out.Len() < size; i++ {
		fmt.Fprintf(&out, "[generated%d.transport]\n# a comment line, as the real files have many\nhost = \"node%d.example.com\"\nport = %d\nenabled = true\nurls = [\"https://a%d:9443/x\", \"https://b%d:9443/y\"]\n\n", i, i, 9443+i%100, i, i)
	}
	out.WriteString("[server]\nhostname = \"localhost\"\n#offset=0\n")
	return out.Bytes()
}
