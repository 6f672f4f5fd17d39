package wso2_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/apim-offset/apim-offset/internal/wso2"
)

// TestISBefore511: Identity Server 5.9.0 and 5.10.0 ship only
// webapps/user-portal (product-is v5.9.0 and v5.10.0
// modules/distribution/src/assembly/bin.xml; console/ and myaccount/ from
// v5.11.0): they are Identity Server, not API Manager 3.x. 5.9.0 keeps
// kernel 4.5.1's JMX on (product-is v5.10.0
// modules/distribution/src/repository/resources/conf/default.json turns
// it off; v5.9.0 does not): 9999 and 11111 shift, largest offset 54424.
func TestISBefore511(t *testing.T) {
	for _, tt := range []struct {
		version string
		jmx     bool
		max     int
	}{{"5.9.0", true, 54424}, {"5.10.0", false, 55146}} {
		home := fstest.MapFS{
			"bin/wso2server.sh":                                      {Data: []byte("#!/bin/sh\n")},
			"repository/conf/deployment.toml":                        {Data: []byte("[server]\n")},
			"repository/deployment/server/webapps/user-portal/index": {Data: []byte("x")},
		}
		p, told, known := wso2.Detect(home)
		if p.ID != "is" || !known || told != "bin/wso2server.sh and repository/deployment/server/webapps/user-portal" {
			t.Fatalf("IS %s detected as %s (%q)", tt.version, p.ID, told)
		}
		p, _ = p.ForHome(home, "wso2is-"+tt.version)
		if got := slices.Contains(on(p), 11111); got != tt.jmx {
			t.Errorf("IS %s: JMX on %v, want %v", tt.version, got, tt.jmx)
		}
		if got := p.MaxOffset(); got != tt.max {
			t.Errorf("IS %s: MaxOffset %d, want %d", tt.version, got, tt.max)
		}
		// Kernel 4.5.1 (5.9) and 4.6.0 (5.10) load carbon.properties in
		// Bootstrap, before the command line (product-is v5.9.0/v5.10.0
		// pom.xml carbon.kernel.version).
		if !p.PropertiesFirst {
			t.Errorf("IS %s: carbon.properties read after the command line", tt.version)
		}
	}
	p, _ := wso2.Lookup("is")
	if p, _ = p.ForVersion(wso2.Version{Major: 5, Minor: 11}); p.PropertiesFirst {
		t.Error("IS 5.11 runs on kernel 4.6.1: carbon.properties is applied after the command line")
	}
}

// TestWebSocketPortKey: API Manager 3.2 and 4.0 have no apim.ws.port
// (product-apim v3.2.0 and v4.0.0 modules/distribution/product/src/main/
// resources/conf/default.json: apim.wss.port only; 9099 fixed in
// conf/synapse-configs/default/inbound-endpoints/WebSocketInboundEndpoint.xml);
// v4.1.0 adds apim.ws.port: [apim.ws] port is a base only from 4.1.
func TestWebSocketPortKey(t *testing.T) {
	src := []byte("[apim.ws]\nport = 9199\n")
	for _, tt := range []struct {
		id      string
		version wso2.Version
		want    int
	}{
		{"apim-3", wso2.Version{Major: 3, Minor: 2}, 9099},
		{"apim-4", wso2.Version{Major: 4, Minor: 0}, 9099},
		{"apim-4", wso2.Version{Major: 4, Minor: 1}, 9199},
		{"apim-4", wso2.Version{Major: 4, Minor: 5}, 9199},
	} {
		p, _ := wso2.Lookup(tt.id)
		p, _ = p.ForVersion(tt.version)
		ws, _ := p.WithFile(values(t, src)).ByRole(wso2.WebSocket)
		if ws.Port != tt.want {
			t.Errorf("%s %s: WebSocket base %d, want %d", tt.id, tt.version, ws.Port, tt.want)
		}
	}
}

// TestMIDocumentedKeys: Micro Integrator's documented keys are mapped onto
// the synapse and transport properties the templates read (micro-integrator
// v4.3.0 distribution/src/resources/config-tool/key-mappings.json:
// mediation.internal_http_api_port, mediation.internal_https_api_port,
// transport.http.listener.port, transport.http.listener.secured_port).
func TestMIDocumentedKeys(t *testing.T) {
	mi, _ := wso2.Lookup("mi")
	mi = mi.WithFile(values(t, []byte("[mediation]\ninternal_http_api_port = 9291\ninternal_https_api_port = 9254\n\n[transport.http]\nlistener.port = 8380\nlistener.secured_port = 8343\n")))
	got := map[int]int{}
	for _, p := range mi.Ports {
		got[p.Default] = p.Port
	}
	for def, want := range map[int]int{9191: 9291, 9154: 9254, 8280: 8380, 8243: 8343} {
		if got[def] != want {
			t.Errorf("%d: base %d, want %d", def, got[def], want)
		}
	}
}
