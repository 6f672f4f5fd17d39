package patcher

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apim-offset/apim-offset/tomlutil"
)

// LiteralPort is a port written as a number in a URL to a local server,
// such as "ws://localhost:9099": a server moves its port with its offset,
// the URL does not.
//
// Whose it is follows from the port alone (see [File.Literals]): this
// server's, another server's ([LiteralPort.Owner]), or either
// ([LiteralPort.Ambiguous]).
type LiteralPort struct {
	Line, Column int    // where the port's digits are
	Key          string // the dotted key whose value holds the URL
	URL          string // the URL up to and including the port
	Port         int    // the port as written
	// Default is this server's default port that Port stands for (the port
	// at offset 0); 0 when the port is only another server's.
	Default int
	// Ambiguous tells a port that has two readings: one of this server's
	// ports at its default offset while the file has another (left behind
	// by an earlier change of offset, or another server's that runs at the
	// default offset), or a port of this server at the file's offset that
	// is also Owner's. Set never moves it.
	Ambiguous bool
	// Owner is the Name of the server in Options.Others whose port it is,
	// or "" when none is.
	Owner string
	// Stale tells a port that is no known server's at the offsets it can
	// be read at, but is this server's Default at offset Was: most likely
	// left behind when the offset was Was (Options.Schemes tells which
	// default a URL's scheme can stand for).
	Stale bool
	Was   int
	at    tomlutil.Span
}

// Mine tells whether the port is this server's alone: the one reading
// under which --shift-literals moves it.
func (l LiteralPort) Mine() bool { return !l.Ambiguous && !l.Stale && l.Owner == "" }

// Server is another server on the same host, for telling whose a literal
// port is (Options.Others).
type Server struct {
	Name  string // how messages name it: its home, say
	Ports []int  // the ports it listens on: its enabled ports at its offset
}

// localHosts are the ways deployment.toml names the server itself.
var localHosts = []string{`localhost`, `127\.0\.0\.1`, `\[::1\]`, `0\.0\.0\.0`, `\$\{carbon\.host\}`, `\$ref\{server\.hostname\}`}

// Literals lists the URLs in the file's values (strings, and arrays
// and inline tables of them; comments are never values, wherever they
// stand) whose host is local (localhost, 127.0.0.1, [::1], 0.0.0.0,
// ${carbon.host}, $ref{server.hostname} or the value of server.hostname)
// and whose port tells whose it is. defaults are this server's default
// ports that are on and move with the offset; offset is the offset the file
// gives the server now, opt.DefaultOffset the one it runs at when the file
// sets none. A port is:
//
//   - this server's when it is one of defaults moved by offset, and no
//     server of opt.Others listens on it;
//   - another server's (Owner) when a server of opt.Others listens on it;
//   - ambiguous when it is one of defaults at opt.DefaultOffset while the
//     file has another offset, and no other server claims it: left behind
//     by a change of offset, or another server's at the default offset; or
//     when it is this server's and also another server's (the two collide).
//
// A port that is none of these belongs to a server apim-offset does not
// know of, and is not listed.
func (in *File) Literals(defaults []int, offset int, opt *Options) []LiteralPort {
	return newMatcher(in.doc, defaults, offset, options(opt)).find(in.doc)
}

var schemeSep = []byte("://")

// matcher finds literal ports in a document and tells whose they are.
type matcher struct {
	re            *regexp.Regexp
	defaults      []int
	offset        int // the file's offset
	defaultOffset int // the server's when the file sets none
	others        []Server
	schemes       map[int]string
	otherKeys     [][]string
	takeDefault   bool // shifting: a default port at the default offset that no other server claims is this server's
}

// maxStale is the farthest a port is read as one of this server's left at
// another offset (Stale): from offset 0, or from the file's offset, as
// offsets change by small steps; a larger gap is more likely another
// service's port.
const maxStale = 100

// urlREs holds the compiled urlRE for each set of hosts: most files name
// the same server.hostname, "localhost".
var urlREs sync.Map

// urlRE matches a URL to one of hosts (an alternation of patterns) and
// captures its port.
func urlRE(hosts string) *regexp.Regexp {
	if re, ok := urlREs.Load(hosts); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`(?i)\b(?:https?|wss?|tcp|ssl)://(?:` + hosts + `):(\d{1,5})\b`)
	urlREs.Store(hosts, re)
	return re
}

func newMatcher(doc *tomlutil.Document, defaults []int, offset int, o Options) matcher {
	hosts := slices.Clone(localHosts)
	server, _ := doc.Values["server"].(map[string]any)
	if h, ok := server["hostname"].(string); ok && h != "" {
		hosts = append(hosts, regexp.QuoteMeta(h))
	}
	return matcher{re: urlRE(strings.Join(hosts, "|")), defaults: defaults, offset: offset, defaultOffset: o.DefaultOffset, others: o.Others,
		schemes: o.Schemes, otherKeys: o.OtherKeys}
}

