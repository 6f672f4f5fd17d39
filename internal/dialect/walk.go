package dialect

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// keyValue walks the key/value pair e under the table at prefix; track
// tells whether the pair can be server.offset (not under an array of tables
// nor in an array).
func (c *checker) keyValue(e *unstable.Node, prefix []string, track bool) {
	v := e.Value()
	if v == nil || !v.Valid() {
		return
	}
	first := v.Next()
	c.checkKeys(first)
	parts, kstart, kend := keyParts(first)
	if kstart < 0 {
		return
	}
	c.quotedKey(first, v)
	// The key path is built only while it can be server.offset or lie
	// under it: a copy of a long header's path for each of its keys would
	// cost the header's length per key.
	var path []string
	if track = track && c.mayBeOffset(prefix, parts); track {
		path = append(append([]string(nil), prefix...), parts...)
	}
	pos := skipBlanks(c.src, kend)
	if pos < len(c.src) && c.src[pos] == '=' {
		pos = skipBlanks(c.src, pos+1)
	}
	if track && len(path) >= 2 && path[0] == "server" && path[1] == "offset" {
		switch {
		case len(path) == 2 && v.Kind != unstable.InlineTable:
			c.readOffset(v, pos, string(c.src[kstart:kend]))
		case len(path) > 2 && v.Kind != unstable.InlineTable && c.offsetTable < 0:
			// A key under server.offset: config-mapper hands the template
			// a map (JinjaParser.getHierarchicalDottedKeyMap), which
			// renders as text such as {x=1}.
			c.offsetTable, c.offsetKey = kstart, strings.Join(path[2:], ".")
		}
	}
	c.value(v, pos, path, track)
}

// mayBeOffset tells whether the key parts under prefix can be server.offset,
// a table that holds it, or a key under it that is still to be reported.
func (c *checker) mayBeOffset(prefix, parts []string) bool {
	want := [...]string{"server", "offset"}
	n := len(prefix) + len(parts)
	for i := 0; i < min(n, 2); i++ {
		p := parts[max(i-len(prefix), 0)]
		if i < len(prefix) {
			p = prefix[i]
		}
		if p != want[i] {
			return false
		}
	}
	return n <= 2 || c.offsetTable < 0
}

// value walks the value n that starts at byte start and returns the offset
// just past it.
func (c *checker) value(n *unstable.Node, start int, path []string, track bool) int {
	switch n.Kind {
	case unstable.Array:
		return c.array(n, start)
	case unstable.InlineTable:
		return c.inlineTable(n, start, path, track)
	}
	end := int(n.Raw.Offset + n.Raw.Length)
	raw := c.src[min(int(n.Raw.Offset), len(c.src)):min(end, len(c.src))]
	switch n.Kind {
	case unstable.String:
		c.basicString(int(n.Raw.Offset), end)
		c.multilineEnd(int(n.Raw.Offset), raw)
	case unstable.Float:
		c.float(int(n.Raw.Offset), raw)
	case unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		c.time(int(n.Raw.Offset), raw, n.Kind)
	}
	return end
}

// gap is what lies before, between or after the elements of an array or
// inline table: blanks, line breaks, comments and commas.
type gap struct {
	end     int // the offset of the first byte after it
	newline int // the offset of its first line break or comment, or -1
	comma   int // the offset of its first comma, or -1
	early   int // the offset of its first line break or comment before a comma, or -1
}

func scanGap(src []byte, pos int) gap {
	g := gap{newline: -1, comma: -1, early: -1}
	for pos < len(src) {
		switch src[pos] {
		case ' ', '\t', '\r':
			pos++
			continue
		case '\n', '#':
			if g.newline < 0 {
				g.newline = pos
			}
			if g.comma < 0 && g.early < 0 {
				g.early = pos
			}
			if src[pos] == '\n' {
				pos++
				continue
			}
			for pos < len(src) && src[pos] != '\n' {
				pos++ // the comment, up to its line break
			}
			continue
		case ',':
			if g.comma < 0 {
				g.comma = pos
			}
			pos++
			continue
		}
		break
	}
	g.end = pos
	return g
}

