package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/urfave/cli/v3"
)

// portsReport is what ports prints with --json.
type portsReport struct {
	Home      string `json:"home,omitempty"`
	Product   string `json:"product"`
	Name      string `json:"name"`
	Offset    int    `json:"offset"`
	Source    string `json:"source"`         // "file", "default" (none set) or "option" (--offset)
	File      string `json:"file,omitempty"` // the deployment.toml read, if any
	MaxOffset int    `json:"max_offset"`     // from the ports the server opens, the file's bases included
	// Version is the version read from the home ("" when not found), and
	// VersionFrom where; Table names the port table shown.
	Version     string       `json:"version"`
	VersionFrom string       `json:"version_from,omitempty"`
	Table       string       `json:"table"`
	Ports       []portReport `json:"ports"`
}

type portReport struct {
	Port       int    `json:"port"` // the base: the table's default, or the file's
	Default    int    `json:"default"`
	Key        string `json:"key,omitempty"` // the deployment.toml setting of the base
	FromFile   bool   `json:"from_file"`     // the file sets the base
	Effective  int    `json:"effective"`
	Shifts     bool   `json:"shifts"`
	Enabled    bool   `json:"enabled"`    // open in a default installation, or as the file switches it
	Inferred   bool   `json:"inferred"`   // that it shifts is inferred, not verified
	Unverified bool   `json:"unverified"` // that the server opens it is not verified: not counted as on
	Purpose    string `json:"purpose"`
	Source     string `json:"source"` // the public source of the row
}

func (a *app) ports(_ context.Context, cmd *cli.Command) error {
	if err := noArgs(cmd, "give the offset with --offset N"); err != nil {
		return err
	}
	if by := named(cmd); by == byFlag || by == byEnv && cmd.String("product") == "" {
		ts, err := a.targets(cmd)
		if err != nil {
			return err
		}
		first := true
		return a.each(ts, func(t target) error {
			if !first && !a.json {
				fmt.Fprintln(a.stdout) // a blank line between homes
			}
			first = false
			product, r, err := a.portsOfFile(cmd, t)
			if err != nil {
				return err
			}
			return a.printPorts(cmd, product, r)
		})
	}
	product, r, err := a.portsOfProduct(cmd)
	if err != nil {
		return err
	}
	return a.printPorts(cmd, product, r)
}

// printPorts prints the ports of product at the report's offset (or
// --offset): a table, or one JSON object.
func (a *app) printPorts(cmd *cli.Command, product wso2.Product, r portsReport) error {
	r, err := portsAt(cmd, product, r)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(r)
	}
	fmt.Fprintf(a.stdout, "%s (%s) at offset %d", r.Name, r.Product, r.Offset)
	switch {
	case r.Source == "file":
		fmt.Fprintf(a.stdout, ", set in %s\n", r.File)
	case r.Source == "default" && r.File != "":
		fmt.Fprintf(a.stdout, ", its default (%s sets none)\n", r.File)
	case r.Source == "default":
		fmt.Fprintf(a.stdout, ", its default\n")
	default:
		fmt.Fprintf(a.stdout, " (--offset)\n")
	}
	switch {
	case r.Version != "":
		fmt.Fprintf(a.stdout, "Table: %s, for %s from %s\n", r.Table, r.Version, r.VersionFrom)
	default:
		fmt.Fprintf(a.stdout, "Table: %s\n", r.Table)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "PORT\tEFFECTIVE\tSHIFTS\tPURPOSE\n")
	for _, p := range r.Ports {
		shifts, notes := "yes", ""
		if !p.Shifts {
			shifts = "no"
		}
		switch {
		case p.Unverified:
			notes += " (unverified: not counted as on)"
		case !p.Enabled:
			notes += " (off)"
		}
		if p.Inferred {
			notes += " (shift inferred)"
		}
		if p.FromFile {
			notes += fmt.Sprintf(" (%s: default %d)", p.Key, p.Default)
		}
		fmt.Fprintf(w, "%d\t%d\t%s\t%s%s\n", p.Port, p.Effective, shifts, p.Purpose, notes)
	}
	return w.Flush()
}

