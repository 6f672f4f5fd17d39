package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
)

// makeHomes creates n API Manager homes holding the real 4.5 default file.
func makeHomes(b *testing.B, n int) []string {
	b.Helper()
	src, err := golden.ReadSection(filepath.Join("..", "..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	args := make([]string, 0, 2*n)
	for i := range n {
		home := filepath.Join(root, fmt.Sprintf("apim-%04d", i))
		for _, d := range []string{"bin", filepath.Join("repository", "conf")} {
			if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(home, "bin", "api-manager.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, "repository", "conf", "deployment.toml"), src, 0o644); err != nil {
			b.Fatal(err)
		}
		args = append(args, "--home", home)
	}
	return args
}

// BenchmarkPlan1000Homes times one "apim-offset plan" over 1,000 homes:
// detection, reading and parsing every file, planning, and the table.
func BenchmarkPlan1000Homes(b *testing.B) {
	homes := makeHomes(b, 1000)
	args := append([]string{"apim-offset", "plan"}, homes...)
	for b.Loop() {
		var errOut strings.Builder
		if code := run(args, strings.NewReader(""), io.Discard, &errOut); code != exitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
}

// BenchmarkSetDryRun times one "apim-offset set 2 --dry-run" on the real
// API Manager 4.5 default, in-process: everything a run does but start the
// process and write the file.
func BenchmarkSetDryRun(b *testing.B) {
	args := makeHomes(b, 1)
	for b.Loop() {
		if code := run(append([]string{"apim-offset", "set", "2", "--dry-run"}, args...), strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkVersion times "apim-offset --version" in-process: what the
// command line costs before any file is read.
func BenchmarkVersion(b *testing.B) {
	for b.Loop() {
		if code := run([]string{"apim-offset", "--version"}, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkSetDryRun1000Homes times one "apim-offset set 7 --dry-run" over
// 1,000 homes in-process: every file read, parsed, patched, checked and
// judged against the 999 others, and the diffs.
func BenchmarkSetDryRun1000Homes(b *testing.B) {
	homes := makeHomes(b, 1000)
	args := append([]string{"apim-offset", "set", "7", "--dry-run"}, homes...)
	for b.Loop() {
		var errOut strings.Builder
		if code := run(args, strings.NewReader(""), io.Discard, &errOut); code != exitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
}
