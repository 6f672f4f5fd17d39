// Command growth times how apim-offset's cost grows with the size of a
// realistic file, for bench/growth.sh: WSO2's real APIM 4.5 default (-file)
// with its tables repeated under new names (copy k renames the first part
// of every header: [apim.cors] becomes [apim_k.cors]) up to each size, and
// a minimal file ("[server]\n#offset=0\n") whose time is the start-up. Each
// command runs on a fresh copy of each file (copied outside the timing),
// the commands and sizes interleaved round after round:
//
//	floor        bench/floor N F (the durable floor)
//	apim-offset  apim-offset set N --yes --file F
//	before       the same with an older build (-before)
//
// It prints the median time and the peak RSS (GNU time's %M, in an untimed
// first round) at each size, and for each command the growth beyond linear:
//
//	((t(largest) - t(start-up)) / (t(smallest) - t(start-up))) / (largest / smallest)
//
// 1 is linear; the target is at most 1.3, and a peak RSS under 40 MB.
//
//	growth -apim BIN -floor FLOOR -file REAL [-sizes 60,120,300,600] [-rounds 9] [-before OLD] [-write DIR]
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
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2/unstable"
)

type command struct {
	name string
	args []string // {} is the file
}

type cell struct {
	times []time.Duration
	rss   int64 // the most, KiB
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "growth:", err)
		os.Exit(2)
	}
}

func run() error {
	apim := flag.String("apim", "", "the apim-offset to time")
	before := flag.String("before", "", "an older apim-offset to time too")
	floor := flag.String("floor", "", "bench/floor, built")
	file := flag.String("file", "", "the real default to grow")
	sizes := flag.String("sizes", "60,120,300,600", "sizes in KB (1000 bytes), smallest first")
	rounds := flag.Int("rounds", 9, "timed rounds")
	write := flag.String("write", "", "only write the files into this folder")
	flag.Parse()
	if (*apim == "" || *floor == "") && *write == "" || *file == "" {
		return errors.New("usage: growth -apim BIN -floor FLOOR -file REAL [-sizes 60,120,300,600] [-rounds 9] [-before OLD] [-write DIR]")
	}
	real, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	dir := *write
	if dir == "" {
		if dir, err = os.MkdirTemp("", "growth"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	type input struct {
		name string
		src  []byte
	}
	inputs := []input{{"start-up", []byte("[server]\n#offset=0\n")}}
	for _, s := range strings.Split(*sizes, ",") {
		kb, err := strconv.Atoi(s)
		if err != nil {
			return err
		}
		src, err := grow(real, kb*1000)
		if err != nil {
			return err
		}
		inputs = append(inputs, input{s + " KB", src})
	}
	if *write != "" {
		for _, in := range inputs {
			name := strings.ReplaceAll(in.name, " ", "") + ".toml"
			if err := os.WriteFile(filepath.Join(dir, name), in.src, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	cmds := []command{{"floor", []string{*floor, "2", "{}"}}, {"apim-offset", []string{*apim, "set", "2", "--yes", "--file", "{}"}}}
	if *before != "" {
		cmds = append(cmds, command{"before", []string{*before, "set", "2", "--yes", "--file", "{}"}})
	}
	target := filepath.Join(dir, "deployment.toml")
	timeBin, _ := exec.LookPath("/usr/bin/time") // GNU time, for the peak RSS
	if timeBin == "" {
		fmt.Fprintln(os.Stderr, "growth: no /usr/bin/time (GNU time): the peak RSS is not measured")
	}
	cells := make([][]cell, len(inputs))
	for i := range cells {
		cells[i] = make([]cell, len(cmds))
	}
	for round := -1; round < *rounds; round++ {
		for i, in := range inputs {
			var want []byte
			for j, c := range cmds {
				if err := os.WriteFile(target, in.src, 0o644); err != nil {
					return err
				}
				args := slices.Clone(c.args)
				for k := range args {
					args[k] = strings.ReplaceAll(args[k], "{}", target)
				}
				rssFile := ""
				if round < 0 && timeBin != "" {
					// The untimed round measures the peak RSS through GNU
					// time: the kernel's maxrss of a child of this process
					// would count this process's pages from before exec.
					rssFile = filepath.Join(dir, "rss")
					args = append([]string{timeBin, "-f", "%M", "-o", rssFile}, args...)
				}
				cmd := exec.Command(args[0], args[1:]...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				start := time.Now()
				err := cmd.Run()
				elapsed := time.Since(start)
				if err != nil {
					return fmt.Errorf("%s on %s: %v\n%s", c.name, in.name, err, stderr.Bytes())
				}
				got, err := os.ReadFile(target)
				if err != nil {
					return err
				}
				if want == nil {
					want = got
				} else if !bytes.Equal(got, want) {
					return fmt.Errorf("%s leaves other bytes than %s on %s", c.name, cmds[0].name, in.name)
				}
				if rssFile != "" {
					b, err := os.ReadFile(rssFile)
					if err != nil {
						return err
					}
					kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
					if err != nil {
						return fmt.Errorf("GNU time gave %q", b)
					}
					cells[i][j].rss = kib
				}
				if round >= 0 {
					cells[i][j].times = append(cells[i][j].times, elapsed)
				}
			}
		}
	}
	fmt.Printf("%s grown, %d interleaved rounds; median time, peak RSS\n", *file, *rounds)
	fmt.Printf("%-10s %9s", "file", "bytes")
	for _, c := range cmds {
		fmt.Printf(" %24s", c.name)
	}
	fmt.Println()
	med := make([][]float64, len(inputs))
	for i, in := range inputs {
		fmt.Printf("%-10s %9d", in.name, len(in.src))
		med[i] = make([]float64, len(cmds))
		for j := range cmds {
			t := cells[i][j].times
			slices.Sort(t)
			med[i][j] = float64(t[len(t)/2]) / float64(time.Millisecond)
			fmt.Printf(" %10.2f ms %7.1f MiB", med[i][j], float64(cells[i][j].rss)/1024)
		}
		fmt.Println()
	}
	first, last := 1, len(inputs)-1
	size := float64(len(inputs[last].src)) / float64(len(inputs[first].src))
	for j, c := range cmds {
		g := (med[last][j] - med[0][j]) / (med[first][j] - med[0][j]) / size
		fmt.Printf("%-12s growth ÷ linear %s -> %s: %.2f (target <= 1.3)\n", c.name, inputs[first].name, inputs[last].name, g)
	}
	return nil
}

// grow repeats the tables of real under new names until the text is about
// size bytes: copy 0 is real itself; copy k renames the first part of each
// header (apim.cors becomes apim_k.cors; in a quoted part, inside the
// quotes) and leaves out the root key/values, which only copy 0 has.
func grow(real []byte, size int) ([]byte, error) {
	type header struct{ at, body int } // where to insert the suffix; where the table starts
	var hs []header
	p := unstable.Parser{}
	p.Reset(real)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		it := e.Key()
		it.Next()
		r := it.Node().Raw
		end := int(r.Offset + r.Length)
		if c := real[end-1]; c == '"' || c == '\'' {
			end--
		}
		body := bytes.LastIndexByte(real[:r.Offset], '\n') + 1
		hs = append(hs, header{end, body})
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, errors.New("no tables to repeat")
	}
	out := bytes.Clone(real)
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	for k := 1; len(out) < size; k++ {
		suffix := "_" + strconv.Itoa(k)
		prev := hs[0].body
		for _, h := range hs {
			out = append(out, real[prev:h.at]...)
			out = append(out, suffix...)
			prev = h.at
		}
		out = append(out, real[prev:]...)
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
	}
	return out, nil
}