// cavaType is the name cava-toml's TomlType gives the type of a value.
func cavaType(k unstable.Kind) string {
	switch k {
	case unstable.String:
		return "string"
	case unstable.Integer:
		return "integer"
	case unstable.Float:
		return "float"
	case unstable.Bool:
		return "boolean"
	case unstable.DateTime:
		return "offset date-time"
	case unstable.LocalDateTime:
		return "local date-time"
	case unstable.LocalDate:
		return "local date"
	case unstable.LocalTime:
		return "local time"
	case unstable.Array:
		return "array"
	case unstable.InlineTable:
		return "table"
	}
	return strings.ToLower(k.String())
}

func isDateTime(k unstable.Kind) bool {
	return k == unstable.DateTime || k == unstable.LocalDateTime || k == unstable.LocalDate || k == unstable.LocalTime
}

// array walks the array n whose '[' is at start and returns the offset just
// past its ']'.
func (c *checker) array(n *unstable.Node, start int) int {
	pos := start + 1
	first := ""
	mixed := false
	var prev *unstable.Node
	prevEnd := -1
	it := n.Children()
	for it.Next() {
		v := it.Node()
		if v.Kind == unstable.Comment {
			continue
		}
		g := scanGap(c.src, pos)
		if prev != nil {
			c.afterElement(prev, prevEnd, g, true)
		}
		t := cavaType(v.Kind)
		switch {
		case first == "":
			first = t
		case t != first && !mixed:
			// MutableTomlArray.append: "Cannot add a <t> to an array
			// containing <first>s".
			mixed = true
			c.add(g.end, ConstructMixedArray,
				fmt.Sprintf("array mixes %ss and %ss", first, t),
				EffectRefuses,
				fmt.Sprintf("write every element of the array as %s, or split it into arrays of one type each", article(first)))
		}
		prev, prevEnd = v, c.value(v, g.end, nil, false)
		pos = prevEnd
	}
	g := scanGap(c.src, pos)
	if prev != nil {
		c.afterElement(prev, prevEnd, g, false)
	}
	return min(g.end+1, len(c.src))
}

// afterElement looks at the gap g after the array element v, which ends at
// end; more tells whether another element follows.
func (c *checker) afterElement(v *unstable.Node, end int, g gap, more bool) {
	if g.comma >= 0 && g.early >= 0 {
		c.add(g.comma, ConstructArrayNewlineBeforeComma,
			"comma on a later line than the array element before it",
			EffectRefuses,
			"put the comma right after the element, on the element's line")
	}
	if isDateTime(v.Kind) && end < len(c.src) {
		if b := c.src[end]; b == ']' || b == ',' && more {
			c.add(end, ConstructDateTimeDelimiter,
				fmt.Sprintf("%s directly followed by '%c' in an array", cavaType(v.Kind), b),
				EffectRefuses,
				fmt.Sprintf("put a space between the %s and the '%c'", cavaType(v.Kind), b))
		}
	}
}

