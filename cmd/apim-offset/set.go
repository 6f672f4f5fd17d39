package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/atomicfile"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tmplmask"
	"github.com/apim-offset/apim-offset/unidiff"
	"github.com/apim-offset/apim-offset/wso2"
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
	dryRun, yes, shiftLiterals, keepPlaceholder bool
}

func (a *app) set(_ context.Context, cmd *cli.Command) error {
	n, err := parseOffset(cmd)
	if err != nil {
		return err
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	f := setFlags{dryRun: cmd.Bool("dry-run"), yes: cmd.Bool("yes"), shiftLiterals: cmd.Bool("shift-literals"), keepPlaceholder: cmd.Bool("keep-placeholder")}
	return a.each(ts, func(t target) error { return a.setOne(cmd, t, n, f) })
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

// setOne sets the offset of one file: diff, question, write.
func (a *app) setOne(cmd *cli.Command, t target, n int, f setFlags) error {
	src, err := a.readTarget(t)
	if err != nil {
		return err
	}
	if err := checkOffset(n, t.product); err != nil {
		return err
	}
	opt := a.options(cmd, t, src)
	opt.KeepPlaceholder = f.keepPlaceholder
	if f.shiftLiterals {
		opt.ShiftLiterals, opt.DefaultOffset = t.product.ShiftingPorts(), t.product.DefaultOffset
	}
	res, err := patcher.SetWith(src, n, opt)
	if err != nil {
		return &fileError{t.path, err}
	}
	for _, w := range res.Warnings {
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
		if res.Placeholder == "" {
			fmt.Fprintf(a.stderr, "apim-offset: %s: offset is already %d\n", t.path, n)
		}
		return nil
	}
	d := unidiff.Diff(t.label, src, res.Output)
	if isTerminal(a.stdout) && os.Getenv("NO_COLOR") == "" {
		d = colorize(d)
	}
	if _, err := a.stdout.Write(d); err != nil {
		return err
	}
	if f.dryRun {
		return nil
	}
	if !f.yes && isTerminal(a.stdin) {
		fmt.Fprintf(a.stderr, "Apply to %s? [y/N] ", t.path)
		answer, _ := a.stdinLines().ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
			fmt.Fprintf(a.stderr, "apim-offset: %s: not changed\n", t.path)
			return nil
		}
	}
	if err := atomicfile.Replace(t.path, res.Output); err != nil {
		return &fileError{t.path, fmt.Errorf("cannot replace the file: %w", unwrapPath(err))}
	}
	return nil
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
		offset, _, err := a.offset(cmd, t)
		if err != nil {
			return err
		}
		if len(ts) > 1 {
			_, err = fmt.Fprintf(a.stdout, "%s\t%d\n", t.home, offset)
		} else {
			_, err = fmt.Fprintln(a.stdout, offset)
		}
		return err
	})
}

// offset reads the offset t's server will use: the file's, or the
// product's default when the file sets none (set is false then).
func (a *app) offset(cmd *cli.Command, t target) (offset int, set bool, err error) {
	src, err := a.readTarget(t)
	if err != nil {
		return 0, false, err
	}
	cur, err := patcher.GetWith(src, a.options(cmd, t, src))
	if err != nil {
		return 0, false, &fileError{t.path, err}
	}
	if cur.Source == patcher.SourceSet {
		return cur.Offset, true, nil
	}
	if !t.known && !t.warned {
		a.warnf("%s: no offset set, and the product is not known: %s uses %d (Micro Integrator would use 10; give --product)", t.path, t.product.Name, t.product.DefaultOffset)
	}
	return t.product.DefaultOffset, false, nil
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
