// Package server loads a WSO2 server on this host once (Load): its home
// and deployment.toml, read within bounds and parsed once; its product and
// version, told by the home; the port table of that version with the
// file's own base ports; and the port offset it really runs at, and why:
// the file's [server] offset, or a system property that wins over it.
// Every command asks its questions of this one value.
//
// # Precedence
//
// Every reader of the offset takes System.getProperty("portOffset") before
// carbon.xml's Ports.Offset, which config-mapper renders from deployment.toml
// (wso2/carbon-kernel CarbonUtils.getPortFromServerConfig). The system
// property is set, last setting winning, by:
//
//  1. repository/conf/carbon.properties, which kernel Main.addSystemProperties
//     applies after the command line, and into which [system.parameter] of
//     deployment.toml is rendered (kernel carbon.properties.j2): it beats
//     even -DportOffset (wso2/carbon-kernel
//     core/org.wso2.carbon.server/src/main/java/org/wso2/carbon/server/Main.java);
//  2. the start script's arguments (passed to Bootstrap as "$*" and set by
//     Main.processCmdLineArgs), then JAVA_OPTS, then JVM_MEM_OPTS, which the
//     scripts put on the java command line in the order JVM_MEM_OPTS ...
//     JAVA_OPTS (wso2/product-apim startup-scripts/api-manager.sh); a running
//     process's command line holds them all. JVM_OPTS is never read by the
//     scripts, and --debug replaces JAVA_OPTS;
//  3. the file's [server] offset, with $env{X} taken from the environment
//     and $sys{X} from a -DX= on the command line (wso2/config-mapper
//     ReferenceResolver, which runs before carbon.properties is applied),
//     and ${X} from a system property or else the environment at run time
//     (kernel ServerConfiguration.replaceSystemProperty);
//  4. the product's default.
//
// -Ddeployment.config.file.path=F makes the server read F instead of the
// home's deployment.toml (kernel Main.handleConfiguration); -Dtomcat.https.port
// and -Dtomcat.http.port pin the servlet ports (kernel CarbonTomcat).
package server

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apim-offset/apim-offset/internal/safefile"

	"github.com/apim-offset/apim-offset/internal/javaint"
	"github.com/apim-offset/apim-offset/internal/lazyregexp"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
)

// MaxRead is the most bytes read of a start script, carbon.properties or
// a configuration file: enough for any real one, and a bound on what a
// FIFO or /dev/zero in their place could make a run wait for or hold.
const MaxRead = 1 << 20

// Process is a running process.
type Process struct {
	PID  int
	Args []string
}

// Machine is what Resolve reads besides the home's files.
type Machine struct {
	// AllowForeignLink lets a run as root read through a symbolic link
	// that another user owns, or that leads out of the home
	// (safefile.Options).
	AllowForeignLink bool
	Getenv           func(key string) string // nil: an empty environment
	// LookupEnv tells a variable set to "" from one not set (os.LookupEnv);
	// nil: a variable is set when Getenv gives more than "".
	LookupEnv func(key string) (string, bool)
	Processes []Process // every process; Resolve keeps this home's
	// OS is the system whose launchers count (runtime.GOOS when ""): the
	// .sh start scripts, or the .bat ones on Windows.
	OS string
}

// Kind is where a setting comes from.
type Kind string

const (
	CarbonProperties Kind = "carbon.properties" // repository/conf/carbon.properties, a portOffset line
	SystemParameter  Kind = "system.parameter"  // deployment.toml [system.parameter]
	ProcessArgs      Kind = "process"           // a running process of this home
	Script           Kind = "script"            // a line of a start script in bin/
	JavaOpts         Kind = "JAVA_OPTS"         // the environment variable
	JVMMemOpts       Kind = "JVM_MEM_OPTS"      // the environment variable
	JVMOpts          Kind = "JVM_OPTS"          // never read by WSO2's scripts
	EnvVar           Kind = "env"               // an environment variable a placeholder names: Text is NAME=value
	CarbonXML        Kind = "carbon.xml"        // repository/conf/carbon.xml's <Ports><Offset>, read when config-mapper is skipped
)

