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

// targets works out the files a command works on and their products: one
// for each --home (a quoted pattern such as '/opt/apim-*' names every home it
// matches), or the --file, or $APIM_HOME. It warns when a home holds no
// known product.
func (a *app) targets(cmd *cli.Command) ([]target, error) {
	homes, file := cmd.StringSlice("home"), cmd.String("file")
	if len(homes) > 0 && file != "" {
		return nil, &usageError{msg: "--home and --file both given", hint: "use one: --home names the server's folder, --file the deployment.toml"}
	}
	product := cmd.String("product")
	if file != "" {
		t, err := a.locate(homeOf(file), file, product, false)
		return []target{t}, err
	}
	if len(homes) == 0 {
		env := os.Getenv("APIM_HOME")
		if env == "" {
			return nil, &usageError{msg: "no file given", hint: "use --home DIR or --file PATH, or set APIM_HOME"}
		}
		homes = []string{env}
	}
	var dirs []string
	for _, h := range homes {
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
// safefile's errors name no file: the path comes first.
func (a *app) fileErr(t target, err error) error {
	err = &fileError{t.path, err}
	if errors.Is(err, os.ErrNotExist) && t.namedHome {
		return &usageError{msg: err.Error(), hint: "--home (or APIM_HOME) is the server's folder, the one that holds bin/ and repository/conf; Micro Integrator keeps its file in conf/: add --product mi", err: err}
	}
	return err
}
