// Package doctor finds what stands between the offset in a WSO2 server's
// deployment.toml and the ports the server really uses: a -DportOffset that
// wins over the file, settings that make the server ignore or replace the
// file, a running server that needs a restart, URLs that keep literal
// default ports, ports already taken on this machine, and homes whose ports
// collide. Each check names the public WSO2 source of the facts it relies
// on: code in the github.com/wso2 repositories, or a product issue.
//
// Check reads the homes' files itself and the rest of the machine through a
// [System], so that tests can stand in for processes and the environment.
package doctor

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
)

// Severity ranks a finding. Only Error means the offset will not work as
// the file says; Warning needs attention; Info is for the record.
type Severity string

const (
	Info    Severity = "info"
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
	Offset int `json:"-"`
	// Err is the file's error, for a finding that is one: the caller
	// words its fix.
	Err error `json:"-"`
}

// Code names what a check found, one code for each kind of finding, so
// that a caller can tell them apart without reading messages: a command
// line tool adds its own commands to the fixes by code.
type Code string

const (
	FileUnreadable Code = "file-unreadable" // check "file": the offset cannot be read

	PlaceholderInvalid     Code = "placeholder-invalid"      // check "offset-placeholder": not a form WSO2 resolves
	PlaceholderEnvUnset    Code = "placeholder-env-unset"    // $env{X} with X unset here
	PlaceholderEnvInvalid  Code = "placeholder-env-invalid"  // $env{X} with X not a whole number
	PlaceholderEnvResolved Code = "placeholder-env-resolved" // $env{X} resolved from this environment
	PlaceholderSys         Code = "placeholder-sys"          // $sys{X} or ${X}, resolved at start-up

	OverrideUnknown Code = "override-unknown" // check "port-offset-override": a value set at start-up
	OverrideDiffers Code = "override-differs" // the server runs at another offset than the file's
	OverrideSame    Code = "override-same"    // the same offset as the file's, for now

	AvoidConfigUpdate Code = "avoid-config-update" // check "avoid-config-update"

	ProfileStarted   Code = "profile-started"   // check "profile-optimisation": a running server started with -Dprofile
	ProfileBackup    Code = "profile-backup"    // an optimisation replaced the file before
	ProfileAvailable Code = "profile-available" // this version has the optimisation

	PIDFileEmpty  Code = "pid-file-empty" // check "running": the pid file holds no pid
	PIDFileStale  Code = "pid-file-stale" // its process is gone
	ServerRunning Code = "server-running" // its process runs

	LiteralPortStale Code = "literal-port-stale" // check "literal-port": a default port kept at another offset
	LiteralPort      Code = "literal-port"       // a port that is right now but will not move

	PortHeldBy       Code = "port-held-by"        // check "port-in-use": held by a process doctor names
	PortHeldByServer Code = "port-held-by-server" // held, perhaps by this home's running server
	PortHeld         Code = "port-held"           // held by a process doctor cannot see

	HomeCollision Code = "home-collision" // check "home-collision": two homes need the same port
)

// Home is a server to check.
type Home struct {
	Dir     string         // the server's home
	Product wso2.Product   //
	File    string         // its deployment.toml
	Src     []byte         // the file's bytes
	Format  patcher.Format // how to read the file: plain TOML or a template
}

// Process is a running process.
type Process struct {
	PID  int
	Args []string
}

// System is what doctor reads of the machine besides the homes' files.
type System interface {
	Getenv(key string) string
	Processes() ([]Process, error)
	Alive(pid int) bool
	// PortInUse tells whether port is taken on loopback or the wildcard
	// address, and by which process when that can be told (pid 0 if not).
	PortInUse(port int) (inUse bool, pid int, owner string)
}

// Check examines the homes and returns what it found, in a stable order:
// home by home, check by check.
func Check(homes []Home, sys System) []Finding {
	procs, _ := sys.Processes() // without a process list, those checks find nothing
	var out []Finding
	effective := make([]int, len(homes))
	for i, h := range homes {
		c := &checker{home: h, sys: sys, procs: homeProcesses(h.Dir, procs)}
		c.run()
		out = append(out, c.found...)
		effective[i] = c.runOffset
	}
	return append(out, collisions(homes, effective)...)
}

