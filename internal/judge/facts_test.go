package judge_test

import (
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/google/go-cmp/cmp"
)

// procs is a fakeSystem whose processes run from dir: the java command a
// start script runs, args after its main class.
func procs(dir string, args ...string) fakeSystem {
	a := []string{"java", "-Dcarbon.home=" + dir, "org.wso2.carbon.bootstrap.Bootstrap"}
	return fakeSystem{procs: []judge.Process{{PID: 41, Args: append(a, args...)}}}
}

// TestDocumentedStart: ./api-manager.sh -DportOffset=3 is the documented
// start (docs "Changing the Default Ports with Offset", API Manager
// 3.0-4.7): doctor reports the offset the server runs at; a file offset the
// property hides is a warning, and none hidden only a note.
func TestDocumentedStart(t *testing.T) {
	set := build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n"})
	none := build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n"})
	for _, tt := range []struct {
		h    Home
		want []string
	}{
		{set, []string{"warning override-differs: -DportOffset=3 overrides the file's offset 2: the server runs at offset 3 | fix: restart the server without it (process 41 was started with it): a -DportOffset system property wins over deployment.toml"}},
		{none, []string{"note override-differs: -DportOffset=3 overrides the default offset 0 (the file sets none): the server runs at offset 3 | fix: restart the server without it (process 41 was started with it): a -DportOffset system property wins over deployment.toml"}},
	} {
		got := short(check([]Home{tt.h}, procs(tt.h.Dir, "-DportOffset=3")), nil, "port-offset-override")
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	}
}

// TestKernelOrderFinding: on API Manager 3.x (kernel 4.6.0: wso2/carbon-kernel
// v4.6.0 Bootstrap.addSystemProperties before Main.processCmdLineArgs) a
// start argument wins over carbon.properties, which is then only a note
// that says why.
func TestKernelOrderFinding(t *testing.T) {
	h := build(t, "apim-3", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n", "repository/conf/carbon.properties": "portOffset=5\n"})
	got := short(check([]Home{h}, procs(h.Dir, "-DportOffset=3")), nil, "port-offset-override")
	want := []string{
		"warning override-differs: -DportOffset=3 overrides the file's offset 2: the server runs at offset 3 | fix: restart the server without it (process 41 was started with it): a -DportOffset system property wins over deployment.toml",
		"note override-shadowed: portOffset=5 also sets the offset, but pid 41 (-DportOffset=3) wins over it | fix: remove it from carbon.properties (and from [system.parameter] in deployment.toml, which is rendered into it): this version's kernel loads carbon.properties before the command line (Bootstrap), so it wins over deployment.toml and JAVA_OPTS, and a -DportOffset given to the start script wins over it",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestCarbonXMLAndHome: with config-mapper skipped by a bare
// -DavoidConfigUpdate argument (kernel Main.processCmdLineArgs makes it
// true), carbon.xml's <Ports><Offset> is the offset; an exported
// CARBON_HOME naming another home is a warning (product-apim
// startup-scripts/api-manager.sh keeps a CARBON_HOME that is set).
func TestCarbonXMLAndHome(t *testing.T) {
	h := build(t, "apim-4", map[string]string{
		"repository/conf/deployment.toml": "[server]\noffset = 2\n",
		"repository/conf/carbon.xml":      "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\"><Ports><Offset>&#53;</Offset></Ports></Server>\n",
	})
	sys := procs(h.Dir, "-DavoidConfigUpdate")
	sys.env = map[string]string{"CARBON_HOME": "/opt/wso2am-4.5.0"}
	got := short(check([]Home{h}, sys), nil, "port-offset-override", "avoid-config-update", "carbon-home")
	want := []string{
		"warning override-differs: carbon.xml's <Offset>5</Offset> overrides the file's offset 2: the server runs at offset 5 | fix: remove -DavoidConfigUpdate so that deployment.toml is rendered again (or set the offset in carbon.xml too): -DavoidConfigUpdate keeps config-mapper from rendering deployment.toml into carbon.xml, so the server reads carbon.xml as it was last rendered",
		"error avoid-config-update: -DavoidConfigUpdate: the server ignores changes to deployment.toml, the offset among them | fix: restart the server without it (process 41 was started with it)",
		"warning carbon-home-exported: CARBON_HOME is exported as /opt/wso2am-4.5.0: WSO2's start scripts keep a CARBON_HOME that is set, so bin/ of this home starts /opt/wso2am-4.5.0 from this shell, at that home's offset | fix: unset CARBON_HOME before starting a server (or start each server from a shell without it)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// CARBON_HOME naming this very home is no news.
	sys = fakeSystem{env: map[string]string{"CARBON_HOME": h.Dir}}
	if got := short(check([]Home{h}, sys), nil, "carbon-home"); got != nil {
		t.Errorf("CARBON_HOME = this home: %q", got)
	}
}
