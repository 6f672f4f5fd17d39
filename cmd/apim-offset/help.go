package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"
	"golang.org/x/term"
)

// Help is made here from the command definitions (cli.go), for --help,
// "apim-offset help [COMMAND]", the man page and the completion scripts:
// urfave's templates are not used.
func init() {
	cli.HelpPrinter = func(w io.Writer, _ string, data any) {
		if c, ok := data.(*cli.Command); ok {
			io.WriteString(w, helpText(c, helpWidth(w)))
		}
	}
}

// help is "apim-offset help [COMMAND]".
func (a *app) help(_ context.Context, cmd *cli.Command) error {
	root := cmd.Root()
	switch cmd.Args().Len() {
	case 0:
		_, err := io.WriteString(a.stdout, helpText(root, helpWidth(a.stdout)))
		return err
	case 1:
	default:
		return &usageError{msg: "help takes one command, got " + strings.Join(cmd.Args().Slice(), " "), hint: "run 'apim-offset help COMMAND'"}
	}
	name := cmd.Args().First()
	for _, c := range root.Commands {
		if c.Name == name && !c.Hidden {
			_, err := io.WriteString(a.stdout, helpText(c, helpWidth(a.stdout)))
			return err
		}
	}
	hint := "the commands are " + commandList(cmd)
	if s := suggest(name, commandNames(cmd)); s != "" {
		hint = "did you mean 'apim-offset help " + s + "'?"
	}
	return &usageError{msg: fmt.Sprintf("no command %q", name), hint: hint}
}

// helpWidth is the width to wrap help at: the terminal's, when w is one,
// and 80 columns otherwise.
func helpWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width >= 40 {
			return min(width, 120)
		}
	}
	return 80
}

// helpText is c's help, wrapped at width columns.
func helpText(c *cli.Command, width int) string {
	var b strings.Builder
	d := docOf(c)
	root := c.Root() == c
	full := fullName(c)
	b.WriteString(wrap(full+" - "+c.Usage, "", "    ", width))
	b.WriteString("\nUsage:\n")
	for _, s := range synopsis(c) {
		b.WriteString(wrap(s, "  ", "      ", width))
	}
	if d.text != "" {
		b.WriteString("\n" + paragraphs(d.text, "", width))
	}
	if root {
		b.WriteString("\nCommands:\n")
		var rows [][2]string
		for _, sub := range c.Commands {
			if !sub.Hidden {
				rows = append(rows, [2]string{sub.Name, sub.Usage})
			}
		}
		b.WriteString(table(rows, "  ", width))
	}
	b.WriteString("\nOptions:\n")
	var rows [][2]string
	for _, f := range optionRows(c) {
		rows = append(rows, [2]string{f.spec(), f.usage})
	}
	b.WriteString(table(rows, "  ", width))
	if len(d.exits) > 0 {
		b.WriteString("\nExit status:\n")
		rows = rows[:0]
		for _, e := range d.exits {
			rows = append(rows, [2]string{fmt.Sprint(e.code), e.text})
		}
		b.WriteString(table(rows, "  ", width))
	}
	if len(d.examples) > 0 {
		b.WriteString("\nExamples:\n")
		for i, e := range d.examples {
			if e.comment != "" {
				if i > 0 {
					b.WriteString("\n")
				}
				b.WriteString(wrap("# "+e.comment, "  ", "  # ", width))
			}
			b.WriteString("  " + e.line + "\n")
		}
	}
	if root {
		b.WriteString("\n" + wrap("Run 'apim-offset help COMMAND' for a command's options, exit status and examples, and 'apim-offset man' for the man page.", "", "", width))
	}
	return b.String()
}

// fullName is "apim-offset" or "apim-offset CMD".
func fullName(c *cli.Command) string {
	if c.Root() == c {
		return c.Name
	}
	return c.Root().Name + " " + c.Name
}

// synopsis are c's usage lines, each a whole command line.
func synopsis(c *cli.Command) []string {
	d := docOf(c)
	var out []string
	for _, s := range d.synopsis {
		out = append(out, strings.TrimSpace(fullName(c)+" "+s))
	}
	if len(out) == 0 {
		out = append(out, strings.TrimSpace(fullName(c)+" [OPTIONS] "+c.ArgsUsage))
	}
	return out
}

// option is one flag as help shows it.
type option struct {
	names       []string // as typed: -n, --dry-run
	placeholder string   // the value's name, "" for a switch
	usage       string
}

