package main

// Output rules:
//   - stdout carries only the product: a diff for set, a number for get, a
//     table or JSON for ports, a report or JSON for doctor.
//   - stderr carries everything said to the person: "apim-offset: error: …",
//     "apim-offset: warning: …", "apim-offset: hint: …", lower-case, no full
//     stop, and the confirmation prompt.
//   - Errors tied to a place read "apim-offset: error: <file>:<line>:<col>: …".
//   - With --json, stdout carries one JSON object a line, one for each file,
//     errors included ({"error": …}); stderr still carries warnings.
//   - Exit codes: 0 done or nothing to do, 1 set --check would change a file
//     or doctor found problems, 2 any error. Nothing else.
//   - Colour only when stdout is a terminal and NO_COLOR is unset.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/urfave/cli/v3"
	"golang.org/x/term"
)

const (
	exitOK      = 0
	exitChanges = 1 // set --check: a file would change; doctor: problems found
	exitError   = 2
)

var usageFooter = `Choosing the file:
  --home DIR    DIR/repository/conf/deployment.toml (DIR/conf/deployment.toml for
                Micro Integrator); the product is told by the start script in DIR/bin
  --file PATH   PATH itself
  neither       $APIM_HOME as --home
  --product P   the product, when it cannot be told: ` + productList + `

Exit codes:
  0  done, or nothing to do (the offset was already N); doctor: nothing at error level
  1  set --check: a file does not have offset N (the diff is printed); doctor: problems found
  2  error: usage, I/O, invalid or unsupported file, file changed by another program
     meanwhile; nothing was written (with several files: the others were still done)
`

// productList names the products --product takes.
var productList = strings.Join(wso2.IDs(), ", ")

// app holds one invocation's streams.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lines          *bufio.Reader // stdin, read line by line for answers
	json           bool          // --json: results and errors go to stdout as JSON lines
	quiet          bool          // --quiet: errors only
}

// stdinLines reads answers from stdin; one reader, so that several
// questions read consecutive lines.
func (a *app) stdinLines() *bufio.Reader {
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	return a.lines
}

