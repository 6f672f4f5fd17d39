package main

// Output rules:
//   - stdout carries only the product: a diff for set, a number for get.
//   - stderr carries everything said to the person: "apim-offset: error: …",
//     "apim-offset: warning: …", "apim-offset: hint: …", lower-case, no full
//     stop, and the confirmation prompt.
//   - Errors tied to a place read "apim-offset: error: <file>:<line>:<col>: …".
//   - Exit codes: 0 done or nothing to do, 2 any error. Nothing else.
//   - Colour only when stdout is a terminal and NO_COLOR is unset.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/atomicfile"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/unidiff"
	"github.com/apim-offset/apim-offset/wso2"
	"github.com/urfave/cli/v3"
	"golang.org/x/term"
)

const (
	exitOK    = 0
	exitError = 2
)

// configPath is where deployment.toml stands under a server's home.
var configPath = filepath.Join("repository", "conf", "deployment.toml")

const usageFooter = `Choosing the file:
  --home DIR    DIR/repository/conf/deployment.toml
  --file PATH   PATH itself
  neither       $APIM_HOME/repository/conf/deployment.toml

Exit codes:
  0  done, or nothing to do (the offset was already N)
  2  error: usage, I/O, invalid or unsupported file; nothing was written
`

// usageError is a mistake in the command line.
type usageError struct{ msg, hint string }

func (e *usageError) Error() string { return e.msg }

// fileError is a problem with the file at path.
type fileError struct {
	path string
	err  error
}

func (e *fileError) Error() string {
	var pe *patcher.Error
	if errors.As(e.err, &pe) && pe.Line > 0 {
		return e.path + ":" + e.err.Error() // file:line:col: message
	}
	return e.path + ": " + e.err.Error()
}
func (e *fileError) Unwrap() error { return e.err }

// app holds one invocation's streams.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	fileFlags := []cli.Flag{
		&cli.StringFlag{Name: "home", Usage: "the server's home `DIR`: DIR/repository/conf/deployment.toml"},
		&cli.StringFlag{Name: "file", Usage: "the deployment.toml `PATH` itself"},
	}
	root := &cli.Command{
		Name:            "apim-offset",
		Usage:           "set the port offset of a WSO2 API Manager, Identity Server or Micro Integrator",
		Version:         version(),
		Writer:          stdout,
		ErrWriter:       stderr,
		Reader:          stdin,
		HideHelpCommand: true,
		ExitErrHandler:  func(context.Context, *cli.Command, error) {},
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
					"N is a whole number from 0 to " + strconv.Itoa(wso2.MaxOffset) + ".\n\n" +
					"Examples:\n" +
					"  apim-offset set 2 --home /opt/wso2am-4.5.0\n" +
					"  apim-offset set 2 --file conf/deployment.toml --dry-run > offset.patch\n" +
					"  apim-offset set 2 --home /opt/wso2am-4.5.0 --yes\n\n" + usageFooter,
				Flags: append(fileFlags,
					&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the diff, write nothing"},
					&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "write without asking"},
				),
				OnUsageError: usageErr("set"),
				Action:       a.set,
			},
			{
				Name:  "get",
				Usage: "print the offset the file gives the server (0 when unset or commented out)",
				Description: "Examples:\n" +
					"  apim-offset get --home /opt/wso2am-4.5.0\n\n" + usageFooter,
				Flags:        fileFlags,
				OnUsageError: usageErr("get"),
				Action:       a.get,
			},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &usageError{msg: fmt.Sprintf("unknown command %q", cmd.Args().First()), hint: "the commands are set and get: run 'apim-offset --help'"}
			}
			return &usageError{msg: "no command given", hint: "run 'apim-offset set N --home DIR' or 'apim-offset --help'"}
		},
	}
	err := root.Run(context.Background(), args)
	if err == nil {
		return exitOK
	}
	a.report(err)
	return exitError
}

func usageErr(name string) cli.OnUsageErrorFunc {
	return func(_ context.Context, _ *cli.Command, err error, _ bool) error {
		return &usageError{msg: err.Error(), hint: "run 'apim-offset " + name + " --help'"}
	}
}

// report prints err on stderr in the form the output rules give.
func (a *app) report(err error) {
	msg, hint := err.Error(), ""
	var ue *usageError
	var pe *patcher.Error
	switch {
	case errors.As(err, &ue):
		hint = ue.hint
	case errors.As(err, &pe):
		hint = pe.Hint
	}
	fmt.Fprintf(a.stderr, "apim-offset: error: %s\n", msg)
	if hint != "" {
		fmt.Fprintf(a.stderr, "apim-offset: hint: %s\n", hint)
	}
}

// target is the file a command works on.
type target struct {
	path  string // as opened
	label string // as named in the diff: relative to the home, or as given
}

