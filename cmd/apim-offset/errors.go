package main

import (
	"errors"
	"fmt"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/patcher"
)

// usageError is a mistake in the command line.
type usageError struct {
	msg, hint string
	err       error // the cause, if any
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.err }

// fileError is a problem with the file at path.
type fileError struct {
	path string
	err  error
}

func (e *fileError) Error() string {
	var pe *patcher.Error
	var de *dialectError
	var se *safefile.Error
	switch {
	case errors.As(e.err, &pe) && pe.Line > 0 || errors.As(e.err, &de):
		return e.path + ":" + e.err.Error() // file:line:col: message
	case errors.As(e.err, &se) && se.Err != nil && se.Err == se.Kind:
		// The cause is the kind itself ("the file changed since it was
		// read"): the message says it already.
		return e.path + ": " + se.Msg
	}
	return e.path + ": " + e.err.Error()
}

// dialectError is a construct WSO2's own parser will not take, refused
// with --strict.
type dialectError struct {
	f    patcher.Problem
	more int // findings after it
}

func (e *dialectError) Error() string {
	msg := fmt.Sprintf("%d:%d: %s: %s", e.f.Line, e.f.Column, e.f.Msg, e.f.Effect)
	if e.more > 0 {
		msg += fmt.Sprintf(" (and %d more)", e.more)
	}
	return msg
}
func (e *fileError) Unwrap() error { return e.err }

// errReported is a failure whose errors were already printed.
var errReported = errors.New("errors reported")

// errorReport is an error as --json prints it.
type errorReport struct {
	Error  string `json:"error"`            // as "apim-offset: error: " would print it
	File   string `json:"file,omitempty"`   // the file it concerns
	Line   int    `json:"line,omitempty"`   // where in the file
	Column int    `json:"column,omitempty"` //
	Hint   string `json:"hint,omitempty"`   // a likely fix
}

// report prints err on stderr in the form the output rules give, or on
// stdout as JSON with --json.
func (a *app) report(err error) {
	r := errorReport{Error: err.Error()}
	var ue *usageError
	var pe *patcher.Error
	var se *safefile.Error
	var fe *fileError
	var de *dialectError
	switch {
	case errors.As(err, &de):
		r.Hint, r.Line, r.Column = de.f.Fix+"; without --strict, set warns and writes", de.f.Line, de.f.Column
	case errors.As(err, &ue):
		r.Hint = ue.hint
	case errors.As(err, &pe):
		r.Hint, r.Line, r.Column = patcherHint(pe), pe.Line, pe.Column
	case errors.As(err, &se):
		r.Hint = safefileHint(se)
	}
	if errors.As(err, &fe) {
		r.File = fe.path
	}
	if a.json {
		a.printJSON(r)
		return
	}
	fmt.Fprintf(a.stderr, "apim-offset: error: %s\n", r.Error)
	if r.Hint != "" {
		fmt.Fprintf(a.stderr, "apim-offset: hint: %s\n", r.Hint)
	}
}

// patcherHint is the likely fix for an error in a file the patcher read.
func patcherHint(pe *patcher.Error) string {
	switch err := error(pe); {
	case errors.Is(err, patcher.ErrTooLarge):
		return "a deployment.toml is normally under 64 KiB: check that this is the right file"
	case errors.Is(err, patcher.ErrTooComplex):
		return "a deployment.toml has a few hundred tables and keys at most, nested a level or two: check that this is the right file"
	case errors.Is(err, patcher.ErrBinary):
		return "check that this is a deployment.toml and not a binary or a damaged copy"
	case errors.Is(err, patcher.ErrEncoding):
		return "TOML files are UTF-8: convert it, for example with iconv -f ISO-8859-1 -t UTF-8"
	case errors.Is(err, patcher.ErrBranch):
		return "apim-offset reads a template's first branches only: edit the offset in this template by hand"
	case errors.Is(err, patcher.ErrBlock):
		return "add offset = N to [server] outside any block by hand, then run apim-offset again"
	case errors.Is(err, patcher.ErrTemplate):
		return "run apim-offset on the rendered file, or edit the offset in the template by hand"
	case errors.Is(err, patcher.ErrSyntax) && pe.Template:
		return "a key set in two separate if blocks, or text that is not TOML once rendered, cannot be checked: " +
			"run apim-offset on the rendered file, or edit the offset in the template by hand"
	case errors.Is(err, patcher.ErrDuplicate):
		return "TOML allows each key and table once, and WSO2 will not start otherwise: remove or merge the repeated one"
	case errors.Is(err, patcher.ErrShape):
		return "WSO2 expects a [server] table with offset = <number> in it"
	case errors.Is(err, patcher.ErrValue) && pe.Template:
		return "give --keep-placeholder to leave it, or set a number to replace it"
	case errors.Is(err, patcher.ErrValue):
		return "WSO2 reads offset with Integer.parseInt and stops with NumberFormatException on anything else: write a whole number, such as offset = 2 or offset = \"2\""
	case errors.Is(err, patcher.ErrVerify):
		return "this is a bug in apim-offset; nothing was written: please report it with the file"
	}
	return ""
}
