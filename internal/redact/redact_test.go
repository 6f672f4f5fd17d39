package redact

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/corpus"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2/unstable"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name, why, src string
		want           map[int]string
	}{
		{"super admin", "APIM default [super_admin]", "[super_admin]\nusername = \"admin\"\npassword = \"admin\"\ncreate_admin_account = true\n",
			map[int]string{3: "password = (masked)\n"}},
		{"key password", "keystore, CRLF kept", "[keystore.tls]\r\nfile_name = \"wso2carbon.jks\"\r\nkey_password = \"wso2carbon\"\r\nalias = \"wso2carbon\"\r\n",
			map[int]string{3: "key_password = (masked)\r\n"}},
		{"dotted and commented", "database and a commented-out default", "[database.apim_db]\nparameter.password = 'x' # rotated\n#password = \"admin\"\n# the password = is prose\n",
			map[int]string{2: "parameter.password = (masked) # rotated\n", 3: "#password = (masked)\n"}},
		{"camel case", "Helm values style keys", "ssoClientSecret = \"abc\"\nrootToken = \"t\"\nkeyStoreFile = \"a.jks\"\n",
			map[int]string{1: "ssoClientSecret = (masked)\n", 2: "rootToken = (masked)\n"}},
		{"not secrets", "URLs, booleans, numbers and empty strings are shown", "token_endpoint = \"https://localhost:9443/oauth2/token\"\nallow_credentials = true\nsecret_count = 3\nkey = \"\"\npassword_hash_method = \"SHA-256\"\n",
			map[int]string{}},
		{"inline table", "one of several pairs", "user = { name = \"admin\", password = \"s3cret\" }\n",
			map[int]string{1: "user = { name = \"admin\", password = (masked) }\n"}},
		{"templates", "Helm, Jinja and ERB placeholders and a secure-vault alias", "password = {{ .Values.db.password | quote }}\nkey_password = \"{{ ks_password }}\"\nsecret = <%= @secret %>\npassword = $secret{admin}\n",
			map[int]string{1: "password = (masked)\n", 2: "key_password = (masked)\n", 3: "secret = (masked)\n", 4: "password = (masked)\n"}},
		{"secure vault", "every key under [secrets] is a plain secret", "[secrets]\nadmin = \"[admin]\"\n\n[server]\nhostname = \"localhost\"\n",
			map[int]string{2: "admin = (masked)\n"}},
		{"multi-line", "every line of a multi-line string", "private_key = \"\"\"\nMIIE\nAAAA\"\"\" # pem\nname = \"x\"\n",
			map[int]string{1: "private_key = (masked)\n", 2: "(masked)\n", 3: "(masked) # pem\n"}},
		{"no final newline", "the last line has no ending", "password = \"p\"",
			map[int]string{1: "password = (masked)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lines([]byte(tt.src))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: Lines (-want +got):\n%s", tt.why, diff)
			}
		})
	}
}

