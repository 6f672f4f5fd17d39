package redact

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/testing/corpus"
	"github.com/apim-offset/apim-offset/internal/testing/synth"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
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
		{"templates", "Helm, Jinja and ERB placeholders; a secure-vault alias is a reference, not a secret", "password = {{ .Values.db.password | quote }}\nkey_password = \"{{ ks_password }}\"\nsecret = <%= @secret %>\npassword = $secret{admin}\n",
			map[int]string{1: "password = (masked)\n", 2: "key_password = (masked)\n", 3: "secret = (masked)\n"}},
		{"secure vault", "every key under [secrets] is a plain secret", "[secrets]\nadmin = \"[admin]\"\n\n[server]\nhostname = \"localhost\"\n",
			map[int]string{2: "admin = (masked)\n"}},
		{"multi-line", "every line of a multi-line string", "private_key = \"\"\"\nMIIE\nAAAA\"\"\" # pem\nname = \"x\"\n",
			map[int]string{1: "private_key = (masked)\n", 2: "(masked)\n", 3: "(masked) # pem\n"}},
		{"no final newline", "the last line has no ending", "password = \"p\"",
			map[int]string{1: "password = (masked)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shown([]byte(tt.src))
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
	values, files, urls := 0, 0, 0
	for _, cf := range corpus.Read(t) {
		doc, err := tomlutil.Parse(cf.Data)
		if err != nil {
			continue // templates and invalid files: covered by TestTemplates
		}
		files++
		masked := shown(cf.Data)
		secretLines := map[int]bool{}
		check := func(key []string, path []string, kind tomlutil.Kind, value tomlutil.Span) {
			raw := string(cf.Data[value.Start:value.End])
			if !(isSecretKey(key[len(key)-1]) || len(path) > 0 && path[0] == "secrets") || kind != tomlutil.String || !isMaskable(raw) || isReference(raw) {
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
		for n, line := range lines {
			if _, ok := maskURLs(string(line)); ok {
				secretLines[n+1] = true // a password in a URL, under any key
				urls++
				if _, ok := masked[n+1]; !ok {
					t.Errorf("%s:%d: password in a URL shown: %s", cf.Name, n+1, line)
				}
			}
		}
		for n, shown := range masked {
			if !secretLines[n] {
				t.Errorf("%s:%d: masked a line with no secret string: %q as %q", cf.Name, n, lines[n-1], shown)
			}
		}
	}
	t.Logf("%d secret values and %d URL passwords hidden in %d plain TOML files", values, urls, files)
}

// TestTemplates checks that every template's secret placeholders are
// hidden: a line assigning a secret key keeps its key and loses its value.
func TestTemplates(t *testing.T) {
	n := 0
	for _, cf := range corpus.Read(t) {
		if !cf.IsTemplate() {
			continue
		}
		masked := shown(cf.Data)
		for i, line := range strings.Split(string(cf.Data), "\n") {
			rest := strings.TrimLeft(line, " \t#")
			k := rest[:keyLen(rest)]
			if k == "" || !isSecretKey(k) {
				continue
			}
			value := strings.TrimSpace(strings.TrimLeft(line, " \t#")[len(k):])
			if !isMaskable(value) || isReference(value) || strings.HasPrefix(value, "{") && !isTemplate(value) {
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

// fuzzSeeds seed FuzzLines and TestForMatchesScan: the state a line can
// leave to the next ones (a masked multi-line string, [secrets]) and the
// lines that look like they change it but do not.
var fuzzSeeds = []string{
	"[super_admin]\r\npassword = \"admin\"\r\nx = { password = \"\"\"a\n\"\"\" }",
	"password = $secret{a}, # c\nkey = '''\n'''",
	"[secrets]\nadmin = \"\"\"\n[server]\nx\"\"\" y = 1\nb = \"2\"\n  [ server ]\nc = '3'\n",
	"note = \"\"\"\n[secrets]\npassword = \"p\"\n\"\"\"\nk = \"v\"\n[[a]]\ntoken = '''t''' # \"\"\"\nsecret = '''\n\"\"\"\n'''x\ny = 1",
	"a = [\n  \"[secrets]\",\n]\n# [secrets]\nkey = \"k\"\n\t[secrets] # vault\r\nk = 1\r\nj = \"\"\"\"\"\"\n",
}

// FuzzLines: any input is scanned without panicking, a masked line keeps
// its line ending and the text before the first value, and a Masker asked
// for the lines in any order shows each as a scan of the whole file does.
func FuzzLines(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range spellings {
		f.Add([]byte(s.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.SplitAfter(src, []byte("\n"))
		for n, shown := range shown(src) {
			if n < 1 || n > len(lines) {
				t.Fatalf("line %d of %d", n, len(lines))
			}
			orig := string(lines[n-1])
			body := strings.TrimRight(orig, "\r\n")
			if !strings.HasSuffix(shown, orig[len(body):]) || !strings.Contains(shown, Mask) {
				t.Fatalf("line %d %q shown as %q", n, orig, shown)
			}
		}
		matchesScan(t, "input", src, int64(len(src)))
	})
}

// TestForMatchesScan checks the Masker, which reads a line and the few it
// depends on, against a scan of every line from the first, over every real
// file, every fuzz seed of the module, and the examples above.
func TestForMatchesScan(t *testing.T) {
	inputs := map[string][]byte{}
	for _, cf := range corpus.Read(t) {
		inputs[cf.Name] = cf.Data
	}
	for i, s := range fuzzSeeds {
		inputs[fmt.Sprint("FuzzLines seed ", i)] = []byte(s)
	}
	seeds, err := filepath.Glob(filepath.Join("..", "..", "*", "testdata", "fuzz", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range seeds {
		for i, in := range seedBytes(t, name) {
			inputs[fmt.Sprint(name, " arg ", i)] = in
		}
	}
	if len(seeds) == 0 {
		t.Error("no fuzz seed files found")
	}
	// A large file, and all real files in one, for an index in many steps.
	inputs["synth 256KiB"] = synth.Deployment(256 << 10)
	var all []byte
	for _, cf := range corpus.Read(t) {
		all = append(all, cf.Data...)
	}
	inputs["the corpus in one file"] = all
	lines := 0
	for name, src := range inputs {
		lines += matchesScan(t, name, src, 1)
	}
	t.Logf("%d lines of %d inputs shown as a whole scan shows them", lines, len(inputs))
}

// matchesScan checks that Maskers asked for src's lines forwards,
// backwards and in a shuffled order (seeded by seed) show each line, and the
// lines before the first and after the last, as scan does, however far
// each step of their index reads. It returns the
// number of lines.
func matchesScan(t *testing.T, name string, src []byte, seed int64) int {
	t.Helper()
	want := scan(src)
	n := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	order := make([]int, n+2) // lines 0 to n+1
	for i := range order {
		order[i] = i
	}
	backwards := slices.Clone(order)
	slices.Reverse(backwards)
	shuffled := slices.Clone(order)
	rand.New(rand.NewSource(seed)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	defer func(min int) { minIndex = min }(minIndex)
	for _, minIndex = range []int{1, 100, 4 << 10} { // one line at a time, a few, all at once
		for _, o := range [][]int{order, backwards, shuffled} {
			m := For(src)
			for _, l := range o {
				got, ok := m.Line(l)
				if w, wok := want[l]; got != w || ok != wok {
					t.Fatalf("%s:%d: Line = %q, %v, indexing %d bytes at least; a whole scan shows %q, %v", name, l, got, ok, minIndex, w, wok)
				}
			}
		}
	}
	return n
}

// scan is the reference Masker.Line is checked against: every line of src
// in order, masked by the scanner, from line number to line as shown.
func scan(src []byte) map[int]string {
	masked := map[int]string{}
	var s scanner
	var lower []byte
	for n := 1; len(src) > 0; n++ {
		end := bytes.IndexByte(src, '\n') + 1
		if end == 0 {
			end = len(src)
		}
		if out, ok := s.next(string(src[:end]), &lower); ok {
			masked[n] = out
		}
		src = src[end:]
	}
	return masked
}

// shown is what a Masker shows of each of src's lines, where it masks one.
func shown(src []byte) map[int]string {
	masked := map[int]string{}
	m := For(src)
	for n, last := 1, bytes.Count(src, []byte("\n"))+1; n <= last; n++ {
		if s, ok := m.Line(n); ok {
			masked[n] = s
		}
	}
	return masked
}

// seedBytes returns the []byte and string values of a file of the fuzz
// corpus ("go test fuzz v1" and one Go value a line).
func seedBytes(t *testing.T, name string) [][]byte {
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, line := range strings.Split(string(data), "\n")[1:] {
		for _, typ := range []string{"[]byte(", "string("} {
			if v, ok := strings.CutPrefix(line, typ); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(v, ")"))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				out = append(out, []byte(s))
			}
		}
	}
	return out
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
		if diff := cmp.Diff(want, shown([]byte(src))); diff != "" {
			t.Errorf("%s %s placeholder (-want +got):\n%s", d.Kind, d.Open, diff)
		}
	}
}

// TestMaskForms: a secret written in any of TOML's forms is masked: a
// root dotted key under secrets, a quoted key, an inline table under a
// secret key (at any depth), an array of inline tables. Other values show.
func TestMaskForms(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{`secrets.admin = "S1"`, `secrets.admin = (masked)`, "root dotted key under WSO2's [secrets]"},
		{`a."password" = "S3"`, `a."password" = (masked)`, "a quoted key part"},
		{`users = [ { password = "S5" } ]`, `users = [ { password = (masked) } ]`, "an array of inline tables"},
		{`auth = { password = { value = "S6" } }`, `auth = { password = { value = (masked) } }`, "an inline table under a secret key"},
		{`secrets = { admin = "S2" }`, `secrets = { admin = (masked) }`, "[secrets] as an inline table"},
		{`x = { a = "shown" }`, `x = { a = "shown" }`, "an inline table with no secret"},
		{`hostname = "shown.example"`, `hostname = "shown.example"`, "not a secret"},
	}
	for _, tt := range tests {
		src := []byte("[server]\n" + tt.in + "\n")
		got, ok := For(src).Line(2)
		if !ok {
			got = tt.in
		}
		if got != tt.want+"\n" && got != tt.want {
			t.Errorf("%s: %q, want %q", tt.reason, got, tt.want)
		}
	}
}
