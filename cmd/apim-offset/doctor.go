package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// doctorReport is what doctor prints with --json.
type doctorReport struct {
	Homes    []doctorHome    `json:"homes"`
	Findings []judge.Finding `json:"findings"`
	Errors   int             `json:"errors"`
	Warnings int             `json:"warnings"`
	Notes    int             `json:"notes"`
}

type doctorHome struct {
	Home    string `json:"home"`
	Product string `json:"product"`
	File    string `json:"file"`
}

// problemsFound is doctor's result when a finding is at error level: exit 1,
// with the report already printed.
type problemsFound struct{ n int }

func (p problemsFound) Error() string { return fmt.Sprintf("%d problems found", p.n) }

func (a *app) doctor(_ context.Context, cmd *cli.Command) error {
	if err := noArgs(cmd, "name the homes with --home DIR, once for each"); err != nil {
		return err
	}
	if named(cmd) == byNone {
		return &usageError{msg: "no home given", hint: "use --home DIR (once for each server to check together) or set APIM_HOME (or CARBON_HOME)"}
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	servers, err := a.loadAll(ts, format(cmd), true)
	if err != nil {
		return err
	}
	var report doctorReport
	for _, s := range servers {
		report.Homes = append(report.Homes, doctorHome{Home: s.Home, Product: s.Product.ID, File: s.Path})
	}
	report.Findings = judge.Check(servers, judge.Local{}, judge.All)
	for i := range report.Findings {
		report.Findings[i].Fix = fixWithCommand(report.Findings[i])
	}
	for _, f := range report.Findings {
		switch f.Severity {
		case judge.Error:
			report.Errors++
		case judge.Warning:
			report.Warnings++
		case judge.Info:
			report.Notes++
		}
	}
	if a.json {
		if report.Findings == nil {
			report.Findings = []judge.Finding{}
		}
		if err := a.printJSON(report); err != nil {
			return err
		}
	} else {
		a.printDoctor(servers, report)
	}
	if report.Errors > 0 {
		return problemsFound{report.Errors}
	}
	return nil
}

// printDoctor prints the report: the homes, then each finding with its
// severity (error, warning or note), its place (with the home's name when
// there are several), the fix, and the homes that collide as one table;
// then the counts, in the same words.
func (a *app) printDoctor(homes []*server.Server, r doctorReport) {
	// Keys, values, paths and command lines come from anyone's files and
	// processes: shown escaped, even to a pipe.
	stdout := a.stdout
	a.stdout = terminalSafe{stdout}
	defer func() { a.stdout = stdout }()
	for _, h := range homes {
		fmt.Fprintf(a.stdout, "%s: %s, %s\n", quoteField(h.Home), h.Product.Name, quoteField(h.Path))
	}
	var collisions []judge.Finding
	for _, f := range r.Findings {
		if f.Code == judge.HomeCollision && f.With != "" {
			collisions = append(collisions, f)
			continue
		}
		width := doctorWidth(a.raw)
		io.WriteString(a.stdout, wrap(where(f, len(homes) > 1)+f.Message, fmt.Sprintf("%-8s ", f.Severity), strings.Repeat(" ", 9), width))
		if f.Fix != "" {
			io.WriteString(a.stdout, wrap("fix: "+f.Fix, strings.Repeat(" ", 9), strings.Repeat(" ", 14), width))
		}
		io.WriteString(a.stdout, tomlBlock(f.Add, strings.Repeat(" ", 14))) // to paste as it is: not wrapped
	}
	if len(collisions) > 0 {
		fmt.Fprintf(a.stdout, "%-8s %s\n", judge.Error, plural(len(collisions), "pair")+" of homes need the same ports:")
		w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "%9sHOME\tOFFSET\tHOME\tOFFSET\tPORTS\n", "")
		for _, f := range collisions {
			fmt.Fprintf(w, "%9s%s\t%d\t%s\t%d\t%s\n", "", f.Home, f.Offset, f.With, f.WithOffset, portList(f.Ports, 4))
		}
		w.Flush()
		fmt.Fprintf(a.stdout, "%-8s fix: %s\n", "", collisions[0].Fix)
	}
	if r.Errors+r.Warnings+r.Notes == 0 {
		fmt.Fprintln(a.stdout, "no problems found")
		return
	}
	fmt.Fprintf(a.stdout, "%s, %s, %s\n", plural(r.Errors, "error"), plural(r.Warnings, "warning"), plural(r.Notes, "note"))
}

// doctorWidth is the width doctor's report is wrapped at: the terminal's,
// or 100 columns.
func doctorWidth(w io.Writer) int {
	if width := helpWidth(w); width != 80 || isTerminal(w) {
		return width
	}
	return 100
}

// portList is ports, the first n of them and how many more.
func portList(ports []int, n int) string {
	var s []string
	for _, p := range ports[:min(n, len(ports))] {
		s = append(s, strconv.Itoa(p))
	}
	out := strings.Join(s, ", ")
	if len(ports) > n {
		out += fmt.Sprintf(" and %d more", len(ports)-n)
	}
	return out
}

