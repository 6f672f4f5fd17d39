package judge

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
	"github.com/apim-offset/apim-offset/internal/server"
)

// inboundPort is a Micro Integrator inbound endpoint's listening port.
type inboundPort struct {
	name, file, param string
	port              int
	// capp is the CApp entry the endpoint is defined in, "" for a file of
	// inboundDir.
	capp string
	// shifts tells whether the offset moves the port, and why tells why
	// (inboundShifts).
	shifts bool
	why    string
}

// where names the endpoint's definition: "HttpListenerEP" or
// "HttpListenerEP (in CApp orders.car, InboundEP_1.0.0/InboundEP-1.0.0.xml)".
func (p inboundPort) where() string {
	if p.capp == "" {
		return p.name
	}
	return fmt.Sprintf("%s (in CApp %s, %s)", p.name, filepath.Base(p.file), p.capp)
}

// Where a Micro Integrator home defines inbound endpoints: as synapse
// files, and inside the CApps it deploys (the usual way in MI 4.x), zip
// files whose entries hold the same XML.
const (
	inboundDir = "repository/deployment/server/synapse-configs/default/inbound-endpoints"
	cappDir    = "repository/deployment/server/carbonapps"
)

// Bounds on reading a CApp: its size, what its entries unpack to, one
// entry (an inbound endpoint is a small XML file), and how many entries
// are looked at. A CApp bigger than maxCApp is not read.
const (
	maxCApp        = 8 << 20
	maxCAppUnpack  = 8 << 20
	maxCAppEntry   = 1 << 20
	maxCAppEntries = 4096
)

var inboundPortParam = lazyregexp.New(`^inbound\.[\w.]*port$`)

// inboundShifts tells whether Micro Integrator adds its offset to an
// inbound endpoint's port, by protocol (wso2/micro-integrator v4.3.0
// components/mediation/inbound-endpoints/org.wso2.micro.integrator.inbound.endpoint):
// HTTP and HTTPS only with inbound.port.offset.enable (InboundHttpListener,
// InboundHttpsListener: SynapsePropertiesLoader, default false), written
// in deployment.toml as [mediation] inbound.port_offset_enable or
// [synapse_properties] 'inbound.port.offset.enable' (config-tool
// key-mappings.json); WebSocket endpoints each by their own
// ws.use.port.offset parameter (EndpointListenerLoader,
// persistence/PersistenceUtils.getPortOffset(Properties)); gRPC never
// (protocol/grpc: inbound.grpc.port as given). Other listening protocols
// are taken as HTTP is.
func inboundShifts(protocol string, params map[string]string, enabled bool) (bool, string) {
	switch strings.ToLower(protocol) {
	case "ws", "wss":
		if strings.EqualFold(strings.TrimSpace(params["ws.use.port.offset"]), "true") {
			return true, "its ws.use.port.offset parameter is true"
		}
		return false, "its ws.use.port.offset parameter is not true"
	case "grpc":
		return false, "Micro Integrator never adds the offset to a gRPC inbound port"
	}
	if enabled {
		return true, "inbound.port.offset.enable is true"
	}
	return false, "Micro Integrator does not add the offset to inbound ports (inbound.port.offset.enable is false)"
}

// inboundEndpoints lists the Micro Integrator inbound endpoints defined
// under the home, as files and inside CApps, and their ports, which the
// offset moves only as inboundShifts says: two servers on one host collide
// on the others (wso2/product-apim#10461).
func (c *checker) inboundEndpoints() {
	if !c.srv.Product.InboundEndpoints || c.srv.Home == "" {
		return
	}
	enabled := false
	if c.srv.File != nil {
		for _, key := range [][]string{{"synapse_properties", "inbound.port.offset.enable"}, {"mediation", "inbound", "port_offset_enable"}} {
			if v, set := c.srv.File.Value(key...); set {
				enabled = v == true || v == "true"
				break
			}
		}
	}
	var ports []inboundPort
	files, _ := filepath.Glob(filepath.Join(c.srv.Home, filepath.FromSlash(inboundDir), "*.xml"))
	for _, file := range files {
		if data, err := c.srv.ReadFile(file, server.MaxRead); err == nil {
			ports = append(ports, parseInbound(data, file, "", enabled)...)
		}
	}
	capps, _ := filepath.Glob(filepath.Join(c.srv.Home, filepath.FromSlash(cappDir), "*.car"))
	for _, car := range capps {
		ports = append(ports, readCApp(c.srv, car, enabled)...)
	}
	for i, p := range ports {
		base := p.port
		if p.shifts {
			p.port += c.runOffset
		}
		c.inbound = append(c.inbound, p) // every one, for the collisions
		switch {
		case i == maxListed:
			c.add(Finding{Severity: Info, Check: "inbound-endpoint", Code: InboundPort, Source: "inbound endpoints",
				Message: fmt.Sprintf("and %d more inbound endpoints (the ports two homes share are each said)", len(ports)-maxListed)})
			continue
		case i > maxListed:
			continue
		}
		f := Finding{Severity: Info, Check: "inbound-endpoint", Code: InboundPort, File: p.file}
		if p.shifts {
			f.Message = fmt.Sprintf("inbound endpoint %s listens on %d (%s %d plus the offset %d: %s)", p.where(), p.port, p.param, base, c.runOffset, p.why)
		} else {
			f.Message = fmt.Sprintf("inbound endpoint %s listens on %d (%s) at any offset: %s", p.where(), p.port, p.param, p.why)
			f.Fix = "give each server on this host its own inbound port"
			if !strings.Contains(p.why, "gRPC") && !strings.Contains(p.why, "ws.use.port.offset") {
				f.Fix += ", or set inbound.port_offset_enable = true under [mediation] (\"inbound.port.offset.enable\" = true under [synapse_properties])"
			}
		}
		c.add(f)
	}
}

