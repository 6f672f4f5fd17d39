package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

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
	servers, err := a.loadAll(ts, format(cmd), cmd.Bool("free"))
	if err != nil {
		return err
	}
	for _, s := range servers {
		if _, err := a.readable(target{Place: s.Place}, s); err != nil {
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
	if err := printPlan(out, plan); err != nil || !cmd.Bool("apply") {
		return err
	}
	return a.applyPlan(cmd, ts, servers, plan)
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
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d-%d\n", p.Server.Name(), p.Server.Product.ID, now, p.New, p.Low, p.High)
	}
	return w.Flush()
}

// applyPlan sets the planned offsets that differ from the files', as set
// does.
func (a *app) applyPlan(cmd *cli.Command, ts []target, servers []*server.Server, plan []planner.Assignment) error {
	f := newSetFlags(cmd)
	f.servers = servers
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
