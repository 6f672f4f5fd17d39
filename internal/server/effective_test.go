package server_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/txtardir"

	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/google/go-cmp/cmp"
)

// build makes a home of API Manager 4.x from files (path: content) and
// returns it with its deployment.toml read.
func build(t *testing.T, files map[string]string) home {
	t.Helper()
	dir := txtardir.Write(t, files)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	file := filepath.Join(dir, "repository", "conf", "deployment.toml")
	src, _ := os.ReadFile(file)
	return home{Place: server.Place{Home: dir, Path: file, Product: wso2.Default, Known: true}, Dir: dir, File: file, Src: src}
}

// home is a server's place and its file's bytes.
type home struct {
	server.Place
	Dir, File string
	Src       []byte
}

// resolve loads h and returns the offset it runs at on m.
func resolve(h home, m server.Machine) server.Effective {
	return server.Load(h.Place, h.Src, patcher.Auto, m).Effective
}

// summary is what a test compares: the offset, whether known, and the
// deciding source as Where names it with its text.
type summary struct {
	Offset  int
	Known   bool
	Decided string // "" when the file decides
	File    string // the file's own offset: a number, "-" when none, or the error
}

func summarize(h home, r server.Effective) summary {
	s := summary{Offset: r.Offset, Known: r.Known, File: "-"}
	if r.Decided != nil {
		s.Decided = r.Decided.Where(h.Dir) + " " + r.Decided.Text
	}
	switch {
	case r.File.Err != nil:
		s.File = r.File.Err.Error()
	case r.File.Set:
		s.File = itoa(r.File.Offset)
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

const toml2 = "[server]\noffset = 2\n"

// TestPrecedence follows WSO2's order: carbon.properties and
// [system.parameter] (kernel Main.addSystemProperties, applied after the
// command line) > -DportOffset on the command line, JAVA_OPTS, JVM_MEM_OPTS
// (product-apim startup-scripts/api-manager.sh) > [server] offset (kernel
// carbon.xml.j2) > the default.
func TestPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   func(string) string
		procs func(dir string) []server.Process
		want  summary
	}{
		{"the file decides without overrides (kernel carbon.xml.j2 server.offset)",
			map[string]string{"repository/conf/deployment.toml": toml2}, nil, nil,
			summary{2, true, "", "2"}},
		{"commented offset: the default (product-apim default deployment.toml #offset=0)",
			map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n"}, nil, nil,
			summary{0, true, "", "-"}},
		{"-DportOffset in a start script line (product-apim api-manager.sh JAVA_OPTS)",
			map[string]string{"repository/conf/deployment.toml": toml2, "bin/api-manager.sh": "#!/bin/sh\n# -DportOffset=9 commented\nJAVA_OPTS=\"$JAVA_OPTS -DportOffset=5\"\n"}, nil, nil,
			summary{5, true, "bin/api-manager.sh:3 -DportOffset=5", "2"}},
		{"JAVA_OPTS beats JVM_MEM_OPTS: the script puts JAVA_OPTS after it on the java command line",
			map[string]string{"repository/conf/deployment.toml": toml2}, env("JAVA_OPTS", "-DportOffset=6", "JVM_MEM_OPTS", "-Xmx1g -DportOffset=7"), nil,
			summary{6, true, "JAVA_OPTS -DportOffset=6", "2"}},
		{"JVM_MEM_OPTS is on the java command line (product-apim api-manager.sh)",
			map[string]string{"repository/conf/deployment.toml": toml2}, env("JVM_MEM_OPTS", "-Xms256m -DportOffset=7"), nil,
			summary{7, true, "JVM_MEM_OPTS -DportOffset=7", "2"}},
		{"JVM_OPTS is never read by product-apim's start scripts",
			map[string]string{"repository/conf/deployment.toml": toml2}, env("JVM_OPTS", "-DportOffset=7"), nil,
			summary{2, true, "", "2"}},
		{"a running process's command line: the last -DportOffset wins (kernel Main.processCmdLineArgs)",
			map[string]string{"repository/conf/deployment.toml": toml2}, nil,
			func(dir string) []server.Process {
				return []server.Process{{PID: 77, Args: []string{"java", "-DportOffset=3", "-Dcarbon.home=" + dir, "org.wso2.carbon.bootstrap.Bootstrap", "-DportOffset=4"}}}
			},
			summary{4, true, "pid 77 -DportOffset=4", "2"}},
		{"another home's process does not count",
			map[string]string{"repository/conf/deployment.toml": toml2}, nil,
			func(string) []server.Process {
				return []server.Process{{PID: 78, Args: []string{"java", "-Dcarbon.home=/opt/other", "-DportOffset=4"}}}
			},
			summary{2, true, "", "2"}},
		{"[system.parameter] portOffset beats -DportOffset (kernel carbon.properties.j2, Main.addSystemProperties)",
			map[string]string{"repository/conf/deployment.toml": toml2 + "\n[system.parameter]\nportOffset = 8\n"}, env("JAVA_OPTS", "-DportOffset=6"), nil,
			summary{8, true, "repository/conf/deployment.toml:5 portOffset = 8", "2"}},
		{"kernel 4.6.1+: carbon.properties written by hand is rendered over from [system.parameter] at the next start: -DportOffset decides (kernel carbon.properties.j2)",
			map[string]string{"repository/conf/deployment.toml": toml2, "repository/conf/carbon.properties": "# rendered\nportOffset=9\n"}, env("JAVA_OPTS", "-DportOffset=6"), nil,
			summary{6, true, "JAVA_OPTS -DportOffset=6", "2"}},
		{"carbon.properties as it stands beats -DportOffset when -DavoidConfigUpdate skips config-mapper (kernel Main.addSystemProperties)",
			map[string]string{"repository/conf/deployment.toml": toml2, "repository/conf/carbon.properties": "# rendered\nportOffset=9\n"}, env("JAVA_OPTS", "-DportOffset=6 -DavoidConfigUpdate=true"), nil,
			summary{9, true, "repository/conf/carbon.properties:2 portOffset=9", "2"}},
		{"carbon.properties 'portOffset : 9' as java.util.Properties reads it",
			map[string]string{"repository/conf/deployment.toml": toml2, "repository/conf/carbon.properties": "portOffset : 9\n"}, env("JAVA_OPTS", "-DavoidConfigUpdate=true"), nil,
			summary{9, true, "repository/conf/carbon.properties:1 portOffset : 9", "2"}},
		{"an override Integer.parseInt refuses: unknown",
			map[string]string{"repository/conf/deployment.toml": toml2, "bin/api-manager.sh": "JAVA_OPTS=\"-DportOffset=$OFFSET\"\n"}, nil, nil,
			summary{2, false, "bin/api-manager.sh:1 -DportOffset=$OFFSET", "2"}},
		{"$env{X} from the environment (config-mapper ReferenceResolver)",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$env{PORT_OFFSET}\"\n"}, env("PORT_OFFSET", "4"), nil,
			summary{4, true, "", "4"}},
		{"$env{X} unset stops config-mapper (ReferenceResolver: not defined in system)",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$env{PORT_OFFSET}\"\n"}, nil, nil,
			summary{0, false, "", `2:10: server.offset is "$env{PORT_OFFSET}", and PORT_OFFSET is not set in this environment`}},
		{"$env{X} not a number",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$env{PORT_OFFSET}\"\n"}, env("PORT_OFFSET", "two"), nil,
			summary{0, false, "", `2:10: server.offset is "$env{PORT_OFFSET}", and PORT_OFFSET gives "two", not a whole number`}},
		{"$sys{X} from a -DX= in a start script (ReferenceResolver System.getProperty)",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$sys{apim.offset}\"\n", "bin/api-manager.sh": "JAVA_OPTS=\"-Dapim.offset=3\"\n"}, nil, nil,
			summary{3, true, "", "3"}},
		{"$sys{X} is resolved before carbon.properties is applied: it does not count",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$sys{apim.offset}\"\n", "repository/conf/carbon.properties": "apim.offset=3\n"}, nil, nil,
			summary{0, false, "", `2:10: server.offset is "$sys{apim.offset}", and no -Dapim.offset= is set where apim-offset can see it`}},
		{"${X} from the environment at run time (kernel ServerConfiguration.replaceSystemProperty)",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"${APIM_OFFSET}\"\n"}, env("APIM_OFFSET", "5"), nil,
			summary{5, true, "", "5"}},
		{"${X} from [system.parameter], rendered into carbon.properties (ServerConfiguration reads after Main.addSystemProperties)",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"${apim.offset}\"\n\n[system.parameter]\n'apim.offset' = 6\n"}, nil, nil,
			summary{6, true, "", "6"}},
		{"an unresolved placeholder with an override that decides",
			map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$env{PORT_OFFSET}\"\n"}, env("JAVA_OPTS", "-DportOffset=3"), nil,
			summary{3, true, "JAVA_OPTS -DportOffset=3", `2:10: server.offset is "$env{PORT_OFFSET}", and PORT_OFFSET is not set in this environment`}},
		{"-Ddeployment.config.file.path=F: the offset comes from F (kernel Main.handleConfiguration)",
			map[string]string{"repository/conf/deployment.toml": toml2, "conf2/deployment.toml": "[server]\noffset = 11\n", "bin/api-manager.sh": "JAVA_OPTS=\"-Ddeployment.config.file.path=conf2/deployment.toml\"\n"}, nil, nil,
			summary{11, true, "", "11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := build(t, tt.files)
			m := server.Machine{Getenv: tt.env}
			if tt.procs != nil {
				m.Processes = tt.procs(h.Dir)
			}
			got := summarize(h, resolve(h, m))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestSources(t *testing.T) {
	h := build(t, map[string]string{
		"repository/conf/deployment.toml":   toml2,
		"repository/conf/carbon.properties": "portOffset=9\n",
		"bin/api-manager.sh":                "JAVA_OPTS=\"-DportOffset=5 -Dtomcat.https.port=9500 -DavoidConfigUpdate=true\"\n",
	})
	r := resolve(h, server.Machine{Getenv: env("JAVA_OPTS", "-DportOffset=6 -Dtomcat.http.port=9800", "JVM_OPTS", "-DportOffset=1")})
	var got []string
	for _, s := range r.Overrides {
		got = append(got, "override "+s.Where(h.Dir)+" "+s.Value)
	}
	for _, s := range r.Ignored {
		got = append(got, "ignored "+s.Where(h.Dir)+" "+s.Value)
	}
	for _, s := range r.Pins {
		got = append(got, "pin "+s.Where(h.Dir)+" "+s.Text)
	}
	for _, s := range r.AvoidConfigUpdate {
		got = append(got, "avoid "+s.Where(h.Dir))
	}
	want := []string{
		"override repository/conf/carbon.properties:1 9",
		"override bin/api-manager.sh:1 5",
		"override JAVA_OPTS 6",
		"ignored JVM_OPTS 1",
		"pin bin/api-manager.sh:1 -Dtomcat.https.port=9500",
		"pin JAVA_OPTS -Dtomcat.http.port=9800",
		"avoid bin/api-manager.sh:1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestConfigFileMissing: a -Ddeployment.config.file.path that names no file
// here is reported, and the home's file is still read.
func TestConfigFileMissing(t *testing.T) {
	h := build(t, map[string]string{"repository/conf/deployment.toml": toml2})
	r := resolve(h, server.Machine{Getenv: env("JAVA_OPTS", "-Ddeployment.config.file.path=/nonexistent/deployment.toml")})
	if r.ConfigFile == nil || r.ConfigFile.Value != "/nonexistent/deployment.toml" || !r.ConfigFileMissing || r.Offset != 2 || r.File.Path != h.File {
		t.Errorf("got config file %+v, missing %v, offset %d from %s", r.ConfigFile, r.ConfigFileMissing, r.Offset, r.File.Path)
	}
}

// TestNoHome: a file outside a home has no scripts, processes or
// environment that are its own: only the file counts.
func TestNoHome(t *testing.T) {
	r := resolve(home{Place: server.Place{Path: "x.toml", Product: wso2.Default}, Src: []byte(toml2)}, server.Machine{Getenv: env("JAVA_OPTS", "-DportOffset=6")})
	if r.Offset != 2 || r.Decided != nil {
		t.Errorf("offset %d decided by %+v, want the file's 2", r.Offset, r.Decided)
	}
}

func TestParseInt(t *testing.T) {
	// Integer.parseInt: sign and digits within 32 bits; " 2", "2.0", ""
	// and "true" throw NumberFormatException.
	for s, want := range map[string]bool{"2": true, "+2": true, "-1": true, "2147483647": true, "2147483648": false, " 2": false, "2.0": false, "": false, "true": false, "0x2": false} {
		if _, ok := server.ParseInt(s); ok != want {
			t.Errorf("ParseInt(%q) ok = %v, want %v", s, ok, want)
		}
	}
}
