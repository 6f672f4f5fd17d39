package server

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/apim-offset/apim-offset/internal/safefile"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
)

// Place is where a server is: its home, its deployment.toml, and its
// product as given or as the home tells it.
type Place struct {
	Home string // the server's home; "" when only the file is known
	Path string // its deployment.toml ("-" for standard input)
	// Product is the product given or detected, with its current table;
	// Load gives the server the table of its version.
	Product wso2.Product
	Known   bool   // the product was given, or told by the home's start scripts
	Told    string // the path in the home that told the product, when detected
}

// Locate works out where a server's deployment.toml is and what product it
// is: of the home, or of file when file is not "" (its home then follows
// from WSO2's layout, HomeOf). product, when not nil, is the product given;
// otherwise the home's start scripts tell it (wso2.Detect), and when none
// does, Known is false and the product is wso2.Default.
func Locate(home, file string, product *wso2.Product) Place {
	if file != "" {
		home = HomeOf(file)
	}
	p := Place{Home: home, Path: file, Product: wso2.Default}
	switch {
	case product != nil:
		p.Product, p.Known = *product, true
	case home != "":
		p.Product, p.Told, p.Known = wso2.Detect(os.DirFS(home))
	}
	if file == "" {
		p.Path = filepath.Join(home, filepath.FromSlash(p.Product.Config))
	}
	return p
}

// IsHome tells whether dir looks like a WSO2 server's home: a product's
// start script in bin/ (wso2.Detect), or a deployment.toml where a product
// keeps it.
func IsHome(dir string) bool {
	home := os.DirFS(dir)
	if _, _, ok := wso2.Detect(home); ok {
		return true
	}
	for _, p := range wso2.Packages() {
		if _, err := fs.Stat(home, p.Config); err == nil {
			return true
		}
	}
	return false
}

// HomeOf returns the home a deployment.toml lies in by WSO2's layout
// (HOME/repository/conf or, for Micro Integrator, HOME/conf), or "".
func HomeOf(file string) string {
	if file == "-" {
		return ""
	}
	conf := filepath.Dir(filepath.Clean(file))
	if filepath.Base(conf) != "conf" {
		return ""
	}
	parent := filepath.Dir(conf)
	if filepath.Base(parent) == "repository" {
		return filepath.Dir(parent)
	}
	return parent
}

// Server is a WSO2 server on this host, loaded once: every command asks its
// questions of this value.
type Server struct {
	Place
	// Version is what the home tells of the product's version; Product
	// has the port table of that version and the file's own base ports.
	Version wso2.Found
	Src     []byte        // the file's bytes
	File    *patcher.File // the file parsed; nil when it cannot be (Err)
	Err     error         // why the file cannot be parsed: a *patcher.Error
	// Effective is the offset the server runs at, and why.
	Effective Effective
	// Was is the offset the file gave before set changed it (Written); nil
	// for a server as found.
	Was *int

	format    patcher.Format
	machine   Machine
	budget    *safefile.Budget // every read of the home's other files
	reads     *reads           // what was read through the budget, shared with Written
	listening patcher.Server   // Listening, worked out once Effective is
}

// reads remembers what ReadFile and ReadHead gave for each file: the server
// as set leaves it (Written) and every judge of it see the bytes that were
// read once, and are charged once.
type reads struct {
	mu   sync.Mutex
	done map[readKey]readResult
}

type readKey struct {
	path string
	max  int64
	head bool
}

type readResult struct {
	data []byte
	err  error
}

// read is the budget's read of key, done once.
func (s *Server) read(key readKey) ([]byte, error) {
	if s.reads == nil { // a Server made by hand
		return s.budgetRead(key)
	}
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	if r, ok := s.reads.done[key]; ok {
		return r.data, r.err
	}
	data, err := s.budgetRead(key)
	s.reads.done[key] = readResult{data, err}
	return data, err
}

func (s *Server) budgetRead(key readKey) ([]byte, error) {
	if key.head {
		return s.budget.ReadHead(key.path, key.max)
	}
	return s.budget.ReadFile(key.path, key.max)
}

// MaxHomeReads is the most bytes read of a home's files besides its
// deployment.toml: its start scripts, carbon.properties, version files,
// inbound endpoints, a chart's values. Far more than a real home holds, and
// a bound on what links to big files could make a run hold.
const MaxHomeReads = 16 << 20

// ReadFile reads one of the server's other files (a start script, an
// inbound endpoint, ...): a regular file of at most max bytes, its links
// checked as the file's are, within the home's budget (MaxHomeReads).
func (s *Server) ReadFile(path string, max int64) ([]byte, error) {
	return s.read(readKey{path, max, false})
}

