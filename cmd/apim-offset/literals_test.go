package main

import (
	"bytes"
	"github.com/apim-offset/apim-offset/internal/txtardir"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/doctor"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/google/go-cmp/cmp"
)

// homeTarget is the target of a home of product id.
func homeTarget(t *testing.T, dir, id string) target {
	t.Helper()
	p, ok := wso2.Lookup(id)
	if !ok {
		t.Fatalf("no product %s", id)
	}
	return target{path: filepath.Join(dir, filepath.FromSlash(p.Config)), home: dir, product: p, known: true, namedHome: true}
}

// setChange does what set's decide does for these notes: Set, and the
// report's From.
func setChange(t *testing.T, tg target, n int, opt patcher.Options) *change {
	t.Helper()
	src, err := os.ReadFile(tg.path)
	if err != nil {
		t.Fatal(err)
	}
	opt.DefaultOffset = tg.product.DefaultOffset
	literalOptions(&opt, tg, len(opt.ShiftLiterals) > 0, opt.Others)
	res, err := patcher.Set(src, n, &opt)
	if err != nil {
		t.Fatal(err)
	}
	c := &change{t: tg, src: src, res: res, r: setReport{Warnings: []string{}}}
	c.r.Changed = res.Changed
	switch res.From.Source {
	case patcher.SourceSet:
		c.r.From = &res.From.Offset
	case patcher.SourceCommented, patcher.SourceAbsent:
		c.r.From = &tg.product.DefaultOffset
	}
	return c
}

func testApp() (*app, *bytes.Buffer) {
	var stderr bytes.Buffer
	return &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr}, &stderr
}

// TestNoteLiteralsWithout: set without --shift-literals counts the URLs
// to this server that keep ports that will not move, on stderr and in the
// JSON warnings. The APIM 4.x default hard-codes ws://localhost:9099 and
// wss://localhost:8099 (wso2/product-apim deployment.toml).
func TestNoteLiteralsWithout(t *testing.T) {
	dir := txtardir.Write(t, map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n\n[[apim.gateway.environment]]\nname = \"Default\"\n" +
		"ws_endpoint = \"ws://localhost:9099\"\nwss_endpoint = \"wss://localhost:8099\"\nkm = \"https://localhost:9444\"\n"})
	tg := homeTarget(t, dir, "apim-4")
	c := setChange(t, tg, 2, patcher.Options{})
	a, stderr := testApp()
	a.noteLiterals(c, 2, false, nil)
	want := "2 URLs to this server keep ports that will not move to offset 2 (lines 6, 7); --shift-literals moves them too"
	if d := cmp.Diff([]string{want}, c.r.Warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	if got := stderr.String(); got != "apim-offset: warning: "+tg.path+": "+want+"\n" {
		t.Errorf("stderr %q", got)
	}

	// Unchanged offset: nothing to say.
	c = setChange(t, tg, 0, patcher.Options{})
	a, stderr = testApp()
	a.noteLiterals(c, 0, false, nil)
	if len(c.r.Warnings) != 0 || stderr.Len() != 0 {
		t.Errorf("offset unchanged: %q, %q", c.r.Warnings, stderr)
	}
}

