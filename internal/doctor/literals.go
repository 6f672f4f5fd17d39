package doctor

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"github.com/apim-offset/apim-offset/internal/effective"
	"github.com/apim-offset/apim-offset/internal/safefile"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
)

// LiteralDefaults are the ports a literal port of p's can stand for: the
// ones on by default that move with the offset. A port that is off (the
// Thrift receiver, the KDC) is taken for another server's.
func LiteralDefaults(p wso2.Product) []int {
	var out []int
	for _, port := range p.Ports {
		if port.Shifts && port.Enabled {
			out = append(out, port.Port)
		}
	}
	return out
}

// Listening are the ports p's server listens on at offset: the ones on by
// default, moved by it when they shift.
func Listening(p wso2.Product, offset int) []int {
	var out []int
	for _, port := range p.Ports {
		if port.Enabled {
			out = append(out, port.Effective(offset))
		}
	}
	return out
}

// otherServers are the homes other than homes[self], each with the ports
// it listens on at the offset it runs at.
func otherServers(homes []Home, offsets []int, self int) []patcher.Server {
	var out []patcher.Server
	for i, h := range homes {
		if i != self {
			out = append(out, patcher.Server{Name: h.Dir, Ports: Listening(h.Product, offsets[i])})
		}
	}
	return out
}

// literals reports the local URLs that keep a literal port, and whose
// port it is: a port written in a URL does not move with the offset
// (wso2/product-apim#8083, #9642; wso2/docs-apim#5403). On a host with
// several servers, localhost is often another one: the documented "IS as
// Key Manager" set-up runs Identity Server at offset 1 and points it back at
// API Manager on 9443 (wso2/docs-apim
// configuring-wso2-identity-server-as-a-key-manager.md).
func (c *checker) literals() {
	opt := &patcher.Options{Format: c.home.Format, DefaultOffset: c.home.Product.DefaultOffset, Others: c.others}
	lits, err := patcher.LiteralPorts(c.home.Src, LiteralDefaults(c.home.Product), c.fileOffset, opt)
	if err != nil {
		return // readOffset has reported the file
	}
	def := c.home.Product.DefaultOffset
	for _, l := range lits {
		need := l.Default + c.fileOffset
		f := Finding{Check: "literal-port", File: c.home.File, Line: l.Line, Column: l.Column, Offset: c.fileOffset}
		switch {
		case l.Ambiguous && l.Owner != "":
			f.Severity, f.Code = Warning, LiteralPortShared
			f.Message = fmt.Sprintf("%s (%s): port %d is this server's at offset %d and %s's too: the two servers need the same port", l.URL, l.Key, l.Port, c.fileOffset, l.Owner)
			f.Fix = "give one of them another offset, then point the URL at the one it means"
		case l.Ambiguous:
			f.Severity, f.Code = Warning, LiteralPortStale
			f.Message = fmt.Sprintf("%s (%s) keeps port %d, this server's at offset %d: if it means this server, at offset %d it listens on %d; if it means another server at offset %d, it is right",
				l.URL, l.Key, l.Port, def, c.fileOffset, need, def)
			f.Fix = fmt.Sprintf("write %d if the URL is this server's; leave it if it is another server's", need)
		case l.Owner != "":
			f.Severity, f.Code = Info, LiteralPortOther
			f.Message = fmt.Sprintf("%s (%s) is %s's port: it moves when that server's offset changes, not with this one", l.URL, l.Key, l.Owner)
		default:
			f.Severity, f.Code = Info, LiteralPort
			f.Message = fmt.Sprintf("%s (%s) is a literal port: it will not move when the offset changes", l.URL, l.Key)
		}
		c.add(f)
	}
}

// parsed reads the home's file as TOML, its template placeholders masked;
// nil when it cannot (readOffset reports why).
func (c *checker) parsed() *tomlutil.Document {
	doc, _ := patcher.Parse(c.home.Src, &patcher.Options{Format: c.home.Format})
	return doc
}

