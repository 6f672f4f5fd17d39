package judge_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/testing/txtardir"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/google/go-cmp/cmp"
)

// inbound is a Micro Integrator HTTP inbound endpoint as wso2/docs-ei
// inbound-endpoint-properties.md shows it.
const inbound = `<?xml version="1.0" encoding="UTF-8"?>
<inboundEndpoint name="HttpListenerEP" protocol="http" suspend="false" sequence="TestIn" onError="fault" xmlns="http://ws.apache.org/ns/synapse">
    <parameters>
        <parameter name="inbound.http.port">8081</parameter>
        <parameter name="inbound.worker.pool.size.core">400</parameter>
    </parameters>
</inboundEndpoint>
`

const inboundPath = "repository/deployment/server/synapse-configs/default/inbound-endpoints/HttpListenerEP.xml"

// TestInboundEndpoints: Micro Integrator does not add the offset to
// inbound endpoint ports unless inbound.port.offset.enable is true
// (wso2/docs-ei inbound-endpoint-properties.md); two servers collide on
// them (wso2/product-apim#10461).
func TestInboundEndpoints(t *testing.T) {
	a := build(t, "mi", map[string]string{"conf/deployment.toml": "[server]\noffset = 3\n", inboundPath: inbound})
	b := build(t, "mi", map[string]string{"conf/deployment.toml": "[server]\noffset = 20\n", inboundPath: inbound})
	got := short(check([]Home{a, b}, fakeSystem{}), map[string]string{a.Dir: "A", b.Dir: "B"}, "inbound-endpoint")
	note := "note inbound-port: inbound endpoint HttpListenerEP listens on 8081 (inbound.http.port) at any offset: Micro Integrator does not add the offset to inbound ports (inbound.port.offset.enable is false) | fix: give each server on this host its own inbound port, or set inbound.port_offset_enable = true under [mediation] (\"inbound.port.offset.enable\" = true under [synapse_properties])"
	want := []string{note, note, "error inbound-collision: inbound endpoints HttpListenerEP of A and HttpListenerEP of B both listen on 8081: the offset does not move them | fix: give one of them another port"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}

	c := build(t, "mi", map[string]string{"conf/deployment.toml": "[server]\noffset = 3\n\n[synapse_properties]\n'inbound.port.offset.enable' = true\n", inboundPath: inbound})
	got = short(check([]Home{c}, fakeSystem{}), nil, "inbound-endpoint")
	want = []string{"note inbound-port: inbound endpoint HttpListenerEP listens on 8084 (inbound.http.port 8081 plus the offset 3: inbound.port.offset.enable is true)"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("offset enabled (-want +got):\n%s", d)
	}
}

// endpoint is an inbound endpoint of protocol with params.
func endpoint(name, protocol string, params ...string) string {
	s := `<inboundEndpoint xmlns="http://ws.apache.org/ns/synapse" name="` + name + `" protocol="` + protocol + `" suspend="false"><parameters>`
	for i := 0; i+1 < len(params); i += 2 {
		s += `<parameter name="` + params[i] + `">` + params[i+1] + `</parameter>`
	}
	return s + `</parameters></inboundEndpoint>`
}

