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

func run() error {
	file := flag.String("file", "", "the file every command changes")
	rounds := flag.Int("rounds", 50, "runs of each command")
	warmup := flag.Int("warmup", 3, "untimed rounds first")
	in := flag.String("dir", "", "where to put the copies (default: the system's temporary folder)")
	var ratios []string
	flag.Func("ratio", "a/b: print the ratio of a's median to b's (repeatable)", func(s string) error {
		ratios = append(ratios, s)
		return nil
	})
	flag.Parse()
	if *file == "" || flag.NArg() == 0 {
		return errors.New("usage: interleave -file F [-rounds N] [-ratio a/b] name='cmd {}' [name='cmd {}']")
	}
	orig, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(*in, "interleave")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	target := filepath.Join(dir, filepath.Base(*file))

	var cmds []*command
	for _, spec := range flag.Args() {
		name, line, ok := strings.Cut(spec, "=")
		if !ok {
			return fmt.Errorf("%q: want name='command {}'", spec)
		}
		args := strings.Fields(strings.ReplaceAll(line, "{}", target))
		cmds = append(cmds, &command{name: name, args: args})
	}

	var want []byte // what the first command leaves
	for round := -*warmup; round < *rounds; round++ {
		for _, c := range cmds {
			if err := os.WriteFile(target, orig, 0o644); err != nil {
				return err
			}
			cmd := exec.Command(c.args[0], c.args[1:]...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr // stdout goes to /dev/null
			start := time.Now()
			err := cmd.Run()
			elapsed := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s: %v\n%s", c.name, err, stderr.Bytes())
			}
			got, err := os.ReadFile(target)
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

	fmt.Printf("%s, %d bytes, %d interleaved rounds\n", *file, len(orig), *rounds)
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
