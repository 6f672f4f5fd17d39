package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
)

// manInfo is what the man page's title line says besides its name: the
// version and the date, both from the build so that the page is the same
// each time it is made from the same commit.
type manInfo struct{ version, date string }

// buildManInfo is the version and date of this build: the date is
// $SOURCE_DATE_EPOCH's when set (reproducible builds), else the VCS commit
// time the binary was built from, else none.
func buildManInfo() manInfo {
	info, _ := debug.ReadBuildInfo()
	m := manInfo{version: shortVersion(version, info)}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			m.date = time.Unix(sec, 0).UTC().Format(time.DateOnly)
			return m
		}
	}
	if info != nil {
		for _, s := range info.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					m.date = t.UTC().Format(time.DateOnly)
				}
			}
		}
	}
	return m
}

// manVersionMax is the longest version the man page's footer shows: after
// "apim-offset ", beside the date and "APIM-OFFSET(1)", it stays within 80
// columns (packaging/test.sh renders the packaged page at 80).
const manVersionMax = 20

// shortVersion is the version in the man page's footer: the release (from
// -X main.version), else a tagged module version, else the first 7 digits
// of the VCS revision ("-modified" when built from changed files) in place
// of "(devel)" or a pseudo-version (v0.0.0-20261126093000-11ed62034069);
// at most manVersionMax characters.
func shortVersion(release string, info *debug.BuildInfo) string {
	v := release
	if v == "" && info != nil {
		v = info.Main.Version
		rev, modified := "", ""
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision":
				rev = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				modified = "-modified"
			}
		}
		if len(rev) >= 12 && (v == "" || v == "(devel)" || strings.Contains(v, rev[:12])) {
			v = rev[:7] + modified
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if r := []rune(v); len(r) > manVersionMax {
		v = string(r[:manVersionMax])
	}
	return v
}