// checker runs the checks of one home.
type checker struct {
	home  Home
	sys   System
	procs []Process // the processes that run from this home

	fileOffset int  // the offset the file gives (or the product's default)
	offsetSet  bool // the file sets it
	runOffset  int  // the offset the server will run at: an override's, or fileOffset
	serverPID  int  // the running server's pid, or 0

	found []Finding
}

func (c *checker) add(f Finding) {
	f.Home = c.home.Dir
	c.found = append(c.found, f)
}

func (c *checker) run() {
	c.readOffset()
	c.runOffset = c.fileOffset
	c.overrides()
	c.profile()
	c.running()
	c.literals()
	c.portsInUse()
}

// readOffset takes the file's offset, resolving a placeholder from the
// environment where it can.
func (c *checker) readOffset() {
	c.fileOffset = c.home.Product.DefaultOffset
	cur, err := patcher.Offset(c.home.Src, &patcher.Options{Format: c.home.Format})
	var pe *patcher.Error
	switch {
	case err == nil && cur.Source == patcher.SourceSet:
		c.fileOffset, c.offsetSet = cur.Offset, true
	case errors.As(err, &pe) && errors.Is(err, patcher.ErrValue):
		c.placeholder(cur, pe)
	case err != nil:
		f := Finding{Severity: Error, Check: "file", Code: FileUnreadable, File: c.home.File, Message: err.Error()}
		if pe != nil {
			f.Line, f.Column, f.Message, f.Err = pe.Line, pe.Column, pe.Msg, err
		}
		c.add(f)
	}
}

var placeholderRE = lazyregexp.New(`^"?\$(env|sys)?\{([^}]+)\}"?$`)

// placeholder reports an offset written as $env{X}, $sys{X} or ${X}, which
// wso2/config-mapper resolves at start-up from the environment or a -D
// system property.
func (c *checker) placeholder(cur patcher.Current, pe *patcher.Error) {
	f := Finding{Check: "offset-placeholder", File: c.home.File, Line: pe.Line, Column: pe.Column}
	m := placeholderRE().FindStringSubmatch(cur.Raw)
	switch {
	case m == nil:
		f.Severity, f.Code, f.Message, f.Err = Error, PlaceholderInvalid, pe.Msg, pe
	case m[1] == "env":
		v := c.sys.Getenv(m[2])
		n, err := strconv.Atoi(v)
		switch {
		case v == "":
			f.Severity, f.Code = Warning, PlaceholderEnvUnset
			f.Message = fmt.Sprintf("server.offset is %s, and %s is not set in this environment", cur.Raw, m[2])
			f.Fix = fmt.Sprintf("export %s=N where the server starts", m[2])
		case err != nil:
			f.Severity, f.Code = Error, PlaceholderEnvInvalid
			f.Message = fmt.Sprintf("server.offset is %s, and %s=%q here is not a whole number", cur.Raw, m[2], v)
			f.Fix = fmt.Sprintf("export %s as a whole number", m[2])
		default:
			f.Severity, f.Code = Info, PlaceholderEnvResolved
			f.Message = fmt.Sprintf("server.offset is %s: %s=%d in this environment", cur.Raw, m[2], n)
			c.fileOffset, c.offsetSet = n, true
		}
	default:
		f.Severity, f.Code = Warning, PlaceholderSys
		f.Message = fmt.Sprintf("server.offset is %s, a system property resolved at start-up: apim-offset cannot see its value", cur.Raw)
		f.Fix = fmt.Sprintf("check -D%s in the start command", m[2])
	}
	c.add(f)
}

// The most bytes read of a start script, a pid file and a process's
// command line: enough for any real one, and a bound on what a FIFO or
// /dev/zero in their place could make doctor wait for or hold.
const (
	maxScript  = 1 << 20
	maxPIDFile = 64
	maxCmdline = 1 << 20
)

var (
	portOffsetRE   = lazyregexp.New(`-DportOffset=("[^"]*"|'[^']*'|[^\s"']+)`)
	avoidConfigRE  = lazyregexp.New(`-DavoidConfigUpdate=(?i:true)\b`)
	profileRE      = lazyregexp.New(`-Dprofile=(\S+)`)
	scriptComments = lazyregexp.New(`^\s*(#|(?i:rem)\b|::)`)
)

