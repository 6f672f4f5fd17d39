package main

import (
	"fmt"
	"testing"

	"github.com/apim-offset/apim-offset/internal/parsecount"
	"github.com/apim-offset/apim-offset/internal/testing/txtardir"
)

// TestParsesPerCommand holds each command to one parse of each file it
// reads (patcher.Parse), plus, for set, the parse of the result that checks
// it when the file changes. The homes are API Managers with the APIM 4.5
// default's literal URLs and a start script that sets -DportOffset, so that
// every check of the judge has something to read.
func TestParsesPerCommand(t *testing.T) {
	conf := "[server]\n#offset=0\n\n[[apim.gateway.environment]]\nname = \"Default\"\nws_endpoint = \"ws://localhost:9099\"\n"
	home := func(conf string) string {
		return txtardir.Write(t, map[string]string{
			"bin/api-manager.sh":              "JAVA_OPTS=\"-DportOffset=40000\"\n",
			"repository/conf/deployment.toml": conf,
		})
	}
	a, b, c := home(conf), home(conf), home(conf)
	// Two homes at the same offset: plan moves the second.
	d, e := home("[server]\noffset = 5\n"), home("[server]\noffset = 5\n")
	tests := []struct {
		args []string
		want int64
	}{
		{[]string{"get", "--home", a}, 1},
		{[]string{"get", "--home", a, "--home", b}, 2},
		{[]string{"ports", "--home", a}, 1},
		{[]string{"doctor", "--home", a}, 1},
		{[]string{"doctor", "--home", a, "--home", b, "--home", c}, 3},
		{[]string{"plan", "--home", a, "--home", b, "--home", c}, 3},
		{[]string{"set", "0", "--home", a, "--yes"}, 1},                     // already so: no result to check
		{[]string{"set", "30000", "--home", a, "--dry-run"}, 2},             // the file, and the result
		{[]string{"set", "30001", "--home", a, "--yes"}, 2},                 // written
		{[]string{"set", "30002", "--home", a, "--home", b, "--yes"}, 4},    // each once, and each result
		{[]string{"plan", "--home", d, "--home", e, "--apply", "--yes"}, 3}, // both read once; e's result checked
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.args[0], len(tt.args)), func(t *testing.T) {
			before := parsecount.Load()
			code, _, stderr := runCLI(t, tt.args...)
			if code > 1 {
				t.Fatalf("%v: exit %d: %s", tt.args, code, stderr)
			}
			if got := parsecount.Load() - before; got != tt.want {
				t.Errorf("%v: %d parses, want %d", tt.args, got, tt.want)
			}
		})
	}
}
