// Package synth makes large synthetic deployment.toml files for benchmarks:
// many small tables shaped like WSO2's, then [server] last with its offset
// commented out, so that finding the offset means reading the whole file;
// and documents of the shapes whose parse could cost more than their size
// says (see Shape).
package synth

import (
	"bytes"
	"fmt"
)

// Deployment returns a deployment.toml of at most size bytes, and less by
// no more than one table's worth: Deployment(patcher.MaxSize) is as large
// a file as the tool takes. Its [server] table is always there, even when
// it alone is larger than size.
//
// Its tables are commented as WSO2's are (a 1 MiB file has some 1,600), so
// that at any size up to 1 MiB it keeps within the bounds of
// tomlutil.CheckLimits.
func Deployment(size int) []byte {
	const server = "[server]\nhostname = \"localhost\"\n#offset=0\n"
	var out bytes.Buffer
	out.Grow(size)
	var table []byte
	for i := 0; ; i++ {
		table = fmt.Appendf(table[:0], "[generated%d.transport]\n"+
			"# The transport of generated node %d. The real files explain most tables in a few lines like\n"+
			"# these: what the table configures, which keys it takes, the default of each, and when a\n"+
			"# deployment should change them. Uncomment a key to change it; the server reads this file at\n"+
			"# start-up only, so restart it afterwards. A key left out takes its default.\n"+
			"# host: the name clients use; port: the HTTPS port before the offset; urls: the endpoints.\n"+
			"# See the product's documentation for the full list of keys.\nhost = \"node%d.example.com\"\nport = %d\nenabled = true\nurls = [\"https://a%d:9443/x\", \"https://b%d:9443/y\"]\n\n", i, i, i, 9443+i%100, i, i)
		if out.Len()+len(table)+len(server) > size {
			break
		}
		out.Write(table)
	}
	out.WriteString(server)
	return out.Bytes()
}
