package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/planner"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/urfave/cli/v3"
)

// planReport is what plan prints with --json.
type planReport struct {
	Homes []planHome `json:"homes"`
}

type planHome struct {
	Home    string    `json:"home"`
	Product string    `json:"product"`
	Now     int       `json:"now"`  // the offset it runs at: the file's, or the product's default
	Set     bool      `json:"set"`  // the file sets it
	Plan    int       `json:"plan"` // the offset planned
	Ports   portRange `json:"ports"`
	Changed bool      `json:"changed"`
}

type portRange struct {
	Low  int `json:"low"`
	High int `json:"high"`
}

func (a *app) plan(_ context.Context, cmd *cli.Command) error {
	if err := noArgs(cmd, "name the homes with --home DIR, once for each"); err != nil {
		return err
	}
	if a.json && cmd.Bool("apply") {
		return &usageError{msg: "--json and --apply both given", hint: "plan --json prints the plan; set it with --apply, or with 'apim-offset set N --home DIR --json' for each home"}
	}
	if f := newSetFlags(cmd); cmd.Bool("apply") {
		if err := a.canAsk(f); err != nil {
			return err
		}
		if err := a.cannotAsk(f); err != nil {
			return err // before the table: nothing of the plan would be written
		}
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	if err := sameFiles(ts); err != nil {
		return err
	}
	servers, err := a.loadAll(ts, format(cmd), cmd.Bool("free"))
	if err != nil {
		return err
	}
	for _, s := range servers {
		if _, err := a.readable(target{Place: s.Place}, s, judge.Read); err != nil {
			return err
		}
		if pe := (*server.PlaceholderError)(nil); errors.As(s.Effective.File.Err, &pe) {
			return placeholderErr(s.Effective.File.Path, pe)
		}
	}
	var inUse func(int) (bool, int)
	if cmd.Bool("free") {
		inUse = portsInUse()
	}
	plan, err := planner.Plan(servers, inUse)
	if err != nil {
		return &usageError{msg: err.Error(), hint: "plan fewer homes together, or free the ports"}
	}
	if a.json {
		return a.printJSON(planJSON(plan))
	}
	// With --apply --dry-run, stdout is the patch: the table goes to stderr.
	out := a.stdout
	if cmd.Bool("apply") && cmd.Bool("dry-run") {
		out = a.stderr
	}
	if err := printPlan(out, plan); err != nil {
		return err
	}
	a.planFindings(ts, plan)
	if !cmd.Bool("apply") {
		return nil
	}
	return a.applyPlan(cmd, ts, servers, plan)
}

// planFindings says, as warnings, what the judge finds of the homes
// together at their planned offsets: split API Manager packages whose
// throttling defaults miss the traffic manager (judge.SplitPackages).
func (a *app) planFindings(ts []target, plan []planner.Assignment) {
	planned := map[*server.Server]int{}
	var servers []*server.Server
	for _, p := range plan {
		planned[p.Server] = p.New
		servers = append(servers, p.Server)
	}
	for _, f := range judge.SplitPackages(servers, func(s *server.Server) int { return planned[s] }) {
		for i, p := range plan {
			if p.Server.Home == f.Home && i < len(ts) {
				a.warnFinding(ts[i], f)
			}
		}
	}
}

// planJSON is the plan as --json prints it.
func planJSON(plan []planner.Assignment) planReport {
	r := planReport{Homes: []planHome{}}
	for _, p := range plan {
		r.Homes = append(r.Homes, planHome{Home: p.Server.Name(), Product: p.Server.Product.ID, Now: p.Offset, Set: p.Set,
			Plan: p.New, Ports: portRange{p.Low, p.High}, Changed: p.Changed})
	}
	return r
}

// printPlan prints the plan as a table.
func printPlan(out io.Writer, plan []planner.Assignment) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "HOME\tPRODUCT\tNOW\tPLAN\tPORTS\n")
	for _, p := range plan {
		now := strconv.Itoa(p.Offset)
		if !p.Set {
			now = "none (" + now + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d-%d\n", quoteField(p.Server.Name()), p.Server.Product.ID, now, p.New, p.Low, p.High)
	}
	return w.Flush()
}

// applyPlan sets the planned offsets that differ from the files', as set
// does.
func (a *app) applyPlan(cmd *cli.Command, ts []target, servers []*server.Server, plan []planner.Assignment) error {
	f := newSetFlags(cmd)
	// Each home's literal ports are told from the others' at their planned
	// offsets: a URL left behind that now points at another home is said.
	for i, p := range plan {
		f.servers = append(f.servers, servers[i].At(p.New))
	}
	var changed []target
	news := map[string]int{}
	for i, p := range plan {
		if p.Changed {
			changed = append(changed, ts[i])
			news[ts[i].Path] = p.New
		}
	}
	if len(changed) == 0 {
		a.notef("every home already has its planned offset")
		return nil
	}
	return a.each(changed, func(t target) error {
		_, err := a.setOne(t, news[t.Path], f)
		return err
	})
}

