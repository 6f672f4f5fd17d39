package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/redact"
	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// parseOffset reads N, a whole number of 0 or more; the product's bound is
// checked once the product is known (checkOffset).
func parseOffset(cmd *cli.Command) (int, error) {
	args := cmd.Args()
	n, err := strconv.Atoi(args.First())
	if err == nil && n < 0 || args.Len() == 1 && err != nil {
		// A negative N ends flag parsing ("set -1 --home X"): name the
		// real problem, not the arguments that follow.
		return 0, &usageError{msg: fmt.Sprintf("offset %q is not a whole number of 0 or more", args.First()),
			hint: fmt.Sprintf("every port moves up by the offset: 2 moves 9443 to 9445; API Manager takes up to %d", wso2.MaxOffset)}
	}
	switch args.Len() {
	case 0:
		return 0, &usageError{msg: "no offset given", hint: "run 'apim-offset set N --home DIR'"}
	case 1:
		return n, nil
	}
	return 0, &usageError{msg: fmt.Sprintf("one offset expected, got %d arguments: %s", args.Len(), strings.Join(args.Slice(), " ")), hint: "run 'apim-offset set --help'"}
}

// checkOffset refuses an offset that would move one of p's default ports
// past 65535.
func checkOffset(n int, p wso2.Product) error {
	if max := p.MaxOffset(); n > max {
		top := p.HighestShifting()
		return &usageError{msg: fmt.Sprintf("offset %d is larger than %d, the most %s takes", n, max, p.Name),
			hint: fmt.Sprintf("its highest default port that moves is %d (%s): %d + %d = 65535", top.Port, top.Purpose, top.Port, max)}
	}
	return nil
}

// setFlags are the choices set makes for each file; plan --apply makes
// them too.
type setFlags struct {
	dryRun, check, yes, shiftLiterals, keepPlaceholder, backup, showSecrets bool
}

// setReport is what set did to one file: what --json prints, one object a
// line.
type setReport struct {
	File    string `json:"file"`
	Home    string `json:"home,omitempty"`
	Product string `json:"product"`
	Changed bool   `json:"changed"` // the file does not have offset N: it was, or would be, changed
	Applied bool   `json:"applied"` // the change was written
	// From is the offset the server used: the file's, or the product's
	// default when the file sets none; null when it is a placeholder.
	From       *int     `json:"from"`
	FromSource string   `json:"from_source"` // set, commented, absent or placeholder
	To         int      `json:"to"`
	Action     string   `json:"action"` // unchanged, replaced, uncommented, inserted or added-table
	Line       int      `json:"line"`   // the offset's line in the new file
	Diff       string   `json:"diff"`   // the unified diff, "" when unchanged
	Backup     string   `json:"backup,omitempty"`
	InPlace    bool     `json:"in_place,omitempty"` // rewritten in place: a bind-mounted file
	Warnings   []string `json:"warnings"`
}

// errWouldChange ends set --check when a file does not have offset N.
var errWouldChange = errors.New("would change")

