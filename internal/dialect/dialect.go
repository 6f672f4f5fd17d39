// Package dialect finds what WSO2's own TOML parser does differently from
// go-toml in a deployment.toml: the constructs that go-toml v2 reads but that
// stop a WSO2 server at start-up.
//
// # WSO2's parser
//
// WSO2 does not read deployment.toml with go-toml. Its config-mapper
// (github.com/wso2/config-mapper, src/main/java/org/wso2/config/mapper/TomlParser.java,
// TomlParser.parse) parses the file with net.consensys.cava:cava-toml, which
// implements TOML 0.5.0, and stops on any error it reports. The cava-toml
// sources cited here are those of ConsenSys/cava v1.0, the code base loaded
// into github.com/apache/incubator-tuweni at commit 73e4230d7 ("Initial code
// load"), under toml/src/main/antlr/net/consensys/cava/toml/internal/ and
// toml/src/main/java/net/consensys/cava/toml/. WSO2 ships cava-toml 0.5.0, an
// earlier release of the same code: the rules below are read from that
// source, and agree with what the project saw a WSO2 server do with probe
// files.
//
// [Check] reports each construct with its place, what WSO2 does with it and
// the fix. [Offset] reads server.offset as WSO2 does: cava-toml's value
// rendered into carbon.xml, then read by Java's Integer.parseInt.
//
// # Positions
//
// Lines and columns are 1-based, columns in bytes, counted in the text after
// a UTF-8 byte order mark, as an editor shows them; the mark itself is at
// line 1, column 1.
//
// # Input
//
// Check is meant for text that go-toml accepts: it does not look for what
// go-toml refuses too (leading zeros, duplicate keys or tables, a bare CR).
// Given other text, it reports what it finds before the first syntax error,
// and never panics.
package dialect

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Finding is one construct WSO2's parser or server cannot take.
type Finding struct {
	Line, Column int    // where the construct is; see the package doc
	Construct    string // a stable id, one of the Construct* constants
	Msg          string // what is there, e.g. "array mixes integers and strings"
	Effect       string // what WSO2 does with it: one of the Effect* constants
	Fix          string // how to write it so that WSO2 takes it
}

func (f Finding) String() string {
	return fmt.Sprintf("%d:%d: %s: %s; %s", f.Line, f.Column, f.Msg, f.Effect, f.Fix)
}

