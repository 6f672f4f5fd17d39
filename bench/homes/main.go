// Command homes times apim-offset over many homes against the bare durable
// loop over the same files, for bench/homes.sh: it makes n API Manager
// homes (bin/api-manager.sh and repository/conf/deployment.toml, a copy of
// -file), and then, round after round, runs each command on all of them,
// every file put back as it was (untimed) before each run:
//
//	bare     floor -j 16 N FILE...: the floor's work on each file (parse,
//	         splice, diff, temp + fsync + rename + folder fsync), 16 at once
//	set      apim-offset set N --yes --home H...  (16 at once too)
//	dry-run  apim-offset set N --dry-run --home H...
//	plan     apim-offset plan --home H...
//
// and with -before, the same three for an older build. Every write leaves
// the bytes the bare loop left. It prints each median and the ratios
// set/bare (target <= 1.5) and plan/dry-run (target <= 0.5).
//
//	homes -apim BIN -floor FLOOR -file F [-n 1000] [-rounds 5] [-before OLD]
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
	"strconv"
	"time"
)

type command struct {
	name  string
	args  []string
	write bool // it writes the files: compare them with the bare loop's
	times []time.Duration
	cpu   []time.Duration // user + system, which the machine's load moves less
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "homes:", err)
		os.Exit(2)
	}
}

func run() error {
	apim := flag.String("apim", "", "the apim-offset to time")
	before := flag.String("before", "", "an older apim-offset to time too")
	floor := flag.String("floor", "", "bench/floor, built")
	file := flag.String("file", "", "the deployment.toml every home gets")
	n := flag.Int("n", 1000, "how many homes")
	rounds := flag.Int("rounds", 5, "timed rounds")
	workers := flag.Int("j", 16, "the bare loop's parallelism (apim-offset's is 16)")
	offset := flag.Int("offset", 7, "the offset to set")
	flag.Parse()
	if *apim == "" || *floor == "" || *file == "" {
		return errors.New("usage: homes -apim BIN -floor FLOOR -file F [-n 1000] [-rounds 5] [-before OLD]")
	}
	orig, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "homes")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	var files, homes []string
	for i := range *n {
		home := filepath.Join(root, fmt.Sprintf("apim-%04d", i))
		conf := filepath.Join(home, "repository", "conf")
		if err := os.MkdirAll(conf, 0o755); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(home, "bin"), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(home, "bin", "api-manager.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			return err
		}
		files = append(files, filepath.Join(conf, "deployment.toml"))
		homes = append(homes, "--home", home)
	}
	N := strconv.Itoa(*offset)
	cmds := []*command{{name: "bare", args: append([]string{*floor, "-j", strconv.Itoa(*workers), N}, files...), write: true}}
	add := func(suffix, bin string) {
		cmds = append(cmds,
			&command{name: "set" + suffix, args: append([]string{bin, "set", N, "--yes"}, homes...), write: true},
			&command{name: "dry-run" + suffix, args: append([]string{bin, "set", N, "--dry-run"}, homes...)},
			&command{name: "plan" + suffix, args: append([]string{bin, "plan"}, homes...)})
	}
	add("", *apim)
	if *before != "" {
		add("-before", *before)
	}
	var want []byte
	for round := -1; round < *rounds; round++ { // one untimed round first
		for _, c := range cmds {
			for _, f := range files {
				if err := os.WriteFile(f, orig, 0o644); err != nil {
					return err
				}
			}
			cmd := exec.Command(c.args[0], c.args[1:]...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			elapsed := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s: %v\n%s", c.name, err, stderr.Bytes())
			}
			if c.write {
				for _, f := range files {
					got, err := os.ReadFile(f)
					if err != nil {
						return err
					}
					if want == nil {
						want = got
					}
					if !bytes.Equal(got, want) {
						return fmt.Errorf("%s leaves other bytes in %s than bare", c.name, f)
					}
				}
			}
			if round >= 0 {
				c.times = append(c.times, elapsed)
				c.cpu = append(c.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			}
		}
	}
	fmt.Printf("%d homes, each %s (%d bytes), %d interleaved rounds\n", *n, *file, len(orig), *rounds)
	med, cpu := map[string]time.Duration{}, map[string]time.Duration{}
	for _, c := range cmds {
		slices.Sort(c.times)
		slices.Sort(c.cpu)
		med[c.name], cpu[c.name] = c.times[len(c.times)/2], c.cpu[len(c.cpu)/2]
		fmt.Printf("%-16s median %8.1f ms  (min %8.1f, max %8.1f)  cpu %8.1f ms\n", c.name, ms(med[c.name]), ms(c.times[0]), ms(c.times[len(c.times)-1]), ms(cpu[c.name]))
	}
	ratio := func(a, b, target string) {
		if _, ok := med[a]; ok {
			fmt.Printf("%-16s %.2fx  (target %s; cpu %.2fx)\n", a+"/"+b, float64(med[a])/float64(med[b]), target, float64(cpu[a])/float64(cpu[b]))
		}
	}
	for _, s := range []string{"", "-before"} {
		ratio("set"+s, "bare", "<= 1.5")
		ratio("plan"+s, "dry-run"+s, "<= 0.5")
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
