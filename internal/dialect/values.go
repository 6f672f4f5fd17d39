package dialect

import (
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/tomlutil"
)

// resolveRefs returns s with each $ref{key} reference replaced by the value
// of key in the file, as config-mapper's ReferenceResolver does
// (wso2/config-mapper v1.0.26 ReferenceResolver.resolveConfigReferences and
// resolvePropertyPlaceholders: the value's toString() replaces the
// reference, references in that value are resolved first). It returns s
// as it is when s holds another placeholder, or a reference it cannot
// resolve from the file alone: a key the file does not set (config-mapper
// may take it from the product's defaults), a quoted key, a table, an
// array or a float (Double.toString is not Go's), or references that go on
// for more than 16 rounds (a cycle: config-mapper stops on it).
func (c *checker) resolveRefs(s string) string {
	if !strings.Contains(s, "$ref{") || jinjaExpression(s) {
		return s
	}
	for _, p := range placeholders {
		if p != "$ref{" && strings.Contains(s, p) {
			return s
		}
	}
	values, err := tomlutil.Decode(c.src) // c.src is already a view
	if err != nil {
		return s
	}
	r := s
	for round := 0; round < 16; round++ {
		i := strings.Index(r, "$ref{")
		if i < 0 {
			return r
		}
		end := strings.IndexByte(r[i:], '}')
		if end < 0 {
			return s
		}
		key := r[i+len("$ref{") : i+end]
		var v any = values
		for _, part := range strings.Split(key, ".") {
			table, ok := v.(map[string]any)
			if !ok || strings.ContainsAny(part, `"'`) {
				return s
			}
			if v, ok = table[part]; !ok {
				return s
			}
		}
		var text string
		switch v := v.(type) {
		case int64:
			text = strconv.FormatInt(v, 10)
		case string:
			text = v
		case bool:
			text = strconv.FormatBool(v) // the offset becomes the Boolean: "true" to parseInt
		default:
			return s
		}
		r = strings.ReplaceAll(r, "$ref{"+key+"}", text)
	}
	return s
}

// jinjaExpression tells whether s holds a Jinja expression, {{ … }}.
// config-mapper renders carbon.xml.j2 (<Offset>{{server.offset}}</Offset>)
// with Jinjava (wso2/config-mapper JinjaParser.parse; Jinjava 2.8.3 in its
// pom.xml), which renders an expression in the text it outputs again:
// offset = "{{ 1 + 1 }}" starts a server at offset 2 (project probe), so
// the value is whatever the expression gives, not a NumberFormatException.
func jinjaExpression(s string) bool {
	open := strings.Index(s, "{{")
	return open >= 0 && strings.Contains(s[open+2:], "}}")
}

// StringAsRead returns the string written raw (quotes included) as WSO2's
// parser reads it, given decoded, go-toml's reading of it. They differ only
// for a multi-line basic string with a backslash at the end of a line (see
// cavaMultiline): offset = """2\<line break>""" is "2" to go-toml, "2\n"
// to WSO2, which then stops with a NumberFormatException.
func StringAsRead(raw, decoded string) string {
	if strings.HasPrefix(raw, `"""`) && strings.Contains(raw, `\`) {
		return cavaMultiline(raw)
	}
	return decoded
}

// cavaMultiline returns the multi-line basic string raw as cava-toml reads
// it, which is not as TOML 1.0 does: a backslash at the end of a line
// gives a line break and keeps the blanks that start the next line
// (TomlLexer.g4: MLBasicStringLineEnd : '\\' [ \t]* NL, whose text is
// System.lineSeparator(), and TomlParser.g4: mlBasicUnescaped : StringChar
// | NewLine), so offset = """\⏎2""" is "\n2" to WSO2, "2" to go-toml. Line
// breaks are "\n", as on the Linux hosts WSO2 runs on; a line break right
// after the opening quotes is dropped (ValueTripleQuotationMark).
func cavaMultiline(raw string) string {
	if len(raw) < 6 {
		return ""
	}
	body := raw[3 : len(raw)-3]
	if b, ok := strings.CutPrefix(body, "\r\n"); ok {
		body = b
	} else {
		body = strings.TrimPrefix(body, "\n")
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if ch == '\r' && i+1 < len(body) && body[i+1] == '\n' {
			continue // the '\n' that follows is the line break
		}
		if ch != '\\' || i+1 >= len(body) {
			b.WriteByte(ch)
			continue
		}
		j := i + 1
		for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
			j++
		}
		if j < len(body) && body[j] == '\n' || j+1 < len(body) && body[j] == '\r' && body[j+1] == '\n' {
			b.WriteByte('\n')
			i = j
			if body[j] == '\r' {
				i++
			}
			continue
		}
		i++
		switch e := body[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'u', 'U':
			n := 4
			if e == 'U' {
				n = 8
			}
			if i+n < len(body) {
				if r, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += n
					continue
				}
			}
			b.WriteByte(e)
		default: // '"', '\\' and what go-toml refuses
			b.WriteByte(e)
		}
	}
	return b.String()
}