// The constructs Check reports.
const (
	// A UTF-8 byte order mark: cava-toml's lexer has no rule for U+FEFF.
	ConstructBOM = "bom"
	// An array whose elements are not all of one type (MutableTomlArray.append).
	ConstructMixedArray = "mixed-array"
	// An inline table with a line break or a comment between its braces
	// (TomlLexer.g4: InlineTableNewLine and InlineTableComment leave the table).
	ConstructMultilineInlineTable = "multiline-inline-table"
	// A comma after the last key/value of an inline table
	// (TomlParser.g4: inlineTableValues : keyval (Comma keyval)*).
	ConstructInlineTrailingComma = "inline-trailing-comma"
	// \xHH and \e in a basic string or quoted key (QuotedStringVisitor.visitEscaped).
	ConstructEscapeX = "escape-x"
	ConstructEscapeE = "escape-e"
	// A raw tab in a basic string: TOML 0.5 requires it escaped
	// (TomlLexer.g4: BasicStringUnescaped excludes U+0000 to U+001F).
	ConstructTabInBasicString = "tab-in-basic-string"
	// A time, or the time of a date-time, without seconds
	// (TomlParser.g4: time : hour Colon minute Colon second ...).
	ConstructLocalTimeNoSeconds = "local-time-no-seconds"
	// More than 9 digits of fractional seconds (LocalTimeVisitor.visitSecondFraction).
	ConstructTimeFraction = "time-fraction-too-long"
	// An offset date-time ending in a lower-case z (TomlLexer.g4: Z : 'Z').
	ConstructLowercaseZ = "datetime-lowercase-z"
	// A date or time directly followed by ']', '}' or, in an array, ',' and
	// another value: cava-toml's lexer then loses track of the array
	// (TomlLexer.g4, DateMode: DateError, DateComma).
	ConstructDateTimeDelimiter = "datetime-delimiter"
	// A line break between an array element and the comma after it
	// (TomlParser.g4: arrayValues : arrayValue (Comma arrayValue)*).
	ConstructArrayNewlineBeforeComma = "array-newline-before-comma"
	// A float exponent with a leading zero, 1e05 (TomlLexer.g4: Exp : [eE] DecInt).
	ConstructExponentLeadingZero = "exponent-leading-zero"
	// A table created by a sub-table header, [a.x] or [[a.x]], and given its
	// own header [a] later (MutableTomlTable.createTable puts the table into
	// itself; TomlTable.keyPathSet then recurses without end).
	ConstructSubtableBeforeTable = "subtable-before-table"
	// server.offset holds a value Integer.parseInt cannot read.
	ConstructOffsetNotInt = "offset-not-int"
	// A multi-line string whose closing delimiter is followed by one or two
	// more quotes, """a"""" or '''a'''': TOML 1.0 ends it at the last three,
	// cava-toml's lexer at the first three, and the quotes left over start
	// a string it cannot end (TomlLexer.g4: MLBasicStringEnd : '"""' and
	// MLLiteralStringEnd : '\'\'\'' pop the string mode at once).
	ConstructMultilineQuotes = "multiline-string-quotes"
	// A float that is not zero but rounds to zero, 1e-400
	// (ValueVisitor.toDouble: "Float is too small").
	ConstructFloatTooSmall = "float-too-small"
	// A date-time whose zone offset is beyond -18:00 to +18:00
	// (ZoneOffsetVisitor: "Invalid zone offset", java.time.ZoneOffset).
	ConstructZoneOffset = "zone-offset-range"
	// A key of a value with a quote, ' or ", in one of its parts. config-mapper
	// writes each key path back as text (cava-toml Toml.joinKeyPath, which
	// quotes such a part with '"' and escapes ' as \'), turns '"' into '\''
	// (config-mapper TomlParser.parseToml: dottedKey.replaceAll("\"", "'"))
	// and reads it again with TomlTable.get, which throws
	// IllegalArgumentException("Invalid key: ...") from Parser.parseDottedKey.
	ConstructQuoteInKey = "quote-in-key"
)

// What WSO2 does.
const (
	// config-mapper's TomlParser.parse logs cava-toml's errors and throws
	// ConfigParserException("Error parsing deployment configuration").
	EffectRefuses = "WSO2 refuses to start (config-mapper: error parsing deployment configuration)"
	EffectCrashes = "WSO2 crashes at start-up (StackOverflowError in config-mapper)"
	EffectNFE     = "WSO2 stops with NumberFormatException"
	// config-mapper TomlParser.parseToml does not catch it.
	EffectInvalidKey = "WSO2 crashes at start-up (IllegalArgumentException \"Invalid key\" in config-mapper)"
)

// Check returns what in the deployment.toml src WSO2 cannot take, in the
// order of the file (a byte order mark first).
func Check(src []byte) []Finding {
	c := newChecker(src)
	c.run()
	return c.findings
}

// CheckTemplate is Check for a template, read with its placeholders masked:
// an offset that is a placeholder is whatever the template renders, so it
// is not judged.
func CheckTemplate(m *tmplmask.Masked) []Finding { return Unmasked(Check(m.Text), m) }