// commands is the command tree: every command with its flags and help.
func (a *app) commands() *cli.Command {
	// fileFlags are every file-reading command's flags; withFileFlags adds
	// a command's own to a copy.
	fileFlags := []cli.Flag{
		&cli.StringFlag{Name: "product", Usage: "the `PRODUCT`, when the home does not tell: " + productList},
		&cli.BoolFlag{Name: "template", Usage: "read the file as a Helm, Jinja or ERB template (found by its markup too, with a note); --template=false reads it as plain TOML"},
	}
	withFileFlags := func(own ...cli.Flag) []cli.Flag { return append(slices.Clip(fileFlags), own...) }
	// homeOrFile are --home and --file, which exclude each other; every
	// file-reading command has its own pair, as urfave keeps a flag's value
	// in the flag.
	homeOrFile := func() []cli.MutuallyExclusiveFlags {
		return []cli.MutuallyExclusiveFlags{{Flags: [][]cli.Flag{
			{&cli.StringSliceFlag{Name: "home", Usage: "the server's home `DIR`: DIR/repository/conf/deployment.toml; set and get take several, and quoted patterns ('/opt/apim-*'); $APIM_HOME when neither --home nor --file is given"}},
			{&cli.StringFlag{Name: "file", Usage: "the deployment.toml `PATH` itself"}},
		}}}
	}
	root := &cli.Command{
		Name:            "apim-offset",
		Usage:           "set the port offset of a WSO2 API Manager, Identity Server or Micro Integrator",
		Version:         version(),
		Writer:          a.stdout,
		ErrWriter:       a.stderr,
		Reader:          a.stdin,
		HideHelpCommand: true,
		// "apim-offset completion bash|zsh|fish" prints a completion script.
		EnableShellCompletion: true,
		ExitErrHandler:        func(context.Context, *cli.Command, error) {},
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return &usageError{msg: err.Error(), hint: "run 'apim-offset --help'"}
		},
		Description: "Every port of a WSO2 server moves up by its offset: 9443 becomes 9445 at offset 2.\n" +
			"apim-offset changes [server] offset in deployment.toml and nothing else: comments,\n" +
			"blank lines, order, line endings and a missing final newline stay as they are.\n\n" + usageFooter,
		Commands: []*cli.Command{
			{
				Name:      "set",
				Usage:     "set the offset to N, showing the change as a unified diff",
				ArgsUsage: "N",
				Description: "Prints the diff on stdout, then writes the file: after asking when stdin is a\n" +
					"terminal, without asking otherwise or with --yes. Flags may come before or after N.\n" +
					"The file is locked while it is read and written, and replaced in one step through a\n" +
					"new file in its folder that keeps its owner, group and mode.\n\n" +
					"Values of keys that look secret (password, key_password, client_secret, token, ...)\n" +
					"are shown as (masked) in the diff; such a diff describes the change but does not\n" +
					"apply with patch or git apply: use --show-secrets for one that does.\n\n" +
					"--json prints, for each file, one line:\n" +
					"  {\"file\": PATH, \"home\": DIR, \"product\": ID, \"changed\": BOOL, \"applied\": BOOL,\n" +
					"   \"from\": N|null, \"from_source\": \"set|commented|absent|placeholder\", \"to\": N,\n" +
					"   \"action\": \"unchanged|replaced|uncommented|inserted|added-table\", \"line\": N,\n" +
					"   \"diff\": TEXT, \"backup\": PATH, \"in_place\": BOOL, \"warnings\": [TEXT]}\n" +
					"or, when that file failed, {\"error\": TEXT, \"file\": PATH, \"line\": N, \"column\": N, \"hint\": TEXT}.\n" +
					"changed: the file did not have offset N; applied: the change was written.\n\n" +
					"N is a whole number from 0 to the product's largest offset: " + strconv.Itoa(wso2.MaxOffset) + "\n" +
					"for API Manager, whose highest default port that moves is 11111 (JMX).\n\n" +
					"Examples:\n" +
					"  apim-offset set 2 --home /opt/wso2am-4.5.0\n" +
					"  apim-offset set 2 --file conf/deployment.toml --dry-run > offset.patch\n" +
					"  apim-offset set 2 --home /opt/wso2am-4.5.0 --yes --backup\n" +
					"  apim-offset set 2 --home /opt/wso2am-4.5.0 --check --json\n\n" + usageFooter,
				Flags: withFileFlags(
					&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the diff, write nothing"},
					&cli.BoolFlag{Name: "check", Usage: "write nothing; exit 0 when the file already has offset N, 1 when it would change"},
					&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "write without asking; needed when stdin is not a terminal"},
					&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print neither the diff nor notes and warnings: errors only"},
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object a line, one for each file (see below), instead of the diff"},
					&cli.BoolFlag{Name: "backup", Usage: "keep the old file as deployment.toml.bak (deployment.toml.bak.TIME when that exists)"},
					&cli.BoolFlag{Name: "show-secrets", Usage: "show passwords and other secret values in the diff as they are; they are masked otherwise, and a masked diff does not apply as a patch"},
					&cli.BoolFlag{Name: "shift-literals", Usage: "also move the default ports written in URLs to this server (ws://localhost:9099) to the new offset"},
					&cli.BoolFlag{Name: "keep-placeholder", Usage: "in a template, leave an offset that is a placeholder ({{ .Values.portOffset }}) as it is"},
					&cli.BoolFlag{Name: "strict", Usage: "refuse a file that holds what WSO2's own TOML parser will not take (a byte order mark, TOML 1.0 features, a sub-table before its table); set warns and writes otherwise"},
				),
				MutuallyExclusiveFlags: homeOrFile(),
				OnUsageError:           a.usageErr,
				Before:                 a.before,
				Action:                 a.set,
			},
			{
				Name:  "get",
				Usage: "print the offset the server will use (its default when unset or commented out: 0, or 10 for Micro Integrator)",
				Description: "Examples:\n" +
					"  apim-offset get --home /opt/wso2am-4.5.0\n\n" + usageFooter,
				Flags: withFileFlags(
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object a line, one for each file: {\"file\", \"home\", \"product\", \"offset\", \"source\": \"set|commented|absent\"}"},
				),
				MutuallyExclusiveFlags: homeOrFile(),
				OnUsageError:           a.usageErr,
				Before:                 a.before,
				Action:                 a.get,
			},
			{
				Name:  "ports",
				Usage: "list the product's default ports and where they are at the offset",
				Description: "The product and offset come from the file (--home, --file or $APIM_HOME), or\n" +
					"from --product at its default offset; --offset N shows them at N instead.\n" +
					"Ports marked 'off by default' are closed in a default installation, and\n" +
					"'inferred' rows are not verified against WSO2's code.\n\n" +
					"Examples:\n" +
					"  apim-offset ports --home /opt/wso2am-4.5.0\n" +
					"  apim-offset ports --product mi --offset 3 --json\n\n" + usageFooter,
				Flags: withFileFlags(
					&cli.IntFlag{Name: "offset", Usage: "show the ports at offset `N` instead of the file's"},
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				),
				MutuallyExclusiveFlags: homeOrFile(),
				OnUsageError:           a.usageErr,
				Before:                 a.before,
				Action:                 a.ports,
			},
			{
				Name:  "plan",
				Usage: "choose offsets for several servers on this machine so that no two need the same port",
				Description: "Each home keeps the offset its file sets unless that collides with a home before it;\n" +
					"the others get, in order, the smallest offset whose ports are free of the homes\n" +
					"before them and within 65535, and with --free, not in use on this machine.\n" +
					"Prints the plan; --apply sets it, with the diffs and questions of set.\n\n" +
					"Examples:\n" +
					"  apim-offset plan --home /opt/apim-a --home /opt/apim-b --home /opt/is\n" +
					"  apim-offset plan --home '/opt/wso2/*' --free --apply --yes\n\n" + usageFooter,
				Flags: withFileFlags(
					&cli.BoolFlag{Name: "free", Usage: "also keep clear of ports in use on this machine"},
					&cli.BoolFlag{Name: "apply", Usage: "set the planned offsets"},
					&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "with --apply: print the diffs, write nothing"},
					&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "with --apply: write without asking; needed when stdin is not a terminal"},
					&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "with --apply: print neither the diffs nor notes and warnings: errors only"},
					&cli.BoolFlag{Name: "backup", Usage: "with --apply: keep each old file as deployment.toml.bak"},
					&cli.BoolFlag{Name: "show-secrets", Usage: "with --apply: show secret values in the diffs as they are"},
				),
				MutuallyExclusiveFlags: homeOrFile(),
				OnUsageError:           a.usageErr,
				Before:                 a.before,
				Action:                 a.plan,
			},
			{
				Name:  "doctor",
				Usage: "find what will override or undo the offset, and ports that will not be free",
				Description: "Checks each home for: -DportOffset in bin/ scripts, JAVA_OPTS, JVM_OPTS or the\n" +
					"running server's command line (it wins over the file); -DavoidConfigUpdate=true (the\n" +
					"server ignores the file); API Manager 4.0-4.4 profile optimisation (it replaces the\n" +
					"file); a running server (a new offset needs a restart); URLs to this server with\n" +
					"literal default ports; the server's ports already taken on this machine; an offset\n" +
					"placeholder; and, with several --home, homes whose ports collide.\n\n" +
					"Exit codes:\n" +
					"  0  nothing at error level (warnings and notes may be printed)\n" +
					"  1  problems found: the offset will not work as the file says\n" +
					"  2  error: usage, I/O, unreadable file\n\n" +
					"Examples:\n" +
					"  apim-offset doctor --home /opt/wso2am-4.5.0\n" +
					"  apim-offset doctor --home /opt/apim-a --home /opt/apim-b --json\n",
				Flags: []cli.Flag{
					&cli.StringSliceFlag{Name: "home", Usage: "a server's home `DIR`; repeat it to check several together, or give a quoted pattern ('/opt/wso2/*'); $APIM_HOME when not given"},
					&cli.StringFlag{Name: "product", Usage: "the `PRODUCT`, when the home does not tell: " + productList},
					&cli.BoolFlag{Name: "template", Usage: "read the files as Helm, Jinja or ERB templates (found by their markup too, with a note)"},
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				},
				OnUsageError: a.usageErr,
				Before:       a.before,
				Action:       a.doctor,
			},
			manCommand(),
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &usageError{msg: fmt.Sprintf("unknown command %q", cmd.Args().First()), hint: "the commands are set, get, ports, plan and doctor: run 'apim-offset --help'"}
			}
			return &usageError{msg: "no command given", hint: "run 'apim-offset set N --home DIR' or 'apim-offset --help'"}
		},
	}
	for _, c := range root.Commands {
		// A home may have a comma in its name: repeat --home for several.
		c.DisableSliceFlagSeparator = true
	}
	return root
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	err := a.commands().Run(context.Background(), args)
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

// before sets the output mode from the parsed flags.
func (a *app) before(ctx context.Context, cmd *cli.Command) (context.Context, error) {
	a.json, a.quiet = cmd.Bool("json"), cmd.Bool("quiet")
	return ctx, nil
}

// usageErr words a mistake in a command's flags; the output mode is that
// of the flags parsed so far.
func (a *app) usageErr(ctx context.Context, cmd *cli.Command, err error, _ bool) error {
	a.before(ctx, cmd)
	msg := err.Error()
	if cmd.IsSet("home") && cmd.IsSet("file") && strings.Contains(msg, "cannot be set along with") {
		return &usageError{msg: "--home and --file both given", hint: "use one: --home names the server's folder, --file the deployment.toml"}
	}
	return &usageError{msg: msg, hint: "run 'apim-offset " + cmd.Name + " --help'"}
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

// version is the module version and VCS revision the binary was built from.
func version() string {
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
