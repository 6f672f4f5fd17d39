package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/google/go-cmp/cmp"
)

// TestDoctorFixCommands checks the fixes that name apim-offset's own
// commands, which the CLI adds to doctor's by code, in the JSON report and
// in the printed one. Offsets near 25000 keep the port checks off anything
// this machine runs (the scripts use other bands); the findings compared
// are only those of the codes at hand.
func TestDoctorFixCommands(t *testing.T) {
	t.Setenv("APIM_OFFSET_TEST_UNSET", "")
	os.Unsetenv("APIM_OFFSET_TEST_UNSET")
	tests := []struct {
		name  string   // the case
		files []string // deployment.toml of each home
		want  map[judge.Code]string
	}{
		{"an env placeholder whose variable is unset", []string{"[server]\noffset = \"$env{APIM_OFFSET_TEST_UNSET}\"\n"}, map[judge.Code]string{
			judge.PlaceholderEnvUnset: "export APIM_OFFSET_TEST_UNSET=N where the server starts, or set a number with 'apim-offset set N' (it replaces the placeholder)",
		}},
		{"a sys placeholder", []string{"[server]\noffset = \"$sys{portOffset}\"\n"}, map[judge.Code]string{
			judge.PlaceholderSys: "check -DportOffset in the start command, or set a number with 'apim-offset set N' (it replaces the placeholder)",
		}},
		{"a literal port left at the default and one already moved", []string{"[server]\noffset = 25000\n\n[apim.gateway.environment]\nws_endpoint = \"ws://localhost:9099\"\nwss_endpoint = \"wss://localhost:33099\"\n"}, map[judge.Code]string{
			judge.LiteralPortStale: "write 34099 if the URL is this server's; leave it if it is another server's (doctor --home THIS --home OTHER); 'apim-offset set N --shift-literals' moves this server's URLs with the offset",
			judge.LiteralPort:      "change the offset with 'apim-offset set N --shift-literals' to move it too",
		}},
		{"two homes whose ports meet (9711 + 25000 is 9611 + 25100)", []string{"[server]\noffset = 25000\n", "[server]\noffset = 25100\n"}, map[judge.Code]string{
			judge.HomeCollision: "give one of them another offset ('apim-offset ports --offset N' shows the ports at N)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"doctor", "--product", "apim-4"}
			for i, content := range tt.files {
				home := filepath.Join(t.TempDir(), "home"+string(rune('a'+i)))
				conf := filepath.Join(home, "repository", "conf")
				if err := os.MkdirAll(conf, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(conf, "deployment.toml"), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--home", home)
			}

			_, stdout, stderr := runCLI(t, append(args, "--json")...)
			var report doctorReport
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatalf("%v\nstdout: %s\nstderr: %s", err, stdout, stderr)
			}
			got := map[judge.Code]string{}
			for _, f := range report.Findings {
				if _, ok := tt.want[f.Code]; ok {
					got[f.Code] = f.Fix
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("JSON fixes by code (-want +got):\n%s", d)
			}

			_, stdout, _ = runCLI(t, args...)
			stdout = strings.ReplaceAll(stdout, "\n              ", " ") // a fix wrapped at 100 columns
			for _, fix := range tt.want {
				if !strings.Contains(stdout, "\n         fix: "+fix+"\n") {
					t.Errorf("the printed report lacks the fix %q:\n%s", fix, stdout)
				}
			}
		})
	}
}