// Unmasked is found, what Check found in the template m's masked text,
// without the findings on a masked placeholder.
func Unmasked(found []Finding, m *tmplmask.Masked) []Finding {
	var out []Finding
	for _, f := range found {
		if f.Construct == ConstructOffsetNotInt && m.Masks(f.Msg) {
			continue
		}
		out = append(out, f)
	}
	return out
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// checker walks one document.
type checker struct {
	src      []byte // the text after the byte order mark
	bom      bool
	findings []Finding
	lines    []int // the offsets of src's line breaks, once a finding needs them

	tables *tables  // the tables cava-toml knows of, by key path
	header []string // the current table's key path
	// headerQuote is the part of the current header's key that holds a
	// quote, until a value under it makes that a finding.
	headerQuote *Finding
	underArray  bool // the current header is [[...]] or under one

	offset      *offsetAt // server.offset, when found
	offsetTable int       // where a key under server.offset makes it a table, or -1
	offsetKey   string    // that key, under server.offset
}

// tables are the tables cava-toml knows of, as a trie in one map: each is
// found from its parent's id and its key, so that a header of k parts
// costs k lookups, not k joined prefixes (a header of thousands of dotted
// parts stays linear in time and memory).
type tables struct {
	ids   map[tableKey]int32
	nodes []tableNode // by id; 0 is the root
}

type tableKey struct {
	parent int32
	key    string
}

// tableNode is one table.
type tableNode struct {
	known bool       // a header created or defined it
	state tableState // when known
	array bool       // a [[...]] header opened it
}

func newTables() *tables { return &tables{ids: map[tableKey]int32{}, nodes: []tableNode{{}}} }

// child returns the id of parent's sub-table key, adding it unknown when
// there is none, or, with fresh, always adding a new one in its place.
func (t *tables) child(parent int32, key string, fresh bool) int32 {
	k := tableKey{parent, key}
	if id, ok := t.ids[k]; ok && !fresh {
		return id
	}
	id := int32(len(t.nodes))
	t.nodes = append(t.nodes, tableNode{})
	t.ids[k] = id
	return id
}

// tableState is what cava-toml knows of a table: whether only a sub-table
// header created it so far, and where.
type tableState struct {
	implicit bool
	by       int    // offset of the header that created it
	byName   string // that header, as written
}

func newChecker(src []byte) *checker {
	c := &checker{src: src, tables: newTables(), offsetTable: -1}
	if bytes.HasPrefix(src, utf8BOM) {
		c.src, c.bom = src[len(utf8BOM):], true
	}
	// What WSO2 reads but go-toml's parser refuses (invalid UTF-8 in a
	// comment, a surrogate escape, ...) is read as tomlutil.Parse reads
	// it: substituted by bytes of the same length.
	c.src, _ = tomlutil.View(c.src)
	return c
}

func (c *checker) run() {
	if c.bom {
		c.findings = append(c.findings, Finding{
			Line: 1, Column: 1, Construct: ConstructBOM,
			Msg:    "the file starts with a UTF-8 byte order mark",
			Effect: EffectRefuses,
			Fix:    "save the file as UTF-8 without a byte order mark (BOM)",
		})
	}
	var p unstable.Parser
	p.Reset(c.src)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			c.tableHeader(e)
		case unstable.KeyValue:
			c.keyValue(e, c.header, !c.underArray)
		}
	}
	c.offsetFinding()
}

// add records a finding at byte off of c.src.
func (c *checker) add(off int, construct, msg, effect, fix string) {
	line, col := c.position(off)
	c.findings = append(c.findings, Finding{Line: line, Column: col, Construct: construct, Msg: msg, Effect: effect, Fix: fix})
}

// position converts byte offset off of c.src into a 1-based line and byte
// column. It finds the line among the line breaks, listed once: a file
// with many findings costs no scan from its start for each.
func (c *checker) position(off int) (line, col int) {
	if c.lines == nil {
		c.lines = []int{}
		for i, b := range c.src {
			if b == '\n' {
				c.lines = append(c.lines, i)
			}
		}
	}
	off = max(0, min(off, len(c.src)))
	n, _ := slices.BinarySearch(c.lines, off) // line breaks before off
	start := 0
	if n > 0 {
		start = c.lines[n-1] + 1
	}
	return n + 1, off - start + 1
}

// keyParts returns the decoded parts of the key starting at k, the offset
// of its first byte and the offset just past its last.
func keyParts(k *unstable.Node) (parts []string, start, end int) {
	start = -1
	for ; k != nil && k.Valid(); k = k.Next() {
		if k.Kind != unstable.Key {
			break
		}
		if start < 0 {
			start = int(k.Raw.Offset)
		}
		end = int(k.Raw.Offset + k.Raw.Length)
		parts = append(parts, string(k.Data))
	}
	return parts, start, end
}

// checkKeys looks at the quoted parts of a key for escapes cava-toml refuses.
func (c *checker) checkKeys(k *unstable.Node) {
	for ; k != nil && k.Valid() && k.Kind == unstable.Key; k = k.Next() {
		c.basicString(int(k.Raw.Offset), int(k.Raw.Offset+k.Raw.Length))
	}
}

