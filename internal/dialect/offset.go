package dialect

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/javaint"
	"github.com/pelletier/go-toml/v2/unstable"
)

// OffsetValue is server.offset as WSO2 reads it.
//
// Carbon renders the value cava-toml parsed into carbon.xml
// (carbon-kernel carbon.xml.j2: <Offset>{{server.offset | default('0')}}</Offset>)
// and reads it back with Integer.parseInt (carbon-kernel
// CarbonUtils.getPortFromServerConfig). So an integer in any TOML form
// (0x2, 0o2, +2, 2_0) is read as its value, a string is read by parseInt
// (an optional sign, then decimal digits, nothing else), and anything else
// stops the server.
type OffsetValue struct {
	Set          bool   // server.offset is in the file
	Line, Column int    // where its value starts, when Set
	Raw          string // the value as written
	N            int64  // the offset WSO2 starts with, when OK
	OK           bool   // WSO2 reads the value as N; negative offsets included, as WSO2 takes them
	// Placeholder tells that the value holds a $env{}, $sys{} or
	// $secret{} reference, or a $ref{} to a key the file does not set, which
	// WSO2 resolves at start-up, or a Jinja expression {{ … }}, which it
	// renders: N is unknown. A $ref{} to a value of the file is resolved.
	Placeholder bool
}

// Offset returns server.offset as WSO2 reads it, wherever the file sets it
// ([server] offset, a root server.offset, or server = {offset = ...}), and
// the finding when WSO2 stops with a NumberFormatException on it. Without
// server.offset, the result is the zero OffsetValue and no finding: WSO2
// then uses its template's default.
func Offset(src []byte) (OffsetValue, *Finding) {
	c := newChecker(src)
	c.run()
	return c.offsetValue()
}

// offsetAt is where the checker found server.offset.
type offsetAt struct {
	start int    // offset of the value's first byte
	key   string // the key as written: offset, server.offset, ...
	v     OffsetValue
	f     *Finding
}

// The prefixes of the references WSO2's config-mapper resolves at start-up.
var placeholders = []string{"$env{", "$sys{", "$ref{", "$secret{"}

// readOffset evaluates the value node n of server.offset while the parser
// still holds it.
func (c *checker) readOffset(n *unstable.Node, start int, key string) {
	if c.offset != nil {
		return
	}
	o := &offsetAt{start: start, key: key}
	c.offset = o
	line, col := c.position(start)
	o.v = OffsetValue{Set: true, Line: line, Column: col}
	var end int
	switch n.Kind {
	case unstable.Array, unstable.InlineTable:
		end = scanValueEnd(c.src, start)
	default:
		end = int(n.Raw.Offset + n.Raw.Length)
	}
	o.v.Raw = string(c.src[min(start, len(c.src)):min(end, len(c.src))])

	var what string // what the value is, for the finding
	switch n.Kind {
	case unstable.Integer:
		v, err := cavaInteger(string(n.Data))
		switch {
		case err != nil:
			what = fmt.Sprintf("the integer %s, which does not fit in 64 bits", n.Data)
		case v < math.MinInt32 || v > math.MaxInt32:
			what = fmt.Sprintf("the integer %s, outside -2147483648 to 2147483647", n.Data)
		default:
			o.v.N, o.v.OK = v, true
		}
	case unstable.String:
		s := StringAsRead(o.v.Raw, string(n.Data))
		s = c.resolveRefs(s)
		for _, p := range placeholders {
			if strings.Contains(s, p) {
				o.v.Placeholder = true
			}
		}
		if jinjaExpression(s) {
			o.v.Placeholder = true
		}
		if o.v.Placeholder {
			break
		}
		if v, err := javaint.Parse(s); err == nil {
			o.v.N, o.v.OK = int64(v), true
		} else {
			what = fmt.Sprintf("the string %s, which Integer.parseInt cannot read", strconv.Quote(s))
		}
	default:
		what = "the " + cavaType(n.Kind) + " " + o.v.Raw
	}
	if what != "" {
		o.f = c.offsetNFE(start, what, suggest(n, o.v.Raw))
	}
}

