package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// portsReport is what ports prints with --json.
type portsReport struct {
	Product   string       `json:"product"`
	Name      string       `json:"name"`
	Offset    int          `json:"offset"`
	Source    string       `json:"source"`         // "file", "default" (none set) or "option" (--offset)
	File      string       `json:"file,omitempty"` // the deployment.toml read, if any
	MaxOffset int          `json:"max_offset"`
	Ports     []portReport `json:"ports"`
}

type portReport struct {
	Port      int    `json:"port"`
	Effective int    `json:"effective"`
	Shifts    bool   `json:"shifts"`
	Enabled   bool   `json:"enabled"`  // open in a default installation
	Inferred  bool   `json:"inferred"` // that it shifts is inferred, not verified
	Purpose   string `json:"purpose"`
}

func (a *app) ports(_ context.Context, cmd *cli.Command) error {
	if err := noArgs(cmd, "give the offset with --offset N"); err != nil {
		return err
	}
	r, err := a.portsReport(cmd)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
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
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "PORT\tEFFECTIVE\tSHIFTS\tPURPOSE\n")
	for _, p := range r.Ports {
		shifts, notes := "yes", ""
		if !p.Shifts {
			shifts = "no"
		}
		if !p.Enabled {
			notes += " (off by default)"
		}
		if p.Inferred {
			notes += " (inferred)"
		}
		fmt.Fprintf(w, "%d\t%d\t%s\t%s%s\n", p.Port, p.Effective, shifts, p.Purpose, notes)
	}
	return w.Flush()
}

// portsReport works out the product and offset: from the file when a home or
// file is named (or $APIM_HOME is set and --product is not given), else from
// --product; --offset overrides the file's offset.
func (a *app) portsReport(cmd *cli.Command) (portsReport, error) {
	var (
		product      wso2.Product
		offset       int
		source, file string
	)
	if by := named(cmd); by == byFlag || by == byEnv && cmd.String("product") == "" {
		t, err := a.target1(cmd)
		if err != nil {
			return portsReport{}, err
		}
		n, from, err := a.offset(cmd, t)
		if err != nil {
			return portsReport{}, err
		}
		product, offset, source, file = t.product, n, "file", t.path
		if from != patcher.SourceSet {
			source = "default"
		}
	} else {
		product = wso2.Default
		if id := cmd.String("product"); id != "" {
			p, err := lookupProduct(id)
			if err != nil {
				return portsReport{}, err
			}
			product = p
		} else {
			a.warnf("no home, file or product given: showing %s (give --home or --product)", product.Name)
		}
		offset, source = product.DefaultOffset, "default"
	}
	if cmd.IsSet("offset") {
		n, err := parseN("--offset", cmd.String("offset"))
		if err != nil {
			return portsReport{}, err
		}
		offset, source = n, "option"
		if err := checkOffset(offset, product); err != nil {
			return portsReport{}, err
		}
	}
	r := portsReport{Product: product.ID, Name: product.Name, Offset: offset, Source: source, File: file, MaxOffset: product.MaxOffset()}
	for _, p := range product.Ports {
		r.Ports = append(r.Ports, portReport{Port: p.Port, Effective: p.Effective(offset), Shifts: p.Shifts,
			Enabled: p.Enabled, Inferred: p.Inferred, Purpose: p.Purpose})
	}
	return r, nil
}
