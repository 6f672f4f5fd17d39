package patcher_test

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/golden"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
)

func TestSetRefuses(t *testing.T) {
	tests := []struct {
		name      string
		reason    string
		in        string
		kind      error
		line, col int
		msg       string // a part of the message
		opt       *patcher.Options
	}{
		{"unterminated string", "a typo'd quote", "[server]\nhostname = \"localhost\n", patcher.ErrSyntax, 2, 22, "basic strings cannot have new lines", nil},
		{"duplicate key", "offset written twice by sed >>", "[server]\noffset = 1\noffset = 2\n", patcher.ErrDuplicate, 3, 1, "key offset is already defined", nil},
		{"duplicate table", "product-apim#7825: a second [server] stops the server", "[server]\na = 1\n[server]\nb = 2\n", patcher.ErrDuplicate, 3, 2, "table server already exists", nil},
		{"server is a string", "server = \"x\" at the root", "server = \"localhost\"\n", patcher.ErrShape, 1, 1, "server is a string, not a table", nil},
		{"server is an array of tables", "[[server]]", "[[server]]\noffset = 1\n", patcher.ErrShape, 1, 1, "server is an array of tables ([[server]]), not a table", nil},
		{"offset is a table", "[server.offset] header", "[server]\n[server.offset]\nport = 1\n", patcher.ErrShape, 2, 1, "server.offset is a table", nil},
		{"offset is an inline table", "offset = { a = 1 }", "[server]\noffset = { a = 1 }\n", patcher.ErrShape, 2, 1, "server.offset is a table", nil},
		{"offset is an array", "offset = [1]", "[server]\noffset = [1]\n", patcher.ErrShape, 2, 1, "server.offset is an array", nil},
		{"offset dotted deeper", "server.offset.port = 1", "server.offset.port = 1\n", patcher.ErrShape, 1, 1, "server.offset is a table", nil},
		{"NUL byte", "a binary file", "[server]\nhost\x00 = 1\n", patcher.ErrBinary, 2, 5, "NUL byte", nil},
		{"Latin-1", "saved by an editor in ISO-8859-1, in a bare key, which cava-toml refuses too (in a comment or string it reads U+FFFD)", "[server]\ncaf\xe9 = 1\n", patcher.ErrEncoding, 2, 4, "invalid UTF-8 byte 0xe9", nil},
		{"Helm read as plain", "helm-apim conf with Format Plain: not TOML", "[server]\noffset = {{ .Values.wso2.apim.portOffset }}\n", patcher.ErrSyntax, 2, 11, "", &patcher.Options{Format: patcher.Plain}},
		{"unclosed placeholder", "a Helm placeholder that does not close on its line, and not valid TOML either", "[server]\noffset = {{ .Values.wso2.apim.portOffset\n}}\n", patcher.ErrTemplate, 2, 10, "does not close", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			keep := bytes.Clone(in)
			res, err := patcher.Set(in, 2, tt.opt)
			if err == nil {
				t.Fatalf("Set accepted it (%s):\n%s", tt.reason, res.Output)
			}
			if !bytes.Equal(in, keep) {
				t.Errorf("Set modified its input")
			}
			var pe *patcher.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, want *patcher.Error", err, err)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			if pe.Line != tt.line || pe.Column != tt.col {
				t.Errorf("error at %d:%d, want %d:%d: %v", pe.Line, pe.Column, tt.line, tt.col, err)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q does not say %q", pe.Msg, tt.msg)
			}
			if _, gerr := offsetOf(in, tt.opt); gerr == nil {
				t.Errorf("Get accepted what Set refused")
			}
		})
	}
}

func TestSetBOMPositions(t *testing.T) {
	// Positions count from after the byte order mark, as an editor shows them.
	_, err := patcher.Set([]byte("\ufeff[server]\noffset = 1\noffset = 2\n"), 2, nil)
	var pe *patcher.Error
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Column != 1 {
		t.Errorf("error = %v, want one at 3:1", err)
	}
}

func TestSetTooLarge(t *testing.T) {
	in := bytes.Repeat([]byte("# padding\n"), patcher.MaxSize/10+1)
	_, err := patcher.Set(in, 2, nil)
	if !errors.Is(err, patcher.ErrTooLarge) {
		t.Errorf("error = %v, want ErrTooLarge", err)
	}
}

func TestSetRange(t *testing.T) {
	for _, n := range []int{-1, patcher.MaxOffset + 1} {
		if _, err := patcher.Set([]byte("[server]\n"), n, nil); !errors.Is(err, patcher.ErrRange) {
			t.Errorf("Set(%d) error = %v, want ErrRange", n, err)
		}
	}
}

