package patcher_test

import (
	"testing"

	"github.com/apim-offset/apim-offset/patcher"
	"github.com/google/go-cmp/cmp"
)

// lit is what the tests compare of a LiteralPort.
type lit struct {
	URL       string
	Default   int
	Ambiguous bool
	Owner     string
}

func lits(ls []patcher.LiteralPort) []lit {
	var out []lit
	for _, l := range ls {
		out = append(out, lit{l.URL, l.Default, l.Ambiguous, l.Owner})
	}
	return out
}

// TestLiteralPortsWhose: a local URL's port is this server's only at the
// file's offset (or at the default while the file has it); a default port
// at another offset has two readings; a port outside the product's table
// is another server's and is not listed; a port of another given server is
// that server's.
func TestLiteralPortsWhose(t *testing.T) {
	apim := []int{9443, 9763, 8243, 8280, 9099, 8099}
	mi := []int{8280, 8243, 9191, 9154} // Micro Integrator's bases, at its default offset 10
	tests := []struct {
		name     string
		src      string
		defaults []int
		offset   int
		opt      patcher.Options
		want     []lit
	}{
		{"at the default offset, the default port is this server's", "[server]\n#offset=0\n[apim]\nws = \"ws://localhost:9099\"\n", apim, 0, patcher.Options{},
			[]lit{{"ws://localhost:9099", 9099, false, ""}}},
		{"at offset 2, the port moved by 2 is this server's", "[server]\noffset = 2\n[apim]\nws = \"ws://localhost:9101\"\n", apim, 2, patcher.Options{},
			[]lit{{"ws://localhost:9101", 9099, false, ""}}},
		{"at offset 2, the default port is left behind or another server's", "[server]\noffset = 2\n[apim]\nws = \"ws://localhost:9099\"\n", apim, 2, patcher.Options{},
			[]lit{{"ws://localhost:9099", 9099, true, ""}}},
		{"a port outside the table is another server's: not listed", "[server]\noffset = 2\n[apim]\nkm = \"https://localhost:9444/services/\"\n", apim, 2, patcher.Options{}, nil},
		{"IS as Key Manager at offset 1 points back at API Manager on 9443 (wso2/docs-apim configuring-wso2-identity-server-as-a-key-manager.md)",
			"[server]\noffset = 1\n[apim]\nurl = \"https://localhost:9443/services/\"\n", []int{9443, 9763}, 1,
			patcher.Options{Others: []patcher.Server{{Name: "/opt/apim", Ports: []int{9443, 9763, 8243, 8280}}}},
			[]lit{{"https://localhost:9443", 0, false, "/opt/apim"}}},
		{"a control plane's http://localhost:8280 is the gateway's (wso2/product-apim 4.7 control-plane deployment.toml)",
			"[apim]\nhttp_endpoint = \"http://localhost:8280\"\n", []int{9443, 9763}, 0,
			patcher.Options{Others: []patcher.Server{{Name: "gw", Ports: []int{8280, 8243}}}},
			[]lit{{"http://localhost:8280", 0, false, "gw"}}},
		{"a port both this server's and another's: the homes collide, ambiguous",
			"[apim]\nurl = \"https://localhost:9443\"\n", apim, 0,
			patcher.Options{Others: []patcher.Server{{Name: "other", Ports: []int{9443}}}},
			[]lit{{"https://localhost:9443", 9443, true, "other"}}},
		{"Micro Integrator at its default offset 10: 8290 is its own, 8280 (an API Manager gateway) is not",
			"[server]\nhostname = \"localhost\"\n[x]\na = \"http://localhost:8290\"\nb = \"http://localhost:8280\"\n", mi, 10, patcher.Options{DefaultOffset: 10},
			[]lit{{"http://localhost:8290", 8280, false, ""}}},
		{"Micro Integrator at offset 3: 8290 (its default) is ambiguous", "[server]\noffset = 3\n[x]\na = \"http://localhost:8290\"\n", mi, 3, patcher.Options{DefaultOffset: 10},
			[]lit{{"http://localhost:8290", 8280, true, ""}}},
		{"a URL in a comment inside an array is not a value", "[x]\na = [\n  # ws://localhost:9099\n  \"ws://localhost:9099\", # ws://localhost:8099\n]\n", apim, 0, patcher.Options{},
			[]lit{{"ws://localhost:9099", 9099, false, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := literalPorts([]byte(tt.src), tt.defaults, tt.offset, &tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, lits(got)); d != "" {
				t.Errorf("LiteralPorts (-want +got):\n%s", d)
			}
		})
	}
}

// TestSetShiftsLeftBehindKeepsOthers: --shift-literals moves this
// server's ports, and a default port left at the default offset by an
// earlier change without the flag (asking for the shift says it is this
// server's) unless another server listens there; it lists the ones it
// leaves in Kept.
func TestSetShiftsLeftBehindKeepsOthers(t *testing.T) {
	in := "[server]\noffset = 2\n[apim]\nmine = \"ws://localhost:9101\"\nleft = \"wss://localhost:8099\"\nkm = \"https://localhost:9444\"\n"
	res, err := patcher.Set([]byte(in), 5, &patcher.Options{ShiftLiterals: apimPorts,
		Others: []patcher.Server{{Name: "/opt/is", Ports: []int{9444, 9764}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "[server]\noffset = 5\n[apim]\nmine = \"ws://localhost:9104\"\nleft = \"wss://localhost:8104\"\nkm = \"https://localhost:9444\"\n"
	if d := cmp.Diff(want, string(res.Output)); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]lit{{"https://localhost:9444", 0, false, "/opt/is"}}, lits(res.Kept)); d != "" {
		t.Errorf("Kept (-want +got):\n%s", d)
	}
	if len(res.Shifted) != 2 || res.Shifted[0].To != 9104 || res.Shifted[1].To != 8104 {
		t.Errorf("Shifted = %+v, want 9101 to 9104 and 8099 to 8104", res.Shifted)
	}
	// Another server at the default offset claims 8099: it stays.
	res, err = patcher.Set([]byte(in), 5, &patcher.Options{ShiftLiterals: apimPorts,
		Others: []patcher.Server{{Name: "/opt/apim-b", Ports: []int{9443, 8099}}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]lit{{"wss://localhost:8099", 0, false, "/opt/apim-b"}}, lits(res.Kept)); d != "" {
		t.Errorf("Kept with another server at 0 (-want +got):\n%s", d)
	}
}