// overrides finds -DportOffset and -DavoidConfigUpdate=true in the start
// scripts, JAVA_OPTS and JVM_OPTS, and the running server's command line.
// Every reader of the offset takes System.getProperty("portOffset") before
// carbon.xml's Ports.Offset, which deployment.toml renders (wso2/carbon-kernel
// CarbonUtils.getPortFromServerConfig; the start scripts put JAVA_OPTS on the
// java command line, wso2/product-apim startup-scripts/api-manager.sh); and
// with avoidConfigUpdate=true, wso2/config-mapper's ConfigParser.parse
// returns before it reads deployment.toml.
func (c *checker) overrides() {
	bin := filepath.Join(c.home.Dir, "bin")
	entries, _ := os.ReadDir(bin)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !slices.Contains([]string{".sh", ".bat", ".cmd", ".conf"}, filepath.Ext(name)) {
			continue
		}
		path := filepath.Join(bin, name)
		data, err := safefile.Read(path, maxScript) // a FIFO or a device is refused
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data[:min(len(data), maxScript)]))
		sc.Buffer(nil, maxScript)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			if scriptComments().MatchString(text) {
				continue
			}
			c.overridesIn(text, Finding{File: path, Line: line}, "remove it from "+name)
		}
	}
	for _, env := range []string{"JAVA_OPTS", "JVM_OPTS"} {
		if v := c.sys.Getenv(env); v != "" {
			c.overridesIn(v, Finding{Source: env}, "remove it from "+env+" where the server starts")
		}
	}
	for _, p := range c.procs {
		c.overridesIn(strings.Join(p.Args, " "), Finding{Source: fmt.Sprintf("pid %d", p.PID)}, fmt.Sprintf("restart the server without it (process %d was started with it)", p.PID))
	}
}

// overridesIn reports the overrides in one line of text, at where.
func (c *checker) overridesIn(text string, where Finding, fix string) {
	for _, m := range portOffsetRE().FindAllStringSubmatch(text, -1) {
		f := where
		f.Check = "port-offset-override"
		value := strings.Trim(m[1], `"'`)
		n, err := strconv.Atoi(value)
		switch {
		case err != nil:
			f.Severity, f.Code = Warning, OverrideUnknown
			f.Message = fmt.Sprintf("%s overrides the file's offset %d with a value set at start-up", m[0], c.fileOffset)
		case n != c.fileOffset:
			f.Severity, f.Code = Error, OverrideDiffers
			f.Message = fmt.Sprintf("%s overrides the file's offset %d: the server runs at offset %d", m[0], c.fileOffset, n)
			c.runOffset = n
		default:
			f.Severity, f.Code = Warning, OverrideSame
			f.Message = fmt.Sprintf("%s overrides the file's offset (the same %d now): a later change to the file will not take effect", m[0], n)
		}
		f.Fix = fix + ": a -DportOffset system property wins over deployment.toml"
		c.add(f)
	}
	if avoidConfigRE().MatchString(text) {
		f := where
		f.Severity, f.Check, f.Code = Error, "avoid-config-update", AvoidConfigUpdate
		f.Message = "-DavoidConfigUpdate=true: the server ignores changes to deployment.toml, the offset among them"
		f.Fix = fix
		c.add(f)
	}
}

// profile warns about API Manager 4.0-4.4's profile optimisation, which
// replaces deployment.toml with a profile template unless
// --skipConfigOptimization is given (wso2/product-apim v4.2.0,
// startup-scripts/api-manager.sh, the --optimize branch that runs
// profileSetup.sh, which keeps the old file as deployment.toml.backup).
func (c *checker) profile() {
	if !exists(filepath.Join(c.home.Dir, "bin", "profileSetup.sh")) && !exists(filepath.Join(c.home.Dir, "bin", "profileSetup.bat")) {
		return
	}
	for _, p := range c.procs {
		args := strings.Join(p.Args, " ")
		if m := profileRE().FindStringSubmatch(args); m != nil && !strings.Contains(args, "skipConfigOptimization") {
			c.add(Finding{Severity: Error, Check: "profile-optimisation", Code: ProfileStarted, Source: fmt.Sprintf("pid %d", p.PID),
				Message: fmt.Sprintf("the server was started with %s and without --skipConfigOptimization: each such start replaces deployment.toml with the %s profile template, and the offset with it", m[0], m[1]),
				Fix:     "add --skipConfigOptimization to the start command"})
		}
	}
	backup := filepath.Join(filepath.Dir(c.home.File), "deployment.toml.backup")
	if exists(backup) {
		c.add(Finding{Severity: Warning, Check: "profile-optimisation", Code: ProfileBackup, File: backup,
			Message: "a profile optimisation replaced deployment.toml before (this is the old file): starting with -Dprofile or --optimize again replaces it, and the offset with it",
			Fix:     "start with --skipConfigOptimization, or set the offset again after the optimisation"})
		return
	}
	c.add(Finding{Severity: Info, Check: "profile-optimisation", Code: ProfileAvailable, File: filepath.Join(c.home.Dir, "bin", "profileSetup.sh"),
		Message: "this version's -Dprofile and --optimize replace deployment.toml with a profile template",
		Fix:     "add --skipConfigOptimization when you start with a profile"})
}

