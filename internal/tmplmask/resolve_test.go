package tmplmask_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/txtardir"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
)

func TestResolve(t *testing.T) {
	dir := txtardir.Unpack(t, filepath.Join("testdata", "resolve.txtar"))
	tests := []struct {
		file, placeholder string
		value, source     string // "" when nothing resolves it
	}{
		{"helm/all-in-one/confs/instance-1/deployment.toml", "{{ .Values.wso2.apim.portOffset }}", "3", "helm/all-in-one/values.yaml:14"},
		{"helm/all-in-one/confs/instance-1/deployment.toml", "{{ .Values.kubernetes.ingress.management.hostname | quote }}", "am.wso2.com", "helm/all-in-one/values.yaml:5"},
		{"helm/all-in-one/confs/instance-1/deployment.toml", "{{ .Values.wso2.apim.nothing }}", "", ""},
		{"ansible/roles/apim/templates/carbon-home/repository/conf/deployment.toml.j2", "{{ ports_offset }}", "5", "ansible/roles/apim/defaults/main.yml:2"},
		{"ansible/roles/apim/templates/carbon-home/repository/conf/deployment.toml.j2", `"{{ hostname }}"`, "localhost", "ansible/roles/apim/defaults/main.yml:3"},
		{"puppet/modules/apim/templates/carbon-home/repository/conf/deployment.toml.erb", `"<%= @ports_offset %>"`, "7", "puppet/modules/apim/manifests/params.pp:3"},
		{"puppet/modules/apim/templates/carbon-home/repository/conf/deployment.toml.erb", "<%= @missing %>", "", ""},
	}
	for _, tt := range tests {
		r, ok := tmplmask.Resolve(filepath.Join(dir, tt.file), tt.placeholder, os.ReadFile)
		source := ""
		if ok {
			source, _ = filepath.Rel(dir, r.Source)
		}
		if r.Value != tt.value || filepath.ToSlash(source) != tt.source {
			t.Errorf("Resolve(%s, %s) = %q from %q, want %q from %q", tt.file, tt.placeholder, r.Value, source, tt.value, tt.source)
		}
	}
}