func (a *app) set(_ context.Context, cmd *cli.Command) error {
	n, err := parseOffset(cmd)
	if err != nil {
		return err
	}
	f := setFlags{dryRun: cmd.Bool("dry-run"), check: cmd.Bool("check"), yes: cmd.Bool("yes"),
		shiftLiterals: cmd.Bool("shift-literals"), keepPlaceholder: cmd.Bool("keep-placeholder"),
		backup: cmd.Bool("backup"), showSecrets: cmd.Bool("show-secrets")}
	if a.json && !f.yes && !f.dryRun && !f.check && isTerminal(a.stdin) {
		return &usageError{msg: "--json on a terminal needs --yes, --dry-run or --check", hint: "--json is for scripts, which are not asked; without --json, set shows the diff and asks"}
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	changed := false
	err = a.each(ts, func(t target) error {
		r, err := a.setOne(cmd, t, n, f)
		changed = changed || r.Changed
		return err
	})
	if err == nil && f.check && changed {
		return errWouldChange
	}
	return err
}

// each runs do for every target. With one, its error is the command's;
// with several, each error is reported as it comes and the others still
// run, and the command fails at the end if any did.
func (a *app) each(ts []target, do func(target) error) error {
	if len(ts) == 1 {
		return do(ts[0])
	}
	failed := false
	for _, t := range ts {
		if err := do(t); err != nil {
			a.report(err)
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// setOne sets the offset of one file: diff, question, write. It holds the
// file's lock from reading to writing, so that runs on the same file take
// turns.
func (a *app) setOne(cmd *cli.Command, t target, n int, f setFlags) (setReport, error) {
	r := setReport{File: t.path, Home: t.home, Product: t.product.ID, To: n, Warnings: []string{}}
	if err := checkOffset(n, t.product); err != nil {
		return r, err
	}
	file, err := safefile.Open(t.path, safefile.Options{MaxSize: patcher.MaxSize, Waiting: func() {
		fmt.Fprintf(a.stderr, "apim-offset: %s: another apim-offset is changing it; waiting for it to finish\n", t.path)
	}})
	if err != nil {
		return r, a.fileErr(t, err)
	}
	defer file.Close()
	for _, s := range file.Removed {
		fmt.Fprintf(a.stderr, "apim-offset: %s: removed %s, left by an interrupted run\n", t.path, s)
	}
	src := file.Data
	limitMemory(len(src))
	opt := a.options(cmd, t, src)
	opt.KeepPlaceholder = f.keepPlaceholder
	if f.shiftLiterals {
		opt.ShiftLiterals, opt.DefaultOffset = t.product.ShiftingPorts(), t.product.DefaultOffset
	}
	res, err := patcher.SetWith(src, n, opt)
	if err != nil {
		return r, &fileError{t.path, err}
	}
	r.Changed, r.Action, r.Line = res.Changed(), string(res.Action), res.Line
	switch r.FromSource = string(res.From.Source); res.From.Source {
	case patcher.SourceSet:
		r.From = &res.From.Offset
	case patcher.SourceCommented, patcher.SourceAbsent:
		r.From = &t.product.DefaultOffset
	}
	for _, w := range res.Warnings {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d:%d: %s", w.Line, w.Column, w.Msg))
		a.warnf("%s:%d:%d: %s", t.path, w.Line, w.Column, w.Msg)
	}
	if res.Placeholder != "" && opt.KeepPlaceholder {
		resolves := "filled in when the template is rendered"
		if r, ok := tmplmask.Resolve(t.path, res.Placeholder); ok {
			resolves += fmt.Sprintf(": %s by default (%s)", r.Value, r.Source)
		}
		fmt.Fprintf(a.stderr, "apim-offset: %s: offset stays %s, %s\n", t.path, res.Placeholder, resolves)
	}
	if !res.Changed() {
		if res.Placeholder == "" && !a.json {
			fmt.Fprintf(a.stderr, "apim-offset: %s: offset is already %d\n", t.path, n)
		}
		return r, a.printSet(r)
	}
	d := a.diff(t, src, res.Output, f.showSecrets)
	r.Diff = string(d)
	if !a.json {
		if isTerminal(a.stdout) && os.Getenv("NO_COLOR") == "" {
			d = colorize(d)
		}
		if _, err := a.stdout.Write(d); err != nil {
			return r, err
		}
	}
	if f.dryRun || f.check {
		return r, a.printSet(r)
	}
	if !f.yes && isTerminal(a.stdin) {
		fmt.Fprintf(a.stderr, "Apply to %s? [y/N] ", t.path)
		answer, _ := a.stdinLines().ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
			fmt.Fprintf(a.stderr, "apim-offset: %s: not changed\n", t.path)
			return r, a.printSet(r)
		}
	}
	written, err := file.Replace(res.Output, safefile.ReplaceOptions{Backup: f.backup})
	if err != nil {
		return r, &fileError{t.path, err}
	}
	r.Applied, r.Backup, r.InPlace = true, written.Backup, written.InPlace
	if written.InPlace {
		a.warnf("%s: rewritten in place, as it is a mount point (a file bind-mounted on its own); the old bytes are in %s", t.path, written.Backup)
	} else if written.Backup != "" && !a.json {
		fmt.Fprintf(a.stderr, "apim-offset: %s: the old file is in %s\n", t.path, written.Backup)
	}
	if written.Warning != "" {
		r.Warnings = append(r.Warnings, written.Warning)
		a.warnf("%s: %s", t.path, written.Warning)
	}
	return r, a.printSet(r)
}

// limitMemory asks the garbage collector to keep the heap within three
// times the largest file read so far plus 8 MiB: with the 7 to 8 MiB the
// rest of the process takes, that is the budget a run is meant to stay in.
// By default the heap may grow to twice what is live before a collection.
// It is a soft limit: a run that needs more still gets it.
func limitMemory(size int) {
	limit := int64(3*size + 8<<20)
	if cur := debug.SetMemoryLimit(-1); cur != math.MaxInt64 && cur >= limit {
		return // a larger file set a larger limit
	}
	debug.SetMemoryLimit(limit)
}

// printSet prints r as a JSON line with --json.
func (a *app) printSet(r setReport) error {
	if !a.json {
		return nil
	}
	return a.printJSON(r)
}

// diff is the unified diff from src to out, labelled for t, with secret
// values masked unless show.
func (a *app) diff(t target, src, out []byte, show bool) []byte {
	if show {
		return unidiff.Diff(t.label, src, out)
	}
	return unidiff.Masked(t.label, src, out, redact.For(src).Line, redact.For(out).Line)
}

// getReport is what get prints for one file with --json.
type getReport struct {
	File    string `json:"file"`
	Home    string `json:"home,omitempty"`
	Product string `json:"product"`
	Offset  int    `json:"offset"` // the offset the server will use
	Source  string `json:"source"` // set, commented (the default applies) or absent (likewise)
}

func (a *app) get(_ context.Context, cmd *cli.Command) error {
	if err := noArgs(cmd, "to change the offset, run 'apim-offset set N'"); err != nil {
		return err
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	return a.each(ts, func(t target) error {
		offset, source, err := a.offset(cmd, t)
		switch {
		case err != nil:
			return err
		case a.json:
			return a.printJSON(getReport{File: t.path, Home: t.home, Product: t.product.ID, Offset: offset, Source: string(source)})
		case len(ts) > 1:
			_, err = fmt.Fprintf(a.stdout, "%s\t%d\n", t.home, offset)
		default:
			_, err = fmt.Fprintln(a.stdout, offset)
		}
		return err
	})
}

// offset reads the offset t's server will use: the file's, or the
// product's default when the file sets none, and where it comes from.
func (a *app) offset(cmd *cli.Command, t target) (int, patcher.Source, error) {
	src, err := a.readTarget(t)
	if err != nil {
		return 0, "", err
	}
	cur, err := patcher.GetWith(src, a.options(cmd, t, src))
	if err != nil {
		return 0, "", &fileError{t.path, err}
	}
	if cur.Source == patcher.SourceSet {
		return cur.Offset, cur.Source, nil
	}
	if !t.known && !t.warned {
		a.warnf("%s: no offset set, and the product is not known: %s uses %d (Micro Integrator would use 10; give --product)", t.path, t.product.Name, t.product.DefaultOffset)
	}
	return t.product.DefaultOffset, cur.Source, nil
}

// options turns on template mode for a Helm, Jinja or ERB template: with
// --template, or with a note when the file's markup shows it.
func (a *app) options(cmd *cli.Command, t target, src []byte) patcher.Options {
	if cmd.Bool("template") {
		return patcher.Options{Template: true}
	}
	if tmplmask.Has(src) {
		fmt.Fprintf(a.stderr, "apim-offset: %s: a template: its placeholders are masked while it is read and kept as they are (--template skips this note)\n", t.path)
		return patcher.Options{Template: true}
	}
	return patcher.Options{}
}