// TestCorpus checks the line scanner against the parser over every real
// file that is plain TOML: each secret string value is hidden on every line
// it spans, and no other line is touched.
func TestCorpus(t *testing.T) {
	values, files := 0, 0
	for _, cf := range corpus.Read(t) {
		doc, err := tomlutil.Parse(cf.Data)
		if err != nil {
			continue // templates and invalid files: covered by TestTemplates
		}
		files++
		masked := Lines(cf.Data)
		secretLines := map[int]bool{}
		check := func(key []string, path []string, kind unstable.Kind, value tomlutil.Span) {
			raw := string(cf.Data[value.Start:value.End])
			if !(isSecretKey(key[len(key)-1]) || len(path) > 0 && path[0] == "secrets") || kind != unstable.String || !isMaskable(raw) {
				return
			}
			values++
			first, _ := tomlutil.Position(cf.Data, value.Start)
			last, _ := tomlutil.Position(cf.Data, value.End)
			for n := first; n <= last; n++ {
				secretLines[n] = true
				shown, ok := masked[n]
				if !ok {
					t.Errorf("%s:%d: secret %s shown: %s", cf.Name, n, strings.Join(key, "."), raw)
					continue
				}
				if first == last && strings.Contains(shown, raw) {
					t.Errorf("%s:%d: %s still in %q", cf.Name, n, raw, shown)
				}
			}
		}
		for _, e := range doc.Entries {
			check(e.Key, e.Path, e.Kind, e.Value)
		}
		for _, c := range doc.Comments {
			if ce, ok := doc.Commented(c); ok {
				check(ce.Key, ce.Key, ce.Kind, ce.Value)
			}
		}
		lines := bytes.SplitAfter(cf.Data, []byte("\n"))
		for n, shown := range masked {
			if !secretLines[n] {
				t.Errorf("%s:%d: masked a line with no secret string: %q as %q", cf.Name, n, lines[n-1], shown)
			}
		}
	}
	t.Logf("%d secret values hidden in %d plain TOML files", values, files)
}

// TestTemplates checks that every template's secret placeholders are
// hidden: a line assigning a secret key keeps its key and loses its value.
func TestTemplates(t *testing.T) {
	n := 0
	for _, cf := range corpus.Read(t) {
		if !cf.IsTemplate() {
			continue
		}
		masked := Lines(cf.Data)
		for i, line := range strings.Split(string(cf.Data), "\n") {
			rest := strings.TrimLeft(line, " \t#")
			k := rest[:keyLen(rest)]
			if k == "" || !isSecretKey(k) {
				continue
			}
			value := strings.TrimSpace(strings.TrimLeft(line, " \t#")[len(k):])
			if !isMaskable(value) || strings.HasPrefix(value, "{") && !isTemplate(value) {
				continue
			}
			n++
			if _, ok := masked[i+1]; !ok {
				t.Errorf("%s:%d: secret shown: %s", cf.Name, i+1, line)
			}
		}
	}
	t.Logf("%d secret assignments hidden in templates", n)
}

// FuzzLines: any input is scanned without panicking, and a masked line
// keeps its line ending and the text before the first value.
func FuzzLines(f *testing.F) {
	f.Add([]byte("[super_admin]\r\npassword = \"admin\"\r\nx = { password = \"\"\"a\n\"\"\" }"))
	f.Add([]byte("password = $secret{a}, # c\nkey = '''\n'''"))
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.SplitAfter(src, []byte("\n"))
		for n, shown := range Lines(src) {
			if n < 1 || n > len(lines) {
				t.Fatalf("line %d of %d", n, len(lines))
			}
			orig := string(lines[n-1])
			body := strings.TrimRight(orig, "\r\n")
			if !strings.HasSuffix(shown, orig[len(body):]) || !strings.Contains(shown, Mask) {
				t.Fatalf("line %d %q shown as %q", n, orig, shown)
			}
		}
	})
}

// TestDelimiters: every placeholder delimiter tmplmask knows is a value to
// redact, with commas and '#' inside it; {# once was not.
func TestDelimiters(t *testing.T) {
	ds := tmplmask.Delimiters()
	if len(ds) != 4 {
		t.Fatalf("%d delimiters, want {{ {%% {# <%%", len(ds))
	}
	for _, d := range ds {
		ph := d.Open + " vault.get('db', '#1') " + d.Close
		src := "password = " + ph + "\ndb = { password = " + ph + ", user = \"u\" }\n"
		if _, _, ok := tmplmask.Detect([]byte(src)); !ok {
			t.Errorf("tmplmask.Detect misses %s", d.Open)
		}
		want := map[int]string{1: "password = (masked)\n", 2: "db = { password = (masked), user = \"u\" }\n"}
		if diff := cmp.Diff(want, Lines([]byte(src))); diff != "" {
			t.Errorf("%s %s placeholder (-want +got):\n%s", d.Kind, d.Open, diff)
		}
	}
}
