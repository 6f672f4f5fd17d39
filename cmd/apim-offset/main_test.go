package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"stamp":     stamp,
			"untouched": untouched,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			env.Setenv("GOLDEN", goldenCases)
			env.Setenv("NO_COLOR", "")
			env.Setenv("APIM_HOME", "")
			env.Setenv("CARBON_HOME", "")
			return nil
		},
	})
}

// stamp FILE... records each file's inode, modification time and bytes, for
// untouched to compare with.
func stamp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: stamp FILE...")
	}
	for _, name := range args {
		ts.Check(os.WriteFile(ts.MkAbs(name)+".stamp", []byte(fileStamp(ts, name)), 0o644))
	}
}

// untouched FILE... fails unless each file has the inode, modification time
// and bytes stamp recorded: the file was not written, not even with the same
// bytes.
func untouched(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		want, err := os.ReadFile(ts.MkAbs(name) + ".stamp")
		ts.Check(err)
		if got := fileStamp(ts, name); (got == string(want)) == neg {
			ts.Fatalf("%s: stamp %s, recorded %s", name, got, want)
		}
	}
}

func fileStamp(ts *testscript.TestScript, name string) string {
	info, err := os.Stat(ts.MkAbs(name))
	ts.Check(err)
	data, err := os.ReadFile(ts.MkAbs(name))
	ts.Check(err)
	return fmt.Sprintf("inode %d, mtime %d, %x", inode(info), info.ModTime().UnixNano(), sha256.Sum256(data))
}
