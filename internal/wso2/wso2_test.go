package wso2_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/google/go-cmp/cmp"
)

// values decodes a deployment.toml as the server loader gives it to the
// tables: patcher's reading, a template's placeholders masked.
func values(t *testing.T, src []byte) map[string]any {
	t.Helper()
	f, err := patcher.Parse(src, patcher.Auto)
	if err != nil {
		t.Fatal(err)
	}
	return f.Values()
}

func home(name string) string { return filepath.Join("..", "..", "fixtures", "homes", name) }

func TestDetect(t *testing.T) {
	tests := []struct {
		home, want, evidence string
		known                bool
	}{
		{"apim-3.2", "apim-3", "bin/wso2server.sh and repository/conf", true},
		{"apim-4.2", "apim-4", "bin/api-manager.sh", true},
		{"apim-4.5-control-plane", "apim-4-control-plane", "bin/api-cp.sh", true},
		// key-manager.sh is the control-plane pack's second launcher
		// (product-apim v4.5.0 api-control-plane assembly/bin.xml).
		{"wso2am-acp-4.5.0", "apim-4-control-plane", "bin/key-manager.sh", true},
		{"apim-4.5-gateway", "apim-4-gateway", "bin/gateway.sh", true},
		{"apim-4.5-traffic-manager", "apim-4-traffic-manager", "bin/traffic-manager.sh", true},
		{"is-7.0", "is", "bin/wso2server.sh and repository/deployment/server/webapps/console", true},
		{"wso2is-5.11.0", "is", "bin/wso2server.sh and repository/deployment/server/webapps/myaccount", true},
		{"mi-4.3", "mi", "bin/micro-integrator.sh", true},
		{"unknown", "apim-4", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.home, func(t *testing.T) {
			p, evidence, known := wso2.Detect(os.DirFS(home(tt.home)))
			if p.ID != tt.want || evidence != tt.evidence || known != tt.known {
				t.Errorf("Detect = %s, %q, %v; want %s, %q, %v", p.ID, evidence, known, tt.want, tt.evidence, tt.known)
			}
		})
	}
}

func TestKeyManagerAlias(t *testing.T) {
	p, ok := wso2.Lookup("apim-4-key-manager")
	if !ok || p.ID != "apim-4-control-plane" {
		t.Errorf("Lookup(apim-4-key-manager) = %s, %v; want the control plane", p.ID, ok)
	}
	if !slices.Contains(wso2.IDs(), "apim-4-key-manager") {
		t.Error("IDs lacks the alias apim-4-key-manager")
	}
	for _, p := range wso2.Packages() {
		if p.ID == "apim-4-key-manager" {
			t.Error("Packages lists the alias")
		}
	}
}

func TestDetectVersion(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		dir   string
		want  string
		from  string
	}{
		{"folder name, all-in-one (assembly bin.xml: wso2am-${pom.version})", nil, "wso2am-4.5.0", "4.5.0", "wso2am-4.5.0 (the folder's name)"},
		{"folder name, control plane (wso2am-acp-${pom.version})", nil, "wso2am-acp-4.5.0", "4.5.0", "wso2am-acp-4.5.0 (the folder's name)"},
		{"folder name, universal gateway", nil, "wso2am-universal-gw-4.6.0", "4.6.0", "wso2am-universal-gw-4.6.0 (the folder's name)"},
		{"folder name, traffic manager", nil, "wso2am-tm-4.5.0", "4.5.0", "wso2am-tm-4.5.0 (the folder's name)"},
		{"folder name, Identity Server", nil, "wso2is-7.0.0", "7.0.0", "wso2is-7.0.0 (the folder's name)"},
		{"folder name, Micro Integrator", nil, "wso2mi-4.3.0", "4.3.0", "wso2mi-4.3.0 (the folder's name)"},
		{"folder name with a suffix", nil, "wso2am-4.2.0-SNAPSHOT", "4.2.0", "wso2am-4.2.0-SNAPSHOT (the folder's name)"},
		{"renamed folder: unknown", nil, "apim", "unknown", ""},
		{"updates/product.txt beats the folder name",
			fstest.MapFS{"updates/product.txt": {Data: []byte("wso2am-acp-4.6.0\n")}}, "wso2am-acp-4.5.0", "4.6.0", "updates/product.txt"},
		{"an unfilled product.txt is not taken",
			fstest.MapFS{"updates/product.txt": {Data: []byte("${product.wum.name}-${product.version}")}}, "apim", "unknown", ""},
		{"bin/version.txt naming the product",
			fstest.MapFS{"bin/version.txt": {Data: []byte("WSO2 API Control Plane v4.5.0\n")}}, "apim", "4.5.0", "bin/version.txt"},
		{"bin/version.txt naming the Carbon kernel is not the product's",
			fstest.MapFS{"bin/version.txt": {Data: []byte("WSO2 Carbon Kernel v4.10.22\n")}}, "wso2am-4.2.0", "4.2.0", "wso2am-4.2.0 (the folder's name)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			if files == nil {
				files = fstest.MapFS{}
			}
			v, from, _ := wso2.DetectVersion(files, tt.dir)
			if v.String() != tt.want || from != tt.from {
				t.Errorf("DetectVersion = %s, %q; want %s, %q", v, from, tt.want, tt.from)
			}
		})
	}
}

