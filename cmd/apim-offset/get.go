package main

import (
	"context"
	"fmt"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

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
	f := format(cmd)
	cur, err := patcher.Offset(src, &patcher.Options{Format: f})
	a.noteTemplate(f, t, cur.Template || readAsTemplate(err))
	if err != nil {
		return 0, "", &fileError{t.path, err}
	}
	for _, f := range dialect.CheckFile(src, cur.Template) {
		a.warnf("%s:%s", t.path, f)
	}
	if cur.Source == patcher.SourceSet {
		if cur.Offset < 0 {
			a.warnf("%s:%d: offset %d is below 0: WSO2 takes it as it is and moves every port down by %d", t.path, cur.Line, cur.Offset, -cur.Offset)
		}
		return cur.Offset, cur.Source, nil
	}
	if !t.known && !t.warned {
		a.warnf("%s: no offset set, and the product is not known: %s uses %d (Micro Integrator would use 10; give --product)", t.path, t.product.Name, t.product.DefaultOffset)
	}
	return t.product.DefaultOffset, cur.Source, nil
}
