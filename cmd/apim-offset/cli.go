package main

// Output rules:
//   - stdout carries only the product: a diff for set, a number for get, a
//     table or JSON for ports, a report or JSON for doctor, a table, JSON or
//     (with --apply --dry-run) a patch for plan; help, the man page and
//     completion scripts when asked for.
//   - stderr carries everything said to the person: "apim-offset: error: …",
//     "apim-offset: warning: …", "apim-offset: hint: …", lower-case, no full
//     stop, and the confirmation prompt. Flags are named as typed: --home.
//   - Errors tied to a place read "apim-offset: error: <file>:<line>:<col>: …".
//   - With --json, stdout carries one JSON object a line, one for each file,
//     errors included ({"error": …}); stderr still carries warnings.
//   - Exit codes: 0 done or nothing to do, 1 set --check would change a file,
//     doctor found problems or a question was answered no, 2 any error.
//     Nothing else.
//   - Colour (--color=auto) only when stdout is a terminal, NO_COLOR is unset
//     and TERM is not dumb.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/urfave/cli/v3"
	"golang.org/x/term"
)

const (
	exitOK      = 0
	exitChanges = 1 // set --check: a file would change; doctor: problems found; a question answered no
	exitError   = 2
)

// productList names the products --product takes.
var productList = strings.Join(wso2.IDs(), ", ")

// app holds one invocation's streams.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lines          *bufio.Reader // stdin, read line by line for answers
	raw            io.Writer     // stdout itself, for a diff escaped and coloured already
	tty            bool          // stdout is a terminal: what goes there is escaped (terminalSafe)
	json           bool          // --json: results and errors go to stdout as JSON lines
	allowLink      bool          // --allow-foreign-link
	quiet          bool          // --quiet: errors only
	color          string        // --color: auto, always or never
}

// stdinLines reads answers from stdin; one reader, so that several
// questions read consecutive lines.
func (a *app) stdinLines() *bufio.Reader {
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	return a.lines
}

// doc is what help and the man page say of a command besides its Usage
// line and flags; it lives in the command's Metadata["doc"].
type doc struct {
	synopsis []string   // the usage lines, after "apim-offset CMD"
	text     string     // paragraphs; lines that start with two spaces are kept as they are
	exits    []exitCode // the exit codes this command uses
	examples []example
}

type exitCode struct {
	code int
	text string
}

type example struct{ comment, line string }

func docOf(c *cli.Command) doc {
	d, _ := c.Metadata["doc"].(doc)
	return d
}

// exitError2 is the exit code 2 line every command shares.
var exitError2 = exitCode{exitError, "error: usage, I/O, an invalid or unsupported file, or a file changed by another program meanwhile; nothing was written (with several files, the others were still done)"}

// colorFlag is --color, on the root and on the commands that colour.
func colorFlag() cli.Flag {
	return &cli.StringFlag{Name: "color", Value: "auto", Local: true,
		Usage: "colour the diff: `WHEN` is auto (only a terminal, and not with NO_COLOR set or TERM=dumb), always or never"}
}

// fileFlags are every file-reading command's flags, with the command's own
// after them.
func fileFlags(own ...cli.Flag) []cli.Flag {
	return append([]cli.Flag{
		allowLinkFlag(),
		&cli.StringFlag{Name: "product", Usage: "the `PRODUCT`, when the home does not tell: " + productList},
		&cli.BoolFlag{Name: "template", Usage: "read the file as a Helm, Jinja or ERB template (found by its markup too, with a note); --template=false reads it as plain TOML"},
	}, own...)
}

// allowLinkFlag is --allow-foreign-link, on every command that reads a
// home.
func allowLinkFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-foreign-link", Usage: "as root, follow a symbolic link to deployment.toml (or another file of the home) that another user owns or that leads out of the home; refused by default, as its owner could point it at any file"}
}

// homeFlag is --home, with its usage.
func homeFlag(usage string) cli.Flag { return &cli.StringSliceFlag{Name: "home", Usage: usage} }