// maxListed is the most findings of one kind doctor lists one by one: a
// home with thousands of inbound endpoints gets a count of the rest.
const maxListed = 20

// parseInbound reads an inbound endpoint's name, protocol and port
// parameters (inbound.http.port and the like) from data; nothing when it
// is not one.
func parseInbound(data []byte, file, capp string, enabled bool) []inboundPort {
	var ep struct {
		XMLName  xml.Name
		Name     string `xml:"name,attr"`
		Protocol string `xml:"protocol,attr"`
		Params   []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:",chardata"`
		} `xml:"parameters>parameter"`
	}
	if xml.NewDecoder(bytes.NewReader(data)).Decode(&ep) != nil || ep.XMLName.Local != "inboundEndpoint" {
		return nil
	}
	params := map[string]string{}
	for _, p := range ep.Params {
		params[p.Name] = p.Value
	}
	shifts, why := inboundShifts(ep.Protocol, params, enabled)
	var out []inboundPort
	for _, p := range ep.Params {
		if !inboundPortParam().MatchString(p.Name) {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(p.Value)); err == nil {
			out = append(out, inboundPort{name: ep.Name, file: file, param: p.Name, port: n, capp: capp, shifts: shifts, why: why})
		}
	}
	return out
}

// readCApp reads the inbound endpoints inside a CApp, a zip file, through
// the home's read budget: the file at most maxCApp bytes, its XML entries
// at most maxCAppEntry each and maxCAppUnpack in all, whatever their
// headers say.
func readCApp(s *server.Server, car string, enabled bool) []inboundPort {
	data, err := s.ReadFile(car, maxCApp)
	if err != nil {
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var out []inboundPort
	left := int64(maxCAppUnpack)
	for i, f := range zr.File {
		if i >= maxCAppEntries || left <= 0 {
			break
		}
		if f.FileInfo().IsDir() || path.Ext(f.Name) != ".xml" || f.UncompressedSize64 > maxCAppEntry {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		limit := min(maxCAppEntry, left)
		entry, err := io.ReadAll(io.LimitReader(rc, limit+1))
		rc.Close()
		left -= int64(len(entry))
		if err != nil || int64(len(entry)) > limit {
			continue // more than its header said, or than is left to unpack
		}
		out = append(out, parseInbound(entry, car, f.Name, enabled)...)
	}
	return out
}

// inboundCollisions reports inbound endpoints of two homes on one port.
func inboundCollisions(cs []*checker) []Finding {
	// By port, the endpoints of each home: linear in the endpoints, one
	// finding for each port two homes share, the first maxListed of them.
	type endpoint struct {
		home int
		p    inboundPort
	}
	byPort := map[int][]endpoint{}
	var ports []int
	for i, c := range cs {
		for _, p := range c.inbound {
			if len(byPort[p.port]) == 0 {
				ports = append(ports, p.port)
			}
			byPort[p.port] = append(byPort[p.port], endpoint{i, p})
		}
	}
	var out []Finding
	shared := 0
	for _, port := range ports {
		eps := byPort[port]
		first := eps[0]
		j := slices.IndexFunc(eps, func(e endpoint) bool { return e.home != first.home })
		if j < 0 {
			continue // one home's alone
		}
		if shared++; shared > maxListed {
			continue
		}
		other := eps[j]
		more := ""
		if n := len(eps) - 2; n > 0 {
			more = fmt.Sprintf(" (and %d more endpoints on it)", n)
		}
		out = append(out, Finding{Severity: Error, Check: "inbound-endpoint", Code: InboundCollision, Home: cs[first.home].srv.Home, File: first.p.file,
			Message: fmt.Sprintf("inbound endpoints %s of %s and %s of %s both listen on %d%s: the offset does not move them", first.p.where(), cs[first.home].srv.Home, other.p.where(), cs[other.home].srv.Home, port, more),
			Fix:     "give one of them another port"})
	}
	if shared > maxListed {
		out = append(out, Finding{Severity: Error, Check: "inbound-endpoint", Code: InboundCollision, Source: "inbound endpoints",
			Message: fmt.Sprintf("and %d more ports that inbound endpoints of two homes both listen on", shared-maxListed),
			Fix:     "give each server on this host its own inbound ports"})
	}
	return out
}
