package redact

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/unidiff"
)

// choices reads the fuzzer's bytes as a series of choices; past their end
// every choice is the first.
type choices struct {
	b []byte
	i int
}

// pick returns a number from 0 to n-1.
func (c *choices) pick(n int) int {
	if c.i >= len(c.b) {
		return 0
	}
	c.i++
	return int(c.b[c.i-1]) % n
}

func (c *choices) of(s ...string) string { return s[c.pick(len(s))] }

// secretKeys are keys that name a secret, in the spellings a file may use:
// bare, quoted, dotted, camel case, with escapes.
var secretKeys = []string{
	"password", "key_password", "client_secret", "access_token", "apiKey", "ssoClientSecret",
	`"password"`, `'password'`, `a."password"`, "db.password", `"db.password"`, "PASSWORD",
	`"pass\u0077ord"`, `"\u0070assword"`, `"key_pass\U00000077ord"`, `keystore . "sec\u0072et"`,
	`"client\u005fsecret"`, `"tok\x65n"`, `"key\"password"`, `"admin password"`, "authtoken", "password2",
}

// secretValue writes tok, a secret, as a value in one of TOML's forms or a
// placeholder with it in; the value may span lines ("\n" in it).
func secretValue(c *choices, tok string) string {
	return c.of(
		`"`+tok+`"`,
		`'`+tok+`'`,
		`"""`+tok+`"""`,
		`'''`+tok+`'''`,
		"\"\"\"\n"+tok+"\n\"\"\"",
		`"""`+tok+`\""""`,
		"\"\"\"a\\\"\"\"\n"+tok+"\"\"\"",
		"\"\"\"\n"+tok+"\\\"\n\"\"\"",
		"\"\"\"\\\n  "+tok+"\\\n\"\"\"",
		"'''\n[server]\n"+tok+"'''",
		`"x\"`+tok+`"`,
		`"${a}`+tok+`"`,
		`"{{ `+tok+` }}"`,
		`{{ .Values.`+tok+` }}`,
		`<%= @`+tok+` %>`,
		`"`+tok+`" # c`,
	)
}

// secretSpelling returns lines of TOML or template that hold tok as a
// secret value, in one of the spellings the package doc lists.
func secretSpelling(c *choices, tok string) string {
	key := func() string { return secretKeys[c.pick(len(secretKeys))] }
	eq := func() string { return c.of(" = ", "=", "  =  ", "\t=\t") }
	switch c.pick(14) {
	case 0: // an assignment, maybe indented or commented out
		if c.pick(3) == 0 { // in a comment's words, after a value or not: on one line
			return c.of("# old: ", "host = \"h\" # was ", "#  was ") + key() + eq() + strings.ReplaceAll(secretValue(c, tok), "\n", " ")
		}
		return c.of("", "  ", "#", "# ", "\t#") + key() + eq() + secretValue(c, tok)
	case 1: // under [secrets], however the header is written, commented out too
		if c.pick(4) == 0 {
			return c.of("# [secrets]", "#[secrets]", "#  [\"sec\\u0072ets\"]") + "\n#" + c.of("admin", " x.y") + eq() + secretValue(c, tok)
		}
		return c.of("[secrets]", `["sec\u0072ets"]`, "[ 'secrets' ]", `[[ "secrets" ]]`, "[secrets.more]", `["\u0073ecrets" . x]`) +
			"\n" + c.of("admin", `"a b"`, "x.y") + eq() + secretValue(c, tok)
	case 2:
		return c.of("secrets.admin", `"secrets".admin`, `"sec\u0072ets".b`) + eq() + secretValue(c, tok)
	case 3: // in an inline table
		return c.of(
			"auth = { user = \"u\", "+key()+eq()+secretValue(c, tok)+" }",
			key()+" = { value = "+secretValue(c, tok)+" }",
			"db = { pw = { "+key()+eq()+secretValue(c, tok)+" } }",
		)
	case 4: // in an array of inline tables, on one line or over lines
		return c.of(
			"users = [ { name = \"u\", "+key()+eq()+secretValue(c, tok)+" } ]",
			"users = [\n  { name = \"u\" },\n  { "+key()+eq()+secretValue(c, tok)+" },\n]",
		)
	case 5: // a secret array over lines
		return key() + eq() + c.of(
			"[\n  \""+tok+"\",\n]",
			"[ \"a\",\n  '"+tok+"' ]",
			"[\n  [\""+tok+"\"],\n  [ \"x\" ],\n]",
			"[\n  \"\"\"\n"+tok+"\n\"\"\",\n]",
			"[\n  \"x\", # "+tok+"\n]",
			"[\n[server]\n  \""+tok+"\"\n]",
		)
	case 6: // a commented-out secret array
		return "#" + key() + " = [\n#  \"" + tok + "\",\n#]"
	case 7: // Jinja
		return c.of("{% set admin_password = \""+tok+"\" %}", "{%- set ns.db_password = '"+tok+"' -%}",
			"{% set truststore_password %}"+tok+"{% endset %}", "x = 1 {%+ set apiKey = lookup('env', '"+tok+"') %}", "{% set db_password %}\n  "+tok+"\n{% endset %}")
	case 8: // ERB
		return c.of("<% @keystore_password = \""+tok+"\" %>", "<%- token = '"+tok+"' -%>", "# <% @db_password ||= \""+tok+"\" %>")
	case 9: // Helm
		return c.of("{{- $dbPassword := \""+tok+"\" -}}", "{{ $apiKey = .Values."+tok+" }}", "{{- $clientSecret := printf \"%s\" \""+tok+"\" }}")
	case 10: // a password in a URL, under any key
		url := c.of("amqp", "jdbc:mysql", "https", "mongodb+srv") + "://" + c.of("admin", "", "a%40b") + ":" + tok +
			c.of("", "@x") + "@" + c.of("host", "localhost:5672", "clientID/carbon?brokerlist='tcp://localhost:5675'") + c.of("", "/db", "/x?y=z@w")
		return fmt.Sprintf(c.of("url = \"%s\"", "'connectionfactory.QueueConnectionFactory' = \"%s\"", "# hint: %s", "hosts = [ \"%s\" ]",
			"hosts = [\n  \"%s\",\n]", "x = { u = \"%s\" }", "note = \"\"\"\n%s\n\"\"\""), url)
	case 12: // a URL parameter with a secret name
		return "url = \"" + c.of("jdbc:mysql://db/apim?user=u&", "jdbc:sqlserver://db;user=u;", "https://h/cb?", "jdbc:h2:./db;") +
			c.of("password", "Password", "pwd", "access_token", "client_secret") + "=" + tok + c.of("", "&x=1", ";y=2", "#f") + "\""
	default: // escapes in the key, a value on the next lines
		return key() + eq() + "\"\"\"\\\n" + tok + "\"\"\""
	}
}

