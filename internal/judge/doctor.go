// Package judge is the one place where apim-offset judges a WSO2 server:
// every finding doctor lists, set reports about its change, and get and
// plan use, is made here, with a stable code, a severity, its place and a
// fix. It finds what stands between the offset in a server's
// deployment.toml and the ports the server really uses: a -DportOffset that
// wins over the file, settings that make the server ignore or replace the
// file, what WSO2's own parser refuses, a running server that needs a
// restart, URLs that keep literal default ports, ports already taken on
// this machine, and homes whose ports collide. Each check names the public
// WSO2 source of the facts it relies on: code in the github.com/wso2
// repositories, or a product issue.
//
// The servers come loaded (package server); the rest of the machine is read
// through a [System], so that tests can stand in for processes and ports.
package judge

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/dialect"
	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
)

// Severity ranks a finding. Only Error means the offset will not work as
// the file says; Warning needs attention; Info is for the record, a note.
type Severity string

const (
	Info    Severity = "note"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Finding is one thing doctor found.
type Finding struct {
	Severity Severity `json:"severity"`
	Check    string   `json:"check"` // a stable name, such as "port-offset-override"
	Code     Code     `json:"code"`  // what the check found, such as "override-differs"
	Home     string   `json:"home,omitempty"`
	File     string   `json:"file,omitempty"` // where it comes from, when a file
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Source   string   `json:"source,omitempty"` // where it comes from, when not a file: "JAVA_OPTS", "pid 1234"
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"` // what to do, in terms of WSO2 and the file
	// Offset is the file's offset on a literal-port finding, for a caller
	// that adds a fix of its own naming it; its message says it already.
	// On a home collision, the offset of Home and of With.
	Offset     int `json:"-"`
	WithOffset int `json:"-"`
	// With and Ports, on a home collision: the other home, and the ports
	// both need.
	With  string `json:"with,omitempty"`
	Ports []int  `json:"ports,omitempty"`
	// Add is TOML to add to the file, as the fix says, exactly: a caller
	// may print it as it is.
	Add string `json:"add,omitempty"`
	// Err is the file's error, for a finding that is one: the caller
	// words its fix.
	Err error `json:"-"`
	// WasMine, on a literal-port finding about a file set has just
	// changed, tells that the URL was this server's port at the offset the
	// file had: the change leaves it behind.
	WasMine bool `json:"-"`
}

// Code names what a check found, one code for each kind of finding, so
// that a caller can tell them apart without reading messages: a command
// line tool adds its own commands to the fixes by code.
type Code string

const (
	FileUnreadable Code = "file-unreadable" // check "file": the offset cannot be read

	OffsetNegative Code = "offset-negative" // check "offset": an offset below 0, which moves every port down
	ProductUnknown Code = "product-unknown" // no offset set, and the product, whose default it is, not known

	PlaceholderInvalid     Code = "placeholder-invalid"      // check "offset-placeholder": not a form WSO2 resolves
	PlaceholderTemplate    Code = "placeholder-template"     // a template's placeholder, filled in when it is rendered
	PlaceholderEnvUnset    Code = "placeholder-env-unset"    // $env{X} with X unset here
	PlaceholderEnvInvalid  Code = "placeholder-env-invalid"  // $env{X} with X not a whole number
	PlaceholderEnvResolved Code = "placeholder-env-resolved" // $env{X} resolved from this environment
	PlaceholderSys         Code = "placeholder-sys"          // $sys{X} or ${X}, resolved at start-up
	PlaceholderSysResolved Code = "placeholder-sys-resolved" // $sys{X} or ${X} resolved from a -DX= (or ${X} from the environment)

	OverrideUnknown  Code = "override-unknown"  // check "port-offset-override": a value set at start-up
	OverrideDiffers  Code = "override-differs"  // the server runs at another offset than the file's
	OverrideSame     Code = "override-same"     // the same offset as the file's, for now
	OverrideShadowed Code = "override-shadowed" // a -DportOffset that a higher one beats
	OverrideIgnored  Code = "override-ignored"  // -DportOffset in JVM_OPTS, which WSO2's scripts never read

	PortPinned Code = "port-pinned" // check "port-pin": -Dtomcat.https.port or -Dtomcat.http.port

	ConfigFileElsewhere Code = "config-file-elsewhere" // check "config-file": -Ddeployment.config.file.path names another file
	ConfigFileMissing   Code = "config-file-missing"   // it names a file that does not exist here

	AvoidConfigUpdate Code = "avoid-config-update" // check "avoid-config-update"

	CarbonPropertiesOverwritten Code = "carbon-properties-overwritten" // check "port-offset-override": a hand-written carbon.properties portOffset that config-mapper renders over at the next start
	CarbonHomeExported          Code = "carbon-home-exported"          // check "carbon-home": CARBON_HOME exported here names another home

	ThrottlingDefaults Code = "throttling-defaults" // check "split-packages": a gateway or control plane whose throttling defaults point at its own offset, not the traffic manager's

	ProfileStarted   Code = "profile-started"   // check "profile-optimisation": started with --optimize and -Dprofile, or profileSetup.sh run
	ProfileBackup    Code = "profile-backup"    // an optimisation replaced the file before
	ProfileAvailable Code = "profile-available" // this version has the optimisation

	PIDFileEmpty   Code = "pid-file-empty"   // check "running": the pid file holds no pid
	PIDFileStale   Code = "pid-file-stale"   // its process is gone
	ServerRunning  Code = "server-running"   // its process runs
	ServerAtOffset Code = "server-at-offset" // it listens at the offset it should
	ServerStale    Code = "server-stale"     // it listens at another offset: it needs a restart
	ServerSockets  Code = "server-sockets"   // its sockets cannot be read, or match no offset

	LiteralPortStale  Code = "literal-port-stale"  // check "literal-port": a default port kept at another offset: left behind, or another server's
	LiteralPort       Code = "literal-port"        // this server's port, right now, that will not move
	LiteralPortLeft   Code = "literal-port-left"   // this server's port at the offset the file had before set changed it: left behind
	LiteralPortOther  Code = "literal-port-other"  // another checked home's port
	LiteralPortShared Code = "literal-port-shared" // this server's port and another checked home's too

	WebSocketDefault Code = "websocket-default" // check "websocket-default": a gateway environment without ws_endpoint gets ws://localhost:9099

	ISStoredURLs Code = "is-stored-urls" // check "identity-server-state": a home that has run stores callback URLs with its port then

	InboundPort      Code = "inbound-port"      // check "inbound-endpoint": an inbound endpoint's port, which the offset does not move
	InboundCollision Code = "inbound-collision" // two homes' inbound endpoints on the same port

	PortHeldBy       Code = "port-held-by"        // check "port-in-use": held by a process doctor names
	PortHeldByServer Code = "port-held-by-server" // held, perhaps by this home's running server
	PortHeld         Code = "port-held"           // held by a process doctor cannot see

	HomeCollision Code = "home-collision" // check "home-collision": two homes need the same port

	WSO2Parser Code = "wso2-parser"  // check "wso2-parser": a construct WSO2's own TOML parser refuses
	NotTOML10  Code = "not-toml-1.0" // what WSO2's parser reads but TOML 1.0 (and go-toml) does not: kept as it is
)

// Process is a running process.
type Process = server.Process

// System is what doctor reads of the machine besides the homes' files.
type System interface {
	Processes() ([]Process, error)
	Alive(pid int) bool
	// PortInUse tells whether port is taken on loopback or the wildcard
	// address, and by which process when that can be told (pid 0 if not).
	PortInUse(port int) (inUse bool, pid int, owner string)
}

// Scope says which checks to run.
type Scope int

const (
	// Files are the checks of what the files and settings make of the
	// offset: what set reports about the file it writes.
	Files Scope = 1 << iota
	// Machine are the checks of the running servers and the ports in use
	// on this machine, and of the servers' ports against each other.
	Machine
	All = Files | Machine
	// Read, alone, is only the checks of whether the file reads as WSO2
	// reads it (its offset, what WSO2's parser refuses): what get, plan and
	// ports say before they go on, without the work of the other checks.
	Read Scope = 1 << 2
)

// Check judges the servers and returns what it found, in a stable order:
// server by server, check by check, then what concerns two of them. Each
// server is judged with the others as the other servers on this host.
func Check(servers []*server.Server, sys System, scope Scope) []Finding {
	var procs []Process
	if scope&Machine != 0 {
		procs, _ = sys.Processes() // without a process list, those checks find nothing
	}
	checkers := make([]*checker, len(servers))
	var out []Finding
	for i, s := range servers {
		checkers[i] = newChecker(s, server.Others(servers, s), sys, procs)
		checkers[i].run(scope)
		out = append(out, checkers[i].found...)
	}
	out = append(out, SplitPackages(servers, (*server.Server).Offset)...)
	if scope&Machine != 0 {
		out = append(out, collisions(servers)...)
		out = append(out, inboundCollisions(checkers)...)
	}
	return out
}

// Judge judges one server, with others the other servers on this host (as
// its literal ports see them), as Check does. sys is read only for the
// Machine checks; with Files alone it may be nil.
func Judge(s *server.Server, others []patcher.Server, sys System, scope Scope) []Finding {
	var procs []Process
	if scope&Machine != 0 {
		procs, _ = sys.Processes()
	}
	c := newChecker(s, others, sys, procs)
	c.run(scope)
	return c.found
}

func newChecker(s *server.Server, others []patcher.Server, sys System, procs []Process) *checker {
	return &checker{srv: s, sys: sys, all: procs, res: s.Effective, others: others}
}

// The most bytes read of a pid file and of a process's command line:
// enough for any real one, and a bound on what a FIFO or /dev/zero in their
// place could make doctor wait for or hold.
const (
	maxPIDFile = 64
	maxCmdline = 1 << 20
)

// errNoPID is a pid file that holds no process id.
var errNoPID = errors.New("the pid file holds no process id")

// PIDFile reads the process id in home's wso2carbon.pid, which a running
// Carbon server writes: the pid, a newline and NUL padding (Micro
// Integrator: digits only). The file stays behind after a crash: check
// that the process lives.
func PIDFile(home string) (int, error) {
	data, err := safefile.Read(filepath.Join(home, "wso2carbon.pid"), maxPIDFile)
	if err != nil {
		return 0, err
	}
	fields := strings.FieldsFunc(string(data), func(r rune) bool { return r < '0' || r > '9' })
	if len(fields) == 0 {
		return 0, errNoPID
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil || pid <= 0 {
		return 0, errNoPID
	}
	return pid, nil
}

// checker runs the checks of one server.
type checker struct {
	srv    *server.Server
	sys    System
	all    []Process        // every process, for the machine checks
	res    server.Effective // the offset the server runs at, and why
	procs  []Process        // the processes that run from this home
	others []patcher.Server // the other servers on this host, at their offsets

	fileOffset int  // the offset the file gives (or the product's default)
	offsetSet  bool // the file sets it
	runOffset  int  // the offset the server will run at: an override's, or fileOffset
	serverPID  int  // the running server's pid, or 0

	inbound []inboundPort // Micro Integrator inbound endpoints defined under the home

	found []Finding
}

func (c *checker) add(f Finding) {
	f.Home = c.srv.Home
	c.found = append(c.found, f)
}

// run runs the checks of scope, in the order doctor lists them.
func (c *checker) run(scope Scope) {
	c.procs = c.res.Processes
	c.readOffset()
	c.wso2Parser()
	if scope == Read {
		return
	}
	c.runOffset = c.fileOffset
	c.overrides()
	c.profile()
	if scope&Machine != 0 {
		c.carbonHome()
		c.running()
		c.sockets()
	}
	c.literals()
	c.websocketFallback()
	c.storedCallbackURLs()
	c.inboundEndpoints()
	if scope&Machine != 0 {
		c.portsInUse()
	}
}

// wso2Parser reports what in the file WSO2's own TOML parser will not
// take: each stops the server at start-up (package dialect).
func (c *checker) wso2Parser() {
	if c.srv.File == nil {
		return // readOffset reports a file that cannot be read
	}
	for _, w := range c.srv.File.NotTOML10() {
		c.add(Finding{Severity: Warning, Check: "wso2-parser", Code: NotTOML10, File: c.srv.Path, Line: w.Line, Column: w.Column, Message: w.Msg,
			Fix: "WSO2 starts with it; to keep the file readable by every TOML tool, write it as TOML 1.0"})
	}
	for _, d := range c.srv.File.Problems() {
		if d.Construct == dialect.ConstructOffsetNotInt {
			continue // readOffset reports the offset's own value
		}
		c.add(Finding{Severity: Error, Check: "wso2-parser", Code: WSO2Parser, File: c.srv.Path, Line: d.Line, Column: d.Column,
			Message: d.Msg + ": " + d.Effect, Fix: d.Fix})
	}
}

// readOffset takes the offset of the file the server reads, a placeholder
// resolved where it can be (package effective).
func (c *checker) readOffset() {
	f := c.res.File
	c.fileOffset, c.offsetSet = f.Offset, f.Set
	var pe *patcher.Error
	switch {
	case f.Placeholder != nil:
		c.placeholder(f)
	case errors.As(f.Err, &pe) && errors.Is(f.Err, patcher.ErrValue) && pe.Template:
		// A template's placeholder: filled in when it is rendered.
		c.add(Finding{Severity: Info, Check: "offset-placeholder", Code: PlaceholderTemplate, File: f.Path, Line: pe.Line, Column: pe.Column, Message: pe.Msg})
	case errors.As(f.Err, &pe) && errors.Is(f.Err, patcher.ErrValue):
		c.add(Finding{Severity: Error, Check: "offset-placeholder", Code: PlaceholderInvalid, File: f.Path, Line: pe.Line, Column: pe.Column, Message: pe.Msg, Err: f.Err})
	case f.Err != nil:
		fd := Finding{Severity: Error, Check: "file", Code: FileUnreadable, File: f.Path, Message: f.Err.Error()}
		if pe != nil {
			fd.Line, fd.Column, fd.Message, fd.Err = pe.Line, pe.Column, pe.Msg, f.Err
		}
		c.add(fd)
	case f.Set && f.Offset < 0:
		// Carbon adds the offset as it reads it, sign and all
		// (CarbonUtils.getPortFromServerConfig).
		c.add(Finding{Severity: Warning, Check: "offset", Code: OffsetNegative, File: f.Path, Line: f.Cur.Line,
			Message: fmt.Sprintf("offset %d is below 0: WSO2 takes it as it is and moves every port down by %d", f.Offset, -f.Offset),
			Fix:     "set an offset of 0 or more"})
	case !f.Set && !c.srv.Known:
		c.add(Finding{Severity: Warning, Check: "offset", Code: ProductUnknown, File: f.Path,
			Message: fmt.Sprintf("no offset set, and the product is not known: %s uses %d%s", c.srv.Product.Name, c.srv.Product.DefaultOffset, otherDefaults(c.srv.Product)),
			Fix:     "give the product"})
	}
}

// otherDefaults names the products whose default offset differs from p's:
// " (Micro Integrator would use 10)".
func otherDefaults(p wso2.Product) string {
	var out []string
	for _, q := range wso2.Packages() {
		if q.DefaultOffset != p.DefaultOffset {
			out = append(out, fmt.Sprintf("%s would use %d", q.Name, q.DefaultOffset))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, ", ") + ")"
}

// placeholder reports an offset written as $env{X}, $sys{X} or ${X}:
// wso2/config-mapper's ReferenceResolver resolves the first two at start-up
// from the environment and the command line's -DX=, and wso2/carbon-kernel's
// ServerConfiguration.replaceSystemProperty the third from a system
// property or else the environment.
func (c *checker) placeholder(f server.FileOffset) {
	ph := f.Placeholder
	fd := Finding{Check: "offset-placeholder", File: f.Path, Line: f.Cur.Line, Column: f.Column}
	raw := f.Cur.Raw
	switch {
	case ph.From != nil && !f.Set:
		fd.Severity, fd.Code = Error, PlaceholderEnvInvalid
		if ph.Form == "env" {
			fd.Message = fmt.Sprintf("server.offset is %s, and %s=%q here is not a whole number", raw, ph.Name, ph.Value)
			fd.Fix = fmt.Sprintf("export %s as a whole number", ph.Name)
		} else {
			fd.Code = PlaceholderSys
			fd.Message = fmt.Sprintf("server.offset is %s, and %s gives %q, not a whole number: the server stops at start-up", raw, ph.From.Where(c.srv.Home), ph.Value)
			fd.Fix = fmt.Sprintf("give %s a whole number", ph.Name)
		}
	case ph.From != nil && ph.From.Kind == server.EnvVar:
		fd.Severity, fd.Code = Info, PlaceholderEnvResolved
		fd.Message = fmt.Sprintf("server.offset is %s: %s=%d in this environment", raw, ph.Name, f.Offset)
		if ph.Form != "env" {
			fd.Code = PlaceholderSysResolved
		}
	case ph.From != nil:
		fd.Severity, fd.Code = Info, PlaceholderSysResolved
		fd.Message = fmt.Sprintf("server.offset is %s: %s sets %s", raw, ph.From.Where(c.srv.Home), ph.From.Text)
	case ph.Form == "env":
		fd.Severity, fd.Code = Warning, PlaceholderEnvUnset
		fd.Message = fmt.Sprintf("server.offset is %s, and %s is not set in this environment", raw, ph.Name)
		fd.Fix = fmt.Sprintf("export %s=N where the server starts", ph.Name)
	default:
		fd.Severity, fd.Code = Warning, PlaceholderSys
		fd.Message = fmt.Sprintf("server.offset is %s, a system property resolved at start-up: apim-offset cannot see its value", raw)
		fd.Fix = fmt.Sprintf("check -D%s in the start command", ph.Name)
		if ph.Form == "" {
			fd.Fix += fmt.Sprintf(", or the environment variable %s", ph.Name)
		}
	}
	c.add(fd)
}

// at is a finding placed where s was found: a file and line, or a source.
func (c *checker) at(s server.Source) Finding {
	if s.File != "" {
		return Finding{File: s.File, Line: s.Line}
	}
	return Finding{Source: s.Where(c.srv.Home)}
}

// removeFix says how to take s away.
func removeFix(s server.Source) string {
	switch s.Kind {
	case server.Script:
		return "remove it from " + filepath.Base(s.File)
	case server.ProcessArgs:
		return fmt.Sprintf("restart the server without it (process %d was started with it)", s.PID)
	case server.CarbonProperties:
		return "remove it from carbon.properties (and from [system.parameter] in deployment.toml, which is rendered into it)"
	case server.SystemParameter:
		return "remove it from [system.parameter] and set [server] offset instead"
	case server.CarbonXML:
		return "remove -DavoidConfigUpdate so that deployment.toml is rendered again (or set the offset in carbon.xml too)"
	}
	return "remove it from " + string(s.Kind) + " where the server starts"
}

// overrides reports what sets the offset over the file's (package
// effective has the order and its sources): [system.parameter] and
// carbon.properties portOffset, which wso2/carbon-kernel
// Main.addSystemProperties applies after the command line from kernel 4.6.1,
// and Bootstrap before it on kernels 4.5.1/4.6.0 and Micro Integrator;
// -DportOffset in a running server's command line, the start scripts,
// JAVA_OPTS and JVM_MEM_OPTS (every reader takes
// System.getProperty("portOffset") before carbon.xml's Ports.Offset: kernel
// CarbonUtils.getPortFromServerConfig); carbon.xml itself when config-mapper
// is skipped; and JVM_OPTS, which wso2/product-apim's startup-scripts never
// read. The documented start, ./api-manager.sh -DportOffset=3 (docs
// "Changing the Default Ports with Offset", API Manager 3.0-4.7), is no
// error: the server runs at that offset, and a file offset it hides is a
// warning. Then what else undoes the file: -DavoidConfigUpdate=true
// (wso2/config-mapper ConfigParser.parse returns before it reads
// deployment.toml), -Ddeployment.config.file.path (kernel
// Main.handleConfiguration reads that file instead), the -Dtomcat.*.port
// pins (kernel CarbonTomcat).
func (c *checker) overrides() {
	for i, o := range c.res.Overrides {
		f := c.at(o)
		f.Check = "port-offset-override"
		text := o.Text
		if o.Kind == server.SystemParameter {
			text = "[system.parameter] " + text
		}
		why := ": a -DportOffset system property wins over deployment.toml"
		switch {
		case o.Kind == server.CarbonXML:
			text = "carbon.xml's " + text
			why = ": -DavoidConfigUpdate keeps config-mapper from rendering deployment.toml into carbon.xml, so the server reads carbon.xml as it was last rendered"
		case (o.Kind == server.CarbonProperties || o.Kind == server.SystemParameter) && c.srv.Product.PropertiesFirst:
			why = ": this version's kernel loads carbon.properties before the command line (Bootstrap), so it wins over deployment.toml and JAVA_OPTS, and a -DportOffset given to the start script wins over it"
		case o.Kind == server.CarbonProperties || o.Kind == server.SystemParameter:
			why = ": Carbon applies carbon.properties after the command line, so it wins over -DportOffset and deployment.toml alike"
		}
		hidden := fmt.Sprintf("the file's offset %d", c.fileOffset)
		if !c.offsetSet {
			hidden = fmt.Sprintf("the default offset %d (the file sets none)", c.fileOffset)
		}
		n, ok := o.Offset()
		switch {
		case i > 0:
			top := c.res.Overrides[0]
			f.Severity, f.Code = Info, OverrideShadowed
			f.Message = fmt.Sprintf("%s also sets the offset, but %s (%s) wins over it", text, top.Where(c.srv.Home), top.Text)
		case !ok && !strings.ContainsAny(o.Value, "$%"):
			f.Severity, f.Code = Error, OverrideUnknown
			f.Message = fmt.Sprintf("%s overrides %s with %q, which Integer.parseInt refuses: the server stops at start-up", text, hidden, o.Value)
		case !ok:
			f.Severity, f.Code = Warning, OverrideUnknown
			f.Message = fmt.Sprintf("%s overrides %s with a value set at start-up", text, hidden)
		case n != c.fileOffset:
			// The server runs at n, as the operator meant when it is the
			// documented start: what the property hides is the file's
			// own offset, when it sets one.
			f.Severity, f.Code = Warning, OverrideDiffers
			if !c.offsetSet {
				f.Severity = Info
			}
			f.Message = fmt.Sprintf("%s overrides %s: the server runs at offset %d", text, hidden, n)
			c.runOffset = n
		default:
			f.Severity, f.Code = Warning, OverrideSame
			f.Message = fmt.Sprintf("%s overrides the file's offset (the same %d now): a later change to the file will not take effect", text, n)
		}
		f.Fix = removeFix(o) + why
		c.add(f)
	}
	for _, o := range c.res.Overwritten {
		f := c.at(o)
		f.Severity, f.Check, f.Code = Warning, "port-offset-override", CarbonPropertiesOverwritten
		f.Message = fmt.Sprintf("%s in carbon.properties is overwritten at the next start: this kernel renders carbon.properties from [system.parameter] in deployment.toml (config-mapper), so it is not the offset the server will run at", o.Text)
		f.Fix = "set [server] offset in deployment.toml (or portOffset under [system.parameter]) and remove the line; -DavoidConfigUpdate would keep it, and every other edit of deployment.toml out too"
		c.add(f)
	}
	for _, o := range c.res.Ignored {
		f := c.at(o)
		f.Severity, f.Check, f.Code = Info, "port-offset-override", OverrideIgnored
		f.Message = fmt.Sprintf("JVM_OPTS holds %s, but WSO2's start scripts never read JVM_OPTS: it does not change the offset", o.Text)
		f.Fix = "to override the offset, JAVA_OPTS is the variable the scripts read; otherwise remove it"
		c.add(f)
	}
	for _, o := range c.res.AvoidConfigUpdate {
		f := c.at(o)
		f.Severity, f.Check, f.Code = Error, "avoid-config-update", AvoidConfigUpdate
		f.Message = o.Text + ": the server ignores changes to deployment.toml, the offset among them"
		f.Fix = removeFix(o)
		c.add(f)
	}
	c.configFile()
	c.pins()
}

// carbonHome warns of CARBON_HOME exported in this environment (a machine
// check: doctor's) and naming another home: WSO2's start scripts set CARBON_HOME only when it is unset
// ([ -z "$CARBON_HOME" ] && CARBON_HOME=`cd "$PRGDIR/.." ; pwd`:
// product-apim v4.5.0
// all-in-one-apim/modules/distribution/product/src/main/startup-scripts/api-manager.sh),
// so from this shell every WSO2 script starts that home, this one's too.
func (c *checker) carbonHome() {
	ch := c.res.CarbonHome
	if ch == nil || sameFile(ch.Value, c.srv.Home) {
		return
	}
	c.add(Finding{Severity: Warning, Check: "carbon-home", Code: CarbonHomeExported, Source: "CARBON_HOME",
		Message: fmt.Sprintf("CARBON_HOME is exported as %s: WSO2's start scripts keep a CARBON_HOME that is set, so bin/ of this home starts %s from this shell, at that home's offset", ch.Value, ch.Value),
		Fix:     "unset CARBON_HOME before starting a server (or start each server from a shell without it)"})
}

// configFile reports -Ddeployment.config.file.path: the server reads that
// file instead of the home's deployment.toml (kernel Main.handleConfiguration).
func (c *checker) configFile() {
	cfg := c.res.ConfigFile
	if cfg == nil {
		return
	}
	f := c.at(*cfg)
	f.Severity, f.Check = Error, "config-file"
	switch {
	case c.res.ConfigFileMissing:
		f.Code = ConfigFileMissing
		f.Message = fmt.Sprintf("%s: the server reads %s, which does not exist here, not %s: the offset in this file does nothing", cfg.Text, cfg.Value, c.srv.Path)
		f.Fix = "set the offset in the file the server reads, or remove the property"
	case sameFile(c.res.File.Path, c.srv.Path):
		return
	default:
		f.Code = ConfigFileElsewhere
		set := "sets none"
		if c.res.File.Set {
			set = fmt.Sprintf("is %d", c.res.File.Offset)
		}
		f.Message = fmt.Sprintf("%s: the server reads %s, not %s: its offset (which %s) is the one used, and changing this file does nothing", cfg.Text, c.res.File.Path, c.srv.Path, set)
		f.Fix = "change the offset in " + c.res.File.Path + ", or remove the property"
	}
	c.add(f)
}

func sameFile(a, b string) bool {
	x, err1 := os.Stat(a)
	y, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(x, y)
}

// pins reports -Dtomcat.https.port and -Dtomcat.http.port: the servlet
// connector then listens there whatever the offset (kernel CarbonTomcat).
func (c *checker) pins() {
	for _, o := range c.res.Pins {
		f := c.at(o)
		f.Severity, f.Check, f.Code = Warning, "port-pin", PortPinned
		i := slices.IndexFunc(c.srv.Product.Ports, func(p wso2.Port) bool { return p.Pin != "" && strings.Contains(o.Text, "-D"+p.Pin+"=") })
		if i < 0 {
			continue
		}
		p := c.srv.Product.Ports[i]
		f.Message = fmt.Sprintf("%s pins the %s port at %s: the offset does not move it (at offset %d it would be %d)", o.Text, p.Role.Name(), o.Value, c.runOffset, p.Effective(c.runOffset))
		f.Fix = removeFix(o) + " to let the offset move the port, or keep it and choose that port yourself"
		c.add(f)
	}
}

// profile reports API Manager's profile optimisation: bin/profileSetup.sh
// replaces deployment.toml with a profile template (keeping the old file as
// deployment.toml.backup) unless --skipConfigOptimization is given. It runs
// only when the start script gets --optimize together with -Dprofile=X, or
// when profileSetup.sh is run directly (wso2/product-apim v4.2.0
// startup-scripts/api-manager.sh, the --optimize branch); a plain
// -Dprofile=gateway-worker changes no file. It ships in 3.0-3.2
// (wso2server.sh), 4.0-4.4 and the 4.5+ control plane (api-cp.sh,
// key-manager.sh; product-apim api-control-plane startup-scripts/profileSetup.sh),
// not in the 4.5+ all-in-one pack.
func (c *checker) profile() {
	setup := filepath.Join(c.srv.Home, "bin", "profileSetup.sh")
	if !exists(setup) && !exists(filepath.Join(c.srv.Home, "bin", "profileSetup.bat")) {
		return
	}
	for _, p := range c.procs {
		if how, profile := optimises(p.Args); how != "" {
			c.add(Finding{Severity: Error, Check: "profile-optimisation", Code: ProfileStarted, Source: fmt.Sprintf("pid %d", p.PID),
				Message: fmt.Sprintf("the server was started with %s -Dprofile=%s and without --skipConfigOptimization: each such start replaces deployment.toml with the %s profile template, and the offset with it", how, profile, profile),
				Fix:     "add --skipConfigOptimization to the start command, or start without --optimize (a plain -Dprofile keeps the file)"})
			break // the script and the java process it starts carry the same arguments
		}
	}
	backup := filepath.Join(filepath.Dir(c.srv.Path), "deployment.toml.backup")
	if exists(backup) {
		c.add(Finding{Severity: Warning, Check: "profile-optimisation", Code: ProfileBackup, File: backup,
			Message: "a profile optimisation replaced deployment.toml before (this is the old file): starting with --optimize and -Dprofile again replaces it, and the offset with it",
			Fix:     "start with --skipConfigOptimization, or set the offset again after the optimisation"})
		return
	}
	c.add(Finding{Severity: Info, Check: "profile-optimisation", Code: ProfileAvailable, File: setup,
		Message: "this version's profile optimisation (--optimize with -Dprofile, or bin/profileSetup.sh run directly) replaces deployment.toml with a profile template; a plain -Dprofile does not",
		Fix:     "add --skipConfigOptimization when you start with --optimize"})
}

// optimises tells whether a command line runs the profile optimisation:
// "--optimize" (or the script's other spellings) or profileSetup.sh, with
// -Dprofile=X and without --skipConfigOptimization. It returns how
// ("--optimize" or "profileSetup.sh") and X.
func optimises(args []string) (how, profile string) {
	for _, a := range args {
		switch {
		case a == "--optimize" || a == "-optimize" || a == "optimize":
			how = "--optimize"
		case how == "" && (strings.HasSuffix(a, "profileSetup.sh") || strings.HasSuffix(a, "profileSetup.bat")):
			how = "profileSetup.sh"
		case strings.HasPrefix(a, "-Dprofile="):
			profile = strings.TrimPrefix(a, "-Dprofile=")
		case strings.TrimLeft(a, "-") == "skipConfigOptimization":
			return "", ""
		}
	}
	if how == "" || profile == "" {
		return "", ""
	}
	return how, profile
}

// running reports a live server: the offset is read at start-up only, so a
// new one needs a restart. A Carbon server writes <home>/wso2carbon.pid and
// leaves it behind after a crash: the process must be alive.
func (c *checker) running() {
	path := filepath.Join(c.srv.Home, "wso2carbon.pid")
	pid, err := PIDFile(c.srv.Home)
	if errors.Is(err, errNoPID) {
		c.add(Finding{Severity: Info, Check: "running", Code: PIDFileEmpty, File: path, Message: "the pid file holds no process id", Fix: "remove it if no server runs from this home"})
		return
	}
	if err != nil {
		return // no pid file: no server runs from this home
	}
	if !c.sys.Alive(pid) {
		c.add(Finding{Severity: Info, Check: "running", Code: PIDFileStale, File: path, Message: fmt.Sprintf("stale pid file: process %d is not running", pid)})
		return
	}
	c.serverPID = pid
	c.add(Finding{Severity: Warning, Check: "running", Code: ServerRunning, File: path,
		Message: fmt.Sprintf("the server is running (pid %d): it keeps its ports until it restarts", pid),
		Fix:     "restart the server for a new offset to take effect"})
}

// sockets reads the listening sockets of this home's running server (the
// process whose command line has -Dcarbon.home=HOME, as WSO2's start
// scripts give it, or the pid file's) and says whether it listens at the
// offset it should: the file's, or the override's that wins.
func (c *checker) sockets() {
	var pids []int
	for _, p := range server.Servers(c.srv.Home, c.all) {
		pids = append(pids, p.PID)
	}
	if c.serverPID == 0 && len(pids) > 0 {
		c.serverPID = pids[0] // the ports it holds are its own, not another's
	}
	l, ok := c.sys.(Listener)
	if !ok {
		return
	}
	if c.serverPID != 0 && !slices.Contains(pids, c.serverPID) {
		pids = append(pids, c.serverPID)
	}
	for _, pid := range pids {
		f := Finding{Check: "running", Source: fmt.Sprintf("pid %d", pid)}
		ports, err := l.Listening(pid)
		offset, matched := c.listensAt(ports, c.runOffset)
		switch {
		case err != nil:
			f.Severity, f.Code = Info, ServerSockets
			f.Message = fmt.Sprintf("the server (pid %d) runs, but its sockets cannot be read here: %v", pid, err)
			f.Fix = "run doctor as the server's user or root to see which offset it runs at"
		case len(matched) == 0:
			f.Severity, f.Code = Info, ServerSockets
			f.Message = fmt.Sprintf("the server (pid %d) listens on no port of %s at any offset (yet): %v", pid, c.srv.Product.Name, ports)
		case offset == c.runOffset:
			f.Severity, f.Code = Info, ServerAtOffset
			f.Message = fmt.Sprintf("the server (pid %d) listens at offset %d, the one it should (%s)", pid, offset, strings.Join(first(matched, 3), ", "))
		default:
			f.Severity, f.Code = Warning, ServerStale
			should := fmt.Sprintf("the file's offset %d", c.runOffset)
			if d := c.res.Decided; d != nil && c.runOffset != c.fileOffset {
				should = fmt.Sprintf("offset %d (%s)", c.runOffset, d.Where(c.srv.Home))
			}
			f.Message = fmt.Sprintf("the server (pid %d) listens at offset %d (%s), not at %s: it was started before the change", pid, offset, strings.Join(first(matched, 3), ", "), should)
			f.Fix = fmt.Sprintf("restart the server for offset %d to take effect", c.runOffset)
		}
		c.add(f)
	}
}

func first(s []string, n int) []string {
	slices.Sort(s)
	if len(s) > n {
		return append(s[:n:n], "...")
	}
	return s
}

// portsInUse reports the ports the server will need that something else
// holds.
func (c *checker) portsInUse() {
	for _, p := range c.srv.Product.Ports {
		if !p.Enabled {
			continue
		}
		port := p.Effective(c.runOffset)
		inUse, pid, owner := c.sys.PortInUse(port)
		if !inUse || pid != 0 && pid == c.serverPID {
			continue
		}
		f := Finding{Severity: Error, Check: "port-in-use", Code: PortHeld, Source: fmt.Sprintf("port %d", port),
			Fix: "stop what holds it, or choose another offset"}
		switch {
		case pid != 0:
			f.Code = PortHeldBy
			f.Message = fmt.Sprintf("port %d (%s, %d at offset %d) is in use by %s (pid %d): the server will fail to open it", port, p.Purpose, p.Port, c.runOffset, owner, pid)
		case c.serverPID != 0:
			// Without the owner (another user's sockets), the running
			// server is the likely holder.
			f.Severity, f.Code = Warning, PortHeldByServer
			f.Message = fmt.Sprintf("port %d (%s, %d at offset %d) is in use, perhaps by the running server (pid %d)", port, p.Purpose, p.Port, c.runOffset, c.serverPID)
			f.Fix = "run doctor as the server's user or root to see the owner"
		default:
			f.Message = fmt.Sprintf("port %d (%s, %d at offset %d) is in use: the server will fail to open it", port, p.Purpose, p.Port, c.runOffset)
		}
		c.add(f)
	}
}

// collisions reports servers whose ports overlap at the offsets they run
// at.
func collisions(servers []*server.Server) []Finding {
	var out []Finding
	for i, a := range servers {
		for _, b := range servers[i+1:] {
			var shared []string
			var ports []int
			for _, pa := range a.Product.Ports {
				for _, pb := range b.Product.Ports {
					if pa.Enabled && pb.Enabled && pa.Effective(a.Offset()) == pb.Effective(b.Offset()) {
						shared = append(shared, fmt.Sprintf("%d (%s here, %s there)", pa.Effective(a.Offset()), pa.Purpose, pb.Purpose))
						ports = append(ports, pa.Effective(a.Offset()))
					}
				}
			}
			if len(shared) > 0 {
				out = append(out, Finding{Severity: Error, Check: "home-collision", Code: HomeCollision, Home: a.Home,
					Message: fmt.Sprintf("at offsets %d and %d, %s and %s both need port %s", a.Offset(), b.Offset(), a.Home, b.Home, strings.Join(shared, ", ")),
					Fix:     "give one of them another offset",
					With:    b.Home, Ports: ports, Offset: a.Offset(), WithOffset: b.Offset()})
			}
		}
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
