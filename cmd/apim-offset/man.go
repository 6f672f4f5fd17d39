package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v3"
)

// manPage writes root's man page in roff (man(7)), made from the command
// definitions: the commands, their flags and descriptions, so that it says
// what --help says. docs/apim-offset.1 is its output, kept current by a test.
func manPage(w io.Writer, root *cli.Command) error {
	var b strings.Builder
	b.WriteString(".TH APIM-OFFSET 1 \"\" \"apim-offset\" \"User Commands\"\n")
	b.WriteString(".SH NAME\n" + root.Name + " \\- " + roffEscape(root.Usage) + "\n")
	b.WriteString(".SH SYNOPSIS\n")
	for _, c := range visible(root.Commands) {
		fmt.Fprintf(&b, ".B %s %s\n[\\fIFLAGS\\fR]", root.Name, c.Name)
		if c.ArgsUsage != "" {
			fmt.Fprintf(&b, " \\fI%s\\fR", roffEscape(c.ArgsUsage))
		}
		b.WriteString("\n.br\n")
	}
	b.WriteString(".SH DESCRIPTION\n" + roffText(root.Description))
	b.WriteString(".SH COMMANDS\n")
	for _, c := range visible(root.Commands) {
		fmt.Fprintf(&b, ".SS %s\n%s\n.PP\n", c.Name, roffEscape(c.Usage))
		if c.Description != "" {
			// The footer every command repeats is in DESCRIPTION already.
			b.WriteString(roffText(strings.TrimSuffix(c.Description, usageFooter)))
		}
		for _, f := range c.VisibleFlags() {
			names := f.Names()
			var parts []string
			for _, n := range names {
				dash := "\\-\\-"
				if len(n) == 1 {
					dash = "\\-"
				}
				parts = append(parts, "\\fB"+dash+roffEscape(n)+"\\fR")
			}
			usage := ""
			if d, ok := f.(cli.DocGenerationFlag); ok {
				usage = d.GetUsage()
			}
			placeholder := ""
			if d, ok := f.(cli.DocGenerationFlag); ok && d.TakesValue() {
				placeholder = " \\fIVALUE\\fR"
				if i := strings.Index(usage, "`"); i >= 0 {
					if j := strings.Index(usage[i+1:], "`"); j >= 0 {
						placeholder = " \\fI" + roffEscape(usage[i+1:i+1+j]) + "\\fR"
					}
				}
			}
			fmt.Fprintf(&b, ".TP\n%s%s\n%s\n", strings.Join(parts, ", "), placeholder, roffEscape(strings.ReplaceAll(usage, "`", "")))
		}
	}
	b.WriteString(".SH SHELL COMPLETION\n" +
		".nf\nsource <(apim-offset completion bash)    # bash\nsource <(apim-offset completion zsh)     # zsh\n" +
		"apim-offset completion fish > ~/.config/fish/completions/apim-offset.fish\n.fi\n")
	b.WriteString(".SH SEE ALSO\nThe README: https://github.com/apim-offset/apim-offset\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// manCommand prints the man page: "apim-offset man > apim-offset.1".
func manCommand() *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the man page (roff)",
		Hidden: true,
		Action: func(_ context.Context, cmd *cli.Command) error {
			return manPage(cmd.Root().Writer, cmd.Root())
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
