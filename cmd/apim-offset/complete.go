package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/urfave/cli/v3"
)

// Shell completion: "apim-offset completion SHELL" prints a script that,
// at each TAB, runs "apim-offset __complete WORD..." with the words before
// the cursor and the one under it. That prints one candidate a line,
// "VALUE<TAB>DESCRIPTION", or one of the lines ":files" and ":dirs" for
// the shell to complete names itself. The scripts need nothing but the
// shell (bash's works without the bash-completion package).

var shells = []string{"bash", "zsh", "fish"}

func (a *app) completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "SHELL",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"bash|zsh|fish"},
			text: "The script completes commands, options and their values: product ids for --product, " +
				"folders for --home, files for --file. Load it from the shell's start-up file.",
			exits: []exitCode{{exitOK, "the script was printed"}, {exitError, "error: no such shell"}},
			examples: []example{
				{"bash, in ~/.bashrc", "source <(apim-offset completion bash)"},
				{"zsh, in ~/.zshrc (after compinit)", "source <(apim-offset completion zsh)"},
				{"fish", "apim-offset completion fish > ~/.config/fish/completions/apim-offset.fish"},
			},
		}},
		Action: func(_ context.Context, cmd *cli.Command) error {
			hint := "the shells are " + strings.Join(shells, ", ") + ": run 'apim-offset completion bash'"
			switch cmd.Args().Len() {
			case 0:
				return &usageError{msg: "no shell given", hint: hint}
			case 1:
			default:
				return &usageError{msg: "completion takes one shell, got " + strings.Join(cmd.Args().Slice(), " "), hint: hint}
			}
			script, ok := completionScripts[cmd.Args().First()]
			if !ok {
				return &usageError{msg: fmt.Sprintf("no completion for shell %q", cmd.Args().First()), hint: hint}
			}
			_, err := io.WriteString(a.stdout, script)
			return err
		},
	}
}

var completionScripts = map[string]string{
	"bash": `# bash completion for apim-offset: source <(apim-offset completion bash)
# It needs bash only, not the bash-completion package.
_apim_offset() {
  local line="${COMP_LINE:0:COMP_POINT}" cur="${COMP_WORDS[COMP_CWORD]}" out v
  local -a words
  read -ra words <<< "$line"
  [[ "$line" == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=("")
  [[ "$cur" == "=" ]] && cur=""
  out="$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null)" || return 0
  COMPREPLY=()
  case "$out" in
  :files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
  :dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
  *)
    while IFS=$'\t' read -r v _; do
      # bash splits --flag=value at "=": complete the value alone.
      [[ "$cur" != --* && "$v" == --*=* ]] && v="${v#*=}"
      [[ -n "$v" && "$v" == "$cur"* ]] && COMPREPLY+=("$v")
    done <<< "$out"
    ;;
  esac
}
complete -F _apim_offset apim-offset
`,
	"zsh": `#compdef apim-offset
# zsh completion for apim-offset: source <(apim-offset completion zsh)
_apim_offset() {
  local -a out items
  local line v d
  out=("${(@f)$(${words[1]} __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case "$out[1]" in
  :files) _files ;;
  :dirs) _files -/ ;;
  *)
    for line in "${out[@]}"; do
      v="${line%%$'\t'*}" d="${line#*$'\t'}"
      [[ -n "$v" ]] && items+=("${v//:/\\:}:$d")
    done
    _describe 'apim-offset' items
    ;;
  esac
}
compdef _apim_offset apim-offset
`,
	"fish": `# fish completion for apim-offset:
# apim-offset completion fish > ~/.config/fish/completions/apim-offset.fish
function __apim_offset_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out ($words[1] __complete $words[2..-1] 2>/dev/null)
    switch "$out[1]"
        case :files
            __fish_complete_path (commandline -ct)
        case :dirs
            __fish_complete_directories (commandline -ct)
        case '*'
            printf '%s\n' $out
    end
end
complete -c apim-offset -f -a '(__apim_offset_complete)'
`,
}

// complete is "apim-offset __complete WORD...": the candidates for the
// last word.
func (a *app) complete(_ context.Context, cmd *cli.Command) error {
	words := cmd.Args().Slice()
	if len(words) == 0 {
		words = []string{""}
	}
	for _, line := range completions(cmd.Root(), words) {
		fmt.Fprintln(a.stdout, line)
	}
	return nil
}

// completions are the candidates for the last of words, the words after
// "apim-offset".
func completions(root *cli.Command, words []string) []string {
	cur := words[len(words)-1]
	var c *cli.Command
	if len(words) > 1 {
		c = root.Command(words[0])
		if c == nil || c.Hidden {
			return nil
		}
	} else if !strings.HasPrefix(cur, "-") {
		var out []string
		for _, sub := range root.Commands {
			if !sub.Hidden {
				out = append(out, sub.Name+"\t"+sub.Usage)
			}
		}
		return out
	} else {
		c = root
	}
	prev := ""
	if len(words) > 1 {
		prev = words[len(words)-2]
	}
	opts := optionRows(c)
	switch {
	case strings.HasPrefix(cur, "--") && strings.Contains(cur, "="):
		name, _, _ := strings.Cut(cur, "=")
		var out []string
		for _, v := range values(c, opts, name) {
			if !strings.HasPrefix(v, ":") {
				v = name + "=" + v
			}
			out = append(out, v)
		}
		return out
	case strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") && takesValue(opts, prev):
		return values(c, opts, prev)
	case strings.HasPrefix(cur, "-"):
		var out []string
		for _, o := range opts {
			out = append(out, o.names[len(o.names)-1]+"\t"+brief(o.usage))
		}
		return out
	}
	switch c.Name {
	case "help":
		if len(words) == 2 {
			return completions(root, []string{cur})
		}
	case "completion":
		if len(words) == 2 {
			return slices.Clone(shells)
		}
	}
	return nil
}

// takesValue tells whether the option typed as name takes a value.
func takesValue(opts []option, name string) bool {
	for _, o := range opts {
		if slices.Contains(o.names, name) {
			return o.placeholder != ""
		}
	}
	return false
}

// values are the candidates for the value of the option typed as name.
func values(c *cli.Command, _ []option, name string) []string {
	switch name {
	case "--product":
		var out []string
		for _, p := range wso2.Products {
			out = append(out, p.ID+"\t"+p.Name)
		}
		return out
	case "--home":
		return []string{":dirs"}
	case "--file":
		return []string{":files"}
	case "--color":
		return []string{"auto\tonly a terminal", "always", "never"}
	}
	return nil
}

// brief is a usage text cut to its first clause, for a completion menu.
func brief(usage string) string {
	usage, _, _ = strings.Cut(usage, "; ")
	if r := []rune(usage); len(r) > 60 {
		usage = string(r[:59]) + "…"
	}
	return usage
}

// completeCommand is the hidden command the completion scripts call.
func (a *app) completeCommand() *cli.Command {
	return &cli.Command{
		Name:   "__complete",
		Hidden: true,
		Usage:  "print the completions for the words after it (for the completion scripts)",
		// Everything after it is words, flags included.
		SkipFlagParsing: true,
		Action:          a.complete,
	}
}