// tableHeader records a [table] or [[array table]] header and finds a table
// given its own header after a sub-table header created it.
func (c *checker) tableHeader(e *unstable.Node) {
	first := e.Child()
	c.checkKeys(first)
	parts, start, end := keyParts(first)
	if start < 0 {
		return
	}
	array := e.Kind == unstable.ArrayTable
	open, written := c.headerText(start, end, array)
	c.header = parts // the current table, for the keys that follow
	c.underArray = c.defineTable(parts, open, written, array)
	c.headerQuote = nil
	if q := quotePart(first); q != nil {
		c.headerQuote = c.quoteInKey(q)
	}
	if array {
		// The array is a value of its own (TomlTable.keyPathSet lists it),
		// even with no key in its elements.
		c.reportHeaderQuote()
	}
}

// quotePart returns the first part of the key starting at k that holds a
// quote, or nil.
func quotePart(k *unstable.Node) *unstable.Node {
	for ; k != nil && k.Valid() && k.Kind == unstable.Key; k = k.Next() {
		if bytes.ContainsAny(k.Data, `'"`) {
			return k
		}
	}
	return nil
}

// quotedKey finds a quote in the key starting at k of the value v, or in the
// header of the table it is under. A value that is an empty inline table
// is no key path of its own (TomlTable.keyPathSet lists the paths of
// values, not of tables).
func (c *checker) quotedKey(k, v *unstable.Node) {
	if it := v.Children(); v.Kind == unstable.InlineTable && !it.Next() {
		return
	}
	c.reportHeaderQuote()
	if q := quotePart(k); q != nil {
		c.findings = append(c.findings, *c.quoteInKey(q))
	}
}

// reportHeaderQuote reports the quote in the current header's key, once.
func (c *checker) reportHeaderQuote() {
	if c.headerQuote != nil {
		c.findings = append(c.findings, *c.headerQuote)
		c.headerQuote = nil
	}
}

// quoteInKey is the finding on k, a key part that holds a quote.
func (c *checker) quoteInKey(k *unstable.Node) *Finding {
	raw := c.src[k.Raw.Offset : k.Raw.Offset+k.Raw.Length]
	q := "'"
	if bytes.IndexByte(k.Data, '"') >= 0 {
		q = `"`
	}
	line, col := c.position(int(k.Raw.Offset))
	return &Finding{Line: line, Column: col, Construct: ConstructQuoteInKey,
		Msg:    fmt.Sprintf("key %s holds a quote (%s), which config-mapper cannot read back", raw, q),
		Effect: EffectInvalidKey,
		Fix:    "name the key without ' or \" in it"}
}

// headerText finds the brackets around a header's key, which runs from
// start to end: the offset of its first bracket, and the header as written.
func (c *checker) headerText(start, end int, array bool) (open int, written string) {
	open = start
	for open > 0 && c.src[open-1] != '[' {
		open--
	}
	if array && open > 0 && c.src[open-1] == '[' {
		open--
	}
	open = max(open-1, 0)
	closeEnd := end
	for closeEnd < len(c.src) && c.src[closeEnd] != ']' {
		closeEnd++
	}
	closeEnd++
	if array {
		closeEnd++
	}
	return open, string(c.src[open:min(closeEnd, len(c.src))])
}

// defineTable records the table a header at open defines, and its parents,
// as cava-toml does; it finds a table given its own header after a
// sub-table header created it. It costs one lookup per part of the header.
// It returns whether the table is an array of tables or under one: under
// an array of tables, "server" is an element.
func (c *checker) defineTable(parts []string, open int, written string, array bool) (underArray bool) {
	// cava-toml's MutableTomlTable.ensureTable creates each missing parent
	// as an implicitly defined table, for [a.b] and [[a.b]] alike.
	t := c.tables
	id := int32(0)
	for _, p := range parts[:len(parts)-1] {
		id = t.child(id, p, false)
		n := &t.nodes[id]
		if !n.known {
			n.known, n.state = true, tableState{implicit: true, by: open, byName: written}
		}
		underArray = underArray || n.array
	}
	// A new element of an array of tables: the tables under it start
	// afresh, under a new id.
	id = t.child(id, parts[len(parts)-1], array)
	n := &t.nodes[id]
	if array {
		n.known, n.array = true, true
		return true
	}
	if n.known && n.state.implicit {
		line, _ := c.position(n.state.by)
		c.add(open, ConstructSubtableBeforeTable,
			fmt.Sprintf("table %s comes after its sub-table %s (line %d), which created it", written, n.state.byName, line),
			EffectCrashes,
			fmt.Sprintf("move %s and its keys above %s", written, n.state.byName))
	}
	n.known, n.state = true, tableState{}
	return underArray || n.array
}
