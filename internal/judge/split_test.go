package judge_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/apim-offset/apim-offset/internal/judge"
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
	got := short(withCode(fs, judge.ThrottlingDefaults), names)
	want := []string{
		"warning throttling-defaults: API Manager 4.5+ universal gateway publishes throttling events to and takes throttle decisions from ports 9612, 9712, 5673 (9611, 9711 and 5672 plus its own offset 1), but the traffic manager TM runs at offset 2 and listens on 9613, 9713, 5674: [apim.throttling] does not say where it is | fix: add to deployment.toml: [apim.throttling] with throttle_decision_endpoints = [\"tcp://localhost:5674\"], and [[apim.throttling.url_group]] with traffic_manager_urls = [\"tcp://localhost:9613\"] and traffic_manager_auth_urls = [\"ssl://localhost:9713\"]",
		// Its file has [apim.throttling] already: the fix adds what the
		// table lacks at its end, not a second [apim.throttling], which
		// WSO2 would refuse.
		"warning throttling-defaults: API Manager 4.5+ control plane publishes throttling events to and takes throttle decisions from ports 9614, 9714, 5675 (9611, 9711 and 5672 plus its own offset 3), but the traffic manager TM runs at offset 2 and listens on 9613, 9713, 5674: [apim.throttling] does not say where it is | fix: add at the end of [apim.throttling] (line 4) what it lacks: throttle_decision_endpoints = [\"tcp://localhost:5674\"], and [[apim.throttling.url_group]] with traffic_manager_urls = [\"tcp://localhost:9613\"] and traffic_manager_auth_urls = [\"ssl://localhost:9713\"]",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, f := range fs {
		if f.Code == judge.ThrottlingDefaults && f.Home == cp.Dir {
			if f.Line != 4 {
				t.Errorf("control plane finding at line %d, want 4 ([apim.throttling])", f.Line)
			}
			wantAdd := "throttle_decision_endpoints = [\"tcp://localhost:5674\"]\n\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://localhost:9613\"]\ntraffic_manager_auth_urls = [\"ssl://localhost:9713\"]\n"
			if f.Add != wantAdd {
				t.Errorf("Add = %q", f.Add)
			}
		}
	}

	// Set, or at the traffic manager's offset: nothing to say.
	gw = build(t, "apim-4-gateway", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 1\n\n[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5674\"]\n\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://localhost:9613\"]\ntraffic_manager_auth_urls = [\"ssl://localhost:9713\"]\n"})
	cp = build(t, "apim-4-control-plane", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n"})
	if got := short(withCode(check([]Home{gw, cp, tm}, fakeSystem{}), judge.ThrottlingDefaults), nil); got != nil {
		t.Errorf("set or same offset: %q", got)
	}
}

// withCode is fs's findings of code c.
func withCode(fs []judge.Finding, c judge.Code) []judge.Finding {
	var out []judge.Finding
	for _, f := range fs {
		if f.Code == c {
			out = append(out, f)
		}
	}
	return out
}

// stockEventHub is the [apim.event_hub] block of product-apim v4.5.0
// gateway/modules/distribution/product/src/main/conf/deployment.toml
// (lines 37-43; traffic-manager/... has the same), commented out as it
// ships: WSO2 reads none of it.
const stockEventHub = `# Event Hub configurations
#[apim.event_hub]
#enable = true
#username = "$ref{super_admin.username}"
#password = "$ref{super_admin.password}"
#service_url = "https://localhost:9443/services/"
#event_listening_endpoints = ["tcp://localhost:5672"]
`

// TestSplitPackagesEventHub: a 4.5+ gateway or traffic manager takes the
// control plane's event hub, by default, at 9443 and 5672 plus its OWN
// offset (wso2/carbon-apimgt api-manager.xml.j2 EventHubConfigurations:
// ServiceURL falls back to apim.throttling.service_url,
// https://localhost:${mgt.transport.https.port}/services/; the broker list
// to tcp://${carbon.local.ip}:${jms.port}; APIManagerConfiguration.load and
// carbon-kernel ServletTransportManager add the server's own offset). The
// stock files (product-apim v4.5.0 gateway/ and traffic-manager/
// .../conf/deployment.toml) have [apim.event_hub] commented out. On one
// host with the control plane at another offset they miss it; the fix is
// the TOML to add, at the control plane's ports.
func TestSplitPackagesEventHub(t *testing.T) {
	gw := build(t, "apim-4-gateway", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 1\n\n" + stockEventHub})
	cp := build(t, "apim-4-control-plane", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 3\n"})
	tm := build(t, "apim-4-traffic-manager", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n\n[apim.event_hub]\nenable = true\n"})
	names := map[string]string{gw.Dir: "GW", cp.Dir: "CP", tm.Dir: "TM"}
	fs := withCode(check([]Home{gw, cp, tm}, fakeSystem{}), judge.EventHubDefaults)
	want := []string{
		"warning event-hub-defaults: API Manager 4.5+ universal gateway takes the event hub at ports 9444, 5673 (9443 and 5672 plus its own offset 1), but the control plane CP runs at offset 3 and listens on 9446, 5675: [apim.event_hub] does not say where it is | fix: add to deployment.toml: [apim.event_hub] with service_url = \"https://localhost:9446/services/\" and event_listening_endpoints = [\"tcp://localhost:5675\"]",
		"warning event-hub-defaults: API Manager 4.5+ traffic manager takes the event hub at ports 9445, 5674 (9443 and 5672 plus its own offset 2), but the control plane CP runs at offset 3 and listens on 9446, 5675: [apim.event_hub] does not say where it is | fix: add to [apim.event_hub] in deployment.toml (line 4): service_url = \"https://localhost:9446/services/\", event_listening_endpoints = [\"tcp://localhost:5675\"]",
	}
	if d := cmp.Diff(want, short(fs, names)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	type place struct {
		Home, With string
		Line       int
		Ports      []int
		Add        string
	}
	var got []place
	for _, f := range fs {
		got = append(got, place{names[f.Home], names[f.With], f.Line, f.Ports, f.Add})
	}
	wantPlaces := []place{
		{"GW", "CP", 0, []int{9446, 5675}, "[apim.event_hub]\nservice_url = \"https://localhost:9446/services/\"\nevent_listening_endpoints = [\"tcp://localhost:5675\"]\n"},
		// The table is there: only the keys, under it, so that the file
		// does not get a second [apim.event_hub], which WSO2 refuses.
		{"TM", "CP", 4, []int{9446, 5675}, "service_url = \"https://localhost:9446/services/\"\nevent_listening_endpoints = [\"tcp://localhost:5675\"]\n"},
	}
	if d := cmp.Diff(wantPlaces, got); d != "" {
		t.Errorf("places (-want +got):\n%s", d)
	}

	for _, tc := range []struct {
		name, gw string
		want     []string
	}{
		{"both set", "[server]\noffset = 1\n\n[apim.event_hub]\nservice_url = \"https://localhost:9446/services/\"\nevent_listening_endpoints = [\"tcp://localhost:5675\"]\n", nil},
		// ServiceURL falls back to apim.throttling.service_url: set there,
		// it is set; the broker list is not.
		{"service_url from [apim.throttling]", "[server]\noffset = 1\n\n[apim.throttling]\nservice_url = \"https://localhost:9446/services/\"\n",
			[]string{"takes the event hub at ports 5673 (5672 plus its own offset 1), but the control plane CP runs at offset 3 and listens on 5675: [apim.event_hub] does not say where it is | fix: add to deployment.toml: [apim.event_hub] with event_listening_endpoints = [\"tcp://localhost:5675\"]"}},
		// The broker list falls back to throttle_decision_endpoints, the
		// traffic manager's broker, not the event hub's: still unset.
		{"throttle_decision_endpoints is not the event hub", "[server]\noffset = 1\n\n[apim.event_hub]\nservice_url = \"https://localhost:9446/services/\"\n\n[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5674\"]\n",
			[]string{"takes the event hub at ports 5673 (5672 plus its own offset 1), but the control plane CP runs at offset 3 and listens on 5675: [apim.event_hub] does not say where it is | fix: add to [apim.event_hub] in deployment.toml (line 4): event_listening_endpoints = [\"tcp://localhost:5675\"]"}},
		{"at the control plane's offset", "[server]\noffset = 3\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, "apim-4-gateway", map[string]string{"repository/conf/deployment.toml": tc.gw})
			var got []string
			for _, s := range short(withCode(check([]Home{g, cp}, fakeSystem{}), judge.EventHubDefaults), map[string]string{g.Dir: "GW", cp.Dir: "CP"}) {
				got = append(got, strings.TrimPrefix(s, "warning event-hub-defaults: API Manager 4.5+ universal gateway "))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}

	// Two control planes: which one a gateway means is not for us to guess.
	cp2 := build(t, "apim-4-control-plane", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 4\n"})
	if got := withCode(check([]Home{gw, cp, cp2}, fakeSystem{}), judge.EventHubDefaults); got != nil {
		t.Errorf("two control planes: %v", short(got, nil))
	}
}
