package wso2_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/wso2"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		home, want, evidence string
		known                bool
	}{
		{"apim-3.2", "apim-3", "bin/wso2server.sh and repository/conf", true},
		{"apim-4.2", "apim-4", "bin/api-manager.sh", true},
		{"apim-4.5-control-plane", "apim-4-control-plane", "bin/api-cp.sh", true},
		{"apim-4.5-gateway", "apim-4-gateway", "bin/gateway.sh", true},
		{"apim-4.5-traffic-manager", "apim-4-traffic-manager", "bin/traffic-manager.sh", true},
		{"is-7.0", "is", "bin/wso2server.sh and repository/deployment/server/webapps/console", true},
		{"mi-4.3", "mi", "bin/micro-integrator.sh", true},
		{"unknown", "apim-4", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.home, func(t *testing.T) {
			p, evidence, known := wso2.Detect(os.DirFS(filepath.Join("..", "..", "fixtures", "homes", tt.home)))
			if p.ID != tt.want || evidence != tt.evidence || known != tt.known {
				t.Errorf("Detect = %s, %q, %v; want %s, %q, %v", p.ID, evidence, known, tt.want, tt.evidence, tt.known)
			}
		})
	}
}

func TestMaxOffset(t *testing.T) {
	// 11111 (JMX, on by default in API Manager: monitoring.jmx.rmi_server_start
	// in the product's default.json) bounds API Manager at 54424; without JMX,
	// IS 10500 gives 55035 and MI 9191 gives 56344.
	for id, want := range map[string]int{"apim-4": 54424, "apim-3": 54424, "apim-4-gateway": 54424, "is": 55035, "mi": 56344} {
		p, ok := wso2.Lookup(id)
		if !ok {
			t.Fatalf("no product %s", id)
		}
		if got := p.MaxOffset(); got != want {
			t.Errorf("%s: MaxOffset = %d, want %d", id, got, want)
		}
	}
	for _, p := range wso2.Products {
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
	for port, want := range map[int]int{9443: 9445, 8243: 8245, 8280: 8282, 7611: 7613, 45564: 45564, 4000: 4000} {
		if got[port] != want {
			t.Errorf("%d at offset 2 = %d, want %d", port, got[port], want)
		}
	}
}
