package main

import (
	"fmt"
	"os"
	"sync"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/patcher"
)

// machine is what a command reads of this machine to tell the offset t's
// server runs at: the environment, and the running processes: with all,
// every process (doctor, plan --free); otherwise only the home's pid
// file's, as reading every process's command line would cost each run more
// than the rest of its work.
func (a *app) machine(t target, all bool) server.Machine {
	m := server.Machine{Getenv: os.Getenv, LookupEnv: os.LookupEnv, AllowForeignLink: a.allowLink}
	switch {
	case all:
		m.Processes, _ = judge.Local{}.Processes()
	case t.Home != "":
		if pid, err := judge.PIDFile(t.Home); err == nil {
			if p, ok := (judge.Local{}).Process(pid); ok {
				m.Processes = []server.Process{p}
			}
		}
	}
	return m
}

// load reads t's file and loads its server (package server): the file
// parsed once, its version's port table, the offset it runs at. An error
// is a file that cannot be read; one that cannot be parsed is the server's
// Err.
func (a *app) load(t target, f patcher.Format, m server.Machine) (*server.Server, error) {
	src, err := a.readTarget(t)
	if err != nil {
		return nil, err
	}
	s := server.Load(t.Place, src, f, m)
	a.noteTemplate(f, t, s)
	return s, nil
}

// loadAll loads the servers of ts, reading every process once when all.
// Several are read and loaded at once (workers, as set works on them);
// the notes and the first error come in the order of ts, as one by one.
func (a *app) loadAll(ts []target, f patcher.Format, all bool) ([]*server.Server, error) {
	var m server.Machine
	if all {
		m = a.machine(target{}, true)
	}
	out := make([]*server.Server, len(ts))
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			m := m
			if !all {
				m = a.machine(t, false)
			}
			src, err := a.readTarget(t)
			if err != nil {
				errs[i] = err
				return
			}
			out[i] = server.Load(t.Place, src, f, m)
			if file := out[i].File; file != nil {
				// What WSO2's parser refuses: every command that loads
				// several homes asks (set's edit, the judge), one after
				// another; found here, it is found for them in parallel.
				file.Problems()
			}
		}()
	}
	wg.Wait()
	for i, t := range ts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		s := out[i]
		a.noteTemplate(f, t, s)
	}
	return out, nil
}

// placeholderErr is a placeholder offset that cannot be resolved here, as
// the CLI words it.
func placeholderErr(path string, pe *server.PlaceholderError) error {
	hint := fmt.Sprintf("WSO2 resolves %s at start-up: ", pe.Raw)
	switch {
	case pe.Form == "env" && pe.From != nil && pe.Value == "":
		return &usageError{msg: path + ":" + pe.Error(), err: &fileError{path, pe},
			hint: fmt.Sprintf("%s is set to \"\" here, which WSO2 refuses at start-up: export it as a whole number, or replace the placeholder with a number with 'apim-offset set N'", pe.Name)}
	case pe.Form == "env":
		hint += fmt.Sprintf("export %s=N here to see the offset it gives", pe.Name)
	case pe.Form == "sys":
		hint += fmt.Sprintf("put -D%s=N in the start script or JAVA_OPTS, where apim-offset can see it", pe.Name)
	default:
		hint += fmt.Sprintf("set -D%s=N in the start script or JAVA_OPTS, or export %s=N", pe.Name, pe.Name)
	}
	hint += ", or replace it with a number with 'apim-offset set N'"
	return &usageError{msg: path + ":" + pe.Error(), hint: hint, err: &fileError{path, pe}}
}
