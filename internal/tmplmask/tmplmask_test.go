package tmplmask_test

import (
	"errors"
	"testing"

	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Helm value", "offset = {{ .Values.wso2.apim.portOffset }}\n",
			"offset = \"__apim_offset_tpl_0__\"\n"},
		{"Jinja in a string", "offset = \"{{ ports_offset }}\"\n",
			"offset = \"__apim_offset_tpl_0__\"\n"},
		{"ERB in a string", "offset = \"<%= @ports_offset %>\"\n",
			"offset = \"__apim_offset_tpl_0__\"\n"},
		{"control lines become comments", "{{- if .Values.x }}\na = 1\n  {{- end }}\r\n",
			"#__apim_offset_tpl_0__\na = 1\n  #__apim_offset_tpl_1__\r\n"},
		{"key and value", "{{ $key }} = {{ $value | quote }}\n",
			"__apim_offset_tpl_0__ = \"__apim_offset_tpl_1__\"\n"},
		{"in a comment", "# offset  = {{ports_offset}}\n",
			"# offset  = __apim_offset_tpl_0__\n"},
		{"array of placeholders", "urls = [{{ .a | quote }}, {{ .b | quote }}]\n",
			"urls = [\"__apim_offset_tpl_0__\", \"__apim_offset_tpl_1__\"]\n"},
		{"loop inside an array is one unit", "urls =[{% for u in us %}\"{{ u }}\"{%- if not loop.last -%},{% endif %}{% endfor %}]\n",
			"urls =[\"__apim_offset_tpl_0__\"]\n"},
		{"else branch hidden", "{{- if .Values.vault }}\npassword = \"$secret{p}\"\n{{- else }}\npassword = {{ .Values.p | quote }}\n{{- end }}\nuser = \"u\"\n",
			"#__apim_offset_tpl_0__\npassword = \"$secret{p}\"\n#__apim_offset_tpl_1__\n#__apim_offset_tpl_2__\n#__apim_offset_tpl_3__\nuser = \"u\"\n"},
		{"Jinja elif hidden, nested for kept", "{% if a %}\nx = 1\n{% elif b %}\nx = 2\n{% endif %}\n{% for i in l %}\ny{{ i }} = 1\n{% endfor %}\n",
			"#__apim_offset_tpl_0__\nx = 1\n#__apim_offset_tpl_1__\n#__apim_offset_tpl_2__\n#__apim_offset_tpl_3__\n#__apim_offset_tpl_4__\ny__apim_offset_tpl_5__ = 1\n#__apim_offset_tpl_6__\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tmplmask.Mask([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, string(m.Text)); d != "" {
				t.Errorf("masked (-want +got):\n%s", d)
			}
			if got := string(m.Restore(m.Text)); got != tt.in {
				t.Errorf("Restore = %q, want the input back", got)
			}
			if _, err := tomlutil.Parse(m.Text); err != nil {
				t.Errorf("masked text does not parse: %v", err)
			}
		})
	}
}

func TestMaskPlaceholders(t *testing.T) {
	m, err := tmplmask.Mask([]byte("[server]\noffset = {{ .Values.portOffset }}\n{{- if .x }}\n{{- else }}\noffset = 3\n{{- end }}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := m.In([]byte(`"__apim_offset_tpl_0__"`))
	if !ok || p.Text != "{{ .Values.portOffset }}" || !p.Value || p.Line != 2 || p.Column != 10 || p.Kind != "Helm or Jinja" {
		t.Errorf("In(value token) = %+v, %v", p, ok)
	}
	if len(m.Hidden) != 1 || m.Hidden[0].Text != "offset = 3" || m.Hidden[0].Line != 5 {
		t.Errorf("Hidden = %+v, want the else branch's offset = 3 on line 5", m.Hidden)
	}
}

func TestMaskRefuses(t *testing.T) {
	for _, in := range []string{"a = {{ .x\n}}\n", "a = \"__apim_offset_tpl_0__\"\n"} {
		_, err := tmplmask.Mask([]byte(in))
		var te *tmplmask.Error
		if !errors.As(err, &te) {
			t.Errorf("Mask(%q) error = %v, want a *tmplmask.Error", in, err)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, why, in string
		off           int
		open, kind    string
	}{
		{"none", "plain TOML", "[server]\noffset = 2\n", -1, "", ""},
		{"Helm", "helm-apim values", "offset = {{ .Values.x }}\n", 9, "{{", "Helm or Jinja"},
		{"Jinja tag", "ansible role", "{% if x %}\n", 0, "{%", "Jinja"},
		{"Jinja comment", "the opener the library used to miss", "pattern = \"{#\"\n", 11, "{#", "Jinja"},
		{"ERB", "chef cookbook", "a = \"<%= @a %>\"\n", 5, "<%", "ERB"},
		{"first wins", "the earliest opener, not the first in the list", "a = '<%' # {{ x }}\n", 5, "<%", "ERB"},
		{"opener at the end", "an opener in the last two bytes", "a = 1 {#", 6, "{#", "Jinja"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, d, ok := tmplmask.Detect([]byte(tt.in))
			if !ok {
				off = -1
			}
			if off != tt.off || d.Open != tt.open || d.Kind != tt.kind {
				t.Errorf("%s: Detect = %d, %+v, %v; want %d, %q, %q", tt.why, off, d, ok, tt.off, tt.open, tt.kind)
			}
			if tmplmask.Has([]byte(tt.in)) != (tt.off >= 0) {
				t.Errorf("%s: Has disagrees with Detect", tt.why)
			}
		})
	}
}

// TestDelimiters: every delimiter is detected, masked as a placeholder of
// its kind, and refused when it does not close on its line.
func TestDelimiters(t *testing.T) {
	ds := tmplmask.Delimiters()
	if len(ds) != 4 {
		t.Fatalf("%d delimiters, want {{ {%% {# <%%", len(ds))
	}
	for _, d := range ds {
		src := "a = " + d.Open + " x " + d.Close + "\n"
		if off, got, ok := tmplmask.Detect([]byte(src)); !ok || off != 4 || got != d {
			t.Errorf("Detect(%q) = %d, %+v, %v", src, off, got, ok)
		}
		if at, ok := tmplmask.At(d.Open + "x"); !ok || at != d {
			t.Errorf("At(%q) = %+v, %v", d.Open+"x", at, ok)
		}
		m, err := tmplmask.Mask([]byte(src))
		if err != nil {
			t.Errorf("Mask(%q): %v", src, err)
			continue
		}
		if len(m.Placeholders) != 1 || m.Placeholders[0].Text != d.Open+" x "+d.Close || m.Placeholders[0].Kind != d.Kind {
			t.Errorf("Mask(%q) placeholders = %+v", src, m.Placeholders)
		}
		if _, err := tmplmask.Mask([]byte("a = " + d.Open + " x\n")); err == nil {
			t.Errorf("Mask accepts %q that does not close", d.Open)
		}
	}
}