// TestNoteLiteralsKept: --shift-literals moves this server's ports and
// says which it left: an ambiguous default port (warning), another
// home's port (note). IS as Key Manager at offset 1 points back at API
// Manager on 9443 (wso2/docs-apim configuring-wso2-identity-server-as-a-key-manager.md).
func TestNoteLiteralsKept(t *testing.T) {
	apimDir := txtardir.Write(t, map[string]string{"repository/conf/deployment.toml": "[server]\n#offset=0\n"})
	isDir := txtardir.Write(t, map[string]string{"repository/conf/deployment.toml": "[server]\noffset = 1\n\n[x]\napim = \"https://localhost:9443/services/\"\nself = \"https://localhost:9444/oauth2/token\"\nold = \"http://localhost:9763/x\"\n"})
	apim, is := homeTarget(t, apimDir, "apim-4"), homeTarget(t, isDir, "is")
	a, stderr := testApp()
	servers := a.literalServers([]target{apim, is}, patcher.Auto)
	if len(servers) != 2 || servers[1].Name != isDir || !slices.Contains(servers[1].Ports, 9444) || !slices.Contains(servers[0].Ports, 9443) {
		t.Fatalf("servers %+v", servers)
	}
	others := othersThan(servers, is)
	if len(others) != 1 || others[0].Name != apimDir {
		t.Fatalf("others than IS: %+v", others)
	}
	var opt patcher.Options
	literalOptions(&opt, is, true, others)
	c := setChange(t, is, 3, opt)
	a.noteLiterals(c, 3, true, others)
	if !bytes.Contains(c.res.Output, []byte("https://localhost:9446/oauth2/token")) || !bytes.Contains(c.res.Output, []byte("https://localhost:9443/services/")) {
		t.Errorf("output:\n%s", c.res.Output)
	}
	if len(c.r.Warnings) != 0 {
		t.Errorf("warnings %q", c.r.Warnings)
	}
	for _, note := range []string{
		"apim-offset: " + is.path + ":5:27: https://localhost:9443 (x.apim) is " + apimDir + "'s port: left as it is\n",
		"apim-offset: " + is.path + ":7:25: http://localhost:9763 (x.old) is " + apimDir + "'s port: left as it is\n",
	} {
		if !strings.Contains(stderr.String(), note) {
			t.Errorf("stderr %q lacks %q", stderr, note)
		}
	}

	// IS alone: its default 9763 at offset 1 has two readings; left, with
	// a warning.
	opt = patcher.Options{}
	literalOptions(&opt, is, true, nil)
	c = setChange(t, is, 3, opt)
	a, _ = testApp()
	a.noteLiterals(c, 3, true, nil)
	want := []string{
		"5:27: https://localhost:9443 (x.apim) keeps port 9443, a default port while the file had offset 1: left behind, or another server's at offset 0; --shift-literals leaves it (write 9446 if it is this server's)",
		"7:25: http://localhost:9763 (x.old) keeps port 9763, a default port while the file had offset 1: left behind, or another server's at offset 0; --shift-literals leaves it (write 9766 if it is this server's)",
	}
	if d := cmp.Diff(want, c.r.Warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}

// TestNoteIdentityServer: an Identity Server that has run keeps its
// callback URLs with the old port (wso2/product-is#10514, #7588): set
// warns with WSO2's fix; a fresh home and API Manager do not.
func TestNoteIdentityServer(t *testing.T) {
	conf := "[server]\nhostname = \"localhost\"\n"
	for _, tt := range []struct {
		name, id string
		files    map[string]string
		warn     bool
	}{
		{"IS that has run (H2 database)", "is", map[string]string{"repository/database/WSO2IDENTITY_DB.mv.db": "x"}, true},
		{"IS that has run (logs)", "is", map[string]string{"repository/logs/wso2carbon.log": "x"}, true},
		{"fresh IS", "is", nil, false},
		{"API Manager that has run", "apim-4", map[string]string{"repository/logs/wso2carbon.log": "x"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"repository/conf/deployment.toml": conf}
			for k, v := range tt.files {
				files[k] = v
			}
			tg := homeTarget(t, txtardir.Write(t, files), tt.id)
			c := setChange(t, tg, 2, patcher.Options{})
			a, _ := testApp()
			a.noteOutside(c, 2, false)
			if !tt.warn {
				if len(c.r.Warnings) != 0 {
					t.Errorf("warnings %q", c.r.Warnings)
				}
				return
			}
			var evidence string
			for k := range tt.files {
				evidence = k
			}
			want := "this Identity Server has run before (" + evidence + "): its database keeps the Console and My Account callback URLs and the resident identity provider's issuer with port 9443, and login to the Console fails with \"Registered callback does not match\" until you " + doctor.IdentityServerFix(9445)
			if d := cmp.Diff([]string{want}, c.r.Warnings); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestNoteChartValue: a Helm template whose offset is a chart value: the
// chart adds the same value to its probes and ports (wso2/helm-apim
// templates/am/instance-1/wso2am-deployment.yaml: add 9443
// .Values.wso2.apim.portOffset); set suggests the value, and what it is.
func TestNoteChartValue(t *testing.T) {
	dir := txtardir.Write(t, map[string]string{
		"chart/Chart.yaml":            "apiVersion: v2\nname: am\n",
		"chart/values.yaml":           "wso2:\n  apim:\n    portOffset: 0\n",
		"chart/confs/deployment.toml": "[server]\nhostname = \"{{ .Values.host }}\"\noffset = {{ .Values.wso2.apim.portOffset }}\n",
	})
	p, _ := wso2.Lookup("apim-4")
	tg := target{path: filepath.Join(dir, "chart", "confs", "deployment.toml"), product: p}
	c := setChange(t, tg, 3, patcher.Options{Format: patcher.Template})
	a, _ := testApp()
	a.noteOutside(c, 3, false)
	want := []string{"3: the offset was {{ .Values.wso2.apim.portOffset }}, a chart value: the chart adds the same value to its probes and ports (wso2/helm-apim wso2am-deployment.yaml: add 9443 .Values.wso2.apim.portOffset), and 3 here leaves them behind; set wso2.apim.portOffset: 3 in the chart's values (0 now, " +
		filepath.Join(dir, "chart", "values.yaml") + ":3) and keep the placeholder with --keep-placeholder"}
	if d := cmp.Diff(want, c.r.Warnings); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// Kept as a placeholder, the chart stays in step: nothing to say.
	c = setChange(t, tg, 3, patcher.Options{Format: patcher.Template, KeepPlaceholder: true})
	a.noteOutside(c, 3, true)
	if len(c.r.Warnings) != 0 {
		t.Errorf("with --keep-placeholder: %q", c.r.Warnings)
	}
}