// Source is one place a setting is made.
type Source struct {
	Kind  Kind
	File  string // the file, for a script, carbon.properties or deployment.toml
	Line  int    // 1-based, in File
	PID   int    // for a process
	Text  string // as found: "-DportOffset=5", "portOffset=3", "portOffset = 3"
	Value string // the value, quotes removed
	// Arg: an argument of the start script, or of the java command after
	// its main class, which kernel Main.processCmdLineArgs sets (a bare
	// -Dname is "true" there); otherwise a JVM option, which Bootstrap's
	// carbon.properties replaces on kernels that load it first.
	Arg bool
}

// Where names the source for a person: "bin/api-manager.sh:12" (File
// relative to home when under it), "JAVA_OPTS", "pid 1234".
func (s Source) Where(home string) string {
	switch {
	case s.File != "":
		file := s.File
		if home != "" {
			if rel, err := filepath.Rel(home, s.File); err == nil && filepath.IsLocal(rel) {
				file = filepath.ToSlash(rel)
			}
		}
		if s.Line > 0 {
			return fmt.Sprintf("%s:%d", file, s.Line)
		}
		return file
	case s.PID != 0:
		return fmt.Sprintf("pid %d", s.PID)
	case s.Kind == EnvVar:
		name, _, _ := strings.Cut(s.Text, "=")
		return name
	}
	return string(s.Kind)
}

// Offset is the source's value as Java's Integer.parseInt reads it.
func (s Source) Offset() (int, bool) { return ParseInt(s.Value) }

// FileOffset is the offset of the file the server reads.
type FileOffset struct {
	Path string          // the file: the home's deployment.toml, or -Ddeployment.config.file.path
	Cur  patcher.Current // what patcher read; Cur.Raw is the placeholder when there is one
	// Column is the value's column, when it is a placeholder.
	Column int
	Err    error // reading the offset: a *patcher.Error, or a *PlaceholderError
	// Offset is the file's offset: its number, its placeholder resolved, or
	// the product's default when it sets none (or cannot be read).
	Offset int
	Set    bool // the file sets Offset: a number, or a placeholder resolved here
	// Placeholder is set when the value is $env{X}, $sys{X} or ${X}.
	Placeholder *Placeholder
}

// Literal is the file's own number, nil when it is a placeholder or sets none.
func (f FileOffset) Literal() *int {
	if f.Set && f.Placeholder == nil {
		n := f.Offset
		return &n
	}
	return nil
}

// Placeholder is an offset written as a reference WSO2 resolves at start-up.
type Placeholder struct {
	Raw  string // as written: "$env{PORT_OFFSET}"
	Form string // "env", "sys" or "" (${X})
	Name string // PORT_OFFSET
	// From is where the value was found: JAVA_OPTS, a script line, the
	// environment (Kind "env"); nil when not found here.
	From  *Source
	Value string // the value found
}

// ErrUnresolved is what a *PlaceholderError wraps.
var ErrUnresolved = errors.New("placeholder not resolved")

// PlaceholderError is a placeholder offset that cannot be resolved here, or
// resolves to something that is not a whole number.
type PlaceholderError struct {
	Line, Column int
	Placeholder
	Msg string
}

func (e *PlaceholderError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}
func (e *PlaceholderError) Unwrap() error { return ErrUnresolved }