// fixWithCommand is a finding's fix as the CLI words it: the hint for an
// error in the file, and the apim-offset command that does it too, for the
// kinds of finding that one fixes.
func fixWithCommand(f judge.Finding) string {
	var pe *patcher.Error
	if f.Fix == "" && errors.As(f.Err, &pe) {
		return patcherHint(pe)
	}
	switch f.Code {
	case judge.PlaceholderEnvUnset, judge.PlaceholderSys:
		return f.Fix + ", or set a number with 'apim-offset set N' (it replaces the placeholder)"
	case judge.LiteralPort:
		return "change the offset with 'apim-offset set N --shift-literals' to move it too"
	case judge.HomeCollision:
		return f.Fix + " ('apim-offset ports --offset N' shows the ports at N)"
	case judge.ProductUnknown:
		return "name it with --product (" + productList + ")"
	case judge.ChartValue:
		return f.Fix + " (set --keep-placeholder keeps it)"
	case judge.LiteralPortStale:
		return f.Fix + " (doctor --home THIS --home OTHER); 'apim-offset set N --shift-literals' moves this server's URLs with the offset"
	}
	return f.Fix
}

// where names a finding's place: file:line:col relative to its home, or its
// source; with several homes, after the home's name. A source the message
// starts with ("port 9445") is not said twice.
func where(f judge.Finding, several bool) string {
	home := ""
	if several && f.Home != "" {
		home = f.Home + ": "
	}
	if f.File == "" {
		if f.Source == "" || strings.HasPrefix(f.Message, f.Source) {
			return home
		}
		return home + f.Source + ": "
	}
	file := f.File
	if rel, err := filepath.Rel(f.Home, f.File); err == nil && !strings.HasPrefix(rel, "..") {
		file = filepath.ToSlash(rel)
	}
	switch {
	case f.Column > 0:
		return fmt.Sprintf("%s%s:%d:%d: ", home, file, f.Line, f.Column)
	case f.Line > 0:
		return fmt.Sprintf("%s%s:%d: ", home, file, f.Line)
	}
	return home + file + ": "
}

// placeOf names a finding's place for stderr, as where does, but t's own
// file as the user gave it.
func placeOf(t target, f judge.Finding) string {
	if f.File != "" && f.File == t.Path {
		switch {
		case f.Column > 0:
			return fmt.Sprintf("%s:%d:%d: ", t.Path, f.Line, f.Column)
		case f.Line > 0:
			return fmt.Sprintf("%s:%d: ", t.Path, f.Line)
		}
		return t.Path + ": "
	}
	return where(f, false)
}

// warnFinding says a finding about t on stderr, as a warning (set and get
// run on: a finding does not stop them), with its fix as the hint.
func (a *app) warnFinding(t target, f judge.Finding) {
	a.warnf("%s%s", placeOf(t, f), f.Message)
	if fix := fixWithCommand(f); fix != "" && !a.quiet {
		fmt.Fprintf(a.stderr, "apim-offset: hint: %s\n", fix)
		io.WriteString(a.stderr, tomlBlock(f.Add, "    "))
	}
}

// tomlBlock is the TOML a fix says to add, each line indented, to paste as
// it is; "" for none.
func tomlBlock(add, indent string) string {
	if add == "" {
		return ""
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(add, "\n"), "\n") {
		b.WriteString(indent + line + "\n")
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// doctorCommand is doctor's definition: its flags and help.
func (a *app) doctorCommand() *cli.Command {
	return &cli.Command{
		Name:  "doctor",
		Usage: "find what will override or undo the offset, and ports that will not be free",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"[--home DIR]... [--product PRODUCT] [--json]"},
			text: "Checks each home for: -DportOffset in the product's start scripts for this system (and what " +
				"they source), JAVA_OPTS, JVM_MEM_OPTS or the running server's command line (it wins over the " +
				"file); portOffset in carbon.properties or [system.parameter] (which wins depends on the " +
				"kernel); -DavoidConfigUpdate (the server ignores the file); API Manager 4.0-4.4 profile " +
				"optimisation (it replaces the file); an exported CARBON_HOME; a running server (a new offset " +
				"needs a restart); URLs to this server with literal default ports; an Identity Server that " +
				"has run (its database keeps the old callback URLs); Micro Integrator inbound endpoints, " +
				"CApps included; the server's ports already taken on this machine; an offset placeholder; what " +
				"WSO2's own TOML parser will not take; and, with several homes, homes whose ports collide and " +
				"split API Manager packages whose throttling defaults miss the traffic manager, or whose event hub defaults miss the control plane.\n\n" +
				"Each finding is an error (the offset will not work as the file says), a warning (it needs " +
				"attention) or a note (for the record).",
			exits: []exitCode{
				{exitOK, "no errors found (warnings and notes may be printed)"},
				{exitChanges, "errors found: the offset will not work as the file says"},
				{exitError, "error: usage, I/O, an unreadable file"},
			},
			examples: []example{
				{"", "apim-offset doctor --home /opt/wso2am-4.5.0"},
				{"several servers together, as JSON", "apim-offset doctor --home /opt/apim-a --home /opt/apim-b --json"},
			},
		}},
		Flags: []cli.Flag{
			homeFlag("a server's home `DIR`; repeat it, or give a quoted pattern ('/opt/wso2/*'), to check several together; $APIM_HOME (else $CARBON_HOME) when not given"),
			allowLinkFlag(),
			&cli.StringFlag{Name: "product", Usage: "the `PRODUCT`, when the home does not tell: " + productList},
			&cli.BoolFlag{Name: "template", Usage: "read the files as Helm, Jinja or ERB templates (found by their markup too, with a note)"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: a.doctor,
	}
}
