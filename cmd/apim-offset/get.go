package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/apim-offset/apim-offset/internal/effective"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// getReport is what get prints for one file with --json.
type getReport struct {
	File    string `json:"file"`
	Home    string `json:"home,omitempty"`
	Product string `json:"product"`
	Offset  int    `json:"offset"` // the offset the server will use
	Source  string `json:"source"` // set, commented (the default applies), absent (likewise) or placeholder
	// FileOffset is the file's own number; null when it is a placeholder
	// or sets none.
	FileOffset *int `json:"file_offset"`
	// Override is what decides Offset instead of the file; null when the
	// file (or the default) does.
	Override *overrideReport `json:"override"`
}

// overrideReport is where an override comes from: a file and line (relative
// to the home), or "JAVA_OPTS", "JVM_MEM_OPTS", "pid N" with line 0.
type overrideReport struct {
	Source string `json:"source"`
	Line   int    `json:"line"`
	Value  int    `json:"value"`
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
		r, err := a.readOffset(cmd, t)
		if err != nil {
			return err
		}
		var pe *effective.PlaceholderError
		switch d := r.Decided; {
		case d == nil && errors.As(r.File.Err, &pe):
			return placeholderErr(r.File.Path, pe)
		case d != nil && !r.Known:
			return &usageError{msg: fmt.Sprintf("%s: %s: %s sets the offset at start-up: apim-offset cannot tell its value", t.path, d.Where(t.home), d.Text),
				hint: "run 'apim-offset doctor' on the home to see every override", err: errUnknownOverride}
		case d != nil:
			a.notef("note: %s", overrideText(t, r))
		}
		rep := getReport{File: t.path, Home: t.home, Product: t.product.ID, Offset: r.Offset, Source: string(r.File.Cur.Source), FileOffset: r.File.Literal()}
		if d := r.Decided; d != nil {
			place := *d
			place.Line = 0
			rep.Override = &overrideReport{Source: place.Where(t.home), Line: d.Line, Value: r.Offset}
		}
		switch {
		case a.json:
			return a.printJSON(rep)
		case len(ts) > 1:
			_, err = fmt.Fprintf(a.stdout, "%s\t%d\n", t.home, r.Offset)
		default:
			_, err = fmt.Fprintln(a.stdout, r.Offset)
		}
		return err
	})
}

// offset reads the offset t's file gives: its number, its placeholder
// resolved from this environment or a -D the start scripts set, or the
// product's default when the file sets none; and where it comes from.
// Overrides of the file are get's concern (readOffset).
func (a *app) offset(cmd *cli.Command, t target) (int, patcher.Source, []byte, error) {
	src, err := a.readTarget(t)
	if err != nil {
		return 0, "", nil, err
	}
	r, err := a.readOffsetOf(cmd, t, src)
	if err != nil {
		return 0, "", nil, err
	}
	if pe := (*effective.PlaceholderError)(nil); errors.As(r.File.Err, &pe) {
		return 0, "", nil, placeholderErr(r.File.Path, pe)
	}
	return r.File.Offset, r.File.Cur.Source, src, nil
}

// readOffset reads t's file, warns about what WSO2 will not take in it, and
// works out the offset its server runs at (package effective). An error is
// a file that cannot be read; a placeholder that cannot be resolved here is
// in the result's File.Err.
func (a *app) readOffset(cmd *cli.Command, t target) (effective.Result, error) {
	src, err := a.readTarget(t)
	if err != nil {
		return effective.Result{}, err
	}
	return a.readOffsetOf(cmd, t, src)
}

// readOffsetOf is readOffset of src, t's file as read.
func (a *app) readOffsetOf(cmd *cli.Command, t target, src []byte) (effective.Result, error) {
	f := format(cmd)
	r := a.resolve(t, src, f, nil) // reads the file's offset too: r.File.Cur
	cur := r.File.Cur
	a.noteTemplate(f, t, cur.Template || readAsTemplate(r.File.Err))
	var pe *effective.PlaceholderError
	if r.File.Err != nil && !errors.As(r.File.Err, &pe) {
		return r, &fileError{r.File.Path, r.File.Err}
	}
	problems, _ := patcher.Problems(src, &patcher.Options{Format: f})
	for _, p := range problems {
		a.warnf("%s:%s", t.path, p)
	}
	switch {
	case cur.Source == patcher.SourceSet && cur.Offset < 0:
		a.warnf("%s:%d: offset %d is below 0: WSO2 takes it as it is and moves every port down by %d", t.path, cur.Line, cur.Offset, -cur.Offset)
	case cur.Source != patcher.SourceSet && r.File.Placeholder == nil && !t.known && !t.warned:
		a.warnf("%s: no offset set, and the product is not known: %s uses %d (Micro Integrator would use 10; give --product)", t.path, t.product.Name, t.product.DefaultOffset)
	}
	return r, nil
}