// Effective is the offset the server runs at and why.
type Effective struct {
	// Offset is the offset the server runs at: Decided's, the file's, or
	// the product's default. With Known false it is the file's, which an
	// override of unknown value replaces at start-up.
	Offset int
	Known  bool
	// Decided is the override that decides Offset; nil when the file (or
	// the default) does.
	Decided *Source
	File    FileOffset
	// Overrides are every portOffset setting above the file, highest
	// precedence first: Decided is the first.
	Overrides []Source
	Ignored   []Source // -DportOffset in JVM_OPTS: never read
	// Pins are -Dtomcat.https.port and -Dtomcat.http.port, each the one
	// that wins.
	Pins []Source
	// ConfigFile is -Ddeployment.config.file.path, when set: the server
	// reads File.Path = its value.
	ConfigFile *Source
	// ConfigFileMissing: ConfigFile names a file that does not exist here
	// (File is then the home's own file).
	ConfigFileMissing bool
	AvoidConfigUpdate []Source // -DavoidConfigUpdate=true, or a bare -DavoidConfigUpdate argument
	// Overwritten are portOffset lines written by hand in carbon.properties
	// that config-mapper renders over from [system.parameter] at the next
	// start (kernel 4.6.1 and later, without -DavoidConfigUpdate): they do
	// not decide the offset.
	Overwritten []Source
	// CarbonHome is CARBON_HOME exported in this environment: every WSO2
	// start script then starts that home, whichever bin/ it is run from
	// (product-apim v4.5.0 startup-scripts/api-manager.sh: [ -z
	// "$CARBON_HOME" ] && CARBON_HOME=...).
	CarbonHome *Source
	Processes  []Process
}

// FromFile tells whether the file's offset is the one the server runs at.
func (r Effective) FromFile() bool { return r.Decided == nil }

// resolve works out the offset s's server runs at on machine m.
func (s *Server) resolve(m Machine) Effective {
	getenv := m.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	lookup := m.LookupEnv
	if lookup == nil {
		lookup = func(k string) (string, bool) { v := getenv(k); return v, v != "" }
	}
	st := &settings{srv: s, getenv: getenv, lookup: lookup}
	if s.Home != "" {
		st.procs = HomeProcesses(s.Home, m.Processes)
		st.readScripts(m.OS)
	}
	r := Effective{Processes: st.procs}
	if v, ok := lookup("CARBON_HOME"); ok && v != "" && s.Home != "" {
		r.CarbonHome = &Source{Kind: EnvVar, Text: "CARBON_HOME=" + v, Value: v}
	}

	// The file the server reads.
	r.File = FileOffset{Path: s.Path}
	file, fileErr := s.File, s.Err
	if cfg := st.last("deployment.config.file.path"); cfg != nil && s.Home != "" {
		r.ConfigFile = cfg
		path := cfg.Value
		if !filepath.IsAbs(path) {
			path = filepath.Join(s.Home, path) // the scripts cd to CARBON_HOME
		}
		if src, err := s.ReadFile(path, MaxRead); err == nil {
			r.File.Path = path
			file, fileErr = patcher.Parse(src, s.format)
		} else {
			r.ConfigFileMissing = true
		}
	}
	// config-mapper ConfigParser.parse returns before it reads the file
	// when avoidConfigUpdate is true (Boolean.getBoolean); a bare
	// -DavoidConfigUpdate argument is "true" (kernel
	// Main.processCmdLineArgs), a bare JVM option "".
	for _, a := range st.middle("avoidConfigUpdate") {
		if strings.EqualFold(a.Value, "true") {
			r.AvoidConfigUpdate = append(r.AvoidConfigUpdate, a)
		}
	}
	// Micro Integrator turns avoidConfigUpdate into configParseOnly and
	// renders anyway (its Product.CarbonXML is "").
	st.avoid = len(r.AvoidConfigUpdate) > 0 && s.Product.CarbonXML != ""
	st.file, st.filePath = file, r.File.Path
	st.readCarbonProperties()
	st.readFile(&r.File, file, fileErr)

	// portOffset, highest precedence first.
	r.Overrides = st.ordered("portOffset")
	if st.avoid {
		if x := st.carbonXMLOffset(); x != nil {
			r.Overrides = append(r.Overrides, *x)
		}
	}
	r.Overwritten = st.overwritten("portOffset")
	r.Ignored = st.find("portOffset", JVMOpts)
	r.Offset, r.Known = r.File.Offset, r.File.Err == nil
	if len(r.Overrides) > 0 {
		d := r.Overrides[0]
		r.Decided = &d
		n, ok := d.Offset()
		r.Offset, r.Known = n, ok
		if !ok {
			r.Offset = r.File.Offset
		}
	}
	for _, port := range s.Product.Ports {
		if port.Pin == "" {
			continue
		}
		if all := st.ordered(port.Pin); len(all) > 0 {
			r.Pins = append(r.Pins, all[0])
		}
	}
	return r
}