func resolve(cmd *cli.Command) (target, error) {
	home, file := cmd.String("home"), cmd.String("file")
	switch {
	case home != "" && file != "":
		return target{}, &usageError{msg: "--home and --file both given", hint: "use one: --home names the server's folder, --file the deployment.toml"}
	case file != "":
		label := filepath.ToSlash(filepath.Clean(file))
		label = strings.TrimLeft(strings.TrimPrefix(label, filepath.VolumeName(label)), "/")
		return target{path: file, label: label}, nil
	case home == "":
		home = os.Getenv("APIM_HOME")
		if home == "" {
			return target{}, &usageError{msg: "no file given", hint: "use --home DIR or --file PATH, or set APIM_HOME"}
		}
	}
	return target{path: filepath.Join(home, configPath), label: filepath.ToSlash(configPath)}, nil
}

// read returns the file's bytes, refusing what is not a regular file or is
// larger than the patcher reads.
func read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	// Read one byte more than the limit, so the patcher sees and names an
	// oversized file without this reading all of it.
	return io.ReadAll(io.LimitReader(f, patcher.MaxSize+1))
}

func (a *app) load(cmd *cli.Command) (target, []byte, error) {
	t, err := resolve(cmd)
	if err != nil {
		return t, nil, err
	}
	src, err := read(t.path)
	if err != nil {
		err = &fileError{t.path, unwrapPath(err)}
		if errors.Is(err, os.ErrNotExist) && cmd.String("file") == "" {
			return t, nil, &usageError{msg: err.Error(), hint: "--home (or APIM_HOME) is the server's folder, the one that holds repository/conf; for Micro Integrator use --file <home>/conf/deployment.toml"}
		}
		return t, nil, err
	}
	return t, src, nil
}

// unwrapPath drops the *fs.PathError around err, as the path is printed
// first, and its "open" as well: "no such file or directory" says enough.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if pe.Op == "open" {
			return pe.Err
		}
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func parseOffset(cmd *cli.Command) (int, error) {
	args := cmd.Args()
	n, err := strconv.Atoi(args.First())
	if err == nil && (n < 0 || n > wso2.MaxOffset) || args.Len() == 1 && err != nil {
		// A negative N ends flag parsing ("set -1 --home X"): name the
		// real problem, not the arguments that follow.
		return 0, &usageError{msg: fmt.Sprintf("offset %q is not a whole number from 0 to %d", args.First(), wso2.MaxOffset),
			hint: fmt.Sprintf("every port moves up by the offset, and the highest one that moves is %d (JMX): %d + %d = 65535", wso2.HighestShiftingPort, wso2.HighestShiftingPort, wso2.MaxOffset)}
	}
	switch args.Len() {
	case 0:
		return 0, &usageError{msg: "no offset given", hint: "run 'apim-offset set N --home DIR' with N from 0 to " + strconv.Itoa(wso2.MaxOffset)}
	case 1:
	default:
		return 0, &usageError{msg: fmt.Sprintf("one offset expected, got %d arguments: %s", args.Len(), strings.Join(args.Slice(), " ")), hint: "run 'apim-offset set --help'"}
	}
	return n, nil
}

func (a *app) set(_ context.Context, cmd *cli.Command) error {
	n, err := parseOffset(cmd)
	if err != nil {
		return err
	}
	t, src, err := a.load(cmd)
	if err != nil {
		return err
	}
	res, err := patcher.Set(src, n)
	if err != nil {
		return &fileError{t.path, err}
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(a.stderr, "apim-offset: warning: %s:%d:%d: %s\n", t.path, w.Line, w.Column, w.Msg)
	}
	if !res.Changed() {
		fmt.Fprintf(a.stderr, "apim-offset: %s: offset is already %d\n", t.path, n)
		return nil
	}
	d := unidiff.Diff(t.label, src, res.Output)
	if isTerminal(a.stdout) && os.Getenv("NO_COLOR") == "" {
		d = colorize(d)
	}
	if _, err := a.stdout.Write(d); err != nil {
		return err
	}
	if cmd.Bool("dry-run") {
		return nil
	}
	if !cmd.Bool("yes") && isTerminal(a.stdin) {
		fmt.Fprintf(a.stderr, "Apply to %s? [y/N] ", t.path)
		answer, _ := bufio.NewReader(a.stdin).ReadString('\n')
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
	if cmd.Args().Len() > 0 {
		return &usageError{msg: "get takes no arguments, got " + strings.Join(cmd.Args().Slice(), " "), hint: "to change the offset, run 'apim-offset set N'"}
	}
	t, src, err := a.load(cmd)
	if err != nil {
		return err
	}
	cur, err := patcher.Get(src)
	if err != nil {
		return &fileError{t.path, err}
	}
	_, err = fmt.Fprintln(a.stdout, cur.Offset)
	return err
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