// inlineTable walks the inline table n whose '{' is at start, at path, and
// returns the offset just past its '}'.
func (c *checker) inlineTable(n *unstable.Node, start int, path []string, track bool) int {
	pos := start + 1
	multiline := false
	var last *unstable.Node
	it := n.Children()
	for it.Next() {
		kv := it.Node()
		if kv.Kind != unstable.KeyValue {
			continue
		}
		g := scanGap(c.src, pos)
		multiline = multiline || g.newline >= 0
		c.keyValue(kv, path, track)
		last = kv
		pos = int(kv.Raw.Offset + kv.Raw.Length)
	}
	g := scanGap(c.src, pos)
	multiline = multiline || g.newline >= 0
	if last != nil {
		if v := last.Value(); v != nil && isDateTime(v.Kind) && pos < len(c.src) && c.src[pos] == '}' {
			c.add(pos, ConstructDateTimeDelimiter,
				fmt.Sprintf("%s directly followed by '}'", cavaType(v.Kind)),
				EffectRefuses,
				fmt.Sprintf("put a space between the %s and the '}'", cavaType(v.Kind)))
		}
	}
	if multiline {
		c.add(start, ConstructMultilineInlineTable,
			"inline table spread over several lines",
			EffectRefuses,
			"write the inline table on one line with no comment inside, or as a [table] of its own")
	}
	if last != nil && g.comma >= 0 {
		c.add(g.comma, ConstructInlineTrailingComma,
			"comma after the last key/value of an inline table",
			EffectRefuses,
			"remove the comma before the closing '}'")
	}
	return min(g.end+1, len(c.src))
}

func skipBlanks(src []byte, pos int) int {
	for pos < len(src) && (src[pos] == ' ' || src[pos] == '\t') {
		pos++
	}
	return pos
}

// basicString looks at the string or quoted key in src[start:end] and, when
// it is a basic string, finds the escapes and raw tabs cava-toml refuses.
func (c *checker) basicString(start, end int) {
	if start < 0 || end > len(c.src) || start >= end || c.src[start] != '"' {
		return
	}
	s := c.src[start:end]
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t':
			c.add(start+i, ConstructTabInBasicString,
				"tab character inside a basic string (TOML 0.5 requires \\t)",
				EffectRefuses,
				`write the tab as \t, or use a literal string ('...')`)
		case '\\':
			if i+1 >= len(s) {
				return
			}
			switch s[i+1] {
			case 'x':
				hex := string(s[i+2 : min(i+4, len(s))])
				c.add(start+i, ConstructEscapeX,
					fmt.Sprintf(`\x%s escape in a string (TOML 1.1)`, hex),
					EffectRefuses,
					fmt.Sprintf(`write \u00%s instead of \x%s`, hex, hex))
			case 'e':
				c.add(start+i, ConstructEscapeE,
					`\e escape in a string (TOML 1.1)`,
					EffectRefuses,
					`write \u001B instead of \e`)
			}
			i++ // the escaped character, or the line break a trailing '\' joins
		}
	}
}

// multilineEnd finds a multi-line string, raw as written, whose closing
// delimiter is followed by more quotes: cava-toml ends the string at the
// first three quotes it meets outside an escape, go-toml at the last three.
func (c *checker) multilineEnd(start int, raw []byte) {
	if len(raw) < 6 || raw[0] != '"' && raw[0] != '\'' || raw[1] != raw[0] || raw[2] != raw[0] {
		return
	}
	q := raw[0]
	for j := 3; j+2 < len(raw); j++ {
		switch {
		case q == '"' && raw[j] == '\\':
			j++ // the escaped character, or the line break
		case raw[j] == q && raw[j+1] == q && raw[j+2] == q:
			if j+3 < len(raw) {
				delim := strings.Repeat(string(q), 3)
				fix := `write the quotes before the closing """ as \"`
				if q == '\'' {
					fix = `write the string as a multi-line basic string, """…'"""`
				}
				c.add(start+j, ConstructMultilineQuotes,
					fmt.Sprintf("multi-line string ends in %d quotes (TOML 0.5 ends it at the first %s)", len(raw)-j, delim),
					EffectRefuses, fix)
			}
			return
		}
	}
}

// float finds an exponent written with a leading zero, and a float that
// rounds to zero though it is not zero.
func (c *checker) float(start int, raw []byte) {
	c.floatTooSmall(start, raw)
	i := bytes.IndexAny(raw, "eE")
	if i < 0 {
		return
	}
	j := i + 1
	if j < len(raw) && (raw[j] == '+' || raw[j] == '-') {
		j++
	}
	if j+1 < len(raw) && raw[j] == '0' {
		digits := strings.TrimLeft(string(raw[j:]), "0_")
		if digits == "" {
			digits = "0"
		}
		c.add(start+j, ConstructExponentLeadingZero,
			fmt.Sprintf("float %s has an exponent with a leading zero", raw),
			EffectRefuses,
			fmt.Sprintf("write %s%s", raw[:j], digits))
	}
}

