package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/testing/txtardir"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/google/go-cmp/cmp"
)

// buildAs makes a home of product id from files, as build does.
func buildAs(t *testing.T, id string, files map[string]string) home {
	t.Helper()
	p, ok := wso2.Lookup(id)
	if !ok {
		t.Fatalf("no product %s", id)
	}
	dir := txtardir.Write(t, files)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	file := filepath.Join(dir, filepath.FromSlash(p.Config))
	src, _ := os.ReadFile(file)
	return home{Place: server.Place{Home: dir, Path: file, Product: p, Known: true}, Dir: dir, File: file, Src: src}
}

// bootstrap is the java command a start script runs, with jvm before the
// main class and args after it (product-apim v3.2.0 wso2server.sh: ...
// org.wso2.carbon.bootstrap.Bootstrap $*).
func bootstrap(pid int, dir string, jvm, args []string) server.Process {
	a := append([]string{"java"}, jvm...)
	a = append(a, "-Dcarbon.home="+dir, "org.wso2.carbon.bootstrap.Bootstrap")
	return server.Process{PID: pid, Args: append(a, args...)}
}

// TestKernelOrder: kernels 4.5.1 and 4.6.0 (API Manager 3.0-3.2, Identity
// Server 5.9-5.10) and Micro Integrator load carbon.properties in
// Bootstrap, before Main reads its arguments (wso2/carbon-kernel v4.6.0
// core/org.wso2.carbon.bootstrap/src/main/java/org/wso2/carbon/bootstrap/Bootstrap.java
// addSystemProperties, then core/org.wso2.carbon.server/.../Main.java
// processCmdLineArgs; wso2/micro-integrator v4.3.0
// components/org.wso2.micro.integrator.bootstrap/.../Bootstrap.java, then
// components/org.wso2.micro.integrator.server/.../Main.java): the
// documented ./wso2server.sh -DportOffset=3 wins over it, while a JVM option
// (JAVA_OPTS) is replaced by it. Kernel 4.6.1+ (v4.6.1 Main.java
// addSystemProperties after processCmdLineArgs) applies it after.
func TestKernelOrder(t *testing.T) {
	props := map[string]string{"repository/conf/deployment.toml": toml2, "repository/conf/carbon.properties": "portOffset=5\n"}
	tests := []struct {
		name  string
		id    string
		files map[string]string
		env   func(string) string
		args  []string
		want  summary
	}{
		{"APIM 3.2: a start argument beats carbon.properties", "apim-3", props, nil, []string{"-DportOffset=3"},
			summary{3, true, "pid 10 -DportOffset=3", "2"}},
		{"APIM 3.2: carbon.properties replaces a JAVA_OPTS -DportOffset", "apim-3", props, env("JAVA_OPTS", "-DportOffset=6"), nil,
			summary{5, true, "repository/conf/carbon.properties:1 portOffset=5", "2"}},
		{"MI 4.3: a start argument beats carbon.properties", "mi",
			map[string]string{"conf/deployment.toml": toml2, "conf/carbon.properties": "portOffset=5\n"}, nil, []string{"-DportOffset=3"},
			summary{3, true, "pid 10 -DportOffset=3", "2"}},
		{"IS 5.10 (kernel 4.6.0): a start argument beats carbon.properties", "is",
			map[string]string{"repository/conf/deployment.toml": toml2, "repository/conf/carbon.properties": "portOffset=5\n", "bin/version.txt": "WSO2 Identity Server v5.10.0\n"}, nil, []string{"-DportOffset=3"},
			summary{3, true, "pid 10 -DportOffset=3", "2"}},
		{"IS 5.11 (kernel 4.6.1): [system.parameter] beats a start argument", "is",
			map[string]string{"repository/conf/deployment.toml": toml2 + "\n[system.parameter]\nportOffset = 5\n", "bin/version.txt": "WSO2 Identity Server v5.11.0\n"}, nil, []string{"-DportOffset=3"},
			summary{5, true, "repository/conf/deployment.toml:5 portOffset = 5", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := buildAs(t, tt.id, tt.files)
			m := server.Machine{Getenv: tt.env}
			if tt.args != nil {
				m.Processes = []server.Process{bootstrap(10, h.Dir, nil, tt.args)}
			}
			if d := cmp.Diff(tt.want, summarize(h, resolve(h, m))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestCarbonPropertiesOverwritten: from kernel 4.6.1 carbon.properties is
// a config-mapper output (kernel
// distribution/kernel/carbon-home/repository/resources/conf/templates/repository/conf/carbon.properties.j2),
// rendered again from [system.parameter] at the next start: a portOffset
// written there by hand does not decide the offset, and is reported.
func TestCarbonPropertiesOverwritten(t *testing.T) {
	h := build(t, map[string]string{"repository/conf/deployment.toml": toml2, "repository/conf/carbon.properties": "portOffset=5\n"})
	r := resolve(h, server.Machine{})
	if r.Offset != 2 || r.Decided != nil || len(r.Overwritten) != 1 || r.Overwritten[0].Value != "5" {
		t.Errorf("offset %d decided by %+v, overwritten %+v; want the file's 2 and portOffset=5 overwritten", r.Offset, r.Decided, r.Overwritten)
	}
	// The rendering of [system.parameter] is no hand edit.
	h = build(t, map[string]string{"repository/conf/deployment.toml": toml2 + "\n[system.parameter]\nportOffset = 5\n", "repository/conf/carbon.properties": "portOffset=5\n"})
	if r := resolve(h, server.Machine{}); r.Offset != 5 || len(r.Overwritten) != 0 || len(r.Overrides) != 1 {
		t.Errorf("rendered: offset %d, overrides %+v, overwritten %+v", r.Offset, r.Overrides, r.Overwritten)
	}
}

// TestLaunchersOfThisSystem: only the product's own start scripts, in the
// form of this system, and what they source start the server: a
// -DportOffset in bin/api-manager.bat is not an override on Linux, nor one
// in an unrelated script of bin/ (product-apim v4.5.0
// all-in-one-apim/modules/distribution/product/src/main/startup-scripts/
// api-manager.sh and api-manager.bat).
func TestLaunchersOfThisSystem(t *testing.T) {
	files := map[string]string{
		"repository/conf/deployment.toml": toml2,
		"bin/api-manager.sh":              "#!/bin/sh\n. \"$CARBON_HOME/bin/setenv.sh\"\n",
		"bin/setenv.sh":                   "JAVA_OPTS=\"$JAVA_OPTS -Dtomcat.https.port=9500\"\n",
		"bin/api-manager.bat":             "set JAVA_OPTS=-DportOffset=7\n",
		"bin/backup-tool.sh":              "java -DportOffset=8 -jar tool.jar\n",
	}
	h := build(t, files)
	r := resolve(h, server.Machine{OS: "linux"})
	if r.Offset != 2 || r.Decided != nil {
		t.Errorf("linux: offset %d decided by %+v; want the file's 2", r.Offset, r.Decided)
	}
	if len(r.Pins) != 1 || r.Pins[0].Where(h.Dir) != "bin/setenv.sh:1" {
		t.Errorf("linux: the sourced setenv.sh's pin not read: %+v", r.Pins)
	}
	if r := resolve(h, server.Machine{OS: "windows"}); r.Offset != 7 {
		t.Errorf("windows: offset %d, want api-manager.bat's 7", r.Offset)
	}
}

// TestSymlinkedHome: a server started through a link to its home gets the
// logical path as -Dcarbon.home (the scripts do cd "$PRGDIR/.."; pwd:
// product-apim startup-scripts/api-manager.sh): it is found.
func TestSymlinkedHome(t *testing.T) {
	h := build(t, map[string]string{"repository/conf/deployment.toml": toml2, "bin/api-manager.sh": "#!/bin/sh\n"})
	link := filepath.Join(t.TempDir(), "wso2am")
	if err := os.Symlink(h.Dir, link); err != nil {
		t.Skip(err)
	}
	m := server.Machine{Processes: []server.Process{bootstrap(20, link, nil, []string{"-DportOffset=4"})}}
	if r := resolve(h, m); r.Offset != 4 || len(r.Processes) != 1 {
		t.Errorf("offset %d, processes %+v; want the linked process's 4", r.Offset, r.Processes)
	}
	if got := server.Servers(h.Dir, m.Processes); len(got) != 1 {
		t.Errorf("Servers found %d", len(got))
	}
	// The start script run by its path through the link.
	m = server.Machine{Processes: []server.Process{{PID: 21, Args: []string{"sh", filepath.Join(link, "bin", "api-manager.sh"), "-DportOffset=6"}}}}
	if r := resolve(h, m); r.Offset != 6 {
		t.Errorf("script through the link: offset %d, want 6", r.Offset)
	}
}

// TestEnvSetEmpty: $env{X} with X set to "" resolves to "" (wso2/config-mapper
// ReferenceResolver, System.getenv), which Integer.parseInt refuses: the
// server stops. Not "unset".
func TestEnvSetEmpty(t *testing.T) {
	h := build(t, map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$env{PORT_OFFSET}\"\n"})
	lookup := func(k string) (string, bool) { return "", k == "PORT_OFFSET" }
	r := resolve(h, server.Machine{LookupEnv: lookup})
	want := `2:10: server.offset is "$env{PORT_OFFSET}", and PORT_OFFSET gives "", not a whole number`
	if r.File.Err == nil || r.File.Err.Error() != want {
		t.Errorf("got %v, want %s", r.File.Err, want)
	}
}

// TestAvoidConfigUpdate: a bare -DavoidConfigUpdate argument is "true"
// (kernel Main.processCmdLineArgs); config-mapper is then skipped and the
// server reads carbon.xml as last rendered, <Ports><Offset> with its
// entities decoded (kernel CarbonUtils.getPortFromServerConfig).
func TestAvoidConfigUpdate(t *testing.T) {
	h := build(t, map[string]string{
		"repository/conf/deployment.toml": toml2,
		"repository/conf/carbon.xml":      "<?xml version=\"1.0\"?>\n<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n  <Ports>\n    <Offset>&#53;</Offset>\n  </Ports>\n</Server>\n",
	})
	m := server.Machine{Processes: []server.Process{bootstrap(30, h.Dir, nil, []string{"-DavoidConfigUpdate"})}}
	r := resolve(h, m)
	if len(r.AvoidConfigUpdate) != 1 {
		t.Fatalf("a bare -DavoidConfigUpdate argument not counted: %+v", r.AvoidConfigUpdate)
	}
	if r.Offset != 5 || r.Decided == nil || r.Decided.Kind != server.CarbonXML || r.Decided.Where(h.Dir) != "repository/conf/carbon.xml:4" {
		t.Errorf("offset %d decided by %+v; want carbon.xml's 5", r.Offset, r.Decided)
	}
	// A bare JVM option is "", not true.
	m = server.Machine{Processes: []server.Process{bootstrap(31, h.Dir, []string{"-DavoidConfigUpdate"}, nil)}}
	if r := resolve(h, m); len(r.AvoidConfigUpdate) != 0 || r.Offset != 2 {
		t.Errorf("a bare JVM option counted: %+v, offset %d", r.AvoidConfigUpdate, r.Offset)
	}
}

// TestSysFromJavaOpts: $sys{x} resolves from a -Dx= in JAVA_OPTS of this
// environment, which the start scripts put on the java command line
// (config-mapper ReferenceResolver, System.getProperty).
func TestSysFromJavaOpts(t *testing.T) {
	h := build(t, map[string]string{"repository/conf/deployment.toml": "[server]\noffset = \"$sys{apim.offset}\"\n"})
	r := resolve(h, server.Machine{Getenv: env("JAVA_OPTS", "-Xmx1g -Dapim.offset=4")})
	if r.Offset != 4 || !r.File.Set {
		t.Errorf("offset %d (%v), want 4 from JAVA_OPTS", r.Offset, r.File.Err)
	}
	// A file outside a home: this environment's JAVA_OPTS still resolves
	// $sys{x}, as this environment resolves $env{X}; it overrides nothing.
	loose := home{Place: server.Place{Path: "x.toml", Product: wso2.Default}, Src: []byte("[server]\noffset = \"$sys{apim.offset}\"\n")}
	r = resolve(loose, server.Machine{Getenv: env("JAVA_OPTS", "-Dapim.offset=4 -DportOffset=9")})
	if r.Offset != 4 || !r.File.Set || r.Decided != nil {
		t.Errorf("no home: offset %d (%v) decided by %+v, want 4 from JAVA_OPTS", r.Offset, r.File.Err, r.Decided)
	}
}

// TestCarbonHomeExported: an exported CARBON_HOME makes every WSO2 start
// script start that home ([ -z "$CARBON_HOME" ] && CARBON_HOME=...:
// product-apim v4.5.0 startup-scripts/api-manager.sh).
func TestCarbonHomeExported(t *testing.T) {
	h := build(t, map[string]string{"repository/conf/deployment.toml": toml2})
	r := resolve(h, server.Machine{Getenv: env("CARBON_HOME", "/opt/wso2am-4.5.0")})
	if r.CarbonHome == nil || !strings.HasSuffix(r.CarbonHome.Text, "=/opt/wso2am-4.5.0") {
		t.Errorf("CARBON_HOME not read: %+v", r.CarbonHome)
	}
}