// car is a CApp: a zip whose entries are the given files.
func car(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestMIInboundFacts: Micro Integrator's documented key [mediation]
// inbound.port_offset_enable is mapped onto the synapse property
// inbound.port.offset.enable (micro-integrator v4.3.0
// distribution/src/resources/config-tool/key-mappings.json); it moves HTTP
// and HTTPS inbound ports only (InboundHttpListener,
// InboundHttpsListener); a WebSocket endpoint moves with its own
// ws.use.port.offset (EndpointListenerLoader,
// PersistenceUtils.getPortOffset(Properties)); gRPC never (protocol/grpc).
// Inbound endpoints inside CApps (repository/deployment/server/carbonapps/
// *.car), the usual MI 4.x deployment, are read too.
func TestMIInboundFacts(t *testing.T) {
	capp := car(t, map[string]string{
		"artifacts.xml":                 `<artifacts/>`,
		"WsEP_1.0.0/WsEP-1.0.0.xml":     endpoint("WsEP", "ws", "inbound.ws.port", "9091", "ws.use.port.offset", "true"),
		"WssEP_1.0.0/WssEP-1.0.0.xml":   endpoint("WssEP", "wss", "inbound.wss.port", "9092"),
		"GrpcEP_1.0.0/GrpcEP-1.0.0.xml": endpoint("GrpcEP", "grpc", "inbound.grpc.port", "8888"),
		"HttpEP_1.0.0/HttpEP-1.0.0.xml": endpoint("HttpEP", "http", "inbound.http.port", "8085"),
	})
	h := build(t, "mi", map[string]string{
		"conf/deployment.toml": "[server]\noffset = 3\n\n[mediation]\ninbound.port_offset_enable = true\n",
		"repository/deployment/server/carbonapps/orders_1.0.0.car": capp,
	})
	got := short(check([]Home{h}, fakeSystem{}), nil, "inbound-endpoint")
	want := []string{
		"note inbound-port: inbound endpoint GrpcEP (in CApp orders_1.0.0.car, GrpcEP_1.0.0/GrpcEP-1.0.0.xml) listens on 8888 (inbound.grpc.port) at any offset: Micro Integrator never adds the offset to a gRPC inbound port | fix: give each server on this host its own inbound port",
		"note inbound-port: inbound endpoint HttpEP (in CApp orders_1.0.0.car, HttpEP_1.0.0/HttpEP-1.0.0.xml) listens on 8088 (inbound.http.port 8085 plus the offset 3: inbound.port.offset.enable is true)",
		"note inbound-port: inbound endpoint WsEP (in CApp orders_1.0.0.car, WsEP_1.0.0/WsEP-1.0.0.xml) listens on 9094 (inbound.ws.port 9091 plus the offset 3: its ws.use.port.offset parameter is true)",
		"note inbound-port: inbound endpoint WssEP (in CApp orders_1.0.0.car, WssEP_1.0.0/WssEP-1.0.0.xml) listens on 9092 (inbound.wss.port) at any offset: its ws.use.port.offset parameter is not true | fix: give each server on this host its own inbound port",
	}
	slices.Sort(got) // the zip's entries come in any order
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestCAppBounds: a CApp is read within bounds: an entry that unpacks to
// more than an inbound endpoint could is not read, and the others still
// are.
func TestCAppBounds(t *testing.T) {
	big := endpoint("BigEP", "http", "inbound.http.port", "8086") + "<!--" + strings.Repeat("x", 2<<20) + "-->"
	capp := car(t, map[string]string{
		"BigEP_1.0.0/BigEP-1.0.0.xml":   big,
		"HttpEP_1.0.0/HttpEP-1.0.0.xml": endpoint("HttpEP", "http", "inbound.http.port", "8085"),
	})
	h := build(t, "mi", map[string]string{
		"conf/deployment.toml":                                  "[server]\noffset = 3\n",
		"repository/deployment/server/carbonapps/big_1.0.0.car": capp,
	})
	got := short(check([]Home{h}, fakeSystem{}), nil, "inbound-endpoint")
	if len(got) != 1 || !strings.Contains(got[0], "inbound endpoint HttpEP (in CApp big_1.0.0.car") {
		t.Errorf("got %q, want HttpEP only", got)
	}
}

// TestInboundMany: two Micro Integrator homes with 1,000 inbound endpoints
// each, all on the same ports: doctor lists 20 of each home's and one
// finding for each of the first 20 ports they share, then counts the rest,
// in time linear in the endpoints (a finding for each pair would be
// 1,000,000).
func TestInboundMany(t *testing.T) {
	var homes []Home
	for range 2 {
		files := map[string]string{"conf/deployment.toml": "[server]\n", "bin/micro-integrator.sh": ""}
		for i := range 1000 {
			files[fmt.Sprintf("repository/deployment/server/synapse-configs/default/inbound-endpoints/ep%d.xml", i)] = fmt.Sprintf(`<inboundEndpoint name="ep%d" protocol="http"><parameters><parameter name="inbound.http.port">%d</parameter></parameters></inboundEndpoint>`, i, 20000+i)
		}
		dir := txtardir.Write(t, files)
		mi, _ := wso2.Lookup("mi")
		src, _ := os.ReadFile(filepath.Join(dir, "conf", "deployment.toml"))
		homes = append(homes, Home{Dir: dir, Product: mi, File: filepath.Join(dir, "conf", "deployment.toml"), Src: src})
	}
	var ports, collisions, more int
	for _, f := range check(homes, fakeSystem{}) {
		switch {
		case f.Code == judge.InboundPort && f.File != "":
			ports++
		case f.Code == judge.InboundCollision && f.File != "":
			collisions++
		case strings.HasPrefix(f.Message, "and "):
			more++
		}
	}
	if ports != 40 || collisions != 20 || more != 3 {
		t.Errorf("listed %d endpoints and %d collisions, %d counts of the rest; want 40, 20, 3", ports, collisions, more)
	}
}