// websocketFallback reports the gateway environments without ws_endpoint:
// API Manager then gives the portals ws://localhost:9099, whatever the
// offset (wso2/carbon-apimgt APIManagerConfiguration,
// WEBSOCKET_DEFAULT_GATEWAY_URL, used when the environment has no
// WSEndpoint).
func (c *checker) websocketFallback() {
	ws := slices.IndexFunc(c.home.Product.Ports, func(p wso2.Port) bool { return p.Port == 9099 && p.Enabled && p.Shifts })
	if ws < 0 || c.runOffset == c.home.Product.DefaultOffset {
		return
	}
	doc := c.parsed()
	if doc == nil {
		return
	}
	for i, t := range doc.Tables {
		if !t.Array || !slices.Equal(t.Key, []string{"apim", "gateway", "environment"}) {
			continue
		}
		has := slices.ContainsFunc(doc.Entries, func(e tomlutil.Entry) bool {
			return e.Table == i && slices.Equal(e.Path, []string{"apim", "gateway", "environment", "ws_endpoint"})
		})
		if has {
			continue
		}
		name := ""
		if j := slices.IndexFunc(doc.Entries, func(e tomlutil.Entry) bool {
			return e.Table == i && slices.Equal(e.Path, []string{"apim", "gateway", "environment", "name"})
		}); j >= 0 {
			name = " " + string(doc.Src[doc.Entries[j].Value.Start:doc.Entries[j].Value.End])
		}
		line, _ := tomlutil.Position(doc.Src, t.Header.Start)
		port := c.home.Product.Ports[ws].Effective(c.runOffset)
		c.add(Finding{Severity: Warning, Check: "websocket-default", Code: WebSocketDefault, File: c.home.File, Line: line,
			Message: fmt.Sprintf("gateway environment%s has no ws_endpoint: API Manager then shows ws://localhost:9099 for its WebSocket APIs, but at offset %d the WebSocket inbound listens on %d", name, c.runOffset, port),
			Fix:     fmt.Sprintf("add ws_endpoint = \"ws://localhost:%d\" to it (or the host clients reach)", port)})
	}
}

