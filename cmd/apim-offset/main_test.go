package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/golden"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"apim-offset": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar: one terminal session per
// behaviour. $FIXTURES is the repository's fixtures folder, $GOLDEN a
// folder holding fixtures/golden/<case>.txtar unpacked as
// $GOLDEN/<case>/input.toml, ...; -update rewrites the scripts' golden
// sections.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs(filepath.Join("..", "..", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	goldenCases := golden.Unpack(t, filepath.Join(fixtures, "golden"))
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *golden.Update,
		RequireExplicitExec: true,
		Condition: func(cond string) (bool, error) {
			// [bash-completion]: the bash-completion package is there, which
			// the bash completion script needs.
			if cond == "bash-completion" {
				_, err := os.Stat("/usr/share/bash-completion/bash_completion")
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			env.Setenv("GOLDEN", goldenCases)
			env.Setenv("NO_COLOR", "")
			env.Setenv("APIM_HOME", "")
			return nil
		},
	})
}