const homeUsage = "the server's home `DIR`, the folder that holds bin/ and repository/conf; repeat it, or give a quoted pattern ('/opt/apim-*'), for several; $APIM_HOME (else $CARBON_HOME) when neither --home nor --file is given"

// homeOrFile are --home and --file, which exclude each other; every
// file-reading command has its own pair, as urfave keeps a flag's value in
// the flag.
func homeOrFile(homeUsage, fileUsage string) cli.MutuallyExclusiveFlags {
	return cli.MutuallyExclusiveFlags{Flags: [][]cli.Flag{
		{homeFlag(homeUsage)},
		{&cli.StringFlag{Name: "file", Usage: fileUsage}},
	}}
}

// The usages of --file: set writes what it reads from stdin to stdout.
const (
	fileUsage       = "the deployment.toml `PATH` itself; - reads it from stdin"
	fileFilterUsage = "the deployment.toml `PATH` itself; - reads it from stdin and writes the patched file to stdout"
)

// commands is the command tree: every command with its flags and help.
func (a *app) commands() *cli.Command {
	root := &cli.Command{
		Name:            "apim-offset",
		Usage:           "set the port offset of a WSO2 API Manager, Identity Server or Micro Integrator",
		Version:         longVersion(),
		Writer:          a.stdout,
		ErrWriter:       a.stderr,
		Reader:          a.stdin,
		HideHelpCommand: true,
		ExitErrHandler:  func(context.Context, *cli.Command, error) {},
		OnUsageError:    a.usageErr,
		// --json before the command is taken as after it (jsonAsked).
		Flags:  []cli.Flag{colorFlag(), &cli.BoolFlag{Name: "json", Local: true, Hidden: true}},
		Before: a.before,
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"COMMAND [OPTIONS] [ARGUMENTS]", "help [COMMAND]"},
			text: "Every port of a WSO2 server moves up by its offset: 9443 becomes 9445 at offset 2. " +
				"apim-offset changes [server] offset in deployment.toml and nothing else: comments, blank lines, " +
				"order, line endings and a missing final newline stay as they are. It shows the change as a " +
				"unified diff before writing, and replaces the file in one step.\n\n" +
				"The file is HOME/repository/conf/deployment.toml (HOME/conf/deployment.toml for Micro Integrator) " +
				"for --home HOME, the one given with --file PATH, or, with neither, that of $APIM_HOME, or else $CARBON_HOME. " +
				"The product is told by the start script in HOME/bin; --product names it when it cannot be: " + productList + ".",
			exits: []exitCode{
				{exitOK, "done, or nothing to do"},
				{exitChanges, "set --check: a file does not have offset N; doctor: problems found; set or plan --apply: the answer to the question was not yes"},
				exitError2,
			},
			examples: []example{
				{"see the change, then write it", "apim-offset set 2 --home /opt/wso2am-4.5.0"},
				{"read the offset and the ports it gives", "apim-offset get --home /opt/wso2am-4.5.0"},
				{"", "apim-offset ports --home /opt/wso2am-4.5.0"},
				{"give two servers on one machine offsets that do not collide", "apim-offset plan --home /opt/apim-a --home /opt/is --apply"},
				{"find what would undo the offset", "apim-offset doctor --home /opt/wso2am-4.5.0"},
			},
		}},
		Commands: []*cli.Command{
			a.setCommand(),
			a.getCommand(),
			a.portsCommand(),
			a.planCommand(),
			a.doctorCommand(),
			a.completionCommand(),
			manCommand(),
			a.helpCommand(),
			versionCommand(),
			a.completeCommand(),
		},
		Action: a.root,
	}
	for _, c := range root.Commands {
		// A home may have a comma in its name: repeat --home for several.
		c.DisableSliceFlagSeparator = true
		c.OnUsageError = a.usageErr
		if c.Before == nil {
			c.Before = a.before
		}
		if c.Name == "set" {
			// --dry-run and --check exclude each other; set keeps its own
			// flags, so the group names them.
			c.MutuallyExclusiveFlags[1].Flags = [][]cli.Flag{{flagNamed(c, "dry-run")}, {flagNamed(c, "check")}}
			c.Flags = slices.DeleteFunc(c.Flags, func(f cli.Flag) bool { return f.Names()[0] == "dry-run" || f.Names()[0] == "check" })
		}
	}
	return root
}