// settings are the places a home's system properties are set.
type settings struct {
	srv      *Server
	getenv   func(string) string
	lookup   func(string) (string, bool)
	avoid    bool // -DavoidConfigUpdate: config-mapper renders nothing
	procs    []Process
	scripts  []scriptLine
	file     *patcher.File     // the file the server reads; nil when it cannot be parsed
	filePath string            //
	props    []propLine        // carbon.properties
	params   map[string]Source // [system.parameter] of the file
}

type scriptLine struct {
	file string
	line int
	text string
}

type propLine struct {
	line       int
	key, value string
	text       string
}

// scriptComment is a comment line in sh or bat.
var scriptComment = lazyregexp.New(`^\s*(#|(?i:rem)\b|::)`)

// sourceLine is a line of a start script that runs another script of
// bin/ in the same shell (". x.sh", "source x.sh") or, in a .bat, "call
// x.bat": its settings count as the launcher's.
var sourceLine = lazyregexp.New(`^\s*(?:\.|source|(?i:call))\s+["']?(?:[^"'\s]*[/\\])?([\w.-]+\.(?:sh|bat|cmd))["']?(?:\s|$)`)

// readScripts reads the product's own start scripts in bin/ in the form
// of this system, os (runtime.GOOS when ""): the .sh launchers, or the
// .bat ones on Windows, and the scripts of bin/ they source. Another
// system's launcher, or any other script in bin/, does not start this
// server here. When the product is not known, every known launcher counts.
func (s *settings) readScripts(os string) {
	if os == "" {
		os = runtime.GOOS
	}
	ext := ".sh"
	if os == "windows" {
		ext = ".bat"
	}
	launchers := s.srv.Product.Launchers
	if !s.srv.Known {
		launchers = nil
		for _, p := range wso2.Packages() {
			launchers = append(launchers, p.Launchers...)
		}
	}
	bin := filepath.Join(s.srv.Home, "bin")
	var queue []string
	for _, l := range launchers {
		queue = append(queue, l+ext)
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		path := filepath.Join(bin, name)
		data, err := s.srv.ReadHead(path, MaxRead) // a FIFO or a device is refused
		if errors.Is(err, safefile.ErrBudget) {
			break // the rest would be over the home's budget too
		}
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			if scriptComment().MatchString(text) {
				continue
			}
			if m := sourceLine().FindStringSubmatch(text); m != nil && filepath.Ext(m[1]) == filepath.Ext(name) {
				queue = append(queue, m[1])
			}
			if strings.Contains(text, "-D") {
				s.scripts = append(s.scripts, scriptLine{path, line, text})
			}
		}
	}
}

// CarbonPropertiesPath is where Carbon reads carbon.properties: beside the
// product's deployment.toml (-Dcarbon.config.dir.path).
func CarbonPropertiesPath(dir string, p wso2.Product) string {
	return filepath.Join(dir, filepath.Dir(filepath.FromSlash(p.Config)), "carbon.properties")
}

// readCarbonProperties reads carbon.properties as java.util.Properties
// does, for the plain "key=value", "key: value" and "key value" lines, and
// the file's [system.parameter] table.
func (s *settings) readCarbonProperties() {
	if s.srv.Home != "" {
		if data, err := s.srv.ReadFile(CarbonPropertiesPath(s.srv.Home, s.srv.Product), MaxRead); err == nil {
			for i, text := range strings.Split(string(data), "\n") {
				if key, value, ok := propertyLine(text); ok {
					s.props = append(s.props, propLine{i + 1, key, value, strings.TrimSpace(text)})
				}
			}
		}
	}
	s.params = map[string]Source{}
	if s.file == nil {
		return
	}
	for _, p := range s.file.Settings("system", "parameter") {
		value := fmt.Sprint(p.Value)
		if f, ok := p.Value.(float64); ok { // Jinja renders 2.0 as "2.0"
			value = strconv.FormatFloat(f, 'f', -1, 64)
			if !strings.ContainsAny(value, ".eEnN") {
				value += ".0"
			}
		}
		s.params[p.Key[2]] = Source{Kind: SystemParameter, Line: p.Line, Text: p.Text, Value: value}
	}
}

