package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/apim-offset/apim-offset/internal/doctor"
	"github.com/apim-offset/apim-offset/internal/planner"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

func (a *app) plan(_ context.Context, cmd *cli.Command) error {
	if err := noArgs(cmd, "name the homes with --home DIR, once for each"); err != nil {
		return err
	}
	if cmd.String("file") != "" {
		return &usageError{msg: "plan takes homes, not files", hint: "use --home DIR, once for each server"}
	}
	if cmd.Bool("apply") {
		if err := a.canAsk(newSetFlags(cmd)); err != nil {
			return err
		}
	}
	ts, err := a.targets(cmd)
	if err != nil {
		return err
	}
	servers := make([]planner.Server, len(ts))
	for i, t := range ts {
		offset, source, err := a.offset(cmd, t)
		if err != nil {
			return err
		}
		table, _ := a.serverTable(t)
		servers[i] = planner.Server{Name: t.home, Product: table, Offset: offset, Set: source == patcher.SourceSet}
	}
	var inUse func(int) bool
	if cmd.Bool("free") {
		inUse = func(port int) bool {
			used, _, _ := doctor.Local{}.PortInUse(port)
			return used
		}
	}
	plan, err := planner.Plan(servers, inUse)
	if err != nil {
		return &usageError{msg: err.Error(), hint: "plan fewer homes together, or free the ports"}
	}
	if err := a.printPlan(plan); err != nil || !cmd.Bool("apply") {
		return err
	}
	return a.applyPlan(cmd, ts, plan)
}

// printPlan prints the plan as a table.
func (a *app) printPlan(plan []planner.Assignment) error {
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "HOME\tPRODUCT\tNOW\tPLAN\tPORTS\n")
	for _, p := range plan {
		now := strconv.Itoa(p.Offset)
		if !p.Set {
			now = "none (" + now + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d-%d\n", p.Name, p.Product.ID, now, p.New, p.Low, p.High)
	}
	return w.Flush()
}

// applyPlan sets the planned offsets that differ from the files', as set
// does.
func (a *app) applyPlan(cmd *cli.Command, ts []target, plan []planner.Assignment) error {
	f := newSetFlags(cmd)
	f.servers = a.literalServers(ts, f.format)
	var changed []target
	news := map[string]int{}
	for i, p := range plan {
		if p.Changed {
			changed = append(changed, ts[i])
			news[ts[i].path] = p.New
		}
	}
	if len(changed) == 0 {
		a.notef("every home already has its planned offset")
		return nil
	}
	return a.each(changed, func(t target) error {
		_, err := a.setOne(t, news[t.path], f)
		return err
	})
}
