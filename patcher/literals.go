package patcher

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/tomlutil"
)

// LiteralPort is a port written as a number in a URL to this server, such as
// "ws://localhost:9099": the server moves the port with its offset, the URL
// does not.
type LiteralPort struct {
	Line, Column int    // where the port's digits are
	Key          string // the dotted key whose value holds the URL
	URL          string // the URL up to and including the port
	Port         int    // the port as written
	Default      int    // the default port it stands for
	at           tomlutil.Span
}

// localHosts are the ways deployment.toml names the server itself.
var localHosts = []string{`localhost`, `127\.0\.0\.1`, `\[::1\]`, `0\.0\.0\.0`, `\$\{carbon\.host\}`, `\$ref\{server\.hostname\}`}

// LiteralPorts lists the URLs in the values of src (strings and arrays of
// them; comments are not values) whose host is this server (localhost,
// 127.0.0.1, [::1], 0.0.0.0, ${carbon.host}, $ref{server.hostname} or the
// value of server.hostname) and whose port is one of defaults, either as it
// is or moved by offset, the offset the file has now. A URL to another host
// keeps its port: that is another server's.
//
// opt.Format says how to read src (see Format).
func LiteralPorts(src []byte, defaults []int, offset int, opt *Options) ([]LiteralPort, error) {
	in, err := load(src, options(opt).Format)
	if err != nil {
		return nil, err
	}
	return newMatcher(in.doc, defaults, offset).find(in.doc), nil
}

// matcher finds literal ports in a document.
type matcher struct {
	re       *regexp.Regexp
	defaults []int
	offset   int
}

func newMatcher(doc *tomlutil.Document, defaults []int, offset int) matcher {
	hosts := slices.Clone(localHosts)
	server, _ := doc.Values["server"].(map[string]any)
	if h, ok := server["hostname"].(string); ok && h != "" {
		hosts = append(hosts, regexp.QuoteMeta(h))
	}
	re := regexp.MustCompile(`(?i)\b(?:https?|wss?|tcp|ssl)://(?:` + strings.Join(hosts, "|") + `):(\d{1,5})\b`)
	return matcher{re: re, defaults: defaults, offset: offset}
}

func (m matcher) find(doc *tomlutil.Document) []LiteralPort {
	var out []LiteralPort
	for _, e := range doc.Entries {
		if e.Kind != tomlutil.String && e.Kind != tomlutil.Array {
			continue
		}
		value := doc.Src[e.Value.Start:e.Value.End]
		for _, sub := range m.re.FindAllSubmatchIndex(value, -1) {
			port, _ := strconv.Atoi(string(value[sub[2]:sub[3]]))
			def, ok := m.defaultFor(port)
			if !ok {
				continue
			}
			at := tomlutil.Span{Start: e.Value.Start + sub[2], End: e.Value.Start + sub[3]}
			line, col := tomlutil.Position(doc.Src, at.Start)
			out = append(out, LiteralPort{Line: line, Column: col, Key: strings.Join(e.Path, "."),
				URL: string(value[sub[0]:sub[1]]), Port: port, Default: def, at: at})
		}
	}
	return out
}

// shift moves the literal ports in a decoded string to offset n, as find
// and the edit do in the raw text: Set's check of its own result uses it.
func (m matcher) shift(s string, n int) string {
	return m.re.ReplaceAllStringFunc(s, func(url string) string {
		i := strings.LastIndexByte(url, ':')
		port, _ := strconv.Atoi(url[i+1:])
		if def, ok := m.defaultFor(port); ok {
			return url[:i+1] + strconv.Itoa(def+n)
		}
		return url
	})
}

// defaultFor tells which default port a literal port stands for: one moved
// by the file's offset already, or one left at its default.
func (m matcher) defaultFor(port int) (int, bool) {
	if slices.Contains(m.defaults, port-m.offset) {
		return port - m.offset, true
	}
	if slices.Contains(m.defaults, port) {
		return port, true
	}
	return 0, false
}
