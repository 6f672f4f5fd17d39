package judge_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSplitPackagesThrottling: a 4.5+ gateway's or control plane's
// throttling defaults are 9611, 9711 and 5672 plus its OWN offset
// (wso2/carbon-apimgt APIManagerConfiguration.load: receiver.url.port,
// auth.url.port, jms.port); on one host with the traffic manager at another
// offset they miss it unless [apim.throttling] is set (product-apim v4.5.0
// gateway/modules/distribution/product/src/main/conf/deployment.toml has it
// commented out). The fix is the TOML to add, at the traffic manager's ports.
func TestSplitPackagesThrottling(t *testing.T) {
	gw := build(t, "apim-4-gateway", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 1\n"})
	cp := build(t, "apim-4-control-plane", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 3\n\n[apim.throttling]\nenable_data_publishing = true\n"})
	tm := build(t, "apim-4-traffic-manager", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n"})
	names := map[string]string{gw.Dir: "GW", cp.Dir: "CP", tm.Dir: "TM"}
	fs := check([]Home{gw, cp, tm}, fakeSystem{})
	got := short(fs, names, "split-packages")
	want := []string{
		"warning throttling-defaults: API Manager 4.5+ universal gateway publishes throttling events to and takes throttle decisions from ports 9612, 9712, 5673 (9611, 9711 and 5672 plus its own offset 1), but the traffic manager TM runs at offset 2 and listens on 9613, 9713, 5674: [apim.throttling] does not say where it is | fix: add to deployment.toml: [apim.throttling] with throttle_decision_endpoints = [\"tcp://localhost:5674\"], and [[apim.throttling.url_group]] with traffic_manager_urls = [\"tcp://localhost:9613\"] and traffic_manager_auth_urls = [\"ssl://localhost:9713\"]",
		"warning throttling-defaults: API Manager 4.5+ control plane publishes throttling events to and takes throttle decisions from ports 9614, 9714, 5675 (9611, 9711 and 5672 plus its own offset 3), but the traffic manager TM runs at offset 2 and listens on 9613, 9713, 5674: [apim.throttling] does not say where it is | fix: add to deployment.toml: [apim.throttling] with throttle_decision_endpoints = [\"tcp://localhost:5674\"], and [[apim.throttling.url_group]] with traffic_manager_urls = [\"tcp://localhost:9613\"] and traffic_manager_auth_urls = [\"ssl://localhost:9713\"]",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, f := range fs {
		if f.Check == "split-packages" && f.Home == cp.Dir {
			if f.Line != 4 {
				t.Errorf("control plane finding at line %d, want 4 ([apim.throttling])", f.Line)
			}
			wantAdd := "[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5674\"]\n\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://localhost:9613\"]\ntraffic_manager_auth_urls = [\"ssl://localhost:9713\"]\n"
			if f.Add != wantAdd {
				t.Errorf("Add = %q", f.Add)
			}
		}
	}

	// Set, or at the traffic manager's offset: nothing to say.
	gw = build(t, "apim-4-gateway", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 1\n\n[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5674\"]\n\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://localhost:9613\"]\ntraffic_manager_auth_urls = [\"ssl://localhost:9713\"]\n"})
	cp = build(t, "apim-4-control-plane", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n"})
	if got := short(check([]Home{gw, cp, tm}, fakeSystem{}), nil, "split-packages"); got != nil {
		t.Errorf("set or same offset: %q", got)
	}
}
