package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// target is the file a command works on and the product it belongs to.
type target struct {
	path    string // the deployment.toml, as opened
	label   string // its name in a diff: relative to the home, or as given
	home    string // the server's home; "" when not known
	product wso2.Product
	known   bool // the product was given with --product or found in the home
	warned  bool // a warning about the product was printed
	// namedHome: the user named the home (--home, $APIM_HOME), not a file
	namedHome bool
}

// targets is the one resolver of what a command works on: the --file, or
// one home for each --home (a quoted pattern such as '/opt/apim-*' names
// every home it matches), or $APIM_HOME; and the product of each, from
// --product or the home's start scripts, with a warning when a named home
// holds none.
func (a *app) targets(cmd *cli.Command) ([]target, error) {
	product := cmd.String("product")
	if file := cmd.String("file"); file != "" {
		t, err := a.locate(homeOf(file), file, product, false)
		return []target{t}, err
	}
	dirs, err := homes(cmd)
	if err != nil {
		return nil, err
	}
	var ts []target
	for _, dir := range dirs {
		t, err := a.locate(dir, "", product, true)
		if err != nil {
			return nil, err
		}
		if len(dirs) > 1 {
			// Several files in one patch: name each by its path.
			t.label = strings.TrimLeft(filepath.ToSlash(filepath.Clean(t.path)), "/")
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// homes are the folders --home names, its patterns expanded, or
// $APIM_HOME. (APIM_HOME is not --home's urfave EnvVars source: that would
// make --file clash with --home whenever APIM_HOME is set.)
func homes(cmd *cli.Command) ([]string, error) {
	given := cmd.StringSlice("home")
	switch named(cmd) {
	case byNone:
		return nil, &usageError{msg: "no file given", hint: "use --home DIR or --file PATH, or set APIM_HOME"}
	case byEnv:
		given = []string{os.Getenv("APIM_HOME")}
	}
	var dirs []string
	for _, h := range given {
		if !strings.ContainsAny(h, "*?[") {
			dirs = append(dirs, h)
			continue
		}
		matches, err := filepath.Glob(h)
		if err != nil || len(matches) == 0 {
			return nil, &usageError{msg: fmt.Sprintf("no home matches %q", h), hint: "check the pattern; it is matched as filepath.Glob does"}
		}
		dirs = append(dirs, matches...)
	}
	return dirs, nil
}

// How the user named the files.
const (
	byNone = iota // not at all
	byFlag        // --home or --file
	byEnv         // $APIM_HOME
)

// named tells how the user named the files a command works on.
func named(cmd *cli.Command) int {
	switch {
	case len(cmd.StringSlice("home")) > 0 || cmd.String("file") != "":
		return byFlag
	case os.Getenv("APIM_HOME") != "":
		return byEnv
	}
	return byNone
}

// target1 is targets for a command that takes one file.
func (a *app) target1(cmd *cli.Command) (target, error) {
	ts, err := a.targets(cmd)
	if err != nil {
		return target{}, err
	}
	if len(ts) > 1 {
		return target{}, &usageError{msg: fmt.Sprintf("%s takes one home, got %d", cmd.Name, len(ts)), hint: "run it once for each home"}
	}
	return ts[0], nil
}

// locate works out the file and the product of a home, or of a file when
// file is not "". productID, when not "", names the product; otherwise the
// home's start scripts tell it, with a warning when the user named a home
// that holds none.
func (a *app) locate(home, file, productID string, namedHome bool) (target, error) {
	t := target{home: home, product: wso2.Default, namedHome: namedHome}
	if productID != "" {
		p, err := lookupProduct(productID)
		if err != nil {
			return target{}, err
		}
		t.product, t.known = p, true
	} else if home != "" {
		t.product, _, t.known = wso2.Detect(os.DirFS(home))
		if !t.known && namedHome {
			t.warned = true
			a.warnf("%s: no WSO2 start script found in bin/: taking it for %s (give --product to say which)", home, t.product.Name)
		}
	}
	if file != "" {
		label := filepath.ToSlash(filepath.Clean(file))
		t.path, t.label = file, strings.TrimLeft(strings.TrimPrefix(label, filepath.VolumeName(label)), "/")
	} else {
		t.path, t.label = filepath.Join(home, filepath.FromSlash(t.product.Config)), t.product.Config
	}
	return t, nil
}

// lookupProduct returns the product --product names.
func lookupProduct(id string) (wso2.Product, error) {
	p, ok := wso2.Lookup(id)
	if !ok {
		return p, &usageError{msg: fmt.Sprintf("unknown product %q", id), hint: "--product takes one of " + productList}
	}
	return p, nil
}

// homeOf returns the home a deployment.toml lies in by WSO2's layout
// (HOME/repository/conf or, for Micro Integrator, HOME/conf), or "".
func homeOf(file string) string {
	conf := filepath.Dir(filepath.Clean(file))
	if filepath.Base(conf) != "conf" {
		return ""
	}
	parent := filepath.Dir(conf)
	if filepath.Base(parent) == "repository" {
		return filepath.Dir(parent)
	}
	return parent
}

// readTarget reads t's file.
func (a *app) readTarget(t target) ([]byte, error) {
	src, err := safefile.Read(t.path, patcher.MaxSize)
	if err != nil {
		return nil, a.fileErr(t, err)
	}
	return src, nil
}

// fileErr is err, from opening or reading t's file, as the user should see
// it: a missing file under a named home is most likely the wrong folder.
func (a *app) fileErr(t target, err error) error {
	err = &fileError{t.path, unwrapPath(err)}
	if errors.Is(err, os.ErrNotExist) && t.namedHome {
		return &usageError{msg: err.Error(), hint: "--home (or APIM_HOME) is the server's folder, the one that holds bin/ and repository/conf; Micro Integrator keeps its file in conf/: add --product mi", err: err}
	}
	return err
}

// unwrapPath drops the *fs.PathError around err, as the path is printed
// first, and its "open" or "lstat" as well: "no such file or directory" says
// enough.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if pe.Op == "open" || pe.Op == "lstat" || pe.Op == "stat" {
			return pe.Err
		}
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// format is how --template says to read the files: as templates with
// --template, as plain TOML with --template=false, and otherwise as their
// markup shows.
func format(cmd *cli.Command) patcher.Format {
	switch {
	case !cmd.IsSet("template"):
		return patcher.Auto
	case cmd.Bool("template"):
		return patcher.Template
	}
	return patcher.Plain
}

// noteTemplate says, once a file was found to be a template by its markup,
// that it was read as one.
func (a *app) noteTemplate(f patcher.Format, t target, template bool) {
	if template && f == patcher.Auto {
		fmt.Fprintf(a.stderr, "apim-offset: %s: a template: its placeholders are masked while it is read and kept as they are (--template skips this note)\n", t.path)
	}
}

// readAsTemplate tells whether err is about a file read as a template.
func readAsTemplate(err error) bool {
	var pe *patcher.Error
	return errors.As(err, &pe) && pe.Template
}