// portsAt completes r, the report of product: the offset --offset gives
// instead of the file's, and the ports at the offset.
func portsAt(cmd *cli.Command, product wso2.Product, r portsReport) (portsReport, error) {
	if cmd.IsSet("offset") {
		n, err := parseN("--offset", cmd.String("offset"))
		if err != nil {
			return portsReport{}, err
		}
		r.Offset, r.Source = n, "option"
		if err := checkOffset(r.Offset, product); err != nil {
			return portsReport{}, err
		}
	}
	r.Product, r.Name, r.MaxOffset, r.Table = product.ID, product.Name, product.MaxOffset(), product.Table
	for _, p := range product.Ports {
		r.Ports = append(r.Ports, portReport{Port: p.Port, Default: p.Default, Key: p.KeyName(), FromFile: p.FromFile,
			Effective: p.Effective(r.Offset), Shifts: p.Shifts, Enabled: p.Enabled, Inferred: p.Inferred, Unverified: p.Unverified,
			Purpose: p.Purpose, Source: p.Source})
	}
	return r, nil
}

// portsOfFile is the product of the home or file named, as it runs from
// there, and the report's offset, file and version as they read.
func (a *app) portsOfFile(cmd *cli.Command, t target) (wso2.Product, portsReport, error) {
	s, err := a.load(t, format(cmd), a.machine(t, false))
	if err != nil {
		return wso2.Product{}, portsReport{}, err
	}
	if _, err := a.readable(t, s, judge.Read); err != nil {
		return wso2.Product{}, portsReport{}, err
	}
	file := s.Effective.File
	if pe := (*server.PlaceholderError)(nil); errors.As(file.Err, &pe) {
		return wso2.Product{}, portsReport{}, placeholderErr(file.Path, pe)
	}
	r := portsReport{Home: t.Home, Offset: file.Offset, Source: "file", File: t.Path}
	if !file.Set {
		r.Source = "default"
	}
	product, found := s.Product, s.Version
	if !found.Version.IsZero() {
		r.Version, r.VersionFrom = found.Version.String(), found.From
	}
	if found.Fallback {
		a.notef("%s: the version is not known (no bin/version.txt or updates/product.txt naming it, and the folder is not named like wso2am-4.5.0): showing the %s table", t.Home, product.Table)
	}
	return product, r, nil
}

// portsOfProduct is the product --product names (the default one when it
// is not given), at its default offset.
func (a *app) portsOfProduct(cmd *cli.Command) (wso2.Product, portsReport, error) {
	product := wso2.Default
	if id := cmd.String("product"); id != "" {
		p, err := lookupProduct(id)
		if err != nil {
			return wso2.Product{}, portsReport{}, err
		}
		product = p
		if product.Versioned() {
			a.notef("no home given, so no version: showing the %s table", product.Table)
		}
	} else {
		a.warnf("no home, file or product given: showing %s (give --home or --product)", product.Name)
	}
	return product, portsReport{Offset: product.DefaultOffset, Source: "default"}, nil
}

// portsCommand is ports' definition: its flags and help.
func (a *app) portsCommand() *cli.Command {
	return &cli.Command{
		Name:  "ports",
		Usage: "list the product's default ports and where they are at the offset",
		Metadata: map[string]any{"doc": doc{
			synopsis: []string{"[--home DIR | --file PATH | --product PRODUCT] [--offset N] [--json]"},
			text: "The product and offset come from the file (--home, --file or $APIM_HOME), or from --product " +
				"at its default offset; --offset N shows the ports at N instead. Ports marked 'off by default' " +
				"are closed in a default installation, and 'inferred' rows are not verified against WSO2's code.",
			exits:    []exitCode{{exitOK, "the ports were printed"}, {exitError, "error: usage, I/O, an invalid or unsupported file"}},
			examples: []example{{"", "apim-offset ports --home /opt/wso2am-4.5.0"}, {"", "apim-offset ports --product mi --offset 3 --json"}},
		}},
		Flags: fileFlags(
			&cli.StringFlag{Name: "offset", Usage: "show the ports at offset `N` (default: the file's offset, or the product's default)"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		),
		MutuallyExclusiveFlags: []cli.MutuallyExclusiveFlags{homeOrFile(homeUsage, fileUsage)},
		Action:                 a.ports,
	}
}
