package redact

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// spellings are the ways of writing a secret that are masked, each with
// where it comes from; the package doc lists them. Every value written
// S3CR3T is a secret and must not be shown; the other lines are shown as
// they are.
var spellings = []struct {
	name, why, src string
	want           map[int]string
}{
	{"plain", "APIM default [super_admin]",
		"[super_admin]\npassword = \"S3CR3T\"\n",
		map[int]string{2: "password = (masked)\n"}},
	{"literal and commented", "a literal string, a commented-out default",
		"[database.apim_db]\npassword = 'S3CR3T'\n#password = \"S3CR3T\"\n",
		map[int]string{2: "password = (masked)\n", 3: "#password = (masked)\n"}},
	{"one-word and numbered names", "authtoken, dbpassword, privatekey, password2; bypass and monkey are not secrets",
		"authtoken = \"S3CR3T\"\ndbpassword = \"S3CR3T\"\nprivatekey = \"S3CR3T\"\npassword2 = \"S3CR3T\"\nbypass = \"shown\"\nmonkey = \"shown\"\n",
		map[int]string{1: "authtoken = (masked)\n", 2: "dbpassword = (masked)\n", 3: "privatekey = (masked)\n", 4: "password2 = (masked)\n"}},
	{"in a comment after a value", "an old value kept in a comment after the new one",
		"password = \"S3CR3T\" # old: password = \"S3CR3T\"\nhost = \"shown\" # was key_password = 'S3CR3T'\n",
		map[int]string{1: "password = (masked) # old: password = (masked)\n", 2: "host = \"shown\" # was key_password = (masked)\n"}},
	{"in a comment's prose", "an assignment after words in a comment",
		"# the old one: admin_password=S3CR3T, now rotated\n#  was secret = \"S3CR3T\" (2019)\n# if a == b then c = d\n",
		map[int]string{1: "# the old one: admin_password=(masked), now rotated\n", 2: "#  was secret = (masked) (2019)\n"}},
	{"in a multi-line string's text", "a note that holds an assignment of a secret; the rest of the text is shown",
		"motd = \"\"\"\npassword = \"S3CR3T\"\n[secrets]\n\"\"\"\nname = \"shown\"\nnote = '''token: x, token = S3CR3T\nand = more'''\n",
		map[int]string{2: "password = (masked)\n", 6: "note = '''token: x, token = (masked)\n"}},
	{"byte order mark", "a file starting with a byte order mark, as set keeps it",
		"\ufeffpassword = \"S3CR3T\"\n",
		map[int]string{1: "\ufeffpassword = (masked)\n"}},
	{"commented-out secrets", "MI's commented-out # [secrets] block, with an alias written in",
		"# [secrets]\n# admin = \"S3CR3T\"\n#db = 'S3CR3T'\n[server]\nhostname = \"shown\"\n# x = \"shown\"\n# [[service_catalog]]\n# apim_host = \"shown\"\n",
		map[int]string{2: "# admin = (masked)\n", 3: "#db = (masked)\n"}},
	{"multi-line, escaped quote before the closer", `\" then """ ends the string; \""" does not`,
		"[keystore]\nkey_password = \"\"\"S3CR3T\\\"\"\"\"\nname = \"shown\"\nprivate_key = \"\"\"S3CR3T\\\"\"\"\nS3CR3T\"\"\"\nalias = \"shown\"\n",
		map[int]string{2: "key_password = (masked)\n", 4: "private_key = (masked)\n", 5: "(masked)\n"}},
	{"multi-line, escaped quote at the end of a line", `a line ending in \" before a line of """`,
		"secret = \"\"\"\nS3CR3T\\\"\n\"\"\"\nname = \"shown\"\n",
		map[int]string{1: "secret = (masked)\n", 2: "(masked)\n", 3: "(masked)\n"}},
	{"escaped key", `a key written with \u escapes, matched after decoding`,
		"[super_admin]\n\"pass\\u0077ord\" = \"S3CR3T\"\n\"\\u0070\\u0061\\u0073\\u0073\\u0077\\u006f\\u0072\\u0064\" = \"S3CR3T\"\na.\"key_pass\\U00000077ord\" = \"S3CR3T\"\n",
		map[int]string{2: "\"pass\\u0077ord\" = (masked)\n", 3: "\"\\u0070\\u0061\\u0073\\u0073\\u0077\\u006f\\u0072\\u0064\" = (masked)\n", 4: "a.\"key_pass\\U00000077ord\" = (masked)\n"}},
	{"escaped table", `[secrets] written with escapes, or quoted`,
		"[\"sec\\u0072ets\"]\nadmin = \"S3CR3T\"\n[ 'secrets' . x ]\nb = \"S3CR3T\"\n[[\"secrets\"]]\nc = \"S3CR3T\"\n[server]\nd = \"shown\"\n",
		map[int]string{2: "admin = (masked)\n", 4: "b = (masked)\n", 6: "c = (masked)\n"}},
	{"quoted key with a dot", `"db.password" is one key whose last word is password`,
		"\"db.password\" = \"S3CR3T\"\n",
		map[int]string{1: "\"db.password\" = (masked)\n"}},
	{"array of arrays looking like a header", "lines inside a multi-line array are not table headers",
		"[secrets]\nmatrix = [\n  [\"x\"],\n  [ \"server\" ],\n]\nadmin = \"S3CR3T\"\n",
		map[int]string{3: "  (masked)\n", 4: "  (masked)\n", 6: "admin = (masked)\n"}},
	{"array of arrays in a plain table", "a header-looking line inside an array does not leave [secrets] nor enter it",
		"[secrets]\nadmin = \"S3CR3T\"\n[server]\nhosts = [\n  [\"secrets\"],\n]\nname = \"shown\"\n",
		map[int]string{2: "admin = (masked)\n"}},
	{"multi-line secret array", "the elements of password = [ … ] on their own lines",
		"[db]\npassword = [\n  \"S3CR3T\",\n  'S3CR3T', \"S3CR3T\" ]\nuser = \"shown\"\n",
		map[int]string{3: "  (masked)\n", 4: "  (masked)]\n"}},
	{"secret array with a header-looking line", "a bare [server] inside a secret array does not end it (FuzzSecrets found it)",
		"a.\"password\" = [\n[server]\n  \"S3CR3T\"\n]\nhost = \"shown\"\n",
		map[int]string{2: "(masked)\n", 3: "  (masked)\n"}},
	{"array of inline tables over lines", "users = [ { password = … }, ] with one table a line",
		"users = [\n  { name = \"shown\", password = \"S3CR3T\" },\n]\n",
		map[int]string{2: "  { name = \"shown\", password = (masked) },\n"}},
	{"array whose start was lost", "an assignment-looking comment in an array ends it; its inline tables are still looked in",
		"users = [\n  # old = [1]\n  { name = \"shown\", password = \"S3CR3T\" },\n]\n",
		map[int]string{3: "  { name = \"shown\", password = (masked) },\n"}},
	{"jinja set", "Ansible: {% set admin_password = … %} and the block form",
		"{% set admin_password = \"S3CR3T\" %}\n{%- set ns.db_password = 'S3CR3T' -%}\n{% set admin_user = \"shown\" %}\n{% set truststore_password %}S3CR3T{% endset %}\n",
		map[int]string{1: "{% set admin_password = (masked) %}\n", 2: "{%- set ns.db_password = (masked) -%}\n", 4: "{% set truststore_password %}(masked){% endset %}\n"}},
	{"jinja block set over lines", "{% set x_password %} on one line, the secret on the next ones",
		"{% set truststore_password %}\nS3CR3T\n  S3CR3T {%- endset %} x\n{% set banner %}\nshown\n{% endset %}\n{%- set db_password -%} S3CR3T\n{% endset %}\n",
		map[int]string{2: "(masked)\n", 3: "(masked){%- endset %} x\n", 7: "{%- set db_password -%}(masked)\n"}},
	{"erb assignment", "Puppet: <% @keystore_password = … %>",
		"<% @keystore_password = \"S3CR3T\" %>\n<%- token = 'S3CR3T' -%>\n<% if @x == \"shown\" %>\n",
		map[int]string{1: "<% @keystore_password = (masked) %>\n", 2: "<%- token = (masked) -%>\n"}},
	{"helm variable", "Helm: {{- $dbPassword := … -}}",
		"{{- $dbPassword := \"S3CR3T\" -}}\n{{ $apiKey = .Values.S3CR3T }}\n{{ $host := \"shown\" }}\n",
		map[int]string{1: "{{- $dbPassword := (masked) -}}\n", 2: "{{ $apiKey = (masked) }}\n"}},
	{"url userinfo", "a password in a URL, under any key, in a comment too",
		"'connectionfactory.QueueConnectionFactory' = \"amqp://admin:S3CR3T@clientID/carbon?brokerlist='tcp://localhost:5675'\"\n# url = \"jdbc:mysql://root:S3CR3T@db:3306/apim\"\nurl = \"https://user@host/x\"\nref = \"amqp://admin:${mq.password}@host\"\n",
		map[int]string{1: "'connectionfactory.QueueConnectionFactory' = \"amqp://admin:(masked)@clientID/carbon?brokerlist='tcp://localhost:5675'\"\n", 2: "# url = \"jdbc:mysql://root:(masked)@db:3306/apim\"\n"}},
	{"url userinfo with @", "the userinfo ends at the last @ of the authority",
		"u = \"amqp://admin:S3CR3T@S3CR3T@host:5672/x?a=b@c\"\n",
		map[int]string{1: "u = \"amqp://admin:(masked)@host:5672/x?a=b@c\"\n"}},
	{"url parameters", "a URL's parameters with a secret name, JDBC's ;name=value too",
		"url = \"jdbc:mysql://db:3306/apim?user=u&password=S3CR3T&useSSL=false\"\nurl = \"jdbc:sqlserver://db;user=u;Password=S3CR3T;encrypt=true\"\nurl = \"jdbc:h2:./db/WSO2AM_DB;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=60000\"\ncb = \"https://h/cb?access_token=S3CR3T#x\"\n",
		map[int]string{1: "url = \"jdbc:mysql://db:3306/apim?user=u&password=(masked)&useSSL=false\"\n", 2: "url = \"jdbc:sqlserver://db;user=u;Password=(masked);encrypt=true\"\n", 4: "cb = \"https://h/cb?access_token=(masked)#x\"\n"}},
	{"inline table over an array's lines", "an array that closes then more pairs of the inline table",
		"x = { hosts = [\n  \"shown\",\n], password = \"S3CR3T\" }\n",
		map[int]string{3: "], password = (masked) }\n"}},
	{"references", "WSO2 references are not secrets: ${…}, $env{…}, $sys{…}, $secret{…}, $ref{…} (APIM 3.2/4.5/4.7 stock files)",
		"[apim.key_manager]\n password= \"${admin.password}\"\npassword = \"$env{ADMIN_PASSWORD}\"\npassword = \"$sys{admin.password}\"\npassword = \"$secret{admin_password}\"\n#password = \"$ref{super_admin.password}\"\npassword = $secret{alias}\npassword = \"S3CR3T${x}\"\n",
		map[int]string{8: "password = (masked)\n"}},
}

// TestSpellings: every spelling of a secret listed in spellings is
// masked, and nothing else.
func TestSpellings(t *testing.T) {
	for _, tt := range spellings {
		t.Run(tt.name, func(t *testing.T) {
			got := shown([]byte(tt.src))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.why, diff)
			}
			for n, line := range got {
				if strings.Contains(line, "S3CR3T") {
					t.Errorf("%s: line %d shows the secret: %q", tt.why, n, line)
				}
			}
			matchesScan(t, tt.name, []byte(tt.src), 1)
		})
	}
}