// flagNamed is c's flag called name.
func flagNamed(c *cli.Command, name string) cli.Flag {
	for _, f := range c.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	panic("no flag " + name)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, raw: stdout, stderr: terminalSafe{stderr}, color: "auto", tty: isTerminal(stdout)}
	if a.tty {
		a.stdout = terminalSafe{stdout}
	}
	root := a.commands()
	a.json = jsonAsked(args)
	err := a.firstWord(root, args)
	if err == nil {
		err = root.Run(context.Background(), args)
	}
	var problems problemsFound
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &problems), errors.Is(err, errWouldChange), errors.Is(err, errDeclined):
		return exitChanges
	case errors.Is(err, errReported):
		return exitError
	}
	a.report(err)
	return exitError
}

// jsonAsked tells whether --json stands anywhere on the command line
// before a "--": then every error is JSON, even one that stops the parsing
// of the flags before it ("set -5 --json").
func jsonAsked(args []string) bool {
	for _, arg := range args[min(1, len(args)):] {
		switch arg {
		case "--":
			return false
		case "--json", "--json=true", "--json=1", "-json":
			return true
		}
	}
	return false
}

// unknownCommand refuses a first word that is no command, whatever
// options follow it ("sett 2 --home H" is a mistyped set, not an unknown
// --home), with the command it most likely means.
func (a *app) firstWord(root *cli.Command, args []string) error {
	if len(args) < 2 || strings.HasPrefix(args[1], "-") || root.Command(args[1]) != nil {
		return nil
	}
	return unknownCommand(root, args[1])
}

// before sets the output mode from the parsed flags.
func (a *app) before(ctx context.Context, cmd *cli.Command) (context.Context, error) {
	a.json = a.json || cmd.Bool("json")
	a.quiet, a.allowLink = cmd.Bool("quiet"), cmd.Bool("allow-foreign-link")
	if hasFlag(cmd, "color") && cmd.IsSet("color") {
		switch a.color = cmd.String("color"); a.color {
		case "auto", "always", "never":
		default:
			return ctx, &usageError{msg: fmt.Sprintf("--color %s: not auto, always or never", a.color), hint: "--color=never turns colour off; NO_COLOR=1 does too"}
		}
	}
	return ctx, nil
}