// offsetNFE is the finding for a server.offset WSO2 cannot read.
func (c *checker) offsetNFE(at int, what, n string) *Finding {
	key := "offset"
	if c.offset != nil && c.offset.key != "" {
		key = c.offset.key
	}
	line, col := c.position(at)
	fix := fmt.Sprintf("write a whole number from -2147483648 to 2147483647 without quotes or spaces, e.g. %s = 1", key)
	if n != "" {
		fix = fmt.Sprintf("write %s = %s", key, n)
	}
	return &Finding{
		Line: line, Column: col, Construct: ConstructOffsetNotInt,
		Msg:    "server.offset is " + what,
		Effect: EffectNFE,
		Fix:    fix,
	}
}

// suggest returns the whole number a value that is not one plainly means:
// 2 for 2.0 or " 2 ", or "" when there is none.
func suggest(n *unstable.Node, raw string) string {
	s := raw
	if n.Kind == unstable.String {
		s = strings.TrimSpace(string(n.Data))
	}
	s = strings.ReplaceAll(s, "_", "")
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) <= math.MaxInt32 {
		return strconv.FormatInt(int64(f), 10)
	}
	return ""
}

// offsetFinding appends the finding on server.offset, if any, in its place
// in the order of the file.
func (c *checker) offsetFinding() {
	var f *Finding
	switch {
	case c.offset != nil:
		f = c.offset.f
	case c.offsetTable >= 0:
		line, col := c.position(c.offsetTable)
		f = &Finding{
			Line: line, Column: col, Construct: ConstructOffsetNotInt,
			Msg:    "server.offset is a table (it holds " + c.offsetKey + ")",
			Effect: EffectNFE,
			Fix:    "write offset = 1 under [server], with a whole number, instead of a table",
		}
	}
	if f == nil {
		return
	}
	i := len(c.findings)
	for i > 0 && (c.findings[i-1].Line > f.Line || c.findings[i-1].Line == f.Line && c.findings[i-1].Column > f.Column) {
		i--
	}
	c.findings = append(c.findings[:i], append([]Finding{*f}, c.findings[i:]...)...)
}

func (c *checker) offsetValue() (OffsetValue, *Finding) {
	switch {
	case c.offset != nil:
		return c.offset.v, c.offset.f
	case c.offsetTable >= 0:
		for _, f := range c.findings {
			if f.Construct == ConstructOffsetNotInt {
				line, col := c.position(c.offsetTable)
				return OffsetValue{Set: true, Line: line, Column: col}, &f
			}
		}
	}
	return OffsetValue{}, nil
}

// cavaInteger reads a TOML integer as cava-toml's ValueVisitor does:
// underscores dropped, then Long.valueOf in base 16, 8, 2 or 10.
func cavaInteger(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	base := 10
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x':
			base = 16
		case 'o':
			base = 8
		case 'b':
			base = 2
		}
		if base != 10 {
			s = s[2:]
		}
	}
	return strconv.ParseInt(s, base, 64)
}

// scanValueEnd returns the offset just past the array or inline table that
// starts at start, skipping strings and comments.
func scanValueEnd(src []byte, start int) int {
	depth := 0
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case '"', '\'':
			q := src[i]
			triple := i+2 < len(src) && src[i+1] == q && src[i+2] == q
			if triple {
				i += 3
				for i+2 < len(src) && !(src[i] == q && src[i+1] == q && src[i+2] == q) {
					if q == '"' && src[i] == '\\' {
						i++
					}
					i++
				}
				i += 2
				continue
			}
			for i++; i < len(src) && src[i] != q && src[i] != '\n'; i++ {
				if q == '"' && src[i] == '\\' {
					i++
				}
			}
		}
	}
	return len(src)
}

// article puts "a" or "an" before a type name.
func article(t string) string {
	if strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}