// manPage writes root's man page in roff (man(7)), made from the command
// definitions, as help is: the commands, their options, exit codes and
// examples. docs/apim-offset.1 is its output, kept current by a test.
func manPage(w io.Writer, root *cli.Command, info manInfo) error {
	var b strings.Builder
	d := docOf(root)
	fmt.Fprintf(&b, ".TH APIM-OFFSET 1 %q %q \"User Commands\"\n", info.date, strings.TrimSpace(root.Name+" "+info.version))
	b.WriteString(".nh\n.ad l\n") // no hyphens (file names and flags stay whole), ragged right
	b.WriteString(".SH NAME\n" + root.Name + " \\- " + roffEscape(root.Usage) + "\n")
	roffSynopsis(&b, root)
	b.WriteString(".SH DESCRIPTION\n" + roffText(d.text))
	b.WriteString(".SH COMMANDS\n")
	for _, c := range visible(root.Commands) {
		roffCommand(&b, c)
	}
	b.WriteString(".SH OPTIONS\nThese come before the command;\n\\fB\\-\\-color\\fR may also come after set and plan.\n")
	roffOptions(&b, optionRows(root))
	b.WriteString(".SH EXIT STATUS\n")
	roffExits(&b, d.exits)
	b.WriteString(manEnvironment + manFiles)
	b.WriteString(".SH EXAMPLES\n")
	roffExamples(&b, d.examples)
	b.WriteString(".PP\nShell completion:\n")
	roffExamples(&b, docOf(root.Command("completion")).examples)
	b.WriteString(".SH SEE ALSO\n.BR patch (1),\n.BR git\\-apply (1)\n.PP\nThe README: https://github.com/apim\\-offset/apim\\-offset\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// manEnvironment and manFiles are the man page's ENVIRONMENT and FILES
// sections.
const (
	manEnvironment = ".SH ENVIRONMENT\n" +
		".TP\n.B APIM_HOME\nThe server's home, when neither \\fB\\-\\-home\\fR nor \\fB\\-\\-file\\fR is given.\n" +
		".TP\n.B CARBON_HOME\nThe server's home when APIM_HOME is not set either, as WSO2's start scripts and images set it.\n" +
		".TP\n.B NO_COLOR\nWhen set and not empty, \\fB\\-\\-color=auto\\fR colours nothing.\n" +
		".TP\n.B TERM\nWhen \\fBdumb\\fR, \\fB\\-\\-color=auto\\fR colours nothing.\n" +
		".TP\n.BR JAVA_OPTS \", \" JVM_MEM_OPTS\nget and doctor read them for \\fB\\-DportOffset\\fR, which wins over the file, as WSO2's start scripts put them on the java command line (JVM_OPTS they never read).\n" +
		".TP\n.B SOURCE_DATE_EPOCH\nThe date \\fBapim\\-offset man\\fR puts on this page.\n"
	manFiles = ".SH FILES\n" +
		".TP\n.I HOME/repository/conf/deployment.toml\nThe file of API Manager and Identity Server.\n" +
		".TP\n.I HOME/conf/deployment.toml\nThe file of Micro Integrator.\n" +
		".TP\n.I HOME/bin/*.sh\nThe start scripts, which tell the product;\ndoctor reads them for \\fB\\-DportOffset\\fR.\n" +
		".TP\n.I deployment.toml.bak\nThe old file, kept by \\fB\\-\\-backup\\fR\n(\\fIdeployment.toml.bak.TIME\\fR when that exists).\n"
)

// roffSynopsis writes the SYNOPSIS section: root's own lines, then each
// command's.
func roffSynopsis(b *strings.Builder, root *cli.Command) {
	b.WriteString(".SH SYNOPSIS\n")
	for i, c := range append([]*cli.Command{root}, visible(root.Commands)...) {
		for j, s := range synopsis(c) {
			if i == 0 && j > 0 {
				break // "help [COMMAND]" comes with the commands
			}
			if i > 0 || j > 0 {
				b.WriteString(".br\n")
			}
			name := fullName(c)
			fmt.Fprintf(b, "\\fB%s\\fR%s\n", roffEscape(name), roffEscape(strings.TrimPrefix(s, name)))
		}
	}
}

// roffCommand writes c's part of the COMMANDS section: its synopsis, text,
// options, exit codes and examples.
func roffCommand(b *strings.Builder, c *cli.Command) {
	cd := docOf(c)
	fmt.Fprintf(b, ".SS %s\n%s.\n.PP\n", c.Name, roffEscape(upperFirst(c.Usage)))
	for _, s := range synopsis(c) {
		fmt.Fprintf(b, "\\fB%s\\fR%s\n.br\n", roffEscape(fullName(c)), roffEscape(strings.TrimPrefix(s, fullName(c))))
	}
	b.WriteString(".PP\n")
	if cd.text != "" {
		b.WriteString(roffText(cd.text))
	}
	if opts := optionRows(c); len(opts) > 1 {
		b.WriteString("Options:\n")
		roffOptions(b, opts[:len(opts)-1]) // all but --help
	}
	if len(cd.exits) > 0 {
		b.WriteString(".PP\nExit status:\n")
		roffExits(b, cd.exits)
	}
	roffExamples(b, cd.examples)
}

// roffExits lists exit codes as tagged paragraphs.
func roffExits(b *strings.Builder, exits []exitCode) {
	for _, e := range exits {
		fmt.Fprintf(b, ".TP 4\n%d\n%s\n", e.code, roffEscape(e.text))
	}
}

// roffOptions lists options as tagged paragraphs.
func roffOptions(b *strings.Builder, opts []option) {
	for _, o := range opts {
		var parts []string
		for _, n := range o.names {
			parts = append(parts, "\\fB"+roffEscape(n)+"\\fR")
		}
		spec := strings.Join(parts, ", ")
		if o.placeholder != "" {
			spec += " \\fI" + roffEscape(o.placeholder) + "\\fR"
		}
		fmt.Fprintf(b, ".TP\n%s\n%s\n", spec, roffEscape(upperFirst(o.usage)+"."))
	}
}

// roffExamples sets examples as a block, comments as shell comments.
func roffExamples(b *strings.Builder, examples []example) {
	if len(examples) == 0 {
		return
	}
	b.WriteString(".PP\n.nf\n")
	for i, e := range examples {
		if e.comment != "" {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(roffEscape("# "+e.comment) + "\n")
		}
		b.WriteString(roffEscape(e.line) + "\n")
	}
	b.WriteString(".fi\n")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// manCommand prints the man page: "apim-offset man > apim-offset.1".
func manCommand() *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the man page (roff), to read with man -l or install",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{""},
			text:     "The page is made from the same definitions as this help.",
			exits:    []exitCode{{exitOK, "the page was printed"}},
			examples: []example{
				{"read it", "apim-offset man | man -l -"},
				{"install it", "apim-offset man > /usr/local/share/man/man1/apim-offset.1"},
			},
		}},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if err := noArgs(cmd, "run 'apim-offset man | man -l -'"); err != nil {
				return err
			}
			return manPage(cmd.Root().Writer, cmd.Root(), buildManInfo())
		},
	}
}

func visible(cmds []*cli.Command) []*cli.Command {
	var out []*cli.Command
	for _, c := range cmds {
		if !c.Hidden {
			out = append(out, c)
		}
	}
	return out
}

// roffText sets text as paragraphs: indented lines (examples, tables) as
// they are, the rest filled.
func roffText(text string) string {
	var b strings.Builder
	inNf := false
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		pre := strings.HasPrefix(line, " ")
		switch {
		case line == "":
			if inNf {
				b.WriteString(".fi\n")
				inNf = false
			}
			b.WriteString(".PP\n")
			continue
		case pre && !inNf:
			b.WriteString(".nf\n")
			inNf = true
		case !pre && inNf:
			b.WriteString(".fi\n")
			inNf = false
		}
		b.WriteString(roffEscape(line) + "\n")
	}
	if inNf {
		b.WriteString(".fi\n")
	}
	b.WriteString(".PP\n")
	return b.String()
}

// roffEscape escapes backslashes and dashes, and a leading dot or quote.
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
