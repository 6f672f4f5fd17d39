package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/apim-offset/apim-offset/internal/doctor"
	"github.com/apim-offset/apim-offset/internal/effective"
	"github.com/apim-offset/apim-offset/patcher"
)

// resolve works out the offset t's server runs at from src, t's file
// (package effective): with a home, its start scripts, carbon.properties,
// this environment and its running server count too. The running server
// is the pid file's process: reading every process's command line, as
// doctor does to find one started without it, would cost each run more
// than the rest of its work.
func (a *app) resolve(t target, src []byte, f patcher.Format, offset *int) effective.Result {
	m := effective.Machine{Getenv: os.Getenv}
	if t.home != "" {
		if pid, err := doctor.PIDFile(t.home); err == nil {
			if p, ok := (doctor.Local{}).Process(pid); ok {
				m.Processes = []effective.Process{p}
			}
		}
	}
	return effective.Resolve(effective.Home{Dir: t.home, File: t.path, Src: src, Format: f, Product: t.product, Offset: offset}, m)
}

// placeholderErr is a placeholder offset that cannot be resolved here, as
// the CLI words it.
func placeholderErr(path string, pe *effective.PlaceholderError) error {
	hint := fmt.Sprintf("WSO2 resolves %s at start-up: ", pe.Raw)
	switch pe.Form {
	case "env":
		hint += fmt.Sprintf("export %s=N here to see the offset it gives", pe.Name)
	case "sys":
		hint += fmt.Sprintf("put -D%s=N in the start script or JAVA_OPTS, where apim-offset can see it", pe.Name)
	default:
		hint += fmt.Sprintf("set -D%s=N in the start script or JAVA_OPTS, or export %s=N", pe.Name, pe.Name)
	}
	hint += ", or replace it with a number with 'apim-offset set N'"
	return &usageError{msg: path + ":" + pe.Error(), hint: hint, err: &fileError{path, pe}}
}

// overrideText says how an override replaces the file's offset, for a note
// or a warning: "bin/api-manager.sh:12: -DportOffset=5 overrides the
// file's offset 2".
func overrideText(t target, r effective.Result) string {
	d := r.Decided
	text := d.Text
	if d.Kind == effective.SystemParameter {
		text = "[system.parameter] " + text
	}
	file := fmt.Sprint(r.File.Offset)
	if r.File.Placeholder != nil {
		file = r.File.Cur.Raw
	}
	return fmt.Sprintf("%s: %s overrides the file's offset %s", d.Where(t.home), text, file)
}

// warnOverrides warns, naming file:line, about what makes a change of the
// offset in t's file (src, the file as set leaves it) ineffective: a
// portOffset that wins over it (carbon.properties, [system.parameter],
// -DportOffset from a running process, a start script, JAVA_OPTS or
// JVM_MEM_OPTS), -Ddeployment.config.file.path naming another file, and
// -DavoidConfigUpdate=true. It returns the warnings, for set's JSON report.
func (a *app) warnOverrides(t target, src []byte, offset *int) []string {
	if t.home == "" {
		return nil
	}
	r := a.resolve(t, src, patcher.Auto, offset)
	var out []string
	warn := func(format string, args ...any) {
		w := fmt.Sprintf(format, args...)
		out = append(out, w)
		a.warnf("%s", w)
	}
	if d := r.Decided; d != nil {
		if n, ok := d.Offset(); ok {
			warn("%s: the server runs at offset %d whatever this file says", overrideText(t, r), n)
		} else {
			warn("%s: the server runs at the offset set at start-up, whatever this file says", overrideText(t, r))
		}
	}
	if c := r.ConfigFile; c != nil && (r.ConfigFileMissing || !sameFile(r.File.Path, t.path)) {
		warn("%s: %s: the server reads %s, not this file: the change does not reach it", c.Where(t.home), c.Text, c.Value)
	}
	for _, s := range r.AvoidConfigUpdate {
		warn("%s: %s: the server ignores changes to deployment.toml", s.Where(t.home), s.Text)
	}
	return out
}

func sameFile(a, b string) bool {
	x, err1 := os.Stat(a)
	y, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(x, y)
}

// errUnknownOverride is an override whose value apim-offset cannot tell.
var errUnknownOverride = errors.New("the offset is set at start-up")