// hasFlag tells whether c itself defines the flag name.
func hasFlag(c *cli.Command, name string) bool {
	for _, f := range c.Flags {
		if slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}

// colored tells whether to colour what goes to stdout: --color=always, or
// --color=auto with stdout a terminal, NO_COLOR unset and TERM not dumb.
func (a *app) colored() bool {
	switch a.color {
	case "always":
		return true
	case "never":
		return false
	}
	return a.tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// usageErr words a mistake in a command's flags; the output mode is that
// of the flags parsed so far.
func (a *app) usageErr(ctx context.Context, cmd *cli.Command, err error, _ bool) error {
	a.json, a.quiet = a.json || cmd.Bool("json"), cmd.Bool("quiet")
	msg := err.Error()
	help := "run 'apim-offset help " + cmd.Name + "'"
	if cmd.Root() == cmd {
		help = "run 'apim-offset help'"
	}
	const (
		notDef   = "flag provided but not defined: -"
		needsArg = "flag needs an argument: "
		mutex    = " cannot be set along with option "
	)
	switch {
	case strings.HasPrefix(msg, notDef):
		name := strings.TrimLeft(strings.TrimPrefix(msg, notDef), "-")
		typed := "--" + name
		if len([]rune(name)) == 1 {
			typed = "-" + name
		}
		hint := help
		if s := suggest(name, flagNames(cmd)); s != "" {
			hint = "did you mean " + dashes(s) + "?"
		}
		return &usageError{msg: "unknown option " + typed, hint: hint}
	case strings.HasPrefix(msg, needsArg):
		name := strings.TrimLeft(strings.TrimPrefix(msg, needsArg), "-")
		return &usageError{msg: dashes(name) + " needs a value", hint: help}
	case strings.HasPrefix(msg, "option ") && strings.Contains(msg, mutex):
		one, two, _ := strings.Cut(strings.TrimPrefix(msg, "option "), mutex)
		one, two = strings.TrimLeft(one, "-"), strings.TrimLeft(two, "-")
		return &usageError{msg: dashes(one) + " and " + dashes(two) + " both given", hint: conflictHint(one, two, help)}
	}
	return &usageError{msg: msg, hint: help}
}

// conflictHint says which of two options that exclude each other to keep.
func conflictHint(one, two, help string) string {
	switch pair := []string{one, two}; {
	case slices.Contains(pair, "home") && slices.Contains(pair, "file"):
		return "use one: --home names the server's folder, --file the deployment.toml"
	case slices.Contains(pair, "dry-run") && slices.Contains(pair, "check"):
		return "use one: --dry-run prints the diff; --check prints it too, and exits 1 when the file would change"
	}
	return help
}

// dashes is a flag's name as typed: --name, or -n for a one-letter alias.
func dashes(name string) string {
	if len([]rune(name)) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagNames lists the names of cmd's flags (and the help flag's).
func flagNames(cmd *cli.Command) []string {
	names := []string{"help"}
	for _, f := range cmd.Flags {
		names = append(names, f.Names()...)
	}
	for _, g := range cmd.MutuallyExclusiveFlags {
		for _, fs := range g.Flags {
			for _, f := range fs {
				if f != nil {
					names = append(names, f.Names()...)
				}
			}
		}
	}
	return names
}

// commandNames lists the visible commands of the root cmd.
func commandNames(cmd *cli.Command) []string {
	var names []string
	for _, c := range cmd.Root().Commands {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	return names
}

// commandList is "set, get, ..., help and version".
func commandList(cmd *cli.Command) string {
	names := commandNames(cmd)
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// suggest is the name in names closest to typed, when it is close enough
// to be a slip: at most a third of its letters wrong (edits counted as
// Levenshtein does), or typed is the start of exactly one name.
func suggest(typed string, names []string) string {
	best, bestD := "", 1<<30
	var prefixed []string
	for _, n := range names {
		if len(n) < 2 {
			continue
		}
		if d := levenshtein(typed, n); d < bestD {
			best, bestD = n, d
		}
		if len(typed) >= 2 && strings.HasPrefix(n, typed) {
			prefixed = append(prefixed, n)
		}
	}
	if bestD > 0 && bestD <= max(1, len([]rune(typed))/3) {
		return best
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// parseN reads an offset written by the user (what names it, such as
// "offset" or "--offset"): a whole number of 0 or more, at most the largest
// any product takes; the product's own bound is checked once the product is
// known (checkOffset).
func parseN(what, s string) (int, error) {
	hint := offsetHint()
	n, ok := new(big.Int).SetString(strings.TrimPrefix(s, "+"), 10)
	switch {
	case !ok:
		return 0, &usageError{msg: fmt.Sprintf("%s %q is not a number", what, s), hint: hint}
	case n.Sign() < 0:
		return 0, &usageError{msg: fmt.Sprintf("%s %s is below 0", what, s), hint: hint}
	case !n.IsInt64() || n.Int64() > math.MaxInt32:
		// The product's own bound (checkOffset) is lower: this one keeps
		// huge numbers from being read as something else.
		return 0, &usageError{msg: fmt.Sprintf("%s %s is too large: no product takes more than %d", what, s, maxAnyOffset()), hint: hint}
	}
	return int(n.Int64()), nil
}

// offsetHint says what an offset does and how far it can go: for the
// products given, or, when none is known, for each product.
func offsetHint(products ...wso2.Product) string {
	if len(products) == 0 {
		products = wso2.Packages()
	}
	port := products[0].Ports[0]
	if https, ok := products[0].ByRole(wso2.ServletHTTPS); ok {
		port = https
	}
	hint := fmt.Sprintf("every port moves up by the offset: 2 moves %d to %d; ", port.Port, port.Effective(2))
	var most []string
	seen := map[string]bool{}
	for _, p := range products {
		family := strings.Join(strings.Fields(p.Name)[:2], " ") // "API Manager", for each of its packages
		if text := fmt.Sprintf("%s takes up to %d", family, p.MaxOffset()); !seen[text] {
			seen[text] = true
			most = append(most, text)
		}
	}
	return hint + strings.Join(most, ", ")
}

// maxAnyOffset is the largest offset any product takes.
func maxAnyOffset() int {
	m := 0
	for _, p := range wso2.Products {
		m = max(m, p.MaxOffset())
	}
	return m
}

// noArgs refuses arguments to a command that takes none.
func noArgs(cmd *cli.Command, hint string) error {
	if cmd.Args().Len() == 0 {
		return nil
	}
	return &usageError{msg: cmd.Name + " takes no arguments, got " + strings.Join(cmd.Args().Slice(), " "), hint: hint}
}

// warnf prints a warning on stderr.
func (a *app) warnf(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, "apim-offset: warning: "+format+"\n", args...)
	}
}

// notef tells the person what is being done, on stderr, unless --quiet.
func (a *app) notef(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, "apim-offset: "+format+"\n", args...)
	}
}

// printJSON prints v as one line of JSON.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// version is the release this binary is, set by the build with
// -ldflags "-X main.version=1.2.3" (packaging/build.sh, .goreleaser.yaml).
// Empty, --version and the man page say what the build info knows.
var version string

// longVersion is what --version prints: the release, else the module version
// and VCS revision the binary was built from.
func longVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += " (modified)"
			}
		}
	}
	return v
}