// on lists the port numbers that are on, in table order.
func on(p wso2.Product) []int {
	var out []int
	for _, port := range p.Ports {
		if port.Enabled {
			out = append(out, port.Port)
		}
	}
	return out
}

// TestTables checks each package and version's ports that are on against
// the made home for it, with the source of each difference.
func TestTables(t *testing.T) {
	tests := []struct {
		name, home string
		table      string
		on         []int
		max        int
	}{
		// product-apim v3.2.0: no WebSub (WebhookServer.xml from v4.0.0);
		// 8672 on (default.json amqp.ssl_connection.enabled true).
		{"APIM 3.2", "apim-3.2", "API Manager 3.x",
			[]int{9443, 9763, 8243, 8280, 5672, 8672, 9611, 9711, 9099, 8099, 9999, 11111}, 54424},
		{"APIM 4.2 by folder name", "wso2am-4.2.0", "API Manager 4.1-4.4",
			[]int{9443, 9763, 8243, 8280, 5672, 8672, 9611, 9711, 9099, 8099, 9021, 8021, 9999, 11111}, 54424},
		{"APIM all-in-one, version unknown", "apim-4.2", "API Manager 4.5+ all-in-one",
			[]int{9443, 9763, 8243, 8280, 5672, 8672, 9611, 9711, 9099, 8099, 9021, 8021, 9999, 11111}, 54424},
		// product-apim v4.5.0 api-control-plane axis2.xml.j2: 9763/9443
		// only; p2 profile: andes server and databridge receiver, no
		// inbound endpoints.
		{"APIM 4.5 control plane", "wso2am-acp-4.5.0", "API Manager 4.5+ control plane",
			[]int{9443, 9763, 5672, 8672, 9611, 9711, 9999, 11111}, 54424},
		{"APIM 4.5 traffic manager", "apim-4.5-traffic-manager", "API Manager 4.5+ traffic manager",
			[]int{9443, 9763, 5672, 8672, 9611, 9711, 9999, 11111}, 54424},
		{"APIM 4.5 universal gateway", "apim-4.5-gateway", "API Manager 4.5+ universal gateway",
			[]int{9443, 9763, 8243, 8280, 9099, 8099, 9021, 8021, 9999, 11111}, 54424},
		// Identity Server 6/7: no 10389 (embedded LDAP up to 5.11), 10500
		// and 8000 off, JMX off: 65535 - 9763.
		{"IS 7", "is-7.0", "Identity Server 6.x/7.x", []int{9443, 9763}, 55772},
		{"IS 5.11", "wso2is-5.11.0", "Identity Server 5.x", []int{10389, 9443, 9763}, 55146},
		// micro-integrator config-tool default.json: 9191 internal HTTP
		// API, 9154 the HTTPS internal API that serves the management API.
		{"MI 4.3", "mi-4.3", "Micro Integrator 4.x", []int{8280, 8243, 9191, 9154}, 56344},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, _ := wso2.Detect(os.DirFS(home(tt.home)))
			p, _ = p.ForHome(os.DirFS(home(tt.home)), tt.home)
			if p.Table != tt.table {
				t.Errorf("table %q, want %q", p.Table, tt.table)
			}
			if diff := cmp.Diff(tt.on, on(p)); diff != "" {
				t.Errorf("ports on (-want +got):\n%s", diff)
			}
			if got := p.MaxOffset(); got != tt.max {
				t.Errorf("MaxOffset = %d, want %d", got, tt.max)
			}
			for _, port := range p.Ports {
				if port.Source == "" {
					t.Errorf("%d has no source", port.Port)
				}
				if port.Unverified && port.Enabled {
					t.Errorf("%d is unverified but counted as on", port.Port)
				}
			}
		})
	}
}