func TestSetReplacesPlaceholder(t *testing.T) {
	// WSO2 resolves $env{} at start-up; a literal value replaces it, and the
	// result says what was there.
	res, err := patcher.Set([]byte("[server]\noffset = \"$env{OFFSET}\"\n"), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(res.Output), "[server]\noffset = \"2\"\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	want := []patcher.Warning{{Line: 2, Column: 10, Msg: `server.offset was "$env{OFFSET}", which WSO2 resolves at start-up; the number 2 replaces it`, Code: "placeholder-replaced"}}
	if d := cmp.Diff(want, res.Warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}

func TestSetReplacesFloat(t *testing.T) {
	res, err := patcher.Set([]byte("[server]\noffset = 2.5\n"), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Output); got != "[server]\noffset = 2\n" {
		t.Errorf("output %q", got)
	}
	want := []patcher.Warning{{Line: 2, Column: 10, Msg: "server.offset was 2.5, not a whole number; the number 2 replaces it", Code: "placeholder-replaced"}}
	if d := cmp.Diff(want, res.Warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}

func TestGet(t *testing.T) {
	tests := []struct {
		name, in string
		want     patcher.Current
	}{
		{"absent", "[server]\nhostname = \"x\"\n", patcher.Current{Source: patcher.SourceAbsent}},
		{"no server", "", patcher.Current{Source: patcher.SourceAbsent}},
		{"commented", "[server]\n#offset=5\n", patcher.Current{Source: patcher.SourceCommented, Line: 2, Raw: "#offset=5"}},
		{"integer", "[server]\noffset = 7\n", patcher.Current{Offset: 7, Source: patcher.SourceSet, Line: 2, Raw: "7"}},
		{"string", "[server]\noffset = \"410\"\n", patcher.Current{Offset: 410, Source: patcher.SourceSet, Line: 2, Raw: `"410"`}},
		{"hex", "server.offset = 0x10\n", patcher.Current{Offset: 16, Source: patcher.SourceSet, Line: 1, Raw: "0x10"}},
		{"inline", "server = { offset = 3 }\n", patcher.Current{Offset: 3, Source: patcher.SourceSet, Line: 1, Raw: "3"}},
		{"BOM and CRLF", "\ufeff[server]\r\noffset = 4\r\n", patcher.Current{Offset: 4, Source: patcher.SourceSet, Line: 2, Raw: "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := offsetOf([]byte(tt.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Get (-want +got):\n%s", diff)
			}
		})
	}
	for _, in := range []string{"[server]\noffset = \"$env{OFFSET}\"\n", "[server]\noffset = \" 2\"\n", "[server]\noffset = 2.0\n"} {
		if _, err := offsetOf([]byte(in), nil); !errors.Is(err, patcher.ErrValue) {
			t.Errorf("Get(%q): error = %v, want ErrValue", in, err)
		}
	}
}

func TestLiteralPorts(t *testing.T) {
	src, err := golden.ReadSection(filepath.Join("..", "fixtures", "golden", "real-apim-4.5.txtar"), "input.toml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := literalPorts(src, apimPorts, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	type lit struct {
		Line, Port, Default int
		URL, Key            string
	}
	var lits []lit
	for _, l := range got {
		lits = append(lits, lit{l.Line, l.Port, l.Default, l.URL, l.Key})
	}
	// The APIM 4.5 default hard-codes these four in its gateway environment;
	// the commented-out tcp://localhost:9611 lines are not values.
	want := []lit{
		{66, 9099, 9099, "ws://localhost:9099", "apim.gateway.environment.ws_endpoint"},
		{67, 8099, 8099, "wss://localhost:8099", "apim.gateway.environment.wss_endpoint"},
		{70, 9021, 9021, "http://localhost:9021", "apim.gateway.environment.websub_event_receiver_http_endpoint"},
		{71, 8021, 8021, "https://localhost:8021", "apim.gateway.environment.websub_event_receiver_https_endpoint"},
	}
	if d := cmp.Diff(want, lits); d != "" {
		t.Errorf("LiteralPorts (-want +got):\n%s", d)
	}
}

func TestSetTemplateBlocks(t *testing.T) {
	opt := patcher.Options{Format: patcher.Template}
	// The only key of [server] is inside an if: offset goes right after
	// the header, outside the block.
	res, err := patcher.Set([]byte("[server]\n{{- if .Values.ha }}\nmode = \"ha\"\n{{- end }}\n"), 2, &opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(res.Output), "[server]\noffset = 2\n{{- if .Values.ha }}\nmode = \"ha\"\n{{- end }}\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	// A commented-out offset inside a block is not uncommented there.
	res, err = patcher.Set([]byte("[server]\nhostname = \"x\"\n{% if ha %}\n#offset=0\n{% endif %}\n"), 2, &opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != patcher.Inserted || !strings.HasPrefix(string(res.Output), "[server]\nhostname = \"x\"\noffset = 2\n{% if ha %}\n#offset=0\n") {
		t.Errorf("action %s, output %q", res.Action, res.Output)
	}
	// [server] itself inside a block: there is no safe place.
	_, err = patcher.Set([]byte("{{- if .Values.x }}\n[server]\n{{- end }}\n"), 2, &opt)
	var pe *patcher.Error
	if !errors.As(err, &pe) || !errors.Is(err, patcher.ErrTemplate) || pe.Line != 3 {
		t.Errorf("error = %v, want ErrTemplate on line 3 (inside the if)", err)
	}
}

func TestSetKeepPlaceholderShiftsLiterals(t *testing.T) {
	// The placeholder stays; the literal port still moves, and the result is
	// checked like any other.
	in := "[server]\noffset = {{ .Values.portOffset }}\nws = \"ws://localhost:9099\"\n"
	res, err := patcher.Set([]byte(in), 2, &patcher.Options{Format: patcher.Template, KeepPlaceholder: true, ShiftLiterals: apimPorts})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(res.Output), "[server]\noffset = {{ .Values.portOffset }}\nws = \"ws://localhost:9101\"\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

// TestFormat: Auto reads markup that forms placeholders as a template and
// anything else as plain TOML; Plain and Template force one reading.
func TestFormat(t *testing.T) {
	tests := []struct {
		name, reason, in string
		format           patcher.Format
		template         bool // read as a template
		out              string
	}{
		{"Helm in a string", "kubernetes-apim 3.0 conf: valid TOML and a template", "[server]\nhost = \"{{ .Release.Name }}-am\"\n",
			patcher.Auto, true, "[server]\nhost = \"{{ .Release.Name }}-am\"\noffset = 2\n"},
		{"Helm read as plain", "the same with Format Plain: a string like any other", "[server]\nhost = \"{{ .Release.Name }}-am\"\n",
			patcher.Plain, false, "[server]\nhost = \"{{ .Release.Name }}-am\"\noffset = 2\n"},
		{"Jinja comment opener", `pattern = "{#": the library and the CLI once disagreed on it`, "[server]\npattern = \"{#\"\n",
			patcher.Auto, false, "[server]\npattern = \"{#\"\noffset = 2\n"},
		{"ERB opener in a password", "a generated password that holds <%", "[server]\npassword = \"Xy<%9q!\"\n",
			patcher.Auto, false, "[server]\npassword = \"Xy<%9q!\"\noffset = 2\n"},
		{"ERB placeholder", "puppet-apim: the offset is a placeholder", "[server]\noffset = \"<%= @ports_offset %>\"\n",
			patcher.Auto, true, "[server]\noffset = \"2\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := &patcher.Options{Format: tt.format}
			res, err := patcher.Set([]byte(tt.in), 2, opt)
			if err != nil {
				t.Fatalf("Set: %v (%s)", err, tt.reason)
			}
			if d := cmp.Diff(tt.out, string(res.Output)); d != "" {
				t.Errorf("output (-want +got):\n%s", d)
			}
			cur, _ := offsetOf([]byte(tt.in), opt)
			if cur.Template != tt.template {
				t.Errorf("read as a template: %v, want %v (%s)", cur.Template, tt.template, tt.reason)
			}
		})
	}
}

// TestWSO2Problems: File.Problems lists what WSO2's own parser will not take in the
// input, a byte order mark first, and not a template's offset placeholder.
func TestWSO2Problems(t *testing.T) {
	f, err := patcher.Parse([]byte("\ufeff[server]\n#offset=0\nports = [1, \"a\"]\n"), patcher.Auto)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range f.Problems() {
		got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Column, p.Construct))
	}
	if d := cmp.Diff([]string{"1:1 bom", "3:13 mixed-array"}, got); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
	f, err = patcher.Parse([]byte("[server]\noffset = \"{{ port_offset }}\"\n"), patcher.Template)
	if err != nil || len(f.Problems()) != 0 {
		t.Errorf("a template's placeholder offset: %v", err)
	}
}

// TestResultWithinLimits: an edit whose result the tool could not read back
// (larger than MaxSize, or one key over the keys a table may hold) is
// refused before anything is written, though the input was within them.
func TestResultWithinLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("[server]\n")
	for i := range tomlutil.MaxKeysPerTable {
		fmt.Fprintf(&b, "k%d = 1\n", i)
	}
	_, err := patcher.Set([]byte(b.String()), 2, nil)
	if !errors.Is(err, patcher.ErrTooComplex) || !strings.Contains(err.Error(), "could not read back") {
		t.Errorf("a key over the bound: %v", err)
	}
	big := "[server]\n#offset=0\n# " + strings.Repeat("x", patcher.MaxSize-len("[server]\n#offset=0\n# \n")) + "\n"
	if len(big) != patcher.MaxSize {
		t.Fatalf("%d bytes", len(big))
	}
	if _, err := patcher.Set([]byte(big), 20000, nil); !errors.Is(err, patcher.ErrTooLarge) {
		t.Errorf("1 MiB grown by the edit: %v", err)
	}
}