func (o option) spec() string {
	s := strings.Join(o.names, ", ")
	if o.placeholder != "" {
		s += " " + o.placeholder
	}
	return s
}

// optionRows are the flags c takes, as help lists them: the file first,
// then in the order of their definition, help last.
func optionRows(c *cli.Command) []option {
	var flags []cli.Flag
	flags = append(flags, c.Flags...)
	for _, g := range c.MutuallyExclusiveFlags {
		for _, fs := range g.Flags {
			flags = append(flags, fs...)
		}
	}
	order := []string{"home", "file", "product", "template", "offset", "dry-run", "check"}
	rank := func(f cli.Flag) int {
		if i := slices.Index(order, f.Names()[0]); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(flags, func(x, y cli.Flag) int { return rank(x) - rank(y) })
	var out []option
	for _, f := range flags {
		if f == nil || f.Names()[0] == "help" || f.Names()[0] == "version" {
			continue
		}
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		out = append(out, optionOf(f))
	}
	out = append(out, option{names: []string{"-h", "--help"}, usage: "show this help"})
	if c.Root() == c {
		out = append(out, option{names: []string{"-v", "--version"}, usage: "print the version"})
	}
	return out
}

// optionOf reads a flag's names, value placeholder (the word in backticks
// in its usage, as urfave has it) and usage.
func optionOf(f cli.Flag) option {
	var o option
	names := slices.Clone(f.Names())
	slices.SortStableFunc(names, func(x, y string) int { return len([]rune(x)) - len([]rune(y)) })
	for _, n := range names {
		o.names = append(o.names, dashes(n))
	}
	d, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return o
	}
	o.usage = d.GetUsage()
	if i := strings.Index(o.usage, "`"); i >= 0 {
		if j := strings.Index(o.usage[i+1:], "`"); j >= 0 {
			o.placeholder = o.usage[i+1 : i+1+j]
		}
	}
	o.usage = strings.ReplaceAll(o.usage, "`", "")
	if d.TakesValue() && o.placeholder == "" {
		o.placeholder = "VALUE"
	}
	return o
}

// table sets rows as two columns: the first as wide as its widest cell (up
// to 24 columns; a wider cell puts its text on the next line), the second
// wrapped to width.
func table(rows [][2]string, indent string, width int) string {
	col := 0
	for _, r := range rows {
		if n := len([]rune(r[0])); n <= 24 {
			col = max(col, n)
		}
	}
	pad := indent + strings.Repeat(" ", col+2)
	var b strings.Builder
	for _, r := range rows {
		head := indent + r[0]
		if len([]rune(r[0])) > col {
			b.WriteString(head + "\n")
			b.WriteString(wrap(r[1], pad, pad, width))
			continue
		}
		head += strings.Repeat(" ", col+2-len([]rune(r[0])))
		b.WriteString(wrap(r[1], head, pad, width))
	}
	return b.String()
}

// paragraphs wraps text: paragraphs apart by blank lines are filled, lines
// that start with two spaces kept as they are.
func paragraphs(text, indent string, width int) string {
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString(wrap(strings.Join(para, " "), indent, indent, width))
			para = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case line == "":
			flush()
			b.WriteString("\n")
		case strings.HasPrefix(line, "  "):
			flush()
			b.WriteString(indent + line + "\n")
		default:
			para = append(para, line)
		}
	}
	flush()
	return b.String()
}

// wrap fills s into lines of at most width columns, the first starting with
// first, the others with rest; a word longer than a line gets one of its
// own.
func wrap(s, first, rest string, width int) string {
	var b strings.Builder
	line := first
	empty := true
	for _, word := range strings.Fields(s) {
		if !empty && len([]rune(line))+1+len([]rune(word)) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// helpCommand is help's definition.
func (a *app) helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the help of apim-offset or of a command",
		ArgsUsage: "[COMMAND]",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"[COMMAND]"},
			exits:    []exitCode{{exitOK, "the help was printed"}, {exitError, "error: no such command"}},
			examples: []example{{"", "apim-offset help set"}},
		}},
		Action: a.help,
	}
}

// versionCommand is version's definition.
func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{""},
			exits:    []exitCode{{exitOK, "the version was printed"}},
		}},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if err := noArgs(cmd, "run 'apim-offset version'"); err != nil {
				return err
			}
			cli.VersionPrinter(cmd.Root())
			return nil
		},
	}
}
