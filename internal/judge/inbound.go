package judge

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
	"github.com/apim-offset/apim-offset/internal/server"
)

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
	if !c.srv.Product.InboundEndpoints {
		return
	}
	files, _ := filepath.Glob(filepath.Join(c.srv.Home, filepath.FromSlash(inboundDir), "*.xml"))
	shifts := false
	if c.srv.File != nil {
		v := valueAt(c.srv.File.Values(), []string{"synapse_properties", "inbound.port.offset.enable"})
		shifts = v == true || v == "true"
	}
	for _, file := range files {
		for _, p := range readInbound(c.srv, file) {
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
func readInbound(s *server.Server, file string) []inboundPort {
	data, err := s.ReadFile(file, server.MaxRead)
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
						out = append(out, Finding{Severity: Error, Check: "inbound-endpoint", Code: InboundCollision, Home: cs[i].srv.Home, File: a.file,
							Message: fmt.Sprintf("inbound endpoints %s of %s and %s of %s both listen on %d: the offset does not move them", a.name, cs[i].srv.Home, b.name, cs[j].srv.Home, a.port),
							Fix:     "give one of them another port"})
					}
				}
			}
		}
	}
	return out
}