// propertyLine reads one line of a .properties file as
// java.util.Properties.load does: the key ends at the first '=', ':' or
// blank; blanks and one '=' or ':' after it are skipped; the value keeps
// trailing blanks (Integer.parseInt then refuses them). Continuation lines
// and escapes are not read.
func propertyLine(text string) (key, value string, ok bool) {
	t := strings.TrimLeft(strings.TrimSuffix(text, "\r"), " \t\f")
	if t == "" || t[0] == '#' || t[0] == '!' {
		return "", "", false
	}
	end := strings.IndexAny(t, "=: \t\f")
	if end < 0 {
		return t, "", true
	}
	key, rest := t[:end], strings.TrimLeft(t[end:], " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	return key, rest, true
}

// properties is where name is set through carbon.properties, as the
// product's kernel takes it: the file's [system.parameter], which
// config-mapper renders into carbon.properties at start-up (kernel
// carbon.properties.j2), then carbon.properties as it stands. On a kernel
// that renders it from [system.parameter] at each start (4.6.1 and later:
// wso2.Product.PropertiesFirst false), a line written there by hand is
// rendered over (overwritten) and only [system.parameter] counts, unless
// -DavoidConfigUpdate skips config-mapper: then only carbon.properties as
// it stands does.
func (s *settings) properties(name string) []Source {
	var out []Source
	if p, ok := s.params[name]; ok && !s.avoid {
		p.File = s.filePath
		out = append(out, p)
	}
	if s.srv.Product.PropertiesFirst || s.avoid {
		if p := s.carbonProperty(name); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// carbonProperty is the line of carbon.properties that sets name as it
// stands, the last one, or nil.
func (s *settings) carbonProperty(name string) *Source {
	for i := len(s.props) - 1; i >= 0; i-- { // the last line wins
		if p := s.props[i]; p.key == name {
			return &Source{Kind: CarbonProperties, File: CarbonPropertiesPath(s.srv.Home, s.srv.Product), Line: p.line, Text: p.text, Value: p.value}
		}
	}
	return nil
}

// overwritten is carbon.properties' setting of name when config-mapper
// renders it over at the next start (kernel 4.6.1 and later, without
// -DavoidConfigUpdate; the rendering of [system.parameter], the same value,
// is not a hand edit); nil otherwise.
func (s *settings) overwritten(name string) []Source {
	if s.srv.Product.PropertiesFirst || s.avoid {
		return nil
	}
	p := s.carbonProperty(name)
	if p == nil {
		return nil
	}
	if param, ok := s.params[name]; ok && param.Value == p.Value {
		return nil
	}
	return []Source{*p}
}

// ordered is every setting of the system property name, the one that wins
// first. Kernel 4.6.1 and later apply carbon.properties after the command
// line (Main.addSystemProperties): it comes first. Kernels 4.5.1 and
// 4.6.0, and Micro Integrator, load it in Bootstrap before Main reads its
// arguments (wso2/carbon-kernel v4.6.0 and wso2/micro-integrator v4.3.0
// Bootstrap.addSystemProperties, then Main.processCmdLineArgs): the
// arguments win over it, and it over the JVM options (System.setProperty
// replaces them).
func (s *settings) ordered(name string) []Source {
	props, mid := s.properties(name), s.middle(name)
	if !s.srv.Product.PropertiesFirst {
		return append(props, mid...)
	}
	var args, jvm []Source
	for _, m := range mid {
		if m.Arg {
			args = append(args, m)
		} else {
			jvm = append(jvm, m)
		}
	}
	return append(append(args, props...), jvm...)
}

// carbonXMLOffset is carbon.xml's <Ports><Offset> as it stands, for a
// server whose config-mapper is skipped (-DavoidConfigUpdate): it reads
// carbon.xml as last rendered (kernel CarbonUtils.getPortFromServerConfig).
// encoding/xml decodes entities such as &#50;. nil when the product has no
// carbon.xml to read or it sets no offset.
func (s *settings) carbonXMLOffset() *Source {
	rel := s.srv.Product.CarbonXML
	if rel == "" || s.srv.Home == "" {
		return nil
	}
	path := filepath.Join(s.srv.Home, filepath.FromSlash(rel))
	data, err := s.srv.ReadFile(path, MaxRead)
	if err != nil {
		return nil
	}
	var doc struct {
		Offset *string `xml:"Ports>Offset"`
	}
	if xml.Unmarshal(data, &doc) != nil || doc.Offset == nil {
		return nil
	}
	line := 0
	if i := bytes.Index(data, []byte("<Offset>")); i >= 0 {
		line = bytes.Count(data[:i], []byte("\n")) + 1
	}
	return &Source{Kind: CarbonXML, File: path, Line: line, Text: "<Offset>" + *doc.Offset + "</Offset>", Value: *doc.Offset}
}

// middle is where -Dname= is set on the command line, the one that wins
// first: a running process (its whole command line), the start scripts,
// JAVA_OPTS, then JVM_MEM_OPTS.
func (s *settings) middle(name string) []Source {
	var out []Source
	out = append(out, s.find(name, ProcessArgs)...)
	out = append(out, s.find(name, Script)...)
	out = append(out, s.find(name, JavaOpts)...)
	out = append(out, s.find(name, JVMMemOpts)...)
	return out
}

// last is the -Dname= that wins on the command line, or nil.
func (s *settings) last(name string) *Source {
	if m := s.middle(name); len(m) > 0 {
		return &m[0]
	}
	return nil
}

// propREs holds the compiled propRE of each name.
var propREs sync.Map

// propRE matches -Dname=value, the value quoted or up to a blank; it is
// compiled once a name.
func propRE(name string) *regexp.Regexp {
	if re, ok := propREs.Load(name); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`(?:^|[\s"'=])-D` + regexp.QuoteMeta(name) + `=("[^"]*"|'[^']*'|[^\s"']*)`)
	propREs.Store(name, re)
	return re
}

// find lists the -Dname= settings of one kind of place: for a process or an
// environment variable the last one, which wins; for scripts each line.
func (s *settings) find(name string, kind Kind) []Source {
	re, flag := propRE(name), "-D"+name+"="
	var out []Source
	switch kind {
	case ProcessArgs:
		for _, p := range s.procs {
			if src, ok := argIn(p, name); ok {
				out = append(out, src)
			}
		}
	case Script:
		for _, l := range s.scripts {
			if strings.Contains(l.text, flag) {
				main := strings.Index(l.text, "Bootstrap")
				for _, m := range re.FindAllStringSubmatchIndex(l.text, -1) {
					text := strings.TrimLeft(l.text[m[0]:m[1]], " \t\"'")
					out = append(out, Source{Kind: kind, File: l.file, Line: l.line, Text: text, Value: strings.Trim(l.text[m[2]:m[3]], `"'`), Arg: main >= 0 && m[0] > main})
				}
			}
			// A bare -Dname after the main class: Main.processCmdLineArgs
			// makes it "true".
			if main := strings.Index(l.text, "Bootstrap"); main >= 0 {
				for _, f := range strings.Fields(l.text[main:]) {
					if strings.Trim(f, `"'`) == "-D"+name {
						out = append(out, Source{Kind: kind, File: l.file, Line: l.line, Text: "-D" + name, Value: "true", Arg: true})
					}
				}
			}
		}
	case JavaOpts, JVMMemOpts, JVMOpts:
		if s.srv.Home == "" {
			return nil // the environment is this home's only when there is one
		}
		return s.envOpts(name, kind)
	}
	return out
}

// envOpts is the -Dname= that wins in the environment variable kind
// (JAVA_OPTS, JVM_MEM_OPTS), home or not.
func (s *settings) envOpts(name string, kind Kind) []Source {
	re, flag := propRE(name), "-D"+name+"="
	text := s.getenv(string(kind))
	if !strings.Contains(text, flag) {
		return nil // most text: no regexp needed
	}
	ms := re.FindAllStringSubmatch(text, -1)
	if len(ms) == 0 {
		return nil
	}
	m := ms[len(ms)-1]
	return []Source{{Kind: kind, Text: strings.TrimLeft(m[0], " \t\"'"), Value: strings.Trim(m[1], `"'`)}}
}

// argIn is the -Dname setting that wins on p's command line: the last
// argument of the start script (p runs the script: all its arguments are
// the script's), or of the java command after its main class, which kernel
// Main.processCmdLineArgs sets (a bare -Dname there is "true"); else the
// last JVM option (a bare one is "").
func argIn(p Process, name string) (Source, bool) {
	main := slices.IndexFunc(p.Args, func(a string) bool { return strings.HasSuffix(a, ".Bootstrap") })
	var src Source
	found := false
	for i, a := range p.Args {
		arg := main < 0 || i > main
		switch {
		case strings.HasPrefix(a, "-D"+name+"="):
			src, found = Source{Kind: ProcessArgs, PID: p.PID, Text: a, Value: strings.TrimPrefix(a, "-D"+name+"="), Arg: arg}, true
		case a == "-D"+name && arg:
			src, found = Source{Kind: ProcessArgs, PID: p.PID, Text: a, Value: "true", Arg: true}, true
		case a == "-D"+name:
			src, found = Source{Kind: ProcessArgs, PID: p.PID, Text: a, Value: ""}, true
		}
	}
	return src, found
}

var placeholderRE = lazyregexp.New(`^"?\$(env|sys)?\{([^}]+)\}"?$`)

// readFile reads the offset of file, the file the server reads (fileErr
// when it cannot be parsed), resolving a placeholder.
func (s *settings) readFile(f *FileOffset, file *patcher.File, fileErr error) {
	f.Offset = s.srv.Product.DefaultOffset
	if fileErr != nil {
		f.Err = fileErr
		return
	}
	cur, err := file.Offset()
	f.Cur = cur
	var pe *patcher.Error
	switch {
	case err == nil && cur.Source == patcher.SourceSet:
		f.Offset, f.Set = cur.Offset, true
		return
	case err == nil:
		return
	case !errors.As(err, &pe) || !errors.Is(err, patcher.ErrValue):
		f.Err = err
		return
	}
	m := placeholderRE().FindStringSubmatch(cur.Raw)
	if m == nil {
		f.Err = err
		return
	}
	ph := &Placeholder{Raw: strings.Trim(cur.Raw, `"`), Form: m[1], Name: m[2]}
	f.Column = pe.Column
	f.Placeholder = ph
	why := s.resolvePlaceholder(ph)
	n, ok := 0, false
	if why == "" {
		if n, ok = ParseInt(ph.Value); !ok {
			why = fmt.Sprintf("and %s gives %q, not a whole number", ph.From.Where(s.srv.Home), ph.Value)
		}
	}
	if why != "" {
		f.Err = &PlaceholderError{Line: pe.Line, Column: pe.Column, Placeholder: *ph, Msg: fmt.Sprintf("server.offset is %s, %s", cur.Raw, why)}
		return
	}
	f.Offset, f.Set = n, true
}

// resolvePlaceholder sets ph's From and Value as the server finds them; when it
// cannot, it leaves them and says why ("and X is not set in this
// environment").
func (s *settings) resolvePlaceholder(ph *Placeholder) (why string) {
	switch ph.Form {
	case "env":
		// config-mapper's ReferenceResolver: System.getenv, an unset
		// variable stops the server.
		v, ok := s.lookupEnv(ph.Name)
		if !ok {
			return fmt.Sprintf("and %s is not set in this environment", ph.Name)
		}
		ph.From, ph.Value = &Source{Kind: EnvVar, Text: ph.Name + "=" + v, Value: v}, v
	case "sys":
		// ReferenceResolver: System.getProperty, before carbon.properties
		// is applied: only the command line counts.
		src := s.last(ph.Name)
		if src == nil && s.srv.Home == "" {
			// A file outside a home: the JAVA_OPTS (or JVM_MEM_OPTS) of this
			// environment, where the hint says to put it, as $env{X} reads
			// this environment.
			for _, kind := range []Kind{JavaOpts, JVMMemOpts} {
				if e := s.envOpts(ph.Name, kind); len(e) > 0 {
					src = &e[0]
					break
				}
			}
		}
		if src == nil {
			return fmt.Sprintf("and no -D%s= is set where apim-offset can see it", ph.Name)
		}
		ph.From, ph.Value = src, src.Value
	default:
		// ${X} reaches carbon.xml as it is; ServerConfiguration resolves it
		// from the system property X, else the environment variable X.
		if all := s.ordered(ph.Name); len(all) > 0 {
			ph.From, ph.Value = &all[0], all[0].Value
		} else if v, ok := s.lookupEnv(ph.Name); ok {
			ph.From, ph.Value = &Source{Kind: EnvVar, Text: ph.Name + "=" + v, Value: v}, v
		} else {
			return fmt.Sprintf("and neither a -D%s= nor an environment variable %s is set where apim-offset can see it", ph.Name, ph.Name)
		}
	}
	return ""
}

// lookupEnv is config-mapper's System.getenv: a variable set to "" is
// set, and resolves to "" (wso2/config-mapper ReferenceResolver), which
// Integer.parseInt then refuses.
func (s *settings) lookupEnv(name string) (string, bool) {
	return s.lookup(name)
}

// ParseInt reads s as Java's Integer.parseInt does (package javaint).
func ParseInt(s string) (int, bool) {
	n, err := javaint.Parse(s)
	return n, err == nil
}

// HomeProcesses keeps the processes that run from home: started with
// -Dcarbon.home=home or a script under home/bin. The scripts give
// -Dcarbon.home the logical path they reach the home by (cd "$PRGDIR/..";
// pwd: product-apim startup-scripts/api-manager.sh), which may go through a
// symbolic link: the paths are compared once their links are resolved.
func HomeProcesses(home string, procs []Process) []Process {
	abs := realPath(home)
	if abs == "" {
		return nil
	}
	bin := abs + string(filepath.Separator) + "bin" + string(filepath.Separator)
	var out []Process
	for _, p := range procs {
		for _, a := range p.Args {
			if v, ok := strings.CutPrefix(a, "-Dcarbon.home="); ok {
				if v == abs || realPath(v) == abs {
					out = append(out, p)
					break
				}
				continue
			}
			if strings.HasPrefix(a, bin) || launcherPath(a) && realPath(filepath.Dir(a)) == filepath.Join(abs, "bin") {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// launcherPath tells whether a is a start script's absolute path, in a
// bin/ folder: one whose links are worth resolving.
func launcherPath(a string) bool {
	return filepath.IsAbs(a) && (strings.HasSuffix(a, ".sh") || strings.HasSuffix(a, ".bat")) && filepath.Base(filepath.Dir(a)) == "bin"
}

// Servers keeps the processes started with -Dcarbon.home=home, its links
// resolved: the servers themselves, not the scripts that start them.
func Servers(home string, procs []Process) []Process {
	abs := realPath(home)
	var out []Process
	for _, p := range procs {
		if abs == "" {
			break
		}
		for _, a := range p.Args {
			if v, ok := strings.CutPrefix(a, "-Dcarbon.home="); ok && (v == abs || realPath(v) == abs) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func realPath(home string) string {
	abs, err := filepath.Abs(home)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs
}
