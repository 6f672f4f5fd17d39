// Command synthetic writes a synthetic deployment.toml of at most the given
// size for the bench script: go run ./bench/synthetic 1048576 > big.toml.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/apim-offset/apim-offset/internal/testing/synth"
)

func main() {
	size, err := 0, error(nil)
	if len(os.Args) == 2 {
		size, err = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) != 2 || err != nil || size < 0 {
		fmt.Fprintln(os.Stderr, "usage: synthetic BYTES > deployment.toml")
		os.Exit(2)
	}
	os.Stdout.Write(synth.Deployment(size))
}
