package patcher

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/javaint"
	"github.com/apim-offset/apim-offset/tomlutil"
)

// current reads the offset from doc, refusing a server or server.offset of
// the wrong type.
func current(doc *tomlutil.Document) (Current, error) {
	server, ok := doc.Values["server"]
	if !ok {
		return Current{Source: SourceAbsent}, nil
	}
	table, ok := server.(map[string]any)
	if !ok {
		what := describe(server)
		if slices.ContainsFunc(doc.Tables, func(t tomlutil.Table) bool { return t.Array && slices.Equal(t.Key, []string{"server"}) }) {
			what = "an array of tables ([[server]])"
		}
		return Current{}, shapeError(doc, fmt.Sprintf("server is %s, not a table", what), "server")
	}
	if v, ok := table["offset"]; ok {
		i := doc.Find("server", "offset")
		if i < 0 {
			return Current{}, shapeError(doc, fmt.Sprintf("server.offset is %s, not a number", describe(v)), "server", "offset")
		}
		e := doc.Entries[i]
		line, col := tomlutil.Position(doc.Src, e.Value.Start)
		cur := Current{Source: SourceSet, Line: line, Raw: string(doc.Src[e.Value.Start:e.Value.End])}
		// WSO2 renders the value and reads it with Java's Integer.parseInt
		// (package javaint): an integer in any TOML spelling, or a string
		// parseInt reads, within 32 bits.
		var err error
		switch v := v.(type) {
		case int64:
			cur.Offset, err = int(v), nil
			if v < math.MinInt32 || v > math.MaxInt32 {
				err = javaint.ErrRange
			}
		case string:
			// As WSO2's TOML parser reads it: a line-ending backslash in
			// a multi-line string gives a line break there (package
			// dialect, StringAsRead); $ref{a.b} is the value of a.b in
			// the same file (wso2/config-mapper v1.0.26
			// ReferenceResolver.java).
			cur.Offset, err = javaint.Parse(reference(doc.Values, dialect.StringAsRead(cur.Raw, v)))
		case map[string]any, []any:
			return Current{}, shapeError(doc, fmt.Sprintf("server.offset is %s, not a number", describe(v)), "server", "offset")
		default:
			err = javaint.ErrSyntax
		}
		if err == nil {
			return cur, nil
		}
		cur.Offset, cur.Source = 0, SourcePlaceholder
		return cur, &Error{Line: line, Column: col, Msg: fmt.Sprintf("server.offset is %s, %v", cur.Raw, err), Err: ErrValue}
	}
	if c, ok := commentedOffset(doc); ok {
		line, _ := tomlutil.Position(doc.Src, c.Comment.Text.Start)
		return Current{Source: SourceCommented, Line: line, Raw: string(doc.Src[c.Comment.Text.Start:c.Comment.Text.End])}, nil
	}
	return Current{Source: SourceAbsent}, nil
}

// reference is s, or, when s is a $ref{a.b} to a number or a string of the
// file, that value.
func reference(values map[string]any, s string) string {
	name, isRef := strings.CutPrefix(s, "$ref{")
	name, closed := strings.CutSuffix(name, "}")
	if !isRef || !closed {
		return s
	}
	v, found := valueAt(values, strings.Split(name, "."))
	switch v := v.(type) {
	case int64:
		if found {
			return strconv.FormatInt(v, 10)
		}
	case string:
		if found && !strings.HasPrefix(v, "$ref{") {
			return v
		}
	}
	return s
}

// shapeError reports a value of the wrong type at the first place that
// defines path or something under it.
func shapeError(doc *tomlutil.Document, msg string, path ...string) *Error {
	off := -1
	for _, t := range doc.Tables {
		if hasPrefix(t.Key, path) {
			off = t.Header.Start
			break
		}
	}
	for _, e := range doc.Entries {
		if hasPrefix(e.Path, path) {
			if k := e.KeyRaw[0].Start; off < 0 || k < off {
				off = k
			}
			break
		}
	}
	return errorAt(doc.Src, max(off, 0), msg, ErrShape)
}

func hasPrefix(path, prefix []string) bool {
	if len(path) < len(prefix) {
		return false
	}
	for i := range prefix {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}

func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a float"
	case int64:
		return "an integer"
	}
	return "a date or time"
}

// commentedOffset finds the first commented-out "offset = ..." in the region
// of the [server] table: after its header, before the next header.
func commentedOffset(doc *tomlutil.Document) (tomlutil.CommentedEntry, bool) {
	t := doc.FindTable("server")
	if t < 0 {
		return tomlutil.CommentedEntry{}, false
	}
	for _, c := range doc.Comments {
		if c.Table != t {
			continue
		}
		if ce, ok := doc.Commented(c); ok && len(ce.Key) == 1 && ce.Key[0] == "offset" {
			return ce, true
		}
	}
	return tomlutil.CommentedEntry{}, false
}
