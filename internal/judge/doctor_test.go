package judge_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/testing/corpus"
	"github.com/apim-offset/apim-offset/internal/testing/txtardir"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/google/go-cmp/cmp"
)

// fakeSystem stands in for the machine: no port is taken unless inUse says so.
type fakeSystem struct {
	env   map[string]string
	procs []judge.Process
	alive map[int]bool
	inUse map[int]string
}

func (f fakeSystem) Getenv(k string) string              { return f.env[k] }
func (f fakeSystem) Processes() ([]judge.Process, error) { return f.procs, nil }
func (f fakeSystem) Alive(pid int) bool                  { return f.alive[pid] }
func (f fakeSystem) PortInUse(port int) (bool, int, string) {
	owner, ok := f.inUse[port]
	return ok, 0, owner
}

// home unpacks testdata/<name>.txtar into a new folder and returns it as a
// Home of API Manager 4.x.
func home(t *testing.T, name string) Home {
	t.Helper()
	dir := txtardir.Unpack(t, filepath.Join("testdata", name+".txtar"))
	file := filepath.Join(dir, "repository", "conf", "deployment.toml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return Home{Dir: dir, Product: wso2.Default, File: file, Src: src}
}

// finding is what a test compares: paths relative to the home.
type finding struct {
	Severity     judge.Severity
	Check        string
	Code         judge.Code
	File         string
	Line         int
	Source       string
	Message, Fix string
}

func relative(h Home, fs []judge.Finding) []finding {
	var out []finding
	for _, f := range fs {
		file := f.File
		if file != "" {
			file, _ = filepath.Rel(h.Dir, file)
			file = filepath.ToSlash(file)
		}
		out = append(out, finding{f.Severity, f.Check, f.Code, file, f.Line, f.Source, f.Message, f.Fix})
	}
	return out
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string // the case
		home string // testdata/<home>.txtar
		sys  func(dir string) fakeSystem
		want []finding
	}{
		{"-DportOffset in a start script", "override-script", nil, []finding{
			{judge.Warning, "port-offset-override", judge.OverrideDiffers, "bin/api-manager.sh", 2, "", "-DportOffset=3 overrides the file's offset 2: the server runs at offset 3",
				"remove it from api-manager.sh: a -DportOffset system property wins over deployment.toml"},
		}},
		{"-DportOffset equal to the file's", "override-script-same", nil, []finding{
			{judge.Warning, "port-offset-override", judge.OverrideSame, "bin/api-manager.sh", 2, "", "-DportOffset=2 overrides the file's offset (the same 2 now): a later change to the file will not take effect",
				"remove it from api-manager.sh: a -DportOffset system property wins over deployment.toml"},
		}},
		{"commented out in sh and bat", "override-script-commented", nil, nil},
		{"-DavoidConfigUpdate=true", "avoid-config-update", nil, []finding{
			{judge.Error, "avoid-config-update", judge.AvoidConfigUpdate, "bin/api-manager.sh", 2, "", "-DavoidConfigUpdate=true: the server ignores changes to deployment.toml, the offset among them", "remove it from api-manager.sh"},
		}},
		{"-DavoidConfigUpdate=false", "avoid-config-update-false", nil, nil},
		{"-DportOffset in JAVA_OPTS", "plain", func(string) fakeSystem {
			return fakeSystem{env: map[string]string{"JAVA_OPTS": "-Xmx2g -DportOffset=7"}}
		}, []finding{
			{judge.Warning, "port-offset-override", judge.OverrideDiffers, "", 0, "JAVA_OPTS", "-DportOffset=7 overrides the file's offset 2: the server runs at offset 7",
				"remove it from JAVA_OPTS where the server starts: a -DportOffset system property wins over deployment.toml"},
		}},
		{"JAVA_OPTS without it", "plain", func(string) fakeSystem {
			return fakeSystem{env: map[string]string{"JAVA_OPTS": "-Xmx2g", "JVM_OPTS": "-Dfoo=bar"}}
		}, nil},
		{"-DportOffset in this home's running server", "plain", func(dir string) fakeSystem {
			return fakeSystem{procs: []judge.Process{{PID: 31, Args: []string{"java", "-Dcarbon.home=" + dir, "-DportOffset=5"}}}}
		}, []finding{
			{judge.Warning, "port-offset-override", judge.OverrideDiffers, "", 0, "pid 31", "-DportOffset=5 overrides the file's offset 2: the server runs at offset 5",
				"restart the server without it (process 31 was started with it): a -DportOffset system property wins over deployment.toml"},
		}},
		{"-DportOffset in another home's server", "plain", func(string) fakeSystem {
			return fakeSystem{procs: []judge.Process{{PID: 32, Args: []string{"java", "-Dcarbon.home=/opt/other", "-DportOffset=5"}}}}
		}, nil},
		{"profile optimisation left a backup", "profile-backup", nil, []finding{
			{judge.Warning, "profile-optimisation", judge.ProfileBackup, "repository/conf/deployment.toml.backup", 0, "",
				"a profile optimisation replaced deployment.toml before (this is the old file): starting with --optimize and -Dprofile again replaces it, and the offset with it",
				"start with --skipConfigOptimization, or set the offset again after the optimisation"},
		}},
		// product-apim v4.2.0 startup-scripts/api-manager.sh runs
		// profileSetup.sh only in its --optimize branch: a plain -Dprofile
		// (docs-apim product-profiles.md, the documented way to start an
		// optimised node) changes no file.
		{"plain -Dprofile=gateway-worker keeps deployment.toml (product-apim v4.2.0 api-manager.sh)", "profile-none", func(dir string) fakeSystem {
			return fakeSystem{procs: []judge.Process{{PID: 40, Args: []string{"sh", dir + "/bin/api-manager.sh", "-Dprofile=gateway-worker"}}}}
		}, []finding{
			{judge.Info, "profile-optimisation", judge.ProfileAvailable, "bin/profileSetup.sh", 0, "", "this version's profile optimisation (--optimize with -Dprofile, or bin/profileSetup.sh run directly) replaces deployment.toml with a profile template; a plain -Dprofile does not", "add --skipConfigOptimization when you start with --optimize"},
		}},
		{"--optimize with -Dprofile replaces deployment.toml (product-apim v4.2.0 api-manager.sh --optimize branch)", "profile-none", func(dir string) fakeSystem {
			return fakeSystem{procs: []judge.Process{
				{PID: 40, Args: []string{"sh", dir + "/bin/api-manager.sh", "--optimize", "-Dprofile=gateway-worker"}},
				{PID: 41, Args: []string{"java", "-Dcarbon.home=" + dir, "org.wso2.carbon.bootstrap.Bootstrap", "--optimize", "-Dprofile=gateway-worker"}},
			}}
		}, []finding{
			{judge.Error, "profile-optimisation", judge.ProfileStarted, "", 0, "pid 40",
				"the server was started with --optimize -Dprofile=gateway-worker and without --skipConfigOptimization: each such start replaces deployment.toml with the gateway-worker profile template, and the offset with it",
				"add --skipConfigOptimization to the start command, or start without --optimize (a plain -Dprofile keeps the file)"},
			{judge.Info, "profile-optimisation", judge.ProfileAvailable, "bin/profileSetup.sh", 0, "", "this version's profile optimisation (--optimize with -Dprofile, or bin/profileSetup.sh run directly) replaces deployment.toml with a profile template; a plain -Dprofile does not", "add --skipConfigOptimization when you start with --optimize"},
		}},
		{"profileSetup.sh run directly (product-apim startup-scripts/profileSetup.sh)", "profile-none", func(dir string) fakeSystem {
			return fakeSystem{procs: []judge.Process{{PID: 42, Args: []string{"sh", dir + "/bin/profileSetup.sh", "-Dprofile=traffic-manager"}}}}
		}, []finding{
			{judge.Error, "profile-optimisation", judge.ProfileStarted, "", 0, "pid 42",
				"the server was started with profileSetup.sh -Dprofile=traffic-manager and without --skipConfigOptimization: each such start replaces deployment.toml with the traffic-manager profile template, and the offset with it",
				"add --skipConfigOptimization to the start command, or start without --optimize (a plain -Dprofile keeps the file)"},
			{judge.Info, "profile-optimisation", judge.ProfileAvailable, "bin/profileSetup.sh", 0, "", "this version's profile optimisation (--optimize with -Dprofile, or bin/profileSetup.sh run directly) replaces deployment.toml with a profile template; a plain -Dprofile does not", "add --skipConfigOptimization when you start with --optimize"},
		}},
		{"--optimize with --skipConfigOptimization", "profile-none", func(dir string) fakeSystem {
			return fakeSystem{procs: []judge.Process{{PID: 41, Args: []string{"sh", dir + "/bin/api-manager.sh", "--optimize", "-Dprofile=gateway-worker", "--skipConfigOptimization"}}}}
		}, []finding{
			{judge.Info, "profile-optimisation", judge.ProfileAvailable, "bin/profileSetup.sh", 0, "", "this version's profile optimisation (--optimize with -Dprofile, or bin/profileSetup.sh run directly) replaces deployment.toml with a profile template; a plain -Dprofile does not", "add --skipConfigOptimization when you start with --optimize"},
		}},
		{"4.5 control plane key-manager.sh --optimize -Dprofile=key-manager (product-apim api-control-plane startup-scripts)", "profile-control-plane", func(dir string) fakeSystem {
			return fakeSystem{procs: []judge.Process{{PID: 43, Args: []string{"sh", dir + "/bin/key-manager.sh", "--optimize", "-Dprofile=key-manager"}}}}
		}, []finding{
			{judge.Error, "profile-optimisation", judge.ProfileStarted, "", 0, "pid 43",
				"the server was started with --optimize -Dprofile=key-manager and without --skipConfigOptimization: each such start replaces deployment.toml with the key-manager profile template, and the offset with it",
				"add --skipConfigOptimization to the start command, or start without --optimize (a plain -Dprofile keeps the file)"},
			{judge.Info, "profile-optimisation", judge.ProfileAvailable, "bin/profileSetup.sh", 0, "", "this version's profile optimisation (--optimize with -Dprofile, or bin/profileSetup.sh run directly) replaces deployment.toml with a profile template; a plain -Dprofile does not", "add --skipConfigOptimization when you start with --optimize"},
		}},
		{"-DportOffset in JVM_MEM_OPTS (product-apim api-manager.sh puts it on the java command line)", "plain", func(string) fakeSystem {
			return fakeSystem{env: map[string]string{"JVM_MEM_OPTS": "-Xms256m -Xmx1024m -DportOffset=7"}}
		}, []finding{
			{judge.Warning, "port-offset-override", judge.OverrideDiffers, "", 0, "JVM_MEM_OPTS", "-DportOffset=7 overrides the file's offset 2: the server runs at offset 7",
				"remove it from JVM_MEM_OPTS where the server starts: a -DportOffset system property wins over deployment.toml"},
		}},
		{"-DportOffset in JVM_OPTS, which product-apim's start scripts never read", "plain", func(string) fakeSystem {
			return fakeSystem{env: map[string]string{"JVM_OPTS": "-DportOffset=7"}}
		}, []finding{
			{judge.Info, "port-offset-override", judge.OverrideIgnored, "", 0, "JVM_OPTS", "JVM_OPTS holds -DportOffset=7, but WSO2's start scripts never read JVM_OPTS: it does not change the offset",
				"to override the offset, JAVA_OPTS is the variable the scripts read; otherwise remove it"},
		}},
		// Kernel 4.6.1+ renders carbon.properties from [system.parameter]
		// at the next start (kernel carbon.properties.j2).
		{"carbon.properties portOffset written by hand (kernel carbon.properties.j2)", "carbon-properties", nil, []finding{
			{judge.Warning, "port-offset-override", judge.CarbonPropertiesOverwritten, "repository/conf/carbon.properties", 2, "", "portOffset=5 in carbon.properties is overwritten at the next start: this kernel renders carbon.properties from [system.parameter] in deployment.toml (config-mapper), so it is not the offset the server will run at",
				"set [server] offset in deployment.toml (or portOffset under [system.parameter]) and remove the line; -DavoidConfigUpdate would keep it, and every other edit of deployment.toml out too"},
		}},
		{"[system.parameter] portOffset beats -DportOffset (kernel carbon.properties.j2, Main.addSystemProperties)", "system-parameter", nil, []finding{
			{judge.Warning, "port-offset-override", judge.OverrideDiffers, "repository/conf/deployment.toml", 5, "", "[system.parameter] portOffset = 4 overrides the file's offset 2: the server runs at offset 4",
				"remove it from [system.parameter] and set [server] offset instead: Carbon applies carbon.properties after the command line, so it wins over -DportOffset and deployment.toml alike"},
			{judge.Info, "port-offset-override", judge.OverrideShadowed, "bin/api-manager.sh", 2, "", "-DportOffset=3 also sets the offset, but repository/conf/deployment.toml:5 (portOffset = 4) wins over it",
				"remove it from api-manager.sh: a -DportOffset system property wins over deployment.toml"},
		}},
		{"-Dtomcat.https.port pins the servlet port (kernel CarbonTomcat)", "tomcat-pin", nil, []finding{
			{judge.Warning, "port-pin", judge.PortPinned, "bin/api-manager.sh", 2, "", "-Dtomcat.https.port=9500 pins the servlet HTTPS port at 9500: the offset does not move it (at offset 2 it would be 9445)",
				"remove it from api-manager.sh to let the offset move the port, or keep it and choose that port yourself"},
		}},
		{"-Ddeployment.config.file.path: the server reads another file (kernel Main.handleConfiguration)", "config-file", nil, []finding{
			{judge.Error, "config-file", judge.ConfigFileElsewhere, "bin/api-manager.sh", 2, "", "-Ddeployment.config.file.path=conf2/deployment.toml: the server reads CONF2, not FILE: its offset (which is 7) is the one used, and changing this file does nothing",
				"change the offset in CONF2, or remove the property"},
		}},
		{"$sys{X} resolved from the script's -DX= (config-mapper ReferenceResolver)", "placeholder-sys", nil, []finding{
			{judge.Info, "offset-placeholder", judge.PlaceholderSysResolved, "repository/conf/deployment.toml", 2, "", `server.offset is "$sys{apim.offset}": bin/api-manager.sh:2 sets -Dapim.offset=6`, ""},
		}},
		{"running server", "running", func(string) fakeSystem { return fakeSystem{alive: map[int]bool{4242: true}} }, []finding{
			{judge.Warning, "running", judge.ServerRunning, "wso2carbon.pid", 0, "", "the server is running (pid 4242): it keeps its ports until it restarts", "restart the server for a new offset to take effect"},
		}},
		{"port held by the running server, owner unknown", "running", func(string) fakeSystem {
			return fakeSystem{alive: map[int]bool{4242: true}, inUse: map[int]string{9445: ""}}
		}, []finding{
			{judge.Warning, "running", judge.ServerRunning, "wso2carbon.pid", 0, "", "the server is running (pid 4242): it keeps its ports until it restarts", "restart the server for a new offset to take effect"},
			{judge.Warning, "port-in-use", judge.PortHeldByServer, "", 0, "port 9445", "port 9445 (management console and servlet HTTPS, 9443 at offset 2) is in use, perhaps by the running server (pid 4242)",
				"run doctor as the server's user or root to see the owner"},
		}},
		{"port held, no server running", "plain", func(string) fakeSystem {
			return fakeSystem{inUse: map[int]string{8282: ""}}
		}, []finding{
			{judge.Error, "port-in-use", judge.PortHeld, "", 0, "port 8282", "port 8282 (gateway passthrough HTTP, 8280 at offset 2) is in use: the server will fail to open it",
				"stop what holds it, or choose another offset"},
		}},
		{"stale pid file", "running", nil, []finding{
			{judge.Info, "running", judge.PIDFileStale, "wso2carbon.pid", 0, "", "stale pid file: process 4242 is not running", ""},
		}},
		{"literal ports", "literals", nil, []finding{
			{judge.Warning, "literal-port", judge.LiteralPortStale, "repository/conf/deployment.toml", 7, "", "ws://localhost:9099 (apim.gateway.environment.ws_endpoint) keeps port 9099, this server's at offset 0: if it means this server, at offset 2 it listens on 9101; if it means another server at offset 0, it is right",
				"write 9101 if the URL is this server's; leave it if it is another server's"},
			{judge.Info, "literal-port", judge.LiteralPort, "repository/conf/deployment.toml", 8, "", "wss://localhost:8101 (apim.gateway.environment.wss_endpoint) is a literal port: it will not move when the offset changes",
				""},
		}},
		{"no literal ports", "literals-clean", nil, nil},
		{"placeholder resolved", "placeholder", func(string) fakeSystem { return fakeSystem{env: map[string]string{"APIM_OFFSET": "3"}} }, []finding{
			{judge.Info, "offset-placeholder", judge.PlaceholderEnvResolved, "repository/conf/deployment.toml", 2, "", `server.offset is "$env{APIM_OFFSET}": APIM_OFFSET=3 in this environment`, ""},
		}},
		{"placeholder unset", "placeholder", nil, []finding{
			{judge.Warning, "offset-placeholder", judge.PlaceholderEnvUnset, "repository/conf/deployment.toml", 2, "", `server.offset is "$env{APIM_OFFSET}", and APIM_OFFSET is not set in this environment`,
				"export APIM_OFFSET=N where the server starts"},
		}},
		{"nothing to report", "plain", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := home(t, tt.home)
			sys := fakeSystem{}
			if tt.sys != nil {
				sys = tt.sys(h.Dir)
			}
			got := relative(h, check([]Home{h}, sys))
			for i := range got { // paths in messages, relative
				r := strings.NewReplacer(filepath.Join(h.Dir, "conf2", "deployment.toml"), "CONF2", h.File, "FILE")
				got[i].Message, got[i].Fix = r.Replace(got[i].Message), r.Replace(got[i].Fix)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// TestPortInUse holds a real listener on a loopback port and checks that
// doctor finds it taken at the offset that puts the console's 9443 there.
func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	offset := port - 9443
	if offset < 0 || offset > wso2.MaxOffset {
		t.Skipf("listener got port %d, which no offset of 9443 reaches", port)
	}
	var sys judge.Local
	inUse, pid, owner := sys.PortInUse(port)
	if !inUse {
		t.Fatalf("PortInUse(%d) = false with a listener on it", port)
	}
	if _, err := os.Stat("/proc/net/tcp"); err == nil && pid != os.Getpid() {
		t.Errorf("owner pid %d (%s), want this test's %d", pid, owner, os.Getpid())
	}

	h := home(t, "plain")
	h.Src = []byte("[server]\noffset = " + strconv.Itoa(offset) + "\n")
	var found []judge.Finding
	for _, f := range check([]Home{h}, sys) {
		if f.Check == "port-in-use" && f.Source == "port "+strconv.Itoa(port) {
			found = append(found, f)
		}
	}
	if len(found) != 1 || found[0].Severity != judge.Error || !strings.Contains(found[0].Message, "management console and servlet HTTPS") {
		t.Errorf("findings for port %d: %+v", port, found)
	}

	l.Close()
	if inUse, _, _ := sys.PortInUse(port); inUse {
		t.Errorf("PortInUse(%d) = true after the listener closed", port)
	}
}

func TestCollisions(t *testing.T) {
	// At offsets 0 and 100, the first home's throttling SSL port 9711 is the
	// second's throttling TCP port 9611 + 100; at 0 and 1 nothing meets.
	a, b := home(t, "plain"), home(t, "plain")
	a.Src = []byte("[server]\noffset = 0\n")
	b.Src = []byte("[server]\noffset = 100\n")
	var got []string
	for _, f := range check([]Home{a, b}, fakeSystem{}) {
		got = append(got, string(f.Severity)+" "+f.Check+": "+strings.ReplaceAll(strings.ReplaceAll(f.Message, a.Dir, "A"), b.Dir, "B"))
	}
	want := []string{"error home-collision: at offsets 0 and 100, A and B both need port 9711 (throttling event receiver SSL here, throttling event receiver TCP there)"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	b.Src = []byte("[server]\noffset = 1\n")
	if fs := check([]Home{a, b}, fakeSystem{}); len(fs) != 0 {
		t.Errorf("offsets 0 and 1: %+v", fs)
	}
}

func TestLocalAlive(t *testing.T) {
	var sys judge.Local
	if !sys.Alive(os.Getpid()) {
		t.Errorf("Alive(own pid) = false")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run a process to wait for: %v", err)
	}
	if sys.Alive(cmd.Process.Pid) {
		t.Errorf("Alive(%d) = true for a process that has exited", cmd.Process.Pid)
	}
}

// TestCorpus runs the checks over every real deployment.toml in the shared
// corpus (skipped without it): no panic, and each literal-port finding
// points at a line that holds the URL it names.
func TestCorpus(t *testing.T) {
	files := corpus.Read(t)
	literals := 0
	for _, cf := range files {
		f, src := cf.Name, cf.Data
		h := Home{Dir: t.TempDir(), Product: wso2.Default, File: f, Src: src}
		lines := strings.Split(string(src), "\n")
		for _, fd := range check([]Home{h}, fakeSystem{}) {
			if fd.Check != "literal-port" {
				continue
			}
			literals++
			url := strings.Fields(fd.Message)[0]
			if fd.Line < 1 || fd.Line > len(lines) || !strings.Contains(lines[fd.Line-1], url) {
				t.Errorf("%s: finding at line %d names %s, which is not there", filepath.Base(f), fd.Line, url)
			}
		}
	}
	t.Logf("%d literal ports found in %d files", literals, len(files))
}