// portsInUse tells whether a port is in use on this machine, and by which
// process: from the listening sockets /proc lists, read once, or, where
// /proc does not tell, by trying to listen on each port asked of.
func portsInUse() func(port int) (bool, int) {
	local := judge.Local{}
	listening, ok := local.ListeningPorts()
	if !ok {
		return func(port int) (bool, int) {
			used, pid, _ := local.PortInUse(port)
			return used, pid
		}
	}
	return func(port int) (bool, int) {
		if !listening[port] {
			return false, 0
		}
		pid, _ := local.PortOwner(port)
		return true, pid
	}
}

// planCommand is plan's definition: its flags and help.
func (a *app) planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "choose offsets for several servers on this machine so that no two need the same port",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"--home DIR... [--free] [--json]", "--home DIR... [--free] --apply [--dry-run | --yes] [OPTIONS]"},
			text: "Each home keeps the offset it runs at (the file's, or the product's default when the file " +
				"sets none) unless that collides with a home kept before it: homes whose file sets an offset " +
				"are kept first. The others get, in order, the smallest offset whose ports are free of the " +
				"homes kept and within 65535, and, with --free, not in use on this machine by anything but " +
				"the home's own running server.\n\n" +
				"Prints the plan as a table; --apply sets it, with the diffs and questions of set. " +
				"With --apply --dry-run, the table goes to stderr and stdout is a patch of every change, " +
				"for patch -p1 or git apply.\n\n" +
				"With --json, plan prints one object:\n" +
				"  {\"homes\": [{\"home\": DIR, \"product\": ID, \"now\": N, \"set\": BOOL,\n" +
				"    \"plan\": N, \"ports\": {\"low\": N, \"high\": N}, \"changed\": BOOL}]}\n" +
				"set: the file sets the offset (otherwise now is the product's default).",
			exits: []exitCode{
				{exitOK, "the plan was printed, or set"},
				{exitChanges, "--apply: the answer to a question was not yes"},
				{exitError, "error: usage, I/O, an invalid or unsupported file, no free offset for a home"},
			},
			examples: []example{
				{"", "apim-offset plan --home /opt/apim-a --home /opt/apim-b --home /opt/is"},
				{"review the changes as one patch, then set them", "apim-offset plan --home '/opt/wso2/*' --free --apply -n > plan.patch"},
				{"", "apim-offset plan --home '/opt/wso2/*' --free --apply --yes"},
			},
		}},
		Flags: fileFlags(
			homeFlag("a server's home `DIR`; repeat it, or give a quoted pattern ('/opt/wso2/*'), for each server to plan together"),
			&cli.BoolFlag{Name: "free", Usage: "also keep clear of ports in use on this machine (except by the home's own running server)"},
			&cli.BoolFlag{Name: "json", Usage: "print the plan as one JSON object (described above)"},
			&cli.BoolFlag{Name: "apply", Usage: "set the planned offsets"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "with --apply: print the diffs as one patch, write nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "with --apply: write without asking; needed when stdin is not a terminal"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "with --apply: print neither the diffs nor notes and warnings: errors only"},
			&cli.BoolFlag{Name: "backup", Usage: "with --apply: keep each old file as deployment.toml.bak"},
			&cli.DurationFlag{Name: "lock-timeout", Value: 30 * time.Second, Usage: "with --apply: wait at most `DURATION` for another run to release a file (30s, 2m)"},
			&cli.BoolFlag{Name: "show-secrets", Usage: "with --apply: show secret values in the diffs as they are"},
			&cli.BoolFlag{Name: "shift-literals", Usage: "with --apply: also move the ports written in URLs to each server (ws://localhost:9099) to its planned offset; without it, a URL that now points at another home is said"},
			colorFlag(),
		),
		Action: a.plan,
	}
}

// sameFiles refuses two homes whose deployment.toml is one file (a link to
// the other's): planned apart, both would end at the offset set last, and
// the servers would collide after all.
func sameFiles(ts []target) error {
	infos := make([]os.FileInfo, len(ts))
	for i, t := range ts {
		infos[i], _ = os.Stat(t.Path)
		for j := range i {
			if infos[i] != nil && infos[j] != nil && os.SameFile(infos[i], infos[j]) {
				return &usageError{msg: fmt.Sprintf("%s and %s are the same file", ts[j].Path, t.Path),
					hint: "two homes that share one deployment.toml run at one offset: give plan one of them, and give the other a file of its own"}
			}
		}
	}
	return nil
}
