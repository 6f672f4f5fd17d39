// Command linear times patcher.Set on each shape of internal/testing/synth, on the
// synthetic realistic file and on the real APIM 4.5 default, at 100 KiB
// and at 1 MiB, and prints a Markdown table: time and bytes allocated per
// run at each size, and how far from linear the growth is:
//
//	go run ./bench/linear
//	go run ./bench/linear -write DIR   # the inputs, to time whole commands
//
// A shape the bounds of tomlutil.CheckLimits refuse at a size is shown as
// refused, and timed as refused (that is the cost a user meets); then the
// largest instance of it that is accepted (the structure as many times as
// the bounds allow, the rest comment lines) is timed too, as "<shape> at
// the bound".
//
// The growth is (time at 1 MiB / time at 100 KiB) / (size ratio): 1 is
// linear, 10 quadratic.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/internal/testing/synth"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// sizes are the two sizes compared.
var sizes = [2]int{100 << 10, patcher.MaxSize}

// row is one input, at each size.
type row struct {
	name     string
	template bool
	literals bool // the literal ports are looked for too (File.Literals), as set's findings do
	at       [2][]byte
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("linear", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "time only the rows whose name starts with this")
	once := fs.Bool("once", false, "time one run of each, not a benchmark (for inputs that take seconds)")
	write := fs.String("write", "", "write each input to this folder as NAME-SIZE.toml, and time nothing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rows, err := inputs()
	if err != nil {
		fmt.Fprintln(stderr, "linear:", err)
		return 1
	}
	if *write != "" {
		for _, r := range rows {
			for i, src := range r.at {
				name := fmt.Sprintf("%s-%dKiB.toml", strings.ReplaceAll(r.name, " ", "_"), sizes[i]>>10)
				if err := os.WriteFile(filepath.Join(*write, name), src, 0o644); err != nil {
					fmt.Fprintln(stderr, "linear:", err)
					return 1
				}
			}
		}
		return 0
	}
	fmt.Fprintln(stdout, "| input | 100 KiB | 1 MiB | 100 KiB B/op | 1 MiB B/op | growth ÷ linear |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|")
	for _, r := range rows {
		if len(r.name) < len(*only) || r.name[:len(*only)] != *only {
			continue
		}
		var ns, bs [2]float64
		var what [2]string
		for i, src := range r.at {
			ns[i], bs[i], what[i] = measure(src, r.template, r.literals, *once)
		}
		growth := ns[1] / ns[0] / (float64(len(r.at[1])) / float64(len(r.at[0])))
		fmt.Fprintf(stdout, "| %s | %s%s | %s%s | %s | %s | %.2f |\n", r.name,
			dur(ns[0]), what[0], dur(ns[1]), what[1], mib(bs[0]), mib(bs[1]), growth)
	}
	return 0
}

// inputs returns the rows: the real file, the synthetic one, then each
// shape, and after a shape refused at a size, the shape at the bound.
func inputs() ([]row, error) {
	real, err := golden.ReadSection(filepath.Join("fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		return nil, err
	}
	rows := []row{
		{name: "real-apim-4.5 (8.5 KB, once)", at: [2][]byte{real, real}},
		{name: "synth.Deployment", at: [2][]byte{synth.Deployment(sizes[0]), synth.Deployment(sizes[1])}},
	}
	for _, s := range synth.Shapes {
		r := row{name: s.Name, template: s.Template}
		refused := false
		for i, size := range sizes {
			r.at[i] = s.Make(size, 0)
			refused = refused || tomlutil.CheckLimits(mask(r.at[i], s.Template)) != nil
		}
		rows = append(rows, r)
		if !refused {
			continue
		}
		b := row{name: s.Name + " at the bound", template: s.Template}
		for i, size := range sizes {
			b.at[i] = largest(s, size)
		}
		rows = append(rows, b)
	}
	// Two shapes of issue 21 item 3, which the bounds take: the strings
	// of one long array (patcher.stringEnd), and one header of as many
	// dotted parts as the bound on names lets through (dialect.defineTable).
	var strs, header row
	strs.name, strs.literals = "string-array (literal ports found)", true
	header.name = "dotted-header at the bound"
	for i, size := range sizes {
		strs.at[i], header.at[i] = stringArray(size), dottedHeader(size)
	}
	return append(rows, strs, header), nil
}

// stringArray is a document of about size bytes: one array of strings,
// then [server] offset = 0.
func stringArray(size int) []byte {
	const elem, server = `"localhost", `, "\n[server]\noffset = 0\n"
	n := (size - len(server) - 8) / len(elem)
	return []byte("a = [" + strings.Repeat(elem, n) + `"x"]` + server)
}

// dottedHeader is a document of about size bytes: one table header with as
// many dotted parts as tomlutil.MaxNames allows, a key, comment lines, then
// [server] offset = 0.
func dottedHeader(size int) []byte {
	var b strings.Builder
	b.WriteString("[" + strings.Repeat("a.", tomlutil.MaxNames-16) + "a]\nk = 1\n")
	for b.Len() < size-64 {
		b.WriteString("# a comment line to fill the file up to its size\n")
	}
	b.WriteString("[server]\noffset = 0\n")
	return []byte(b.String())
}

// largest returns the largest instance of s of size bytes that
// CheckLimits accepts.
func largest(s synth.Shape, size int) []byte {
	n := sort.Search(size, func(n int) bool {
		return tomlutil.CheckLimits(mask(s.Make(size, n+1), s.Template)) != nil
	})
	return s.Make(size, n)
}

// measure times patcher.Set(src, 2) and returns ns and bytes allocated per
// run, and " (refused)" when Set refuses src for its structure.
func measure(src []byte, template, literals, once bool) (ns, bytes float64, what string) {
	opt := &patcher.Options{}
	if template {
		opt.Format = patcher.Template
	}
	set := func() {
		f, err := patcher.Parse(src, opt.Format)
		if err == nil {
			_, err = f.Set(2, opt)
		}
		if err == nil && literals {
			f.Literals([]int{9443, 9763, 8243, 8280}, 0, opt)
		}
		switch {
		case isLimit(err):
			what = " (refused)"
		case err != nil:
			panic(err)
		}
	}
	if once {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		set()
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		return float64(d.Nanoseconds()), float64(after.TotalAlloc - before.TotalAlloc), what
	}
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			set()
		}
	})
	return float64(res.NsPerOp()), float64(res.AllocedBytesPerOp()), what
}

// isLimit tells whether err is a refusal of the input's structure.
func isLimit(err error) bool {
	var pe *patcher.Error
	return errors.As(err, &pe) && errors.Is(err, patcher.ErrTooComplex)
}

// mask returns what the parser reads of src: with its placeholders masked
// when it is a template.
func mask(src []byte, template bool) []byte {
	if !template {
		return src
	}
	m, err := tmplmask.Mask(src)
	if err != nil {
		panic(err)
	}
	return m.Text
}

func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	}
	return fmt.Sprintf("%.0f µs", ns/1e3)
}

func mib(b float64) string {
	if b >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", b/(1<<10))
}
