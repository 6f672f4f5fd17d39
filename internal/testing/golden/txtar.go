package golden

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// A golden case can be one txtar file: a comment, then named sections
// ("-- input.toml --", "-- output.toml --", ...).
//
// # Comment
//
// Every line of the comment that is not blank is "key: value". Each key
// appears once; what the keys mean is up to the test that reads the file.
//
// # Sections
//
// A section holds its file's bytes exactly: carriage returns, a byte order
// mark and an empty file are kept as they are. txtar always ends a
// section with a newline, so a file that does not end with one is written
// in a section whose name ends in " (no final newline)"; reading drops
// that newline again. A file holding a line that reads as a section
// marker ("-- name --") cannot be kept: writing it is an error.

// noEOL is the suffix of the name of a section whose file has no final
// newline.
const noEOL = " (no final newline)"

// Section is one file of an Archive.
type Section struct {
	Name string // as the test knows it: "output.toml", never with the suffix
	Data []byte // the file's exact bytes
}

// Archive is a golden case read from a txtar file.
type Archive struct {
	Path     string
	Comment  []byte            // as written
	Fields   map[string]string // the comment's "key: value" lines
	Sections []Section
	raw      []byte // the file as read
}

// ReadArchive reads and decodes the txtar file at path.
func ReadArchive(path string) (*Archive, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	a, err := ParseArchive(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.Path = path
	return a, nil
}

// ParseArchive decodes the txtar text raw.
func ParseArchive(raw []byte) (*Archive, error) {
	t := txtar.Parse(raw)
	a := &Archive{Comment: t.Comment, Fields: map[string]string{}, raw: raw}
	for i, line := range strings.Split(string(t.Comment), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok || key == "" || strings.TrimSpace(key) != key {
			return nil, fmt.Errorf("line %d: %q is not \"key: value\"", i+1, line)
		}
		if _, dup := a.Fields[key]; dup {
			return nil, fmt.Errorf("line %d: %s given twice", i+1, key)
		}
		a.Fields[key] = strings.TrimSpace(value)
	}
	for _, f := range t.Files {
		s := Section{Name: f.Name, Data: f.Data}
		if name, ok := strings.CutSuffix(f.Name, noEOL); ok {
			data, ok := bytes.CutSuffix(f.Data, []byte("\n"))
			if !ok || len(data) == 0 || data[len(data)-1] == '\n' {
				return nil, fmt.Errorf("section %q: a file without a final newline is one or more lines, the last not blank", f.Name)
			}
			s = Section{Name: name, Data: data}
		}
		if _, dup := a.Section(s.Name); dup {
			return nil, fmt.Errorf("section %q given twice", s.Name)
		}
		a.Sections = append(a.Sections, s)
	}
	return a, nil
}

// ReadSection returns the bytes of the section name of the txtar file at
// path: the input of a golden case, for a test that needs a real file.
func ReadSection(path, name string) ([]byte, error) {
	a, err := ReadArchive(path)
	if err != nil {
		return nil, err
	}
	data, ok := a.Section(name)
	if !ok {
		return nil, fmt.Errorf("%s: no section %q", path, name)
	}
	return data, nil
}

// Section returns the bytes of the section name.
func (a *Archive) Section(name string) ([]byte, bool) {
	for _, s := range a.Sections {
		if s.Name == name {
			return s.Data, true
		}
	}
	return nil, false
}

// Format encodes the archive as txtar text.
func (a *Archive) Format() ([]byte, error) {
	t := &txtar.Archive{Comment: a.Comment}
	for _, s := range a.Sections {
		if txtar.NeedsQuote(s.Data) {
			return nil, fmt.Errorf("section %q holds a line that reads as a txtar section marker", s.Name)
		}
		f := txtar.File{Name: s.Name, Data: s.Data}
		if len(s.Data) > 0 && s.Data[len(s.Data)-1] != '\n' {
			f.Name += noEOL
		}
		t.Files = append(t.Files, f)
	}
	return txtar.Format(t), nil
}

// Check compares each of got with the archive's section of that name, or,
// with -update, puts got in those sections (appending the ones that are
// missing) and rewrites the file, keeping the comment and the other
// sections as they are. Without -update it also checks that the file is
// what -update would write, so that -update on a passing tree changes
// nothing.
func (a *Archive) Check(t testing.TB, got ...Section) {
	t.Helper()
	if *Update {
		for _, g := range got {
			a.put(g)
		}
		out, err := a.Format()
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		if !bytes.Equal(out, a.raw) {
			if err := os.WriteFile(a.Path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			a.raw = out
		}
		return
	}
	for _, g := range got {
		want, ok := a.Section(g.Name)
		if !ok {
			t.Errorf("%s: no section %q (run go test ./... -update to add it)", a.Path, g.Name)
			continue
		}
		if !bytes.Equal(want, g.Data) {
			t.Errorf("%s: %s differs (-want +got):\n%s", a.Path, g.Name, cmp.Diff(string(want), string(g.Data)))
		}
	}
	if out, err := a.Format(); err != nil {
		t.Errorf("%s: %v", a.Path, err)
	} else if !bytes.Equal(out, a.raw) {
		t.Errorf("%s is not written as -update writes it (-file +update):\n%s", a.Path, cmp.Diff(string(a.raw), string(out)))
	}
}

// put replaces the section g.Name with g, or appends g.
func (a *Archive) put(g Section) {
	for i := range a.Sections {
		if a.Sections[i].Name == g.Name {
			a.Sections[i].Data = g.Data
			return
		}
	}
	a.Sections = append(a.Sections, g)
}

// Unpack writes the sections of every txtar file in dir, decoded, under a
// new temporary folder, as <folder>/<case>/<section> where <case> is the
// file's name without ".txtar", and returns the folder: for tests, such
// as scripts, that take the cases' files by path.
func Unpack(t testing.TB, dir string) string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no .txtar files in %s", dir)
	}
	out := t.TempDir()
	for _, path := range paths {
		a, err := ReadArchive(path)
		if err != nil {
			t.Fatal(err)
		}
		caseDir := filepath.Join(out, strings.TrimSuffix(filepath.Base(path), ".txtar"))
		if err := os.Mkdir(caseDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, s := range a.Sections {
			if s.Name != filepath.Base(s.Name) || s.Name == ".." {
				t.Fatalf("%s: section %q is not a plain file name", path, s.Name)
			}
			if err := os.WriteFile(filepath.Join(caseDir, s.Name), s.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}
