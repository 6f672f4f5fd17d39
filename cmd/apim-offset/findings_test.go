package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/testing/txtardir"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// found is a finding as a test compares it: its code, its place relative
// to the home, its message, its fix.
type found struct {
	Code, Where, Message, Fix string
}

// setFindings runs set with --json --dry-run and returns the findings of
// its one report, and the report.
func setFindings(t *testing.T, home string, args ...string) ([]found, setReport) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append(args, "--json", "--dry-run")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var r setReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var out []found
	for _, f := range r.Findings {
		where := f.Source
		if f.File != "" {
			where = f.File
			if rel, err := filepath.Rel(home, f.File); err == nil && !strings.HasPrefix(rel, "..") {
				where = filepath.ToSlash(rel)
			}
			if f.Line > 0 {
				where += ":" + itoa(f.Line)
			}
		}
		out = append(out, found{string(f.Code), where, f.Message, f.Fix})
	}
	return out, r
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSetFindings: set reports, with doctor's codes, what the judge finds
// of the file it writes: what overrides it (carbon.properties and
// [system.parameter], kernel Main.addSystemProperties; -DportOffset in a
// start script, product-apim startup-scripts/api-manager.sh), what makes
// the server read another file or none (kernel Main.handleConfiguration,
// config-mapper ConfigParser.parse), URLs that keep literal ports, an
// Identity Server's stored callback URLs (wso2/product-is#10514, #7588)
// and a Helm chart value replaced by a number (wso2/helm-apim
// wso2am-deployment.yaml adds .Values.wso2.apim.portOffset to its ports).
func TestSetFindings(t *testing.T) {
	const conf = "repository/conf/deployment.toml"
	tests := []struct {
		name  string
		files map[string]string
		args  []string // after set N --home HOME
		want  []found
	}{
		{"nothing overrides the file", map[string]string{"bin/api-manager.sh": "#!/bin/sh\n"}, nil, nil},
		{"-DportOffset in bin/api-manager.sh", map[string]string{"bin/api-manager.sh": "#!/bin/sh\nJAVA_OPTS=\"-DportOffset=5\"\n"}, nil, []found{
			{"override-differs", "bin/api-manager.sh:2", "-DportOffset=5 overrides the file's offset 7: the server runs at offset 5",
				"remove it from api-manager.sh: a -DportOffset system property wins over deployment.toml"}}},
		// Kernel 4.6.1+ renders carbon.properties from [system.parameter]
		// at the next start (kernel carbon.properties.j2).
		{"carbon.properties portOffset", map[string]string{"repository/conf/carbon.properties": "portOffset=9\n"}, nil, []found{
			{"carbon-properties-overwritten", "repository/conf/carbon.properties:1", "portOffset=9 in carbon.properties is overwritten at the next start: this kernel renders carbon.properties from [system.parameter] in deployment.toml (config-mapper), so it is not the offset the server will run at",
				"set [server] offset in deployment.toml (or portOffset under [system.parameter]) and remove the line; -DavoidConfigUpdate would keep it, and every other edit of deployment.toml out too"}}},
		{"-DportOffset=$OFFSET: a value set at start-up", map[string]string{"bin/api-manager.sh": "JAVA_OPTS=\"-DportOffset=$OFFSET\"\n"}, nil, []found{
			{"override-unknown", "bin/api-manager.sh:1", "-DportOffset=$OFFSET overrides the file's offset 7 with a value set at start-up",
				"remove it from api-manager.sh: a -DportOffset system property wins over deployment.toml"}}},
		{"-Ddeployment.config.file.path naming a file not here", map[string]string{"bin/api-manager.sh": "JAVA_OPTS=\"-Ddeployment.config.file.path=/nonexistent/deployment.toml\"\n"}, nil, []found{
			{"config-file-missing", "bin/api-manager.sh:1", "-Ddeployment.config.file.path=/nonexistent/deployment.toml: the server reads /nonexistent/deployment.toml, which does not exist here, not HOME/repository/conf/deployment.toml: the offset in this file does nothing",
				"set the offset in the file the server reads, or remove the property"}}},
		{"-DavoidConfigUpdate=true", map[string]string{"bin/api-manager.sh": "JAVA_OPTS=\"-DavoidConfigUpdate=true\"\n"}, nil, []found{
			{"avoid-config-update", "bin/api-manager.sh:1", "-DavoidConfigUpdate=true: the server ignores changes to deployment.toml, the offset among them", "remove it from api-manager.sh"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{conf: "[server]\noffset = 7\n"}
			for k, v := range tt.files {
				files[k] = v
			}
			home := txtardir.Write(t, files)
			got, _ := setFindings(t, home, append([]string{"set", "7", "--home", home, "--product", "apim-4"}, tt.args...)...)
			for i := range got {
				got[i].Message = strings.ReplaceAll(got[i].Message, home, "HOME")
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
	// A file outside a home: nothing to look at but the file.
	dir := txtardir.Write(t, map[string]string{"x.toml": "[server]\noffset = 7\n"})
	t.Setenv("JAVA_OPTS", "-DportOffset=6")
	if got, _ := setFindings(t, dir, "set", "7", "--file", filepath.Join(dir, "x.toml")); got != nil {
		t.Errorf("no home: %+v", got)
	}
}

// TestSetLiteralFindings: the URLs that keep literal ports, as set leaves
// the file. Without --shift-literals, the APIM 4.x default's
// ws://localhost:9099 and wss://localhost:8099 (wso2/product-apim
// deployment.toml) are left behind at offset 2; with it, another home's
// ports stay and are named. IS as Key Manager at offset 1 points back at
// API Manager on 9443 (wso2/docs-apim
// configuring-wso2-identity-server-as-a-key-manager.md).
func TestSetLiteralFindings(t *testing.T) {
	apim := txtardir.Write(t, map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n\n[[apim.gateway.environment]]\nname = \"Default\"\n" +
		"ws_endpoint = \"ws://localhost:9099\"\nwss_endpoint = \"wss://localhost:8099\"\nkm = \"https://localhost:9444\"\n"})
	got, _ := setFindings(t, apim, "set", "2", "--home", apim, "--product", "apim-4")
	want := []found{
		{"literal-port-stale", "repository/conf/deployment.toml:6", "ws://localhost:9099 (apim.gateway.environment.ws_endpoint) keeps port 9099, this server's at offset 0: if it means this server, at offset 2 it listens on 9101; if it means another server at offset 0, it is right",
			"write 9101 if the URL is this server's; leave it if it is another server's"},
		{"literal-port-stale", "repository/conf/deployment.toml:7", "wss://localhost:8099 (apim.gateway.environment.wss_endpoint) keeps port 8099, this server's at offset 0: if it means this server, at offset 2 it listens on 8101; if it means another server at offset 0, it is right",
			"write 8101 if the URL is this server's; leave it if it is another server's"},
		// An Identity Server as Key Manager at offset 1, not given: most
		// likely this server's at 1, left behind, or a server not given.
		{"literal-port-stale", "repository/conf/deployment.toml:8", "https://localhost:9444 (apim.gateway.environment.km) keeps port 9444, where no server given listens: most likely this server's at offset 1, left behind (at offset 2 it listens on 9445), or a server's not given",
			"write 9445 if the URL is this server's; if it is another server's, check the two together"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("without --shift-literals (-want +got):\n%s", d)
	}
	// Unchanged, the URLs are this server's ports as they are: notes; and
	// the Key Manager's, as above.
	got, _ = setFindings(t, apim, "set", "0", "--home", apim, "--product", "apim-4")
	if len(got) != 3 || got[0].Code != string(judge.LiteralPort) || got[1].Code != string(judge.LiteralPort) || got[2].Code != string(judge.LiteralPortStale) {
		t.Errorf("offset unchanged: %+v", got)
	}

	am := txtardir.Write(t, map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n"})
	is := txtardir.Write(t, map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 1\n\n[x]\napim = \"https://localhost:9443/services/\"\nself = \"https://localhost:9444/oauth2/token\"\nold = \"http://localhost:9763/x\"\n"})
	code, stdout, stderr := runCLI(t, "set", "3", "--home", am, "--home", is, "--product", "is", "--shift-literals", "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var r setReport
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Diff, "+self = \"https://localhost:9446/oauth2/token\"") || strings.Contains(r.Diff, "+apim =") {
		t.Errorf("diff:\n%s", r.Diff)
	}
	var codes []string
	for _, f := range r.Findings {
		codes = append(codes, string(f.Code)+" "+itoa(f.Line))
	}
	// 9446 (line 6) is this server's port at offset 3, as --shift-literals
	// wrote it: a note.
	if d := cmp.Diff([]string{"literal-port-other 5", "literal-port 6", "literal-port-other 7"}, codes); d != "" {
		t.Errorf("IS beside API Manager (-want +got):\n%s", d)
	}
	for _, note := range []string{
		is + "/repository/conf/deployment.toml:5:27: https://localhost:9443 (x.apim) is " + am + "'s port",
		is + "/repository/conf/deployment.toml:7:25: http://localhost:9763 (x.old) is " + am + "'s port",
	} {
		if !strings.Contains(stderr, "apim-offset: "+note) {
			t.Errorf("stderr %q lacks %q", stderr, note)
		}
	}
	// IS alone: its 9443 and 9763 are defaults while the file has offset
	// 1, left behind by a change without the flag or another server's at
	// 0; no server given claims them, and asking for the shift says they
	// are this server's: they move too.
	got, r = setFindings(t, is, "set", "3", "--home", is, "--product", "is", "--shift-literals")
	codes = nil
	for _, f := range got {
		codes = append(codes, f.Code+" "+f.Where)
	}
	if d := cmp.Diff([]string{"literal-port repository/conf/deployment.toml:5", "literal-port repository/conf/deployment.toml:6", "literal-port repository/conf/deployment.toml:7"}, codes); d != "" {
		t.Errorf("IS alone (-want +got):\n%s", d)
	}
	if !strings.Contains(r.Diff, "+apim = \"https://localhost:9446/services/\"") || !strings.Contains(r.Diff, "+old = \"http://localhost:9766/x\"") {
		t.Errorf("IS alone, diff:\n%s", r.Diff)
	}
}

// TestSetIdentityServerFinding: an Identity Server that has run keeps its
// callback URLs with the old port (wso2/product-is#10514, #7588): set says
// so with WSO2's fix at the new port; a fresh home and API Manager do not.
func TestSetIdentityServerFinding(t *testing.T) {
	for _, tt := range []struct {
		name, id string
		files    map[string]string
		warn     bool
	}{
		// A fresh pack ships its H2 databases (product-is v7.1.0
		// modules/distribution/src/assembly/bin.xml): no sign of a start.
		{"fresh IS with its H2 database", "is", map[string]string{"repository/database/WSO2IDENTITY_DB.mv.db": "x"}, false},
		{"IS that has run (wso2carbon.pid)", "is", map[string]string{"wso2carbon.pid": "4242\n"}, true},
		{"IS that has run (logs)", "is", map[string]string{"repository/logs/wso2carbon.log": "x"}, true},
		{"fresh IS", "is", nil, false},
		{"API Manager that has run", "apim-4", map[string]string{"repository/logs/wso2carbon.log": "x"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"repository/conf/deployment.toml": "[server]\nhostname = \"localhost\"\n"}
			for k, v := range tt.files {
				files[k] = v
			}
			home := txtardir.Write(t, files)
			got, _ := setFindings(t, home, "set", "2", "--home", home, "--product", tt.id)
			var is []found
			for _, f := range got {
				if f.Code == string(judge.ISStoredURLs) {
					is = append(is, f)
				}
			}
			if !tt.warn {
				if is != nil {
					t.Errorf("findings %+v", is)
				}
				return
			}
			if len(is) != 1 || !strings.Contains(is[0].Fix, "[console] callback_url = \"regexp=(https://localhost:9445/console") || !strings.Contains(is[0].Message, "Registered callback does not match") {
				t.Errorf("findings %+v", is)
			}
		})
	}
}

// TestSetChartValueFinding: a Helm template whose offset is a chart value:
// the chart adds the same value to its probes and ports (wso2/helm-apim
// templates/am/instance-1/wso2am-deployment.yaml: add 9443
// .Values.wso2.apim.portOffset); set suggests the value, and what it is.
func TestSetChartValueFinding(t *testing.T) {
	dir := txtardir.Write(t, map[string]string{
		"chart/Chart.yaml":            "apiVersion: v2\nname: am\n",
		"chart/values.yaml":           "wso2:\n  apim:\n    portOffset: 0\n",
		"chart/confs/deployment.toml": "[server]\nhostname = \"{{ .Values.host }}\"\noffset = {{ .Values.wso2.apim.portOffset }}\n",
	})
	file := filepath.Join(dir, "chart", "confs", "deployment.toml")
	got, _ := setFindings(t, dir, "set", "3", "--file", file, "--template")
	want := []found{
		{"placeholder-replaced", "chart/confs/deployment.toml:3", "server.offset was {{ .Values.wso2.apim.portOffset }}, which the template fills in when it is rendered; the number 3 replaces it", ""},
		{"chart-value", "chart/confs/deployment.toml:3", "the offset was {{ .Values.wso2.apim.portOffset }}, a chart value: the chart adds the same value to its probes and ports (wso2/helm-apim wso2am-deployment.yaml: add 9443 .Values.wso2.apim.portOffset), and 3 here leaves them behind",
			"set wso2.apim.portOffset: 3 in the chart's values (0 now, " + filepath.Join(dir, "chart", "values.yaml") + ":3) and keep the placeholder in the template"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// Kept as a placeholder, the chart stays in step: a note of what it is.
	got, _ = setFindings(t, dir, "set", "3", "--file", file, "--template", "--keep-placeholder")
	if len(got) != 2 || got[0].Code != string(judge.PlaceholderKept) || got[1].Code != string(judge.PlaceholderTemplate) {
		t.Errorf("with --keep-placeholder: %+v", got)
	}
}

// TestSetFindingsAreDoctors: what set --dry-run --json reports of a change
// is what doctor reports of the home once the change is written, code for
// code (the checks of the file and its settings; doctor also reads the
// running server and the ports in use). The homes: WSO2's APIM 4.5 default
// (four literal URLs), one with -DportOffset in its start script, and one
// whose file was at offset 3, whose URL doctor reads as this server's port
// at offset 3, left behind.
func TestSetFindingsAreDoctors(t *testing.T) {
	real45, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "golden", "real-apim-4.5.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var conf string
	for _, f := range txtar.Parse(real45).Files {
		if f.Name == "input.toml" {
			conf = string(f.Data)
		}
	}
	for _, tt := range []struct {
		name  string
		files map[string]string
		n     string
	}{
		{"the APIM 4.5 default", map[string]string{"repository/conf/deployment.toml": conf}, "2"},
		{"-DportOffset in the start script", map[string]string{"repository/conf/deployment.toml": conf, "bin/api-manager.sh": "JAVA_OPTS=\"-DportOffset=5\"\n"}, "2"},
		{"URLs at offset 3", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 3\n[apim.throttling]\nservice_url = \"https://localhost:9446/services/\"\n"}, "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			home := txtardir.Write(t, tt.files)
			_, r := setFindings(t, home, "set", tt.n, "--home", home, "--product", "apim-4")
			var set []string
			for _, f := range r.Findings {
				set = append(set, string(f.Code))
			}
			if code, _, stderr := runCLI(t, "set", tt.n, "--home", home, "--product", "apim-4", "--yes"); code != 0 {
				t.Fatalf("set --yes: %d %s", code, stderr)
			}
			_, stdout, _ := runCLI(t, "doctor", "--home", home, "--product", "apim-4", "--json")
			var report doctorReport
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatal(err)
			}
			var doctor []string
			for _, f := range report.Findings {
				if f.Check != "running" && f.Check != "port-in-use" {
					doctor = append(doctor, string(f.Code))
				}
			}
			if d := cmp.Diff(doctor, set); d != "" || len(set) == 0 {
				t.Errorf("set's codes (+) against doctor's after the change (-):\n%s", d)
			}
			t.Logf("codes: %v", set)
		})
	}
}
