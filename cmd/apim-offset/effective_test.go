package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/google/go-cmp/cmp"
)

// TestWarnOverrides: set warns, naming file:line, when what it writes will
// not be the offset the server runs at: carbon.properties / [system.parameter]
// (kernel Main.addSystemProperties, after the command line), -DportOffset
// in a start script (product-apim startup-scripts/api-manager.sh JAVA_OPTS),
// -Ddeployment.config.file.path (kernel Main.handleConfiguration) and
// -DavoidConfigUpdate=true (config-mapper ConfigParser.parse).
func TestWarnOverrides(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"nothing overrides the file", map[string]string{"bin/api-manager.sh": "#!/bin/sh\n"}, nil},
		{"-DportOffset in bin/api-manager.sh (product-apim startup-scripts)", map[string]string{"bin/api-manager.sh": "#!/bin/sh\nJAVA_OPTS=\"-DportOffset=5\"\n"},
			[]string{"bin/api-manager.sh:2: -DportOffset=5 overrides the file's offset 7: the server runs at offset 5 whatever this file says"}},
		{"carbon.properties portOffset (kernel Main.addSystemProperties)", map[string]string{"repository/conf/carbon.properties": "portOffset=9\n"},
			[]string{"repository/conf/carbon.properties:1: portOffset=9 overrides the file's offset 7: the server runs at offset 9 whatever this file says"}},
		{"-DportOffset=$OFFSET: a value set at start-up", map[string]string{"bin/api-manager.sh": "JAVA_OPTS=\"-DportOffset=$OFFSET\"\n"},
			[]string{"bin/api-manager.sh:1: -DportOffset=$OFFSET overrides the file's offset 7: the server runs at the offset set at start-up, whatever this file says"}},
		{"-Ddeployment.config.file.path (kernel Main.handleConfiguration)", map[string]string{"bin/api-manager.sh": "JAVA_OPTS=\"-Ddeployment.config.file.path=/etc/wso2/deployment.toml\"\n"},
			[]string{"bin/api-manager.sh:1: -Ddeployment.config.file.path=/etc/wso2/deployment.toml: the server reads /etc/wso2/deployment.toml, not this file: the change does not reach it"}},
		{"-DavoidConfigUpdate=true (config-mapper ConfigParser.parse)", map[string]string{"bin/api-manager.sh": "JAVA_OPTS=\"-DavoidConfigUpdate=true\"\n"},
			[]string{"bin/api-manager.sh:1: -DavoidConfigUpdate=true: the server ignores changes to deployment.toml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			for name, content := range tt.files {
				path := filepath.Join(home, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			file := filepath.Join(home, "repository", "conf", "deployment.toml")
			os.MkdirAll(filepath.Dir(file), 0o755)
			src := []byte("[server]\noffset = 7\n")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			a := &app{stderr: &stderr}
			got := a.warnOverrides(target{path: file, home: home, product: wso2.Default}, src, nil)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
			var printed []string
			for _, w := range tt.want {
				printed = append(printed, "apim-offset: warning: "+w+"\n")
			}
			if d := cmp.Diff(strings.Join(printed, ""), stderr.String()); d != "" {
				t.Errorf("stderr (-want +got):\n%s", d)
			}
		})
	}
	// A file outside a home: nothing to look at but the file.
	var stderr bytes.Buffer
	if got := (&app{stderr: &stderr}).warnOverrides(target{path: "x.toml", product: wso2.Default}, []byte("[server]\noffset = 7\n"), nil); got != nil || stderr.Len() != 0 {
		t.Errorf("no home: %q, %q", got, stderr.String())
	}
}