// isTerminal reports whether f is a terminal. /dev/null is a character
// device too, so the mode bits do not tell; the terminal ioctl does.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// colorize paints a unified diff for a terminal: headers bold, hunk ranges
// cyan, removed lines red, added lines green.
func colorize(d []byte) []byte {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(d), "\n") {
		if line == "" {
			continue
		}
		body := strings.TrimRight(line, "\r\n")
		end := line[len(body):]
		code := ""
		switch {
		case strings.HasPrefix(line, "--- "), strings.HasPrefix(line, "+++ "):
			code = "\x1b[1m"
		case strings.HasPrefix(line, "@@"):
			code = "\x1b[36m"
		case strings.HasPrefix(line, "-"):
			code = "\x1b[31m"
		case strings.HasPrefix(line, "+"):
			code = "\x1b[32m"
		}
		if code == "" {
			b.WriteString(line)
			continue
		}
		b.WriteString(code + body + "\x1b[0m" + end)
	}
	return []byte(b.String())
}

// root is apim-offset without a command, or with one it does not know.
func (a *app) root(_ context.Context, cmd *cli.Command) error {
	if cmd.Args().Len() > 0 {
		return unknownCommand(cmd, cmd.Args().First())
	}
	if a.json {
		return &usageError{msg: "no command given", hint: "run 'apim-offset help' for the commands"}
	}
	// A short usage, as a person who typed the bare name wants it.
	fmt.Fprintf(a.stderr, "usage: apim-offset COMMAND [OPTIONS] [ARGUMENTS]\n\ncommands: %s\n\n", commandList(cmd))
	fmt.Fprintf(a.stderr, "  apim-offset set 2 --home /opt/wso2am-4.5.0   see the change, then write it\n")
	fmt.Fprintf(a.stderr, "  apim-offset help [COMMAND]                   more, with examples\n")
	return errReported
}

// unknownCommand is the error for name, a word where a command should be,
// with the command it most likely means.
func unknownCommand(root *cli.Command, name string) error {
	hint := "the commands are " + commandList(root) + ": run 'apim-offset help'"
	if s := suggest(name, commandNames(root)); s != "" {
		hint = "did you mean 'apim-offset " + s + "'?"
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q", name), hint: hint}
}
