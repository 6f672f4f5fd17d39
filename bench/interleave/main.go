// Command interleave times whole commands that change a file, for
// bench/floor.sh: each run gets a fresh copy of the file (copied outside
// the timed part), the commands take turns (a, b, c, a, b, c, ...) so that
// a slow spell of the machine falls on all of them, and every run must
// leave the same bytes as the first command's. It prints each command's
// median and the ratios asked for.
//
//	interleave -file F -rounds 50 -ratio apim-offset/floor \
//	    sed='sed -i s/^#offset=0/offset=2/ {}' floor='floor 2 {}' ...
//
// {} in a command stands for the copy of the file; the words are split on
// spaces (no shell).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

type command struct {
	name  string
	args  []string
	times []time.Duration
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "interleave:", err)
		os.Exit(2)
	}
}

// options are the command line's flags and command specs.
type options struct {
	file           string
	rounds, warmup int
	dir            string   // where to put the copies
	ratios         []string // a/b
	specs          []string // name='cmd {}'
}

func run() error {
	opt, err := parseFlags()
	if err != nil {
		return err
	}
	orig, err := os.ReadFile(opt.file)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(opt.dir, "interleave")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	target := filepath.Join(dir, filepath.Base(opt.file))
	cmds, err := parseCommands(opt.specs, target)
	if err != nil {
		return err
	}
	if err := timeRounds(cmds, target, orig, opt.warmup, opt.rounds); err != nil {
		return err
	}
	fmt.Printf("%s, %d bytes, %d interleaved rounds\n", opt.file, len(orig), opt.rounds)
	return printMedians(cmds, opt.ratios)
}

// parseFlags reads the command line.
func parseFlags() (options, error) {
	var opt options
	flag.StringVar(&opt.file, "file", "", "the file every command changes")
	flag.IntVar(&opt.rounds, "rounds", 50, "runs of each command")
	flag.IntVar(&opt.warmup, "warmup", 3, "untimed rounds first")
	flag.StringVar(&opt.dir, "dir", "", "where to put the copies (default: the system's temporary folder)")
	flag.Func("ratio", "a/b: print the ratio of a's median to b's (repeatable)", func(s string) error {
		opt.ratios = append(opt.ratios, s)
		return nil
	})
	flag.Parse()
	if opt.file == "" || flag.NArg() == 0 {
		return opt, errors.New("usage: interleave -file F [-rounds N] [-ratio a/b] name='cmd {}' [name='cmd {}']")
	}
	opt.specs = flag.Args()
	return opt, nil
}

// parseCommands reads each name='cmd {}', {} standing for target.
func parseCommands(specs []string, target string) ([]*command, error) {
	var cmds []*command
	for _, spec := range specs {
		name, line, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want name='command {}'", spec)
		}
		args := strings.Fields(strings.ReplaceAll(line, "{}", target))
		cmds = append(cmds, &command{name: name, args: args})
	}
	return cmds, nil
}

// timeRounds runs the commands in turn, warmup untimed rounds and then
// rounds timed ones, each on a fresh copy of orig at target; every run
// must leave the bytes the first command's did.
func timeRounds(cmds []*command, target string, orig []byte, warmup, rounds int) error {
	var want []byte // what the first command leaves
	for round := -warmup; round < rounds; round++ {
		for _, c := range cmds {
			got, elapsed, err := runOnce(c, target, orig)
			if err != nil {
				return err
			}
			if want == nil {
				want = got
			} else if !bytes.Equal(got, want) {
				return fmt.Errorf("%s leaves other bytes than %s", c.name, cmds[0].name)
			}
			if round >= 0 {
				c.times = append(c.times, elapsed)
			}
		}
	}
	return nil
}

// runOnce copies orig to target (untimed), runs c on it and returns the
// bytes it leaves and how long it took.
func runOnce(c *command, target string, orig []byte) ([]byte, time.Duration, error) {
	if err := os.WriteFile(target, orig, 0o644); err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(c.args[0], c.args[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // stdout goes to /dev/null
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v\n%s", c.name, err, stderr.Bytes())
	}
	got, err := os.ReadFile(target)
	if err != nil {
		return nil, 0, err
	}
	return got, elapsed, nil
}

// printMedians prints each command's median, min and p90, then the ratios
// of medians asked for.
func printMedians(cmds []*command, ratios []string) error {
	medians := map[string]time.Duration{}
	for _, c := range cmds {
		slices.Sort(c.times)
		m := median(c.times)
		medians[c.name] = m
		fmt.Printf("%-20s median %7.3f ms  (min %7.3f, p90 %7.3f)\n", c.name, ms(m), ms(c.times[0]), ms(c.times[len(c.times)*9/10]))
	}
	for _, r := range ratios {
		a, b, _ := strings.Cut(r, "/")
		ma, oka := medians[a]
		mb, okb := medians[b]
		if !oka || !okb {
			return fmt.Errorf("ratio %s: no such command", r)
		}
		fmt.Printf("%-20s %.2fx\n", r, float64(ma)/float64(mb))
	}
	return nil
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
