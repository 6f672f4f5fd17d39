// Command floor is the least that a tool setting the offset of a
// deployment.toml must do, for bench/floor.sh to time apim-offset against:
// read the file, parse it once as TOML (go-toml/v2's parser, which also
// finds the bytes to change), splice the new offset in, print a unified
// diff (sergi/go-diff), and replace the file durably: a temporary file in
// the same folder with the same mode, written, fsynced, renamed over the
// file, and the folder fsynced.
//
//	floor N FILE
//	floor -j 16 N FILE...   # many files, 16 at once: the bare durable loop
//
// With several files, each is done as above by one of j workers, and the
// diffs are printed in the order of the files (bench/homes times it
// against apim-offset over many homes, with the same parallelism).
//
// It handles what the bench needs and no more: `offset = M` under [server]
// (the value is replaced) or a comment `#offset=M` there (it becomes
// `offset=N`). No templates, no checks, no prompt.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/sergi/go-diff/diffmatchpatch"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	j := 1
	if len(args) > 2 && args[0] == "-j" {
		var err error
		if j, err = strconv.Atoi(args[1]); err != nil || j < 1 {
			return errors.New("-j wants a number of workers")
		}
		args = args[2:]
	}
	if len(args) < 2 {
		return errors.New("usage: floor [-j WORKERS] N FILE")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return err
	}
	files := args[1:]
	if len(files) == 1 {
		out, err := one(files[0], n)
		os.Stdout.Write(out)
		return err
	}
	// Several files: j at once, each diff printed in the order given.
	outs, errs := make([][]byte, len(files)), make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(j, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i], errs[i] = one(files[i], n)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range files {
		os.Stdout.Write(outs[i])
	}
	return errors.Join(errs...)
}

// one sets the offset of one file durably and returns its diff.
func one(path string, n int) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	start, end, repl, err := locate(src, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]byte, 0, len(src)+len(repl))
	out = append(append(append(out, src[:start]...), repl...), src[end:]...)
	return unified(filepath.Base(path), src, out), replace(path, out)
}

// locate parses src once and returns the bytes to replace and their
// replacement.
func locate(src []byte, n int) (start, end int, repl []byte, err error) {
	p := unstable.Parser{KeepComments: true}
	p.Reset(src)
	inServer := false
	found := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			k := e.Key()
			k.Next()
			inServer = e.Kind == unstable.Table && string(k.Node().Data) == "server" && !k.Next()
		case unstable.KeyValue:
			k := e.Key()
			k.Next()
			if inServer && string(k.Node().Data) == "offset" && !k.Next() && !found {
				r := p.Range(e.Value().Data)
				start, end, repl, found = int(r.Offset), int(r.Offset+r.Length), []byte(strconv.Itoa(n)), true
			}
		case unstable.Comment:
			if inServer && !found && bytes.HasPrefix(e.Data, []byte("#offset=")) {
				start, end, repl, found = int(e.Raw.Offset), int(e.Raw.Offset+e.Raw.Length), []byte("offset="+strconv.Itoa(n)), true
			}
		}
	}
	if err := p.Error(); err != nil {
		return 0, 0, nil, err
	}
	if !found {
		return 0, 0, nil, errors.New("no offset and no #offset= comment under [server]")
	}
	return start, end, repl, nil
}

// unified returns the unified diff of a and b, with three lines of context.
// The floor makes one splice, so the lines that differ are one run: they
// are found by matching whole lines at both ends, then diffed line by line
// with go-diff, in one hunk.
func unified(name string, a, b []byte) []byte {
	const context = 3
	pre := 0 // the common prefix, in whole lines
	for {
		i := bytes.IndexByte(a[pre:], '\n')
		if i < 0 || pre+i+1 > len(b) || !bytes.Equal(a[pre:pre+i+1], b[pre:pre+i+1]) {
			break
		}
		pre += i + 1
	}
	suf := 0 // the common suffix, in whole lines
	for {
		ra, rb := a[pre:len(a)-suf], b[pre:len(b)-suf]
		la, lb := ra[lineStart(ra):], rb[lineStart(rb):]
		if len(la) == 0 || len(lb) == 0 || !bytes.Equal(la, lb) {
			break
		}
		suf += len(la)
	}
	before := splitLines(a[:pre])
	before = before[max(len(before)-context, 0):]
	after := splitLines(a[len(a)-suf:])
	after = after[:min(len(after), context)]

	var body bytes.Buffer
	oldCount, newCount := len(before)+len(after), len(before)+len(after)
	emit := func(op byte, lines []string) {
		for _, l := range lines {
			body.WriteByte(op)
			body.WriteString(l)
			if !strings.HasSuffix(l, "\n") {
				body.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	emit(' ', before)
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToRunes(string(a[pre:len(a)-suf]), string(b[pre:len(b)-suf]))
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines) {
		ls := splitLines([]byte(d.Text))
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			emit('-', ls)
			oldCount += len(ls)
		case diffmatchpatch.DiffInsert:
			emit('+', ls)
			newCount += len(ls)
		default:
			emit(' ', ls)
			oldCount += len(ls)
			newCount += len(ls)
		}
	}
	emit(' ', after)
	first := bytes.Count(a[:pre], []byte{'\n'}) + 1 - len(before)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n", name, name, first, oldCount, first, newCount)
	out.Write(body.Bytes())
	return out.Bytes()
}

// lineStart returns where the last line of r starts.
func lineStart(r []byte) int {
	if len(r) == 0 {
		return 0
	}
	return bytes.LastIndexByte(r[:len(r)-1], '\n') + 1
}

// splitLines splits after each newline; the last line may lack one.
func splitLines(r []byte) []string {
	var out []string
	for len(r) > 0 {
		i := bytes.IndexByte(r, '\n') + 1
		if i == 0 {
			i = len(r)
		}
		out = append(out, string(r[:i]))
		r = r[i:]
	}
	return out
}

// replace writes data to path durably, keeping the file's mode.
func replace(path string, data []byte) (err error) {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(info.Mode().Perm()); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