// ReadHead is ReadFile for a file whose first max bytes are enough: a
// start script, read for the settings it makes.
func (s *Server) ReadHead(path string, max int64) ([]byte, error) {
	return s.read(readKey{path, max, true})
}

// Load makes the server at p whose file holds src: the file parsed once
// as format says, the port table of the version installed in the home with
// the file's base ports, and the offset it runs at on machine m (its start
// scripts, carbon.properties, environment and running process).
func Load(p Place, src []byte, format patcher.Format, m Machine) *Server {
	s := &Server{Place: p, Src: src, format: format, machine: m,
		budget: safefile.NewBudget(MaxHomeReads, safefile.Options{Home: p.Home, AllowForeignLink: m.AllowForeignLink}),
		reads:  &reads{done: map[readKey]readResult{}}}
	s.File, s.Err = patcher.Parse(src, format)
	var values map[string]any
	if s.File != nil {
		values = s.File.Values()
	}
	var home fs.FS
	if p.Home != "" {
		home = s.budget.FS(p.Home, 4<<10) // bin/version.txt, updates/product.txt
	}
	s.Product, s.Version = p.Product.Installed(home, filepath.Base(filepath.Clean(p.Home)), values)
	s.setEffective(s.resolve(m))
	return s
}

// setEffective sets the offset the server runs at, and the ports it
// listens on then.
func (s *Server) setEffective(e Effective) {
	s.Effective = e
	s.listening = patcher.Server{Name: s.Name(), Ports: s.Product.Listening(s.Offset())}
}

// Read reads p's file (within patcher.MaxSize, a regular file only) and
// loads it.
func Read(p Place, format patcher.Format, m Machine) (*Server, error) {
	src, err := safefile.ReadWith(p.Path, patcher.MaxSize, safefile.Options{Home: p.Home, AllowForeignLink: m.AllowForeignLink})
	if err != nil {
		return nil, err
	}
	return Load(p, src, format, m), nil
}

// Written is the server as set leaves it: with its file res.Output, as
// the edit's result check parsed it (res.File()).
func (s *Server) Written(res patcher.Result) *Server {
	w := *s
	w.Src, w.File, w.Err = res.Output, res.File(), nil
	was := s.Effective.File.Offset
	w.Was = &was
	w.setEffective(w.resolve(w.machine))
	return &w
}

// At is s as it will run at offset n, once a plan sets it: for telling
// whose a literal port will be.
func (s *Server) At(n int) *Server {
	c := *s
	c.Effective.Offset = n
	return &c
}

// Format is how the file was read: Template when it was found to be one.
func (s *Server) Format() patcher.Format {
	if s.File != nil && s.File.Template() {
		return patcher.Template
	}
	return s.format
}

// Template tells that the file was read as a template, its placeholders
// masked: parsed as one, or refused as one.
func (s *Server) Template() bool {
	var pe *patcher.Error
	return s.File != nil && s.File.Template() || errors.As(s.Err, &pe) && pe.Template
}

// Offset is the offset the server runs at (Effective.Offset).
func (s *Server) Offset() int { return s.Effective.Offset }

// Name is how messages name the server: its home, or its file.
func (s *Server) Name() string {
	if s.Home != "" {
		return s.Home
	}
	return s.Path
}

// Listening is the server as another's literal ports see it: its name and
// the ports it listens on at the offset it runs at.
func (s *Server) Listening() patcher.Server {
	if s.listening.Name == "" { // a Server made by hand
		return patcher.Server{Name: s.Name(), Ports: s.Product.Listening(s.Offset())}
	}
	return s.listening
}

// LiteralOptions are what reading s's literal ports needs: its default
// offset, the URL schemes of its ports, the keys whose URLs are another
// package's, and the other servers on this host.
func (s *Server) LiteralOptions(others []patcher.Server) *patcher.Options {
	return &patcher.Options{DefaultOffset: s.Product.DefaultOffset, Others: others, Schemes: s.Product.Schemes(), OtherKeys: s.Product.OtherKeys}
}

// Others are the servers of all but s, as s's literal ports see them.
func Others(all []*Server, s *Server) []patcher.Server {
	var out []patcher.Server
	for _, o := range all {
		if o != s && o.Name() != s.Name() {
			if out == nil {
				out = make([]patcher.Server, 0, len(all)-1)
			}
			out = append(out, o.Listening())
		}
	}
	return slices.Clip(out)
}
