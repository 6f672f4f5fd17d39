package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/urfave/cli/v3"
)

// target is a server a command works on, as the user named it: where it
// is (server.Place) and how the CLI names it.
type target struct {
	server.Place
	label  string // the file's name in a diff (diffName)
	warned bool   // a warning about the product was printed
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
		t, err := a.locate("", file, product, false)
		return []target{t}, err
	}
	dirs, err := a.homes(cmd)
	if err != nil {
		return nil, err
	}
	var ts []target
	seen := map[string]string{} // real path: the home as given first
	for _, dir := range dirs {
		if err := isHome(dir); err != nil {
			return nil, err
		}
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			if first, ok := seen[real]; ok {
				a.notef("%s: the same home as %s: done once", dir, first)
				continue
			}
			seen[real] = dir
		}
		t, err := a.locate(dir, "", product, true)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// isHome refuses, before anything else is said of it, a home that does not
// exist or is a file.
func isHome(dir string) error {
	info, err := os.Stat(dir)
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		return &usageError{msg: fmt.Sprintf("%s: %v", dir, pe.Err),
			hint: "--home (or APIM_HOME) is the server's folder, the one that holds bin/ and repository/conf", err: err}
	case err != nil:
		return &usageError{msg: fmt.Sprintf("%s: %v", dir, err),
			hint: "--home (or APIM_HOME) is the server's folder, the one that holds bin/ and repository/conf", err: err}
	case !info.IsDir():
		return &usageError{msg: fmt.Sprintf("%s: not a folder", dir), hint: "to name the deployment.toml itself, use --file " + dir}
	}
	return nil
}

// homes are the folders --home names, or $APIM_HOME: a path that exists is
// taken as named, whatever characters its name holds; otherwise a pattern
// names the folders it matches that are WSO2 homes: another folder (a JDK
// beside the servers in /opt) is skipped with a warning, while a folder
// named as it is stays an error further on. (APIM_HOME is not --home's
// urfave EnvVars source: that would make --file clash with --home whenever
// APIM_HOME is set.)
func (a *app) homes(cmd *cli.Command) ([]string, error) {
	given := cmd.StringSlice("home")
	switch named(cmd) {
	case byNone:
		return nil, &usageError{msg: "no file given", hint: "use --home DIR or --file PATH, or set APIM_HOME (or CARBON_HOME)"}
	case byEnv:
		given = []string{envHome()}
	}
	var dirs []string
	for _, h := range given {
		if _, err := os.Lstat(h); err == nil || !strings.ContainsAny(h, "*?[") {
			dirs = append(dirs, h) // a path that exists is taken as named
			continue
		}
		matches, _ := filepath.Glob(h)
		n, skipped := len(dirs), 0
		for _, m := range matches {
			info, err := os.Stat(m)
			switch {
			case err != nil || !info.IsDir():
			case server.IsHome(m):
				dirs = append(dirs, m)
			default:
				skipped++
				a.warnf("%s: matches %s but is not a WSO2 home (no start script in bin/ and no deployment.toml): skipped", m, h)
			}
		}
		if len(dirs) == n {
			hint := "check the pattern: * stands for any characters, ? for one, [abc] for one of a, b, c; only folders match"
			if skipped > 0 {
				hint = "the folders it matches are not WSO2 homes: name a home with --home, or give --product"
			}
			return nil, &usageError{msg: fmt.Sprintf("no home matches %q", h), hint: hint}
		}
	}
	return dirs, nil
}

// envHome is the home the environment names: $APIM_HOME, or else
// $CARBON_HOME, which WSO2's start scripts and container images set.
func envHome() string {
	if h := os.Getenv("APIM_HOME"); h != "" {
		return h
	}
	return os.Getenv("CARBON_HOME")
}

// How the user named the files.
const (
	byNone = iota // not at all
	byFlag        // --home or --file
	byEnv         // $APIM_HOME or $CARBON_HOME
)

