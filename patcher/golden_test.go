package patcher_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/internal/testing/patchtest"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/google/go-cmp/cmp"
)

// diffName is the name the golden diffs give the file, as "set --home" does.
const diffName = "repository/conf/deployment.toml"

// apimPorts are the ports --shift-literals moves for API Manager.
var apimPorts = wso2.Default.ShiftingPorts()

// goldenDir holds the golden cases, one txtar file each (see package
// internal/testing/golden for the format), for example:
//
//	reason: APIM 4.5 default: its gateway URLs' 9099, 8099, 9021, 8021 move by 2 too
//	source: wso2/product-apim@v4.5.0 all-in-one-apim/modules/distribution/product/src/main/conf/deployment.toml
//	args: 2 --shift-literals
//	action: uncommented
//	-- input.toml --
//	...
//	-- output.toml --
//	...
//	-- diff.patch --
//	...
//
// The comment's keys:
//
//   - reason: what the case shows, and where its input comes from.
//   - source: optional, the real file the input is a copy of, as
//     repository@ref path (from shared/corpus/real); without it the input
//     was written by hand.
//   - args: the offset N, then the options, named as the flags of
//     "apim-offset set": --shift-literals (API Manager's default ports),
//     --template, --keep-placeholder, and --default-offset=M (the offset
//     the server uses when the file sets none).
//   - action: what Set must report doing: unchanged, replaced,
//     uncommented, inserted or added-table.
//
// The sections: input.toml, written by hand or copied from a real file;
// output.toml and diff.patch, what Set and the diff make of it. Write
// a new case as its comment and input.toml, and let
// "go test ./patcher -update" add the other two; -update rewrites only
// those, in place.
var goldenDir = filepath.Join("..", "fixtures", "golden")

// goldenCase is one golden case, read from its file.
type goldenCase struct {
	name   string
	reason string
	n      int
	opt    patcher.Options
	action patcher.Action
	input  []byte
	arch   *golden.Archive
}

// set is the one call of the edit that the golden cases make.
func set(in []byte, c goldenCase) (patcher.Result, error) {
	return patcher.Set(in, c.n, &c.opt)
}

// readGoldens reads every golden case under goldenDir.
func readGoldens(t testing.TB) []goldenCase {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".txtar")
		if !ok {
			t.Errorf("%s: not a .txtar file; every file in %s is a golden case", e.Name(), goldenDir)
			continue
		}
		c, err := readGolden(filepath.Join(goldenDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		c.name = name
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatalf("no golden cases in %s", goldenDir)
	}
	return cases
}

// readGolden reads and checks the golden case at path.
func readGolden(path string) (goldenCase, error) {
	a, err := golden.ReadArchive(path)
	if err != nil {
		return goldenCase{}, err
	}
	c := goldenCase{arch: a, reason: a.Fields["reason"], action: patcher.Action(a.Fields["action"])}
	for key := range a.Fields {
		switch key {
		case "reason", "source", "args", "action":
		default:
			return c, fmt.Errorf("%s: unknown key %q (want reason, source, args, action)", path, key)
		}
	}
	if c.reason == "" || c.action == "" {
		return c, fmt.Errorf("%s: the comment needs a reason and an action", path)
	}
	if c.n, c.opt, err = parseArgs(a.Fields["args"]); err != nil {
		return c, fmt.Errorf("%s: args: %w", path, err)
	}
	for i, s := range a.Sections {
		switch {
		case i == 0 && s.Name == "input.toml":
			c.input = s.Data
		case i > 0 && (s.Name == "output.toml" || s.Name == "diff.patch"):
		default:
			return c, fmt.Errorf("%s: section %q: want input.toml first, then output.toml and diff.patch", path, s.Name)
		}
	}
	if len(a.Sections) == 0 {
		return c, fmt.Errorf("%s: no input.toml section", path)
	}
	return c, nil
}

// parseArgs reads "N [--shift-literals] [--template] [--keep-placeholder]
// [--default-offset=M]".
func parseArgs(s string) (int, patcher.Options, error) {
	var opt patcher.Options
	words := strings.Fields(s)
	if len(words) == 0 {
		return 0, opt, fmt.Errorf("no offset")
	}
	n, err := strconv.Atoi(words[0])
	if err != nil {
		return 0, opt, fmt.Errorf("the offset %q is not a number", words[0])
	}
	fs := flag.NewFlagSet("args", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	shift := fs.Bool("shift-literals", false, "")
	template := fs.Bool("template", false, "")
	fs.BoolVar(&opt.KeepPlaceholder, "keep-placeholder", false, "")
	fs.IntVar(&opt.DefaultOffset, "default-offset", 0, "")
	if err := fs.Parse(words[1:]); err != nil {
		return 0, opt, err
	}
	if fs.NArg() > 0 {
		return 0, opt, fmt.Errorf("%q is not an option", fs.Arg(0))
	}
	if *shift {
		opt.ShiftLiterals = apimPorts
	}
	if *template {
		opt.Format = patcher.Template
	}
	return n, opt, nil
}

func TestGolden(t *testing.T) {
	for _, c := range readGoldens(t) {
		t.Run(c.name, func(t *testing.T) {
			res, err := set(c.input, c)
			if err != nil {
				t.Fatalf("Set(%d): %v (%s)", c.n, err, c.reason)
			}
			if res.Action != c.action {
				t.Errorf("action = %s, want %s (%s)", res.Action, c.action, c.reason)
			}
			diff := unidiff.Diff(diffName, c.input, res.Output)
			c.arch.Check(t, golden.Section{Name: "output.toml", Data: res.Output}, golden.Section{Name: "diff.patch", Data: diff})

			if line := bytes.Split(res.Output, []byte("\n"))[res.Line-1]; !bytes.Contains(line, []byte("offset")) {
				t.Errorf("Line = %d, which reads %q: no offset there", res.Line, line)
			}
			cur, err := offsetOf(res.Output, &c.opt)
			if err != nil || cur.Offset != c.n || cur.Source != patcher.SourceSet {
				t.Errorf("Get(output) = %+v, %v; want offset %d set", cur, err, c.n)
			}
			again, err := set(res.Output, c)
			if err != nil || again.Changed || !bytes.Equal(again.Output, res.Output) {
				t.Errorf("second Set changed the output again (err %v)", err)
			}
		})
	}
}

// TestGoldenDiffsApply checks that each golden diff, applied to its input by
// patch -p1 and by git apply, gives the golden output byte for byte.
func TestGoldenDiffsApply(t *testing.T) {
	for _, c := range readGoldens(t) {
		want, ok1 := c.arch.Section("output.toml")
		diff, ok2 := c.arch.Section("diff.patch")
		if !ok1 || !ok2 {
			t.Errorf("%s: no output.toml or diff.patch (run go test ./patcher -update)", c.arch.Path)
			continue
		}
		if len(diff) == 0 {
			continue
		}
		for _, tool := range patchtest.Tools {
			t.Run(c.name+"/"+tool, func(t *testing.T) {
				got := patchtest.Apply(t, tool, diffName, c.input, diff)
				if !bytes.Equal(got, want) {
					t.Errorf("%s gave other bytes than Set (-want +got):\n%s", tool, cmp.Diff(string(want), string(got)))
				}
			})
		}
	}
}
