package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/server"
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
		s, err := a.load(t, format(cmd), a.machine(t, false))
		if err != nil {
			return err
		}
		findings, err := a.readable(t, s, judge.Files)
		if err != nil {
			return err
		}
		r := s.Effective
		var pe *server.PlaceholderError
		switch d := r.Decided; {
		case d == nil && errors.As(r.File.Err, &pe):
			return placeholderErr(r.File.Path, pe)
		case d != nil && !r.Known:
			return &usageError{msg: fmt.Sprintf("%s: %s: %s sets the offset at start-up: apim-offset cannot tell its value", t.Path, d.Where(t.Home), d.Text),
				hint: "run 'apim-offset doctor' on the home to see every override", err: errUnknownOverride}
		case d != nil:
			for _, f := range findings {
				if f.Check == "port-offset-override" && f.Code != judge.OverrideShadowed && f.Code != judge.OverrideIgnored {
					a.notef("note: %s%s", placeOf(t, f), f.Message)
					break
				}
			}
		}
		rep := getReport{File: t.Path, Home: t.Home, Product: t.Product.ID, Offset: r.Offset, Source: string(r.File.Cur.Source), FileOffset: r.File.Literal()}
		if d := r.Decided; d != nil {
			place := *d
			place.Line = 0
			rep.Override = &overrideReport{Source: place.Where(t.Home), Line: d.Line, Value: r.Offset}
		}
		switch {
		case a.json:
			return a.printJSON(rep)
		case len(ts) > 1:
			_, err = fmt.Fprintf(a.stdout, "%s\t%d\n", quoteField(t.Home), r.Offset)
		default:
			_, err = fmt.Fprintln(a.stdout, r.Offset)
		}
		return err
	})
}

// errUnknownOverride is an override whose value apim-offset cannot tell.
var errUnknownOverride = errors.New("the offset is set at start-up")

// readable refuses a server whose file cannot be read for its offset (an
// unresolved placeholder is the caller's to word), and warns about what in
// it WSO2 will not take or reads otherwise than the user may think (the
// judge's findings about the file itself). It returns the judge's findings
// about the file and its settings, of the checks scope asks for
// (judge.Read when only those warnings matter).
func (a *app) readable(t target, s *server.Server, scope judge.Scope) ([]judge.Finding, error) {
	var pe *server.PlaceholderError
	if err := s.Effective.File.Err; err != nil && !errors.As(err, &pe) {
		return nil, &fileError{s.Effective.File.Path, err}
	}
	findings := judge.Judge(s, nil, nil, scope)
	for _, f := range findings {
		switch {
		case f.Code == judge.WSO2Parser, f.Code == judge.NotTOML10, f.Code == judge.OffsetNegative, f.Code == judge.ProductUnknown && !t.warned:
			a.warnFinding(t, f)
		}
	}
	return findings, nil
}

// getCommand is get's definition: its flags and help.
func (a *app) getCommand() *cli.Command {
	return &cli.Command{
		Name:  "get",
		Usage: "print the offset the server will use",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"[--home DIR]... [OPTIONS]", "--file PATH [OPTIONS]"},
			text: "Prints the offset the server will use: the one a setting that wins over the file gives " +
				"(-DportOffset in the start scripts, JAVA_OPTS, JVM_MEM_OPTS or the running server's command line; " +
				"portOffset in carbon.properties or [system.parameter]), with a note on stderr naming it; else " +
				"the file's, a placeholder such as $env{X} resolved from this environment; or the product's " +
				"default when the file sets none or has it commented out: 0, or 10 for Micro Integrator. " +
				"With several homes, prints one line for each: the home (quoted when its name holds a tab, " +
				"a newline or another control character), a tab, the offset.\n\n" +
				"With --json, get prints one line for each file:\n" +
				"  {\"file\": PATH, \"home\": DIR, \"product\": ID, \"offset\": N,\n" +
				"   \"source\": \"set|commented|absent|placeholder\", \"file_offset\": N|null,\n" +
				"   \"override\": {\"source\", \"line\", \"value\"}|null}",
			exits: []exitCode{{exitOK, "the offset was printed"}, {exitError, "error: usage, I/O, an invalid or unsupported file"}},
			examples: []example{
				{"", "apim-offset get --home /opt/wso2am-4.5.0"},
				{"every server under /opt/wso2", "apim-offset get --home '/opt/wso2/*'"},
			},
		}},
		Flags: fileFlags(
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object a line, one for each file (described above)"},
		),
		MutuallyExclusiveFlags: []cli.MutuallyExclusiveFlags{homeOrFile(homeUsage, fileUsage)},
		Action:                 a.get,
	}
}