// IdentityServerRan tells whether an Identity Server home has started
// before, by what it left: an H2 database under repository/database or
// logs under repository/logs. It returns the path that tells.
func IdentityServerRan(home string) (string, bool) {
	for _, dir := range []string{"repository/database", "repository/logs"} {
		entries, err := os.ReadDir(filepath.Join(home, filepath.FromSlash(dir)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Size() > 0 {
				return dir + "/" + e.Name(), true
			}
		}
	}
	return "", false
}

// IdentityServerFix is what to do once an Identity Server that has run
// gets another port: WSO2's advice in wso2/product-is#7588 (and #10514).
func IdentityServerFix(port int) string {
	return fmt.Sprintf("make the system apps editable ([system_applications] read_only_apps = [] in deployment.toml), restart, "+
		"and in the management console (https://localhost:%d/carbon) change the Console and My Account service providers' callback URLs "+
		"and the resident identity provider's issuer (OAuth2/OpenID Connect) to port %d; or start from a fresh database", port, port)
}

// identityState warns that an Identity Server that has run keeps the
// callback URLs of its Console and My Account apps, and its resident
// identity provider's issuer, with the port it had then: after a change of
// offset, login fails with "Registered callback does not match"
// (wso2/product-is#10514, #7588, #12961, #14602, #16887, #13233).
func (c *checker) identityState() {
	if c.home.Product.ID != "is" {
		return
	}
	evidence, ran := IdentityServerRan(c.home.Dir)
	if !ran {
		return
	}
	port := 9443 + c.runOffset
	c.add(Finding{Severity: Warning, Check: "identity-server-state", Code: ISStoredURLs, File: filepath.Join(c.home.Dir, filepath.FromSlash(evidence)),
		Message: "this Identity Server has run before: its database keeps the Console and My Account callback URLs and the resident identity provider's issuer with the port it had then; if the offset changed since, login to the Console fails with \"Registered callback does not match\"",
		Fix:     IdentityServerFix(port)})
}

// inboundPort is a Micro Integrator inbound endpoint's listening port.
type inboundPort struct {
	name, file, param string
	port              int
}

// inboundDir is where a Micro Integrator home defines inbound endpoints.
const inboundDir = "repository/deployment/server/synapse-configs/default/inbound-endpoints"

var inboundPortParam = lazyregexp.New(`^inbound\.[\w.]*port$`)

// inboundEndpoints lists the Micro Integrator inbound endpoints defined
// under the home and their ports: Micro Integrator adds the offset to them
// only with inbound.port.offset.enable = true under [synapse_properties],
// false by default (wso2/docs-ei inbound-endpoint-properties.md; two servers
// on one host collide, wso2/product-apim#10461).
func (c *checker) inboundEndpoints() {
	if c.home.Product.ID != "mi" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(c.home.Dir, filepath.FromSlash(inboundDir), "*.xml"))
	shifts := false
	if doc := c.parsed(); doc != nil {
		sp, _ := doc.Values["synapse_properties"].(map[string]any)
		v, ok := sp["inbound.port.offset.enable"]
		shifts = ok && (v == true || v == "true")
	}
	for _, file := range files {
		for _, p := range readInbound(file) {
			f := Finding{Severity: Info, Check: "inbound-endpoint", Code: InboundPort, File: file}
			if shifts {
				p.port += c.runOffset
				f.Message = fmt.Sprintf("inbound endpoint %s listens on %d (%s plus the offset %d: inbound.port.offset.enable is true)", p.name, p.port, p.param, c.runOffset)
			} else {
				f.Message = fmt.Sprintf("inbound endpoint %s listens on %d (%s) at any offset: Micro Integrator does not add the offset to inbound ports (inbound.port.offset.enable is false)", p.name, p.port, p.param)
				f.Fix = "give each server on this host its own inbound port, or set \"inbound.port.offset.enable\" = true under [synapse_properties]"
			}
			c.inbound = append(c.inbound, p)
			c.add(f)
		}
	}
}

// readInbound reads an inbound endpoint's name and its port parameters
// (inbound.http.port and the like); nothing when the file is not one.
func readInbound(file string) []inboundPort {
	data, err := safefile.Read(file, effective.MaxRead)
	if err != nil {
		return nil
	}
	var ep struct {
		XMLName xml.Name
		Name    string `xml:"name,attr"`
		Params  []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:",chardata"`
		} `xml:"parameters>parameter"`
	}
	if xml.NewDecoder(bytes.NewReader(data)).Decode(&ep) != nil || ep.XMLName.Local != "inboundEndpoint" {
		return nil
	}
	var out []inboundPort
	for _, p := range ep.Params {
		if !inboundPortParam().MatchString(p.Name) {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(p.Value)); err == nil {
			out = append(out, inboundPort{name: ep.Name, file: file, param: p.Name, port: n})
		}
	}
	return out
}

// inboundCollisions reports inbound endpoints of two homes on one port.
func inboundCollisions(cs []*checker) []Finding {
	var out []Finding
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			for _, a := range cs[i].inbound {
				for _, b := range cs[j].inbound {
					if a.port == b.port {
						out = append(out, Finding{Severity: Error, Check: "inbound-endpoint", Code: InboundCollision, Home: cs[i].home.Dir, File: a.file,
							Message: fmt.Sprintf("inbound endpoints %s of %s and %s of %s both listen on %d: the offset does not move them", a.name, cs[i].home.Dir, b.name, cs[j].home.Dir, a.port),
							Fix:     "give one of them another port"})
					}
				}
			}
		}
	}
	return out
}
