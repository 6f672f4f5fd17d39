// Command limits prints, for each TOML file or template given, what
// tomlutil.CheckLimits bounds (a template read with its placeholders
// masked, as apim-offset reads it), then the most of each, from which the
// bounds were chosen:
//
//	go run ./bench/limits ../shared/corpus/real/*deployment.toml*
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: limits FILE...")
		return 2
	}
	var most tomlutil.Counts
	mostBlocks := 0
	fmt.Fprintln(stdout, "headers\tnames\tkeys/table\tdepth\tblocks\tfile")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "limits:", err)
			return 1
		}
		_, body := tomlutil.SplitBOM(src)
		blocks := 0
		if tmplmask.Has(body) {
			if m, err := tmplmask.Mask(body); err == nil {
				body, blocks = m.Text, m.Depth
			}
		}
		c := tomlutil.Count(body)
		fmt.Fprintf(stdout, "%d\t%d\t%d\t%d\t%d\t%s\n", c.Headers, c.Names, c.KeysPerTable, c.Depth, blocks, filepath.Base(f))
		most = tomlutil.Counts{Headers: max(most.Headers, c.Headers), Names: max(most.Names, c.Names),
			KeysPerTable: max(most.KeysPerTable, c.KeysPerTable), Depth: max(most.Depth, c.Depth)}
		mostBlocks = max(mostBlocks, blocks)
	}
	fmt.Fprintf(stdout, "%d\t%d\t%d\t%d\t%d\tmost of %d files\n", most.Headers, most.Names, most.KeysPerTable, most.Depth, mostBlocks, len(files))
	return 0
}
