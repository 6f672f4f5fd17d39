package judge_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/txtardir"

	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/google/go-cmp/cmp"
)

// build writes files (slash paths under the home) into a new home and
// returns it as a Home of product id, its file at config.
func build(t *testing.T, id string, files map[string]string) Home {
	t.Helper()
	p, ok := wso2.Lookup(id)
	if !ok {
		t.Fatalf("no product %s", id)
	}
	dir := txtardir.Write(t, files)
	file := filepath.Join(dir, filepath.FromSlash(p.Config))
	src, _ := os.ReadFile(file)
	return Home{Dir: dir, Product: p, File: file, Src: src}
}

// short is a finding as these tests compare it: severity, code and
// message, with each home's folder written as its name.
func short(fs []judge.Finding, names map[string]string, checks ...string) []string {
	var out []string
	for _, f := range fs {
		if len(checks) > 0 && !slices.Contains(checks, f.Check) {
			continue
		}
		s := string(f.Severity) + " " + string(f.Code) + ": " + f.Message
		if f.Fix != "" {
			s += " | fix: " + f.Fix
		}
		for dir, name := range names {
			s = strings.ReplaceAll(s, dir, name)
		}
		out = append(out, s)
	}
	return out
}

// TestLiteralOwners: whose a local URL's port is, home by home. The
// documented "IS as Key Manager" set-up runs Identity Server at offset 1 and
// points it back at API Manager on 9443 (wso2/docs-apim
// configuring-wso2-identity-server-as-a-key-manager.md).
func TestLiteralOwners(t *testing.T) {
	isFile := "[server]\noffset = 1\n\n[apim_km]\nservice_url = \"https://localhost:9443/services/\"\ngateway = \"https://localhost:8243\"\n"
	apim := build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n"})
	is := build(t, "is", map[string]string{"repository/conf/deployment.toml": isFile})
	names := map[string]string{apim.Dir: "APIM", is.Dir: "IS"}

	// Alone, 9443 in the IS file at offset 1 has two readings; 8243 is in
	// no Identity Server table: another server's, never flagged.
	got := short(check([]Home{is}, fakeSystem{}), names, "literal-port")
	want := []string{"warning literal-port-stale: https://localhost:9443 (apim_km.service_url) keeps port 9443, this server's at offset 0: if it means this server, at offset 1 it listens on 9444; if it means another server at offset 0, it is right | fix: write 9444 if the URL is this server's; leave it if it is another server's"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("IS alone (-want +got):\n%s", d)
	}

	// Checked with the API Manager home at offset 0, 9443 is that home's,
	// and so is its gateway's 8243.
	got = short(check([]Home{apim, is}, fakeSystem{}), names, "literal-port")
	want = []string{
		"note literal-port-other: https://localhost:9443 (apim_km.service_url) is APIM's port: it moves when that server's offset changes, not with this one",
		"note literal-port-other: https://localhost:8243 (apim_km.gateway) is APIM's port: it moves when that server's offset changes, not with this one",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("IS with APIM (-want +got):\n%s", d)
	}

	// Two API Manager homes at offset 0 both claim 9443: the URL is shared.
	a := build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[apim]\nurl = \"https://localhost:9443/x\"\n"})
	b := build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\n"})
	got = short(check([]Home{a, b}, fakeSystem{}), map[string]string{a.Dir: "A", b.Dir: "B"}, "literal-port")
	want = []string{"warning literal-port-shared: https://localhost:9443 (apim.url): port 9443 is this server's at offset 0 and B's too: the two servers need the same port | fix: give one of them another offset, then point the URL at the one it means"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("two APIM at 0 (-want +got):\n%s", d)
	}
}

// TestWebSocketDefault: a gateway environment without ws_endpoint gets
// ws://localhost:9099 whatever the offset (wso2/carbon-apimgt
// APIManagerConfiguration WEBSOCKET_DEFAULT_GATEWAY_URL).
func TestWebSocketDefault(t *testing.T) {
	env := "\n[[apim.gateway.environment]]\nname = \"Default\"\nhttp_endpoint = \"http://localhost:${http.nio.port}\"\n\n[[apim.gateway.environment]]\nname = \"WS\"\nws_endpoint = \"ws://gw.example.com:9102\"\n"
	h := build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 3\n" + env})
	got := short(check([]Home{h}, fakeSystem{}), nil, "websocket-default")
	want := []string{`warning websocket-default: gateway environment "Default" has no ws_endpoint: API Manager then shows ws://localhost:9099 for its WebSocket APIs, but at offset 3 the WebSocket inbound listens on 9102 | fix: add ws_endpoint = "ws://localhost:9102" to it (or the host clients reach)`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("offset 3 (-want +got):\n%s", d)
	}
	h = build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n" + env})
	if got := short(check([]Home{h}, fakeSystem{}), nil, "websocket-default"); got != nil {
		t.Errorf("at the default offset, 9099 is right: %q", got)
	}
}
