package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestCommandsAgreeOnOffset runs get, set --check and doctor on every offset
// spelling of fixtures/dialect (each judged by WSO2's own parser: "verdict:
// starts" with the offset WSO2 runs at, or a NumberFormatException), and on
// the fullwidth "２" that Java's Integer.parseInt reads as 2. Every command
// must give the same answer: get prints the offset, set N says already N and
// writes nothing, doctor finds no error; or all three refuse the value.
func TestCommandsAgreeOnOffset(t *testing.T) {
	type spelling struct {
		name, src, verdict string
		offset             int
		placeholder        bool // set replaces a placeholder with the number, by design
	}
	cases := []spelling{{name: "fullwidth-digit", src: "[server]\noffset = \"２\"\n", verdict: "starts", offset: 2}}
	files, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "dialect", "*offset*.txtar"))
	if len(files) < 10 {
		t.Fatalf("found %d offset fixtures in fixtures/dialect", len(files))
	}
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := spelling{name: strings.TrimSuffix(filepath.Base(f), ".txtar")}
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "verdict":
				c.verdict = v
			case "offset":
				if v == "placeholder" {
					// $env{PORT_OFFSET}: resolved from this environment.
					v, c.placeholder = "4", true
				}
				c.offset, _ = strconv.Atoi(v)
			}
		}
		for _, af := range ar.Files {
			if af.Name == "deployment.toml" {
				c.src = string(af.Data)
			}
		}
		if c.verdict == "" || c.src == "" {
			t.Fatalf("%s: no verdict or no deployment.toml", f)
		}
		cases = append(cases, c)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			for _, dir := range []string{"bin", "repository/conf"} {
				if err := os.MkdirAll(filepath.Join(home, dir), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			os.WriteFile(filepath.Join(home, "bin", "api-manager.sh"), nil, 0o755)
			file := filepath.Join(home, "repository", "conf", "deployment.toml")
			if err := os.WriteFile(file, []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("PORT_OFFSET", "4")
			getCode, getOut, getErr := runCLI(t, "get", "--home", home)
			doctorCode, doctorOut, _ := runCLI(t, "doctor", "--home", home, "--json")
			var report doctorReport
			if err := json.Unmarshal([]byte(doctorOut), &report); err != nil {
				t.Fatalf("doctor --json: %v\n%s", err, doctorOut)
			}
			if c.verdict != "starts" {
				// WSO2 stops with a NumberFormatException: every command says so.
				if getCode != 2 {
					t.Errorf("get: exit %d, want 2 (stdout %q, stderr %q)", getCode, getOut, getErr)
				}
				if doctorCode != 1 || report.Errors == 0 {
					t.Errorf("doctor: exit %d with %d errors, want 1 with an error", doctorCode, report.Errors)
				}
				return
			}
			n := strconv.Itoa(c.offset)
			if c.placeholder && !strings.Contains(c.src, "$env{") {
				// A Jinja expression WSO2 renders at start-up: its value is
				// not known here, but it is no error.
				if report.Errors != 0 {
					t.Errorf("doctor: %d errors on a file WSO2 starts with: %+v", report.Errors, report.Findings)
				}
				return
			}
			if getCode != 0 || strings.TrimSpace(getOut) != n {
				t.Errorf("get: exit %d, stdout %q; want %s (stderr %q)", getCode, getOut, n, getErr)
			}
			if report.Errors != 0 {
				t.Errorf("doctor: %d errors on a file WSO2 starts with: %+v", report.Errors, report.Findings)
			}
			if c.placeholder || c.offset < 0 {
				return // set replaces a placeholder, and takes no N below 0
			}
			if code, out, errOut := runCLI(t, "set", n, "--home", home, "--check"); code != 0 {
				t.Errorf("set %s --check: exit %d, want 0: already %s\n%s%s", n, code, n, out, errOut)
			}
			if code, _, errOut := runCLI(t, "set", n, "--home", home, "--yes"); code != 0 || !strings.Contains(errOut, "offset is already "+n) {
				t.Errorf("set %s --yes: exit %d, stderr %q; want exit 0 and already %s", n, code, errOut, n)
			}
			if got, _ := os.ReadFile(file); !bytes.Equal(got, []byte(c.src)) {
				t.Errorf("set %s changed the file:\n%s", n, got)
			}
		})
	}
}