func TestMI(t *testing.T) {
	p, _ := wso2.Lookup("mi")
	purpose := map[int]string{}
	for _, port := range p.Ports {
		purpose[port.Port] = port.Purpose
	}
	// 9201 and 9164, at the offset of 10, are the Management API's HTTP and
	// HTTPS ports (docs "Changing the Default Ports", Micro Integrator).
	if purpose[9191] != "Management API (HTTP)" || purpose[9154] != "Management API (HTTPS)" || p.DefaultOffset != 10 {
		t.Errorf("MI: 9191 %q, 9154 %q, default offset %d", purpose[9191], purpose[9154], p.DefaultOffset)
	}
}

func TestWithFile(t *testing.T) {
	src := []byte(`[server]
offset = 2
[transport.https.properties]
port = 9543
[transport.http]
properties.port = "9863"
[transport.passthru_https.listener]
parameters.port = "$env{GW_PORT}"
[monitoring.jmx]
rmi_server_port = 12111
[transport.thrift.receiver]
enable = true
[apim]
ws.port = 70000
`)
	p, _ := wso2.Lookup("apim-4")
	p = p.WithFile(values(t, src))
	got := map[int]wso2.Port{}
	for _, port := range p.Ports {
		got[port.Default] = port
	}
	for def, want := range map[int]int{9443: 9543, 9763: 9863, 8243: 8243, 11111: 12111, 9099: 9099} {
		if got[def].Port != want || got[def].FromFile != (def != want) {
			t.Errorf("%d: base %d (from file %v), want %d", def, got[def].Port, got[def].FromFile, want)
		}
	}
	if !got[7611].Enabled || !got[7711].Enabled {
		t.Error("[transport.thrift.receiver] enable = true left the Thrift receiver off")
	}
	if got[9443].KeyName() != "[transport.https] properties.port" {
		t.Errorf("KeyName = %q", got[9443].KeyName())
	}
	if p.MaxOffset() != 65535-12111 || got[11111].Effective(2) != 12113 {
		t.Errorf("MaxOffset %d, JMX at offset 2 %d", p.MaxOffset(), got[11111].Effective(2))
	}
	mi, _ := wso2.Lookup("mi")
	mi = mi.WithFile(values(t, []byte("[synapse_properties]\n'internal.http.api.port' = 9291\n")))
	if mi.Ports[2].Port != 9291 || mi.Ports[2].KeyName() != "[mediation] internal_http_api_port" {
		t.Errorf("MI internal API base %d, key %q", mi.Ports[2].Port, mi.Ports[2].KeyName())
	}
	// A template: its placeholders are masked, the rest is read.
	tmpl := values(t, []byte("[server]\noffset = {{ .Values.offset }}\n[transport.https.properties]\nport = 9544\n"))
	p, _ = wso2.Lookup("apim-4")
	if p.WithFile(tmpl).Ports[0].Port != 9544 {
		t.Error("a template's base port is not read")
	}
}

func TestMaxOffset(t *testing.T) {
	// 11111 (JMX, on by default in API Manager: monitoring.jmx.rmi_server_start
	// in the product's default.json) bounds API Manager at 54424; Identity
	// Server 6/7's highest port on is 9763 (55772) and MI's 9191 (56344).
	for id, want := range map[string]int{"apim-4": 54424, "apim-3": 54424, "apim-4-gateway": 54424, "is": 55772, "mi": 56344} {
		p, ok := wso2.Lookup(id)
		if !ok {
			t.Fatalf("no product %s", id)
		}
		if got := p.MaxOffset(); got != want {
			t.Errorf("%s: MaxOffset = %d, want %d", id, got, want)
		}
	}
	for _, p := range wso2.Packages() {
		if p.MaxOffset() < wso2.MaxOffset {
			t.Errorf("%s takes at most %d, less than MaxOffset %d, the bound for unknown products", p.ID, p.MaxOffset(), wso2.MaxOffset)
		}
	}
}

func TestEffective(t *testing.T) {
	p, _ := wso2.Lookup("apim-4")
	got := map[int]int{}
	for _, port := range p.Ports {
		got[port.Port] = port.Effective(2)
	}
	// Server logs show 8245/8282 at offset 2; Hazelcast does not move
	// (wso2/carbon-kernel HazelcastClusteringAgent uses the port as given).
	for port, want := range map[int]int{9443: 9445, 8243: 8245, 8280: 8282, 8672: 8674, 7611: 7613, 45564: 45564, 4000: 4000} {
		if got[port] != want {
			t.Errorf("%d at offset 2 = %d, want %d", port, got[port], want)
		}
	}
}
