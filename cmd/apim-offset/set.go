package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/redact"
	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/unidiff"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// parseOffset reads N, a whole number of 0 or more; the product's bound is
// checked once the product is known (checkOffset).
func parseOffset(cmd *cli.Command) (int, error) {
	args := cmd.Args()
	n, err := parseN("offset", args.First())
	if err != nil && (args.Len() == 1 || strings.HasPrefix(args.First(), "-")) {
		// A negative N ends flag parsing ("set -1 --home X"): name the
		// real problem, not the arguments that follow.
		return 0, err
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
	format                                                                  patcher.Format
	dryRun, check, yes, shiftLiterals, keepPlaceholder, backup, showSecrets bool
	filter                                                                  bool             // --file -: stdin to stdout
	strict                                                                  bool             // refuse what WSO2's parser will not take
	servers                                                                 []*server.Server // every home's, loaded before, with several
	lockTimeout                                                             time.Duration    // the longest wait for another run's lock
}

func newSetFlags(cmd *cli.Command) setFlags {
	return setFlags{format: format(cmd), dryRun: cmd.Bool("dry-run"), check: cmd.Bool("check"), yes: cmd.Bool("yes"),
		shiftLiterals: cmd.Bool("shift-literals"), keepPlaceholder: cmd.Bool("keep-placeholder"),
		backup: cmd.Bool("backup"), showSecrets: cmd.Bool("show-secrets"), filter: cmd.String("file") == "-",
		strict: cmd.Bool("strict"), lockTimeout: cmd.Duration("lock-timeout")}
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
	From       *int   `json:"from"`
	FromSource string `json:"from_source"` // set, commented, absent or placeholder
	To         int    `json:"to"`
	Action     string `json:"action"` // unchanged, replaced, uncommented, inserted or added-table
	Line       int    `json:"line"`   // the offset's line in the new file
	Diff       string `json:"diff"`   // the unified diff, "" when unchanged
	Backup     string `json:"backup,omitempty"`
	InPlace    bool   `json:"in_place,omitempty"` // rewritten in place: a bind-mounted file, hard links
	InPlaceWhy string `json:"in_place_reason,omitempty"`
	// Findings are what the judge (doctor's checks) says of the file as
	// set leaves it, and of the edit itself.
	Findings []judge.Finding `json:"findings"`
	// Warnings are the findings' texts, as printed: kept for one release
	// beside findings (CHANGELOG).
	Warnings []string `json:"warnings"`
}

// errWouldChange ends set --check when a file does not have offset N;
// errDeclined, a run where the answer to the question was not yes.
var (
	errWouldChange = errors.New("would change")
	errDeclined    = errors.New("not applied")
)

func (a *app) set(_ context.Context, cmd *cli.Command) error {
	n, err := parseOffset(cmd)
	var ue *usageError
	if errors.As(err, &ue) && ue.err == nil {
		// Name the limits of the products the homes hold, when the flags
		// were read ("set -1 --home X" ends them at -1).
		if ts, terr := a.targets(cmd); terr == nil && len(ts) > 0 && strings.HasPrefix(ue.hint, "every port") {
			var products []wso2.Product
			for _, t := range ts {
				products = append(products, t.Product)
			}
			ue.hint = offsetHint(products...)
		}
	}
	if err != nil {
		return err
	}
	f := newSetFlags(cmd)
	if err := a.canAsk(f); err != nil {
		return err
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	if len(ts) > 1 {
		if f.servers, err = a.loadAll(ts, f.format, false); err != nil {
			return err
		}
	}
	var changed atomic.Bool
	do := func(a *app, t target) error {
		r, err := a.setOne(t, n, f)
		if r.Changed {
			changed.Store(true)
		}
		return err
	}
	if asks := !f.yes && !f.dryRun && !f.check && !f.filter; asks {
		err = a.each(ts, func(t target) error { return do(a, t) })
	} else {
		err = a.inParallel(ts, do)
	}
	if err == nil && f.check && changed.Load() {
		return errWouldChange
	}
	return err
}

// canAsk refuses, before any file is read, a run that could not ask
// whether to write: --json at a terminal, or --json with the filter
// (--file -), which writes to stdout and asks nothing.
func (a *app) canAsk(f setFlags) error {
	switch {
	case f.filter && a.json && !f.dryRun && !f.check:
		return &usageError{msg: "--file - and --json both write to stdout", hint: "--file - writes the patched file on stdout; add --dry-run or --check for JSON about it"}
	case f.yes || f.dryRun || f.check || f.filter:
		return nil
	case a.json && isTerminal(a.stdin):
		return &usageError{msg: "--json on a terminal needs --yes, --dry-run or --check", hint: "--json is for scripts, which are not asked; without --json, set shows the diff and asks"}
	}
	return nil
}

// cannotAsk is the refusal of a change that needs an answer when stdin is
// no terminal to ask on, or nil: without --yes nothing is written there.
// A file already at N needs no answer.
func (a *app) cannotAsk(f setFlags) error {
	if f.yes || f.dryRun || f.check || f.filter || isTerminal(a.stdin) {
		return nil
	}
	return &usageError{msg: "stdin is not a terminal to ask on, so nothing is written without --yes",
		hint: "give --yes to write, --dry-run to see the diff, or --check to test whether the file has the offset"}
}

// each runs do for every target. With one, its error is the command's;
// with several, each error is reported as it comes and the others still
// run, and the command fails at the end if any did: with errReported, or
// with errDeclined when the only "failures" were answers of no.
func (a *app) each(ts []target, do func(target) error) error {
	if len(ts) == 1 {
		return do(ts[0])
	}
	failed, declined := false, false
	for _, t := range ts {
		switch err := do(t); {
		case errors.Is(err, errDeclined):
			declined = true
		case err != nil:
			a.report(err)
			failed = true
		}
	}
	switch {
	case failed:
		return errReported
	case declined:
		return errDeclined
	}
	return nil
}

// workers is how many files inParallel works on at once: the work is
// mostly waiting for the disk to sync.
const workers = 16

// inParallel is each for runs that ask nothing: up to workers targets at
// once, each with its own output, printed in the order given as soon as
// the targets before it are done.
func (a *app) inParallel(ts []target, do func(*app, target) error) error {
	if len(ts) == 1 {
		return do(a, ts[0])
	}
	type result struct {
		stdout, stderr bytes.Buffer
		err            error
		done           chan struct{}
	}
	results := make([]result, len(ts))
	sem := make(chan struct{}, workers)
	for i, t := range ts {
		r := &results[i]
		r.done = make(chan struct{})
		go func() {
			defer close(r.done)
			sem <- struct{}{}
			defer func() { <-sem }()
			b := &app{stdin: a.stdin, stdout: &r.stdout, raw: &r.stdout, stderr: &r.stderr, json: a.json, quiet: a.quiet, tty: a.tty, color: a.color}
			if b.tty {
				b.stdout = terminalSafe{&r.stdout}
			}
			if r.err = do(b, t); r.err != nil && !errors.Is(r.err, errDeclined) {
				b.report(r.err)
			}
		}()
	}
	failed := false
	for i := range results {
		r := &results[i]
		<-r.done
		a.raw.Write(r.stdout.Bytes()) // escaped already, when for a terminal
		a.stderr.Write(r.stderr.Bytes())
		failed = failed || r.err != nil
	}
	if failed {
		return errReported
	}
	return nil
}

// change is set's work on one file: the file, locked from reading to
// writing so that runs on the same file take turns, what the patcher made
// of it, and the report.
type change struct {
	t    target
	file *safefile.File // nil for the filter
	src  []byte
	srv  *server.Server // the server, its file as read
	res  patcher.Result
	r    setReport
}

// setOne sets the offset of one file: decide, show, confirm, commit.
func (a *app) setOne(t target, n int, f setFlags) (setReport, error) {
	c, err := a.decide(t, n, f)
	if c.file != nil {
		defer c.file.Close()
	}
	if err == nil && f.filter && !f.dryRun && !f.check {
		_, err = a.stdout.Write(c.res.Output) // the file, changed or not
		return c.r, err
	}
	if err == nil && c.res.Changed {
		err = a.cannotAsk(f)
	}
	if err != nil || !c.res.Changed {
		return c.r, a.finish(c.r, err)
	}
	if !f.dryRun && !f.check {
		// Whether the write can happen is known before the diff is shown.
		// With nothing to ask, the new file is made then and there
		// (Prepare), and the write renames it.
		check := c.file.Check
		if f.yes {
			check = func() error { return c.file.Prepare(c.res.Output) }
		}
		if err := check(); err != nil {
			return c.r, a.finish(c.r, a.fileErr(t, err))
		}
	}
	if err := a.show(c, f.showSecrets); err != nil {
		return c.r, err
	}
	if f.dryRun || f.check {
		return c.r, a.finish(c.r, nil)
	}
	if !f.yes {
		// The question may wait long: the lock is not held meanwhile, and
		// Replace refuses a file another run changed since it was read.
		c.file.Unlock()
	}
	if !a.confirm(t, f.yes) {
		if err := a.finish(c.r, nil); err != nil {
			return c.r, err
		}
		return c.r, errDeclined
	}
	err = a.commit(c, f)
	return c.r, a.finish(c.r, err)
}

// finish prints r as a JSON line with --json, unless err ends the file.
func (a *app) finish(r setReport, err error) error {
	if err != nil || !a.json {
		return err
	}
	return a.printJSON(r)
}

// decide locks and reads t's file and works out the change: the patched
// bytes, what they replace, and what the judge finds of the file as it
// leaves it, printed as it comes.
func (a *app) decide(t target, n int, f setFlags) (*change, error) {
	c := &change{t: t, r: setReport{File: t.Path, Home: t.Home, Product: t.Product.ID, To: n, Findings: []judge.Finding{}, Warnings: []string{}}}
	if err := a.read(c, f); err != nil {
		return c, err
	}
	c.srv = a.loaded(t, c.src, f)
	if c.srv.Err != nil {
		return c, &fileError{t.Path, c.srv.Err}
	}
	// The range counts the ports this version opens, from the file's base
	// ports.
	if err := checkOffset(n, c.srv.Product); err != nil {
		return c, err
	}
	opt := c.srv.LiteralOptions(server.Others(f.servers, c.srv))
	opt.KeepPlaceholder = f.keepPlaceholder
	if f.shiftLiterals {
		opt.ShiftLiterals = c.srv.Product.LiteralDefaults()
	}
	res, err := c.srv.File.Set(n, opt)
	if err != nil {
		return c, &fileError{t.Path, err}
	}
	c.res = res
	c.r.Changed, c.r.Action, c.r.Line = res.Changed, string(res.Action), res.Line
	switch c.r.FromSource = string(res.From.Source); res.From.Source {
	case patcher.SourceSet:
		c.r.From = &res.From.Offset
	case patcher.SourceCommented, patcher.SourceAbsent:
		c.r.From = &c.srv.Product.DefaultOffset
	}
	if problems := c.srv.File.Problems(); f.strict && len(problems) > 0 {
		return c, &fileError{t.Path, &dialectError{f: problems[0], more: len(problems) - 1}}
	}
	a.judgeChange(c, opt.Others, f.keepPlaceholder, f.shiftLiterals)
	if !res.Changed && res.Placeholder == "" && !a.json {
		a.notef("%s: offset is already %d", t.Path, n)
	}
	return c, nil
}

// warningText is a finding as set's JSON "warnings" held it before
// "findings": on the file itself, "line:col: message" (and "; fix" for
// what WSO2's parser refuses); elsewhere, "place: message".
func warningText(t target, f judge.Finding) string {
	if f.File != t.Path || f.Line == 0 {
		return placeOf(t, f) + f.Message
	}
	text := fmt.Sprintf("%d:%d: %s", f.Line, f.Column, f.Message)
	if f.Column == 0 {
		text = fmt.Sprintf("%d: %s", f.Line, f.Message)
	}
	if f.Code == judge.WSO2Parser {
		text += "; " + f.Fix
	}
	return text
}

// loaded is t's server with its file src: the one loaded before with the
// others, when the file has not changed since, or loaded now.
func (a *app) loaded(t target, src []byte, f setFlags) *server.Server {
	for _, s := range f.servers {
		if s.Path == t.Path && bytes.Equal(s.Src, src) {
			return s
		}
	}
	s := server.Load(t.Place, src, f.format, a.machine(t, false))
	a.noteTemplate(f.format, t, s)
	return s
}

// judgeChange reports what the judge finds of the file as set leaves it
// (doctor's file checks, with doctor's codes) and of the edit: errors and
// warnings are said as warnings (the file is still written: they concern
// what the server makes of it), with their fixes as hints, and every
// finding goes into the JSON report.
func (a *app) judgeChange(c *change, others []patcher.Server, keep, shift bool) {
	findings := append(judge.Edit(c.srv, c.res, keep), judge.Judge(c.srv.Written(c.res), others, nil, judge.Files)...)
	c.r.Findings = append(c.r.Findings, findings...)
	var stale []judge.Finding // said as one, with the flag that moves them
	for _, fd := range findings {
		switch {
		case fd.WasMine && fd.With == "" && !shift: // one now another server's is said on its own
			stale = append(stale, fd)
		case fd.Severity != judge.Info:
			c.r.Warnings = append(c.r.Warnings, warningText(c.t, fd))
			a.warnFinding(c.t, fd)
		case fd.Code == judge.PlaceholderKept, fd.Code == judge.LiteralPortOther:
			a.notef("%s%s", placeOf(c.t, fd), fd.Message)
		}
	}
	if len(stale) == 0 {
		return
	}
	var lines []string
	for _, fd := range stale {
		lines = append(lines, strconv.Itoa(fd.Line))
	}
	msg := fmt.Sprintf("1 URL to this server keeps a port that will not move to offset %d (line %s); --shift-literals moves it too", c.res.To, lines[0])
	if len(stale) > 1 {
		msg = fmt.Sprintf("%d URLs to this server keep ports that will not move to offset %d (lines %s); --shift-literals moves them too", len(stale), c.res.To, strings.Join(lines, ", "))
	}
	c.r.Warnings = append(c.r.Warnings, msg)
	a.warnf("%s: %s", c.t.Path, msg)
}

// read locks and reads c's file, or reads stdin for the filter.
func (a *app) read(c *change, f setFlags) error {
	if f.filter {
		src, err := io.ReadAll(io.LimitReader(a.stdin, patcher.MaxSize+1))
		if err != nil {
			return &fileError{c.t.Path, err}
		}
		c.src = src
		return nil
	}
	file, err := safefile.Open(c.t.Path, safefile.Options{MaxSize: patcher.MaxSize, LockTimeout: f.lockTimeout,
		Home: c.t.Home, AllowForeignLink: a.allowLink,
		WaitingFor: func(h safefile.Holder) {
			a.notef("%s: %s holds its lock; waiting for it to finish", c.t.Path, h)
		}})
	if err != nil {
		return a.fileErr(c.t, err)
	}
	c.file, c.src = file, file.Data
	for _, s := range file.Removed {
		a.notef("%s: removed %s, left by an interrupted run", c.t.Path, s)
	}
	return nil
}

// show prints the change as a unified diff, coloured at a terminal; with
// --json it goes into the report instead.
func (a *app) show(c *change, showSecrets bool) error {
	d := a.diff(c.t, c.src, c.res.Output, showSecrets)
	c.r.Diff = string(d)
	if a.json || a.quiet {
		return nil
	}
	// To a pipe or a file the diff keeps its bytes, so that it applies; to
	// a terminal its control characters are shown escaped.
	if a.tty {
		d = escapeControls(d)
	}
	if a.colored() {
		d = colorize(d)
	}
	_, err := a.raw.Write(d)
	return err
}

// confirm asks whether to write t, when stdin is a terminal and --yes was
// not given. Anything but y or yes, end of input included, is no.
func (a *app) confirm(t target, yes bool) bool {
	if yes {
		return true
	}
	fmt.Fprintf(a.stderr, "Apply to %s? [y/N] ", t.Path)
	answer, err := a.stdinLines().ReadString('\n')
	if err != nil {
		fmt.Fprintln(a.stderr) // end of input: the message goes on a line of its own
	}
	if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
		a.notef("%s: not applied", t.Path)
		return false
	}
	return true
}

// commit writes the change, and says so.
func (a *app) commit(c *change, f setFlags) error {
	written, err := c.file.Replace(c.res.Output, safefile.ReplaceOptions{Backup: f.backup})
	if err != nil {
		return &fileError{c.t.Path, err}
	}
	c.r.Applied, c.r.Backup, c.r.InPlace, c.r.InPlaceWhy = true, written.Backup, written.InPlace, written.Reason
	if written.InPlace {
		a.warnf("%s: rewritten in place, as %s; the old bytes are in %s", c.t.Path, written.Reason, written.Backup)
	} else if written.Backup != "" && !a.json {
		a.notef("%s: the old file is in %s", c.t.Path, written.Backup)
	}
	if written.Warning != "" {
		c.r.Warnings = append(c.r.Warnings, written.Warning)
		a.warnf("%s: %s", c.t.Path, written.Warning)
	}
	if !a.json {
		if c.res.Action == patcher.Unchanged { // the offset was N: only URLs moved
			a.notef("%s: offset already %d; %s moved to it and written; restart the server to use them", c.t.Path, c.r.To, plural(len(c.res.Shifted), "URL"))
		} else {
			a.notef("%s: offset %s -> %d written; restart the server to use it", c.t.Path, from(c.r), c.r.To)
		}
	}
	return nil
}

// from is the offset before, as a note words it.
func from(r setReport) string {
	if r.From == nil {
		return r.FromSource
	}
	return strconv.Itoa(*r.From)
}

// diff is the unified diff from src to out, labelled for t, with secret
// values masked unless show. Its hunks keep their context clear of masked
// lines where they can, so that the diff still applies; when one cannot,
// stderr says that this diff will not apply as printed.
func (a *app) diff(t target, src, out []byte, show bool) []byte {
	if show {
		return unidiff.Diff(t.label, src, out)
	}
	d := redact.Diff(t.label, src, out, true)
	if d.Masked {
		a.warnf("%s: the diff shows secret values masked, and will not apply as printed: --show-secrets prints one that does", t.Path)
	}
	return d.Diff
}

// setCommand is set's definition: its flags and help.
func (a *app) setCommand() *cli.Command {
	return &cli.Command{
		Name:      "set",
		Usage:     "set the offset to N, showing the change as a unified diff",
		ArgsUsage: "N",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"N [--home DIR]... [OPTIONS]", "N --file PATH [OPTIONS]"},
			text: "Prints the diff on stdout, then writes the file: after asking when stdin is a terminal, " +
				"without asking with --yes. Options may come before or after N. The file is locked while it is " +
				"read and written, and replaced in one step through a new file in its folder that keeps its " +
				"owner, group and mode.\n\n" +
				"N is a whole number from 0 to the product's largest offset: " + strconv.Itoa(wso2.MaxOffset) +
				" for API Manager, whose highest default port that moves is 11111 (JMX).\n\n" +
				"Values of keys that look secret (password, client_secret, token, ...) are shown as (masked) in " +
				"the diff; such a diff describes the change but does not apply with patch or git apply: " +
				"--show-secrets gives one that does.\n\n" +
				"With --json, set prints one line for each file:\n" +
				"  {\"file\": PATH, \"home\": DIR, \"product\": ID, \"changed\": BOOL,\n" +
				"   \"applied\": BOOL, \"from\": N|null,\n" +
				"   \"from_source\": \"set|commented|absent|placeholder\", \"to\": N,\n" +
				"   \"action\": \"unchanged|replaced|uncommented|inserted|added-table\",\n" +
				"   \"line\": N, \"diff\": TEXT, \"backup\": PATH, \"in_place\": BOOL,\n" +
				"   \"findings\": [{\"code\", \"severity\", \"file\", \"line\", \"column\",\n" +
				"                 \"message\", \"fix\"}],\n" +
				"   \"warnings\": [TEXT]}\n" +
				"or, when that file failed:\n" +
				"  {\"error\": TEXT, \"file\": PATH, \"line\": N, \"column\": N, \"hint\": TEXT}\n" +
				"changed: the file did not have offset N; applied: the change was written. " +
				"findings: what stands between the file as set leaves it and the ports the server will use (overrides, " +
				"URLs with literal ports, what WSO2's parser refuses), each with a stable code; " +
				"warnings: the texts of those that are warnings or errors (kept for one release: use findings).",
			exits: []exitCode{
				{exitOK, "the offset is N: it was written, or it was already"},
				{exitChanges, "--check: a file does not have offset N (the diff is printed); or the answer to the question was not yes"},
				exitError2,
			},
			examples: []example{
				{"see the diff and answer y to write it", "apim-offset set 2 --home /opt/wso2am-4.5.0"},
				{"keep the change as a patch, write nothing", "apim-offset set 2 --file conf/deployment.toml --dry-run > offset.patch"},
				{"write without asking, keeping the old file", "apim-offset set 2 --home /opt/wso2am-4.5.0 --yes --backup"},
				{"in a script: does the file have offset 2?", "apim-offset set 2 --home /opt/wso2am-4.5.0 --check --json"},
			},
		}},
		Flags: fileFlags(
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the diff, write nothing"},
			&cli.BoolFlag{Name: "check", Usage: "write nothing; exit 0 when the file already has offset N, 1 when it would change"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "write without asking; needed when stdin is not a terminal"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print neither the diff nor notes and warnings: errors only"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object a line, one for each file (described above), instead of the diff"},
			&cli.BoolFlag{Name: "backup", Usage: "keep the old file as deployment.toml.bak (deployment.toml.bak.TIME when that exists)"},
			&cli.DurationFlag{Name: "lock-timeout", Value: 30 * time.Second, Usage: "wait at most `DURATION` for another run to release the file (30s, 2m)"},
			&cli.BoolFlag{Name: "show-secrets", Usage: "show passwords and other secret values in the diff as they are; a masked diff does not apply as a patch"},
			&cli.BoolFlag{Name: "shift-literals", Usage: "also move the default ports written in URLs to this server (ws://localhost:9099) to the new offset"},
			&cli.BoolFlag{Name: "keep-placeholder", Usage: "in a template, leave an offset that is a placeholder ({{ .Values.portOffset }}) as it is"},
			&cli.BoolFlag{Name: "strict", Usage: "refuse a file that holds what WSO2's own TOML parser will not take (a byte order mark, TOML 1.0 features, a sub-table before its table); set warns and writes otherwise"},
			colorFlag(),
		),
		MutuallyExclusiveFlags: []cli.MutuallyExclusiveFlags{
			homeOrFile(homeUsage, fileFilterUsage),
			{Flags: [][]cli.Flag{{}, {}}}, // --dry-run and --check: filled in below
		},
		Action: a.set,
	}
}