// named tells how the user named the files a command works on.
func named(cmd *cli.Command) int {
	switch {
	case len(cmd.StringSlice("home")) > 0 || cmd.String("file") != "":
		return byFlag
	case envHome() != "":
		return byEnv
	}
	return byNone
}

// locate works out the file and the product of a home, or of a file when
// file is not "" (server.Locate). productID, when not "", names the
// product; otherwise the home's start scripts tell it, with a warning when
// the user named a home that holds none.
func (a *app) locate(home, file, productID string, namedHome bool) (target, error) {
	var given *wso2.Product
	if productID != "" {
		p, err := lookupProduct(productID)
		if err != nil {
			return target{}, err
		}
		given = &p
	}
	t := target{Place: server.Locate(home, file, given), namedHome: namedHome}
	if !t.Known && namedHome {
		t.warned = true
		a.warnf("%s: no WSO2 start script found in bin/: taking it for %s (give --product to say which)", home, t.Product.Name)
	}
	t.label = "deployment.toml"
	if t.Path != "-" {
		t.label = diffName(t.Path)
	}
	return t, nil
}

// diffName is the one rule for a file's name in a diff, for one file or
// many: its path from the current folder, where the diff applies with
// "patch -p1" or "git apply"; or, for a file outside it, its absolute path
// without the leading separator, for a diff that applies from the root
// folder ("patch -p1 -d /").
func diffName(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.ToSlash(filepath.Clean(path))
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return strings.TrimLeft(filepath.ToSlash(strings.TrimPrefix(abs, filepath.VolumeName(abs))), "/")
}

// lookupProduct returns the product --product names.
func lookupProduct(id string) (wso2.Product, error) {
	p, ok := wso2.Lookup(id)
	if !ok {
		return p, &usageError{msg: fmt.Sprintf("unknown product %q", id), hint: "--product takes one of " + productList}
	}
	return p, nil
}

// readTarget reads t's file.
func (a *app) readTarget(t target) ([]byte, error) {
	if t.Path == "-" {
		src, err := io.ReadAll(io.LimitReader(a.stdin, patcher.MaxSize+1))
		if err != nil {
			return nil, &fileError{t.Path, err}
		}
		return src, nil
	}
	src, err := safefile.ReadWith(t.Path, patcher.MaxSize, safefile.Options{Home: t.Home, AllowForeignLink: a.allowLink})
	if err != nil {
		return nil, a.fileErr(t, err)
	}
	return src, nil
}

// fileErr is err, from opening or reading t's file, as the user should see
// it: a missing file under a named home is most likely the wrong folder.
// safefile's errors name no file: the path comes first.
func (a *app) fileErr(t target, err error) error {
	err = &fileError{t.Path, err}
	if errors.Is(err, os.ErrNotExist) && t.namedHome {
		return &usageError{msg: err.Error(), hint: homeHint(t.Product), err: err}
	}
	return err
}

// homeHint is the hint for a home that holds no deployment.toml where p
// keeps it: most likely the wrong folder, or a product that keeps it
// elsewhere.
func homeHint(p wso2.Product) string {
	for _, other := range wso2.Packages() {
		if other.Config != p.Config && p.Config == wso2.Default.Config {
			return "--home (or APIM_HOME) is the server's folder, the one that holds bin/ and " + path.Dir(p.Config) +
				fmt.Sprintf("; %s keeps its file in %s/: add --product %s", other.Name, path.Dir(other.Config), other.ID)
		}
	}
	return fmt.Sprintf("--home (or APIM_HOME) is the server's folder; %s keeps its file in HOME/%s", p.Name, path.Dir(p.Config))
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

// noteTemplate says, once s's file was found to be a template by its
// markup, that it was read as one.
func (a *app) noteTemplate(f patcher.Format, t target, s *server.Server) {
	if s.Template() && f == patcher.Auto {
		a.notef("%s: a template: its placeholders are masked while it is read and kept as they are (--template skips this note)", t.Path)
	}
}
