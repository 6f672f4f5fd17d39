package judge_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestIdentityServerRan: an Identity Server that has run keeps its
// callback URLs with the old port (wso2/product-is#10514, #7588). A fresh
// pack ships H2 databases (product-is v7.1.0
// modules/distribution/src/assembly/bin.xml and pom.xml), so only what a
// start leaves tells: wso2carbon.pid (carbon-kernel Main.java writes it), a
// log with content, or a database file written after the pack's files.
func TestIdentityServerRan(t *testing.T) {
	conf := map[string]string{
		"repository/conf/deployment.toml":            "[server]\noffset = 2\n",
		"bin/wso2server.sh":                          "#!/bin/sh\n",
		"bin/version.txt":                            "WSO2 Identity Server v7.0.0\n",
		"repository/database/WSO2IDENTITY_DB.mv.db":  "h2",
		"repository/database/WSO2SHARED_DB.mv.db":    "h2",
		"repository/deployment/server/webapps/x.txt": "",
	}
	with := func(extra map[string]string) map[string]string {
		files := map[string]string{}
		for k, v := range conf {
			files[k] = v
		}
		for k, v := range extra {
			files[k] = v
		}
		return files
	}
	fresh := build(t, "is", conf)
	if got := short(check([]Home{fresh}, fakeSystem{}), nil, "identity-server-state"); got != nil {
		t.Errorf("fresh pack with its own databases: %q", got)
	}
	// IS 7 (the current table): [console] and [myaccount] callback_url
	// (wso2/identity-apps PR #5162; wso2/product-is#25948).
	want7 := []string{`warning is-stored-urls: this Identity Server has run before: its database keeps the Console and My Account callback URLs and the resident identity provider's issuer with the port it had then; if the offset changed since, login to the Console fails with "Registered callback does not match" | fix: add to deployment.toml [console] callback_url = "regexp=(https://localhost:9445/console|https://localhost:9445/t/(.*)/console|https://localhost:9445/console/login|https://localhost:9445/t/(.*)/console/login)" and [myaccount] callback_url = "regexp=(https://localhost:9445/myaccount|https://localhost:9445/t/(.*)/myaccount|https://localhost:9445/myaccount/login|https://localhost:9445/t/(.*)/myaccount/login)", and restart; or start from a fresh database`}
	for _, evidence := range []string{"wso2carbon.pid", "repository/logs/wso2carbon.log"} {
		h := build(t, "is", with(map[string]string{evidence: "4242\n"}))
		fs := check([]Home{h}, fakeSystem{})
		if d := cmp.Diff(want7, short(fs, nil, "identity-server-state")); d != "" {
			t.Errorf("%s (-want +got):\n%s", evidence, d)
		}
		if f := fs[len(fs)-1]; !strings.HasSuffix(filepath.ToSlash(f.File), evidence) {
			t.Errorf("finding's file %s, want %s", f.File, evidence)
		}
	}
	// A database written after the pack's files: a start opened it.
	h := build(t, "is", conf)
	old := time.Now().Add(-24 * time.Hour)
	for _, f := range []string{"bin/version.txt", "bin/wso2server.sh", "repository/database/WSO2SHARED_DB.mv.db"} {
		if err := os.Chtimes(filepath.Join(h.Dir, f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	fs := check([]Home{h}, fakeSystem{})
	if got := short(fs, nil, "identity-server-state"); len(got) != 1 || !strings.HasSuffix(filepath.ToSlash(fs[len(fs)-1].File), "WSO2IDENTITY_DB.mv.db") {
		t.Errorf("database written after the pack: %q", got)
	}
	// IS 6.x and 5.x: the management console, and read_only_apps = []
	// taken out again (wso2/product-is#7588, #17431).
	h = build(t, "is", with(map[string]string{"wso2carbon.pid": "1\n", "bin/version.txt": "WSO2 Identity Server v6.1.0\n"}))
	want6 := "fix: make the system apps editable ([system_applications] read_only_apps = [] in deployment.toml), restart, and in the management console (https://localhost:9445/carbon) change the Console and My Account service providers' callback URLs and the resident identity provider's issuer (OAuth2/OpenID Connect) to port 9445; then take read_only_apps = [] out again, as it leaves every system app editable; or start from a fresh database"
	if got := short(check([]Home{h}, fakeSystem{}), nil, "identity-server-state"); len(got) != 1 || !strings.HasSuffix(got[0], want6) {
		t.Errorf("IS 6.1: %q", got)
	}
	// The version not known: the 7.x fix, then the older one.
	h = build(t, "is", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n", "wso2carbon.pid": "1\n"})
	if got := short(check([]Home{h}, fakeSystem{}), nil, "identity-server-state"); len(got) != 1 || !strings.Contains(got[0], "/myaccount/login)\", and restart; or start from a fresh database; before Identity Server 7.0: make the system apps editable") {
		t.Errorf("version unknown: %q", got)
	}
	// API Manager keeps no such note.
	h = build(t, "apim-4", map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 2\n", "repository/logs/wso2carbon.log": "x"})
	if got := short(check([]Home{h}, fakeSystem{}), nil, "identity-server-state"); got != nil {
		t.Errorf("API Manager: %q", got)
	}
}
