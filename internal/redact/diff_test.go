package redact

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/corpus"
	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/internal/testing/patchtest"
	"github.com/apim-offset/apim-offset/patcher"
)

// apimPorts are API Manager's default ports that move with the offset
// (wso2.Default.ShiftingPorts() when this was written), for the literal
// URLs set --shift-literals moves.
var apimPorts = []int{9443, 9763, 8243, 8280, 5672, 8672, 9611, 9711, 7611, 7711, 9099, 8099, 9021, 8021, 10389, 8000, 9999, 11111}

// TestDiffStockApplies: the diffs of set 2 --shift-literals on WSO2's
// stock files (API Manager 3.0 to 4.7 as distributed, all-in-one and
// profiles, and the fixtures' 3.2 and 4.5) mask nothing, for their ${admin.password} and $ref{…} are references, not
// secrets, and so apply with patch -p1 and git apply; Diff says so.
func TestDiffStockApplies(t *testing.T) {
	inputs := map[string][]byte{}
	for _, cf := range corpus.Read(t) {
		if strings.Contains(cf.Name, "distribution_product_src_main_conf_deployment.toml") {
			inputs[cf.Name] = cf.Data
		}
	}
	for _, v := range []string{"3.2", "4.5"} {
		src, err := golden.ReadSection(filepath.Join("..", "..", "fixtures", "golden", "real-apim-"+v+".txtar"), "input.toml")
		if err != nil {
			t.Fatal(err)
		}
		inputs["fixtures real-apim-"+v] = src
	}
	refs := 0
	for name, src := range inputs {
		res, err := patcher.Set(src, 2, &patcher.Options{ShiftLiterals: apimPorts})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := Diff("repository/conf/deployment.toml", src, res.Output, false)
		if d.Masked {
			t.Errorf("%s: the diff masks a line:\n%s", name, d.Diff)
		}
		if bytes.Contains(d.Diff, []byte("${admin.password}")) || bytes.Contains(d.Diff, []byte("$ref{")) {
			refs++
		}
		for _, tool := range patchtest.Tools {
			if got := patchtest.Apply(t, tool, "repository/conf/deployment.toml", src, d.Diff); !bytes.Equal(got, res.Output) {
				t.Errorf("%s: %s did not give set's output", name, tool)
			}
		}
	}
	for _, v := range []string{"v3.2.0__", "v4.5.0__all-in-one", "v4.7.0__all-in-one"} {
		found := false
		for name := range inputs {
			found = found || strings.Contains(name, v)
		}
		if !found {
			t.Errorf("no stock file %s in the corpus", v)
		}
	}
	if len(inputs) < 8 || refs == 0 {
		t.Errorf("%d stock files, %d diffs showing a reference: the test shows too little", len(inputs), refs)
	}
	t.Logf("%d stock files: their diffs mask nothing and apply; %d show a reference", len(inputs), refs)
}

// TestDiffCorpusApplies: over every real file, the diff of set 2
// --shift-literals either says it masks a line or applies with patch -p1
// and git apply; with avoid, fewer diffs mask a line, and only where a
// secret's line is next to a change.
func TestDiffCorpusApplies(t *testing.T) {
	masked, avoided, applied := 0, 0, 0
	for _, cf := range corpus.Read(t) {
		res, err := patcher.Set(cf.Data, 2, &patcher.Options{ShiftLiterals: apimPorts})
		if err != nil || bytes.Equal(res.Output, cf.Data) {
			continue
		}
		plain := Diff("deployment.toml", cf.Data, res.Output, false)
		d := Diff("deployment.toml", cf.Data, res.Output, true)
		if plain.Masked {
			masked++
		}
		if d.Masked {
			avoided++
			if !plain.Masked {
				t.Errorf("%s: masked only with avoid", cf.Name)
			}
			continue
		}
		applied++
		for _, tool := range patchtest.Tools {
			if got := patchtest.Apply(t, tool, "deployment.toml", cf.Data, d.Diff); !bytes.Equal(got, res.Output) {
				t.Errorf("%s: %s did not give set's output", cf.Name, tool)
			}
		}
	}
	t.Logf("%d diffs apply; without avoid %d mask a line, with it %d", applied, masked, avoided)
}

// TestDiffAvoid: the APIM default with '#offset=0' deleted and the blank
// line before [super_admin] gone (cmd's secrets.txtar): the inserted
// offset has the admin password three lines below it. Without avoid the
// diff masks it in context and will not apply; with avoid its hunk has
// two lines of context on each side, masks nothing, and applies.
func TestDiffAvoid(t *testing.T) {
	src := []byte("[server]\nhostname = \"localhost\"\nbase_path = \"${carbon.protocol}://${carbon.host}:${carbon.management.port}\"\n#discard_empty_caches = false\nserver_role = \"default\"\n[super_admin]\nusername = \"admin\"\npassword = \"Adm1n-s3cret\"\ncreate_admin_account = true\n\n[user_store]\ntype = \"database_unique_id\"\n")
	res, err := patcher.Set(src, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff("deployment.toml", src, res.Output, false); !d.Masked || bytes.Contains(d.Diff, []byte("Adm1n-s3cret")) {
		t.Errorf("without avoid: Masked = %v, want true, and the secret hidden:\n%s", d.Masked, d.Diff)
	}
	d := Diff("deployment.toml", src, res.Output, true)
	want := "--- a/deployment.toml\n+++ b/deployment.toml\n@@ -4,4 +4,5 @@\n #discard_empty_caches = false\n server_role = \"default\"\n+offset = 2\n [super_admin]\n username = \"admin\"\n"
	if d.Masked || string(d.Diff) != want {
		t.Errorf("with avoid: Masked = %v, diff:\n%s\nwant:\n%s", d.Masked, d.Diff, want)
	}
	for _, tool := range patchtest.Tools {
		if got := patchtest.Apply(t, tool, "deployment.toml", src, d.Diff); !bytes.Equal(got, res.Output) {
			t.Errorf("%s did not give set's output", tool)
		}
	}
}
