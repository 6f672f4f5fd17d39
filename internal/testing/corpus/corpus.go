// Package corpus gives tests the real deployment.toml files from WSO2's
// repositories kept in ../shared/corpus/real beside the checkout, with what
// MANIFEST.tsv says of each. Tests that use it skip when it is not there,
// and fail under CI (the CI environment variable set), where it must be.
package corpus

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// File is one corpus file.
type File struct {
	Name       string
	Product    string
	Appearance string // how the manifest says the offset appears
	Parses     bool   // whether the manifest says it parses as plain TOML
	Data       []byte
}

// Dir returns the corpus folder: ../shared/corpus/real from the module root.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "corpus", "real"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}

// Read returns the corpus files, or skips the test when the corpus is not
// there: ../shared beside the checkout, which a developer may lack. Under
// CI (the CI environment variable set) a missing corpus fails the test.
func Read(t testing.TB) []File {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the real-file corpus is missing: no %s (shared/ must be beside the checkout)", filepath.Join(dir, "MANIFEST.tsv"))
		}
		t.Skipf("the real-file corpus is not at %s (it comes with ../shared beside the checkout); skipping", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes = '\t', true
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var files []File
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		cf := File{
			Name:       rec[col["file"]],
			Product:    rec[col["product"]],
			Appearance: rec[col["server_offset_appearance"]],
			Parses:     strings.HasPrefix(rec[col["parses_as_plain_toml(tomllib 1.0)"]], "yes"),
		}
		if cf.Data, err = os.ReadFile(filepath.Join(dir, cf.Name)); err != nil {
			t.Fatal(err)
		}
		files = append(files, cf)
	}
	if len(files) < 100 {
		t.Fatalf("only %d files in the corpus manifest", len(files))
	}
	return files
}

// IsTemplate tells templates apart by the manifest's product column and by
// their markup, independently of the code under test.
func (cf File) IsTemplate() bool {
	p := strings.ToLower(cf.Product)
	return strings.Contains(p, "helm-templated") || strings.Contains(p, "jinja2") || strings.Contains(p, "erb template") ||
		bytes.Contains(cf.Data, []byte("{{")) || bytes.Contains(cf.Data, []byte("<%"))
}