func (m matcher) find(doc *tomlutil.Document) []LiteralPort {
	var out []LiteralPort
	pos := tomlutil.NewPositions(doc.Src)
	for _, e := range doc.Entries {
		if e.Kind != tomlutil.String && e.Kind != tomlutil.Array {
			continue // an inline table's values are entries of their own
		}
		if slices.ContainsFunc(m.otherKeys, func(k []string) bool { return hasPrefix(e.Path, k) }) {
			continue // another package's server's URLs
		}
		value := doc.Src[e.Value.Start:e.Value.End]
		if !bytes.Contains(value, schemeSep) {
			continue // no URL: the regexp needs "://"
		}
		comments := commentSpans(value)
		for _, sub := range m.re.FindAllSubmatchIndex(value, -1) {
			if inSpans(comments, sub[0]) {
				continue
			}
			port, _ := strconv.Atoi(string(value[sub[2]:sub[3]]))
			scheme := strings.ToLower(string(value[sub[0] : bytes.Index(value[sub[0]:], []byte("://"))+sub[0]]))
			l, ok := m.classify(port, scheme)
			if !ok {
				continue
			}
			l.at = tomlutil.Span{Start: e.Value.Start + sub[2], End: e.Value.Start + sub[3]}
			l.Line, l.Column = pos.At(l.at.Start)
			l.Key, l.URL, l.Port = strings.Join(e.Path, "."), string(value[sub[0]:sub[1]]), port
			out = append(out, l)
		}
	}
	return out
}

// classify tells whose port is, written in a URL of scheme, by the rules
// of File.Literals; false when it is no known server's.
func (m matcher) classify(port int, scheme string) (LiteralPort, bool) {
	var l LiteralPort
	for _, s := range m.others {
		if slices.Contains(s.Ports, port) {
			l.Owner = s.Name
			break
		}
	}
	switch {
	case slices.Contains(m.defaults, port-m.offset):
		l.Default, l.Ambiguous = port-m.offset, l.Owner != ""
	case l.Owner != "":
	case m.offset != m.defaultOffset && slices.Contains(m.defaults, port-m.defaultOffset):
		l.Default, l.Ambiguous = port-m.defaultOffset, true
	default:
		return m.stale(port, scheme)
	}
	return l, true
}

// stale reads port, no known server's, as one of this server's default
// ports of the same scheme left at another offset: within maxStale of 0 or
// of the file's offset, the nearest default below it; false when none is.
func (m matcher) stale(port int, scheme string) (LiteralPort, bool) {
	best := -1
	near := func(k int) bool { return k > 0 && (k <= maxStale || abs(k-m.offset) <= maxStale) }
	for _, d := range m.defaults {
		if k := port - d; near(k) && scheme != "" && m.schemes[d] == scheme && (best < 0 || d > best) {
			best = d
		}
	}
	if best < 0 {
		return LiteralPort{}, false
	}
	return LiteralPort{Default: best, Stale: true, Was: port - best}, true
}

// moves tells whether shifting moves l: this server's alone; or, when
// asked to, one of its ports left at the default offset or another
// (Stale) by a change made without the shift, that no other server claims;
// or one that is its port at the file's offset, even if another server
// listens there too (two servers at one offset, which the new offset
// parts).
func (m matcher) moves(l LiteralPort) bool {
	switch {
	case l.Mine():
		return true
	case !m.takeDefault:
		return false
	case l.Owner == "":
		return l.Ambiguous || l.Stale
	}
	return l.Ambiguous && l.Port == l.Default+m.offset
}

// shift moves the ports of this server alone in a decoded string to
// offset n, as find and the edit do in the raw text: Set's check of its
// own result uses it.
func (m matcher) shift(s string, n int) string {
	return m.re.ReplaceAllStringFunc(s, func(url string) string {
		i := strings.LastIndexByte(url, ':')
		port, _ := strconv.Atoi(url[i+1:])
		scheme := strings.ToLower(url[:strings.Index(url, "://")])
		if l, ok := m.classify(port, scheme); ok {
			l.Port = port
			if !m.moves(l) {
				return url
			}
			return url[:i+1] + strconv.Itoa(l.Default+n)
		}
		return url
	})
}

// commentSpans returns where the comments are in the raw text of a TOML
// value: an array or inline table may hold them between its elements
// (arrays over several lines do). Strings, basic or literal, single- or
// multi-line, are skipped so that a '#' in them starts nothing.
func commentSpans(v []byte) []tomlutil.Span {
	var out []tomlutil.Span
	for i := 0; i < len(v); {
		switch c := v[i]; {
		case c == '#':
			end := i
			for end < len(v) && v[end] != '\n' {
				end++
			}
			out = append(out, tomlutil.Span{Start: i, End: end})
			i = end
		case c == '"' || c == '\'':
			i = stringEnd(v, i)
		default:
			i++
		}
	}
	return out
}

// stringEnd returns the index just past the string that starts at v[i],
// a quote.
func stringEnd(v []byte, i int) int {
	q := v[i]
	delim := []byte{q}
	if i+2 < len(v) && v[i+1] == q && v[i+2] == q {
		delim = []byte{q, q, q}
	}
	j := i + len(delim)
	for j < len(v) {
		if q == '"' && v[j] == '\\' {
			j += 2
			continue
		}
		if v[j] == q && bytes.HasPrefix(v[j:], delim) { // no copy of the rest: linear
			j += len(delim)
			// A multi-line string may end with up to two more quotes.
			for len(delim) == 3 && j < len(v) && v[j] == q {
				j++
			}
			return j
		}
		j++
	}
	return j
}

func inSpans(spans []tomlutil.Span, at int) bool {
	for _, s := range spans {
		if s.Start <= at && at < s.End {
			return true
		}
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