// floatTooSmall finds a float that is not zero but that a double cannot
// hold: cava-toml's ValueVisitor.toDouble refuses it ("Float is too
// small"), go-toml reads it as 0. Java's Double.valueOf and Go's
// strconv.ParseFloat round alike (IEEE 754, to nearest).
func (c *checker) floatTooSmall(start int, raw []byte) {
	s := strings.ReplaceAll(string(raw), "_", "")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != 0 {
		return
	}
	mant := s
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
	}
	if strings.Trim(mant, "+-0.") == "" {
		return // zero written as zero: cava-toml's zeroFloat pattern
	}
	c.add(start, ConstructFloatTooSmall,
		fmt.Sprintf("float %s is too small for a double and rounds to 0", raw),
		EffectRefuses,
		"write 0.0, or a float from 4.9e-324 up")
}

// time finds the time of a time or date-time written without seconds, with
// more than 9 digits of fractional seconds, or with a lower-case z.
func (c *checker) time(start int, raw []byte, k unstable.Kind) {
	colon := bytes.IndexByte(raw, ':')
	if colon < 2 {
		return
	}
	if colon+3 >= len(raw) || raw[colon+3] != ':' {
		end := min(colon+3, len(raw))
		c.add(start+colon-2, ConstructLocalTimeNoSeconds,
			fmt.Sprintf("%s %s has no seconds", cavaType(k), raw),
			EffectRefuses,
			fmt.Sprintf("add the seconds: %s:00%s", raw[:end], raw[end:]))
		return
	}
	if frac := colon + 6; frac < len(raw) && raw[frac] == '.' {
		n := 0
		for j := frac + 1; j < len(raw) && raw[j] >= '0' && raw[j] <= '9'; j++ {
			n++
		}
		if n > 9 {
			c.add(start+frac+1, ConstructTimeFraction,
				fmt.Sprintf("%s %s has %d digits of fractional seconds", cavaType(k), raw, n),
				EffectRefuses,
				"keep at most 9 digits after the seconds' decimal point")
		}
	}
	if k == unstable.DateTime {
		c.zoneOffset(start, raw)
	}
	if k == unstable.DateTime && raw[len(raw)-1] == 'z' {
		c.add(start+len(raw)-1, ConstructLowercaseZ,
			fmt.Sprintf("date-time %s ends in a lower-case z", raw),
			EffectRefuses,
			"write the Z in upper case")
	}
}

// zoneOffset finds a date-time whose zone offset, +HH:MM or -HH:MM at its
// end, is beyond ±18:00: java.time.ZoneOffset.ofHoursMinutes refuses it
// (cava-toml ZoneOffsetVisitor), go-toml takes hours up to 23.
func (c *checker) zoneOffset(start int, raw []byte) {
	if len(raw) < 6 || raw[len(raw)-3] != ':' {
		return
	}
	sign := raw[len(raw)-6]
	if sign != '+' && sign != '-' {
		return
	}
	h, herr := strconv.Atoi(string(raw[len(raw)-5 : len(raw)-3]))
	m, merr := strconv.Atoi(string(raw[len(raw)-2:]))
	if herr != nil || merr != nil || h*60+m <= 18*60 {
		return
	}
	c.add(start+len(raw)-6, ConstructZoneOffset,
		fmt.Sprintf("date-time %s has the zone offset %s, beyond -18:00 to +18:00", raw, raw[len(raw)-6:]),
		EffectRefuses,
		"write a zone offset from -18:00 to +18:00 (convert the time to another zone, or to Z)")
}