// noise returns lines that hold no secret and are whole in themselves:
// headers, arrays of arrays with lines that look like headers, strings with
// brackets and triple quotes in them, comments.
func noise(c *choices) string {
	return c.of(
		"[server]", "[apim.throttling]", "[[apim.gateway.environment]]", "offset = 2",
		"hosts = [\n  [\"secrets\"],\n  [ \"server\" ],\n  [1, 2],\n]",
		"matrix = [\n  [\n    \"a\", \"]\"\n  ],\n]",
		"note = \"\"\"\n[secrets]\n\"\"\"", "note = '''a ] [ \"\"\" '''", "s = \"a [ b \\\" ]\"",
		"# [secrets]", "# \"\"\" [", "ports = [ 1,\n  2 ]", "url = \"https://localhost:9443/x\"", "",
		"x = { a = [\n  1,\n], b = \"c\" }", "ws = \"ws://localhost:9099\" # [x]",
	)
}

// FuzzSecrets: in a file of secrets written in generated spellings (and
// lines around them that hold none), no secret value's bytes are in the
// masked output: not in the lines a Masker shows, nor in a diff that prints
// every line, added or deleted.
func FuzzSecrets(f *testing.F) {
	for i := range 24 {
		seed := []byte{}
		for j := range 40 {
			seed = append(seed, byte(i*7+j*13))
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &choices{b: b}
		var parts, toks []string
		for i := range 1 + c.pick(10) {
			if c.pick(2) == 0 {
				parts = append(parts, noise(c))
			}
			tok := fmt.Sprintf("Zq%02dSeCrEt", i)
			toks = append(toks, tok)
			parts = append(parts, secretSpelling(c, tok))
		}
		text := c.of("", "\ufeff") + strings.Join(parts, "\n") + c.of("\n", "")
		if c.pick(3) == 0 {
			text = strings.ReplaceAll(text, "\n", "\r\n")
		}
		src := []byte(text)
		var out bytes.Buffer
		m := For(src)
		for n, line := range bytes.SplitAfter(src, []byte("\n")) {
			if s, ok := m.Line(n + 1); ok {
				out.WriteString(s)
			} else {
				out.Write(line)
			}
		}
		added := unidiff.Masked("f", nil, src, nil, For(src).Line)
		deleted := unidiff.Masked("f", src, nil, For(src).Line, nil)
		for _, tok := range toks {
			for what, shown := range map[string][]byte{"masked lines": out.Bytes(), "a diff adding the file": added, "a diff deleting it": deleted} {
				if bytes.Contains(shown, []byte(tok)) {
					t.Fatalf("secret %s in %s:\n%s\nfile:\n%s", tok, what, shown, src)
				}
			}
		}
	})
}