// running reports a live server: the offset is read at start-up only, so a
// new one needs a restart. A Carbon server writes <home>/wso2carbon.pid and
// leaves it behind after a crash: the process must be alive.
func (c *checker) running() {
	path := filepath.Join(c.home.Dir, "wso2carbon.pid")
	data, err := safefile.Read(path, maxPIDFile)
	if err != nil {
		return
	}
	// Carbon writes the pid, a newline and NUL padding; MI only digits.
	fields := strings.FieldsFunc(string(data), func(r rune) bool { return r < '0' || r > '9' })
	pid, err := 0, errors.New("no digits")
	if len(fields) > 0 {
		pid, err = strconv.Atoi(fields[0])
	}
	if err != nil || pid <= 0 {
		c.add(Finding{Severity: Info, Check: "running", Code: PIDFileEmpty, File: path, Message: "the pid file holds no process id", Fix: "remove it if no server runs from this home"})
		return
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

// literals reports URLs to this server that keep a literal port: a port
// written in a URL does not move with the offset (wso2/product-apim#8083,
// #9642; wso2/docs-apim#5403).
func (c *checker) literals() {
	lits, err := patcher.LiteralPorts(c.home.Src, c.home.Product.ShiftingPorts(), c.fileOffset, &patcher.Options{Format: c.home.Format})
	if err != nil {
		return // readOffset has reported the file
	}
	for _, l := range lits {
		need := l.Default + c.fileOffset
		f := Finding{Check: "literal-port", File: c.home.File, Line: l.Line, Column: l.Column, Offset: c.fileOffset}
		if l.Port != need {
			f.Severity, f.Code = Warning, LiteralPortStale
			f.Message = fmt.Sprintf("%s (%s) keeps port %d, but at offset %d the server listens on %d", l.URL, l.Key, l.Port, c.fileOffset, need)
			f.Fix = fmt.Sprintf("write %d", need)
		} else {
			f.Severity, f.Code = Info, LiteralPort
			f.Message = fmt.Sprintf("%s (%s) is a literal port: it will not move when the offset changes", l.URL, l.Key)
		}
		c.add(f)
	}
}

// portsInUse reports the ports the server will need that something else
// holds.
func (c *checker) portsInUse() {
	for _, p := range c.home.Product.Ports {
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

// collisions reports homes whose ports overlap at the offsets they run at.
func collisions(homes []Home, offsets []int) []Finding {
	var out []Finding
	for i := range homes {
		for j := i + 1; j < len(homes); j++ {
			var shared []string
			for _, a := range homes[i].Product.Ports {
				for _, b := range homes[j].Product.Ports {
					if a.Enabled && b.Enabled && a.Effective(offsets[i]) == b.Effective(offsets[j]) {
						shared = append(shared, fmt.Sprintf("%d (%s here, %s there)", a.Effective(offsets[i]), a.Purpose, b.Purpose))
					}
				}
			}
			if len(shared) > 0 {
				out = append(out, Finding{Severity: Error, Check: "home-collision", Code: HomeCollision, Home: homes[i].Dir,
					Message: fmt.Sprintf("at offsets %d and %d, %s and %s both need port %s", offsets[i], offsets[j], homes[i].Dir, homes[j].Dir, strings.Join(shared, ", ")),
					Fix:     "give one of them another offset"})
			}
		}
	}
	return out
}

// homeProcesses keeps the processes that run from home: started with
// -Dcarbon.home=home or a script under home.
func homeProcesses(home string, procs []Process) []Process {
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	var out []Process
	for _, p := range procs {
		for _, a := range p.Args {
			v := strings.TrimPrefix(a, "-Dcarbon.home=")
			if v == abs || strings.HasPrefix(v, abs+string(filepath.Separator)+"bin"+string(filepath.Separator)) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
