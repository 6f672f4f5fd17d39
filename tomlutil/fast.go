package tomlutil

import (
	"github.com/pelletier/go-toml/v2/unstable"
)

// fast reads view in one pass of go-toml's parser: its values as go-toml's
// decoder gives them (map[string]any, []any, string, int64, float64, bool,
// time.Time, toml.LocalDate, toml.LocalTime, toml.LocalDateTime), its
// duplicate keys and tables refused by the rules of go-toml's tracker, and,
// when doc is not nil, its layout added to doc (Tables, Entries, Comments),
// as Parse's second pass did.
//
// It gives no errors of its own: ok is false whenever it finds anything
// wrong (a syntax error, a key or table defined twice, a value that does
// not convert, an inline table extended later), and the caller then asks
// go-toml's decoder, whose answer (its error, with its words and its
// line:col, or the extended inline table read as WSO2 reads it) stays the
// one the callers see. What fast accepts, go-toml's decoder accepts too,
// with the same values: FuzzDecodeSame and TestDecodeSameCorpus compare
// them.
//
// Why not go-toml's decoder: its tracker looks each key up among all the
// keys seen before, which costs headers x names (1.8x linear from 60 KB to
// 600 KB of real content); here each lookup is one map access. And it
// saves the second parse Parse made for the layout.
func fast(view []byte, doc *Document) (values map[string]any, ok bool) {
	p := unstable.Parser{KeepComments: doc != nil}
	p.Reset(view)
	names := names{}
	t := tracker{names: names}
	t.reset(len(view) / 64) // a key or header in about every 64 bytes of a real file
	root := map[string]any{}
	cur := root
	table := -1 // the index in doc.Tables of the table being read
	var parts [][]byte
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts = keyParts(n, parts[:0])
			if n.Kind == unstable.ArrayTable {
				first, ok := t.checkArrayTable(parts)
				if !ok {
					return nil, false
				}
				cur = arrayTableParts(root, parts, first, names)
			} else {
				if !t.checkTable(parts) {
					return nil, false
				}
				cur = tableParts(root, parts, names)
			}
			if doc != nil {
				doc.addTable(n, n.Kind == unstable.ArrayTable, names)
				table = len(doc.Tables) - 1
			}
		case unstable.KeyValue:
			parts = keyParts(n, parts[:0])
			leaf, ok := t.checkKeyValue(t.current, parts)
			if !ok || !t.checkValue(leaf, n.Value()) {
				return nil, false
			}
			v, ok := decodeAny(n.Value(), names)
			if !ok {
				return nil, false
			}
			m := cur
			for _, k := range parts[:len(parts)-1] {
				m = childTable(m, names.of(k))
			}
			m[names.of(parts[len(parts)-1])] = v
			if doc != nil {
				var prefix []string
				if table >= 0 {
					prefix = doc.Tables[table].Key
				}
				doc.addEntry(n, table, -1, prefix, names)
			}
		case unstable.Comment:
			if doc != nil {
				start := int(n.Raw.Offset)
				line := LineAt(doc.Src, start)
				if isBlank(doc.Src[line.Start:start]) {
					doc.Comments = append(doc.Comments, Comment{Table: table, Text: span(n.Raw), Line: line})
				}
			}
		}
	}
	if p.Error() != nil {
		return nil, false
	}
	return root, true
}

// keyParts appends the decoded parts of n's key to parts.
func keyParts(n *unstable.Node, parts [][]byte) [][]byte {
	it := n.Key()
	for it.Next() {
		parts = append(parts, it.Node().Data)
	}
	return parts
}

// decodeAny converts a value node as go-toml's decoder does into an
// interface{} (its decodeAny); ok is false when a scalar does not convert.
func decodeAny(n *unstable.Node, names names) (any, bool) {
	switch n.Kind {
	case unstable.String:
		return string(n.Data), true
	case unstable.Integer:
		i, err := parseInteger(n.Data)
		return i, err == nil
	case unstable.Float:
		f, err := parseFloat(n.Data)
		return f, err == nil
	case unstable.Bool:
		return n.Data[0] == 't', true
	case unstable.Array:
		count := 0
		for it := n.Children(); it.Next(); {
			if it.Node().Kind != unstable.Comment {
				count++
			}
		}
		out := make([]any, 0, count)
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			v, ok := decodeAny(c, names)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case unstable.InlineTable:
		m := map[string]any{}
		it := n.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			cur := m
			key := kv.Key()
			for key.Next() {
				name := names.of(key.Node().Data)
				if key.IsLast() {
					v, ok := decodeAny(kv.Value(), names)
					if !ok {
						return nil, false
					}
					cur[name] = v
					break
				}
				cur = childTable(cur, name)
			}
		}
		return m, true
	case unstable.DateTime:
		t, err := parseDateTime(n.Data)
		return t, err == nil
	case unstable.LocalDateTime:
		dt, rest, err := parseLocalDateTime(n.Data)
		return dt, err == nil && len(rest) == 0
	case unstable.LocalDate:
		d, err := parseLocalDate(n.Data)
		return d, err == nil
	case unstable.LocalTime:
		t, rest, err := parseLocalTime(n.Data)
		return t, err == nil && len(rest) == 0
	}
	return nil, false
}

// childTable is the table at name in cur, made when there is none; the
// last element when an array of tables is there (go-toml's anyChildTable).
func childTable(cur map[string]any, name string) map[string]any {
	switch v := cur[name].(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			if last, ok := v[len(v)-1].(map[string]any); ok {
				return last
			}
		}
	}
	m := map[string]any{}
	cur[name] = m
	return m
}

// tableParts is the table a [header] names, made as needed.
func tableParts(m map[string]any, parts [][]byte, names names) map[string]any {
	for _, p := range parts {
		m = childTable(m, names.of(p))
	}
	return m
}

// arrayTableParts appends a new element to the array of tables a
// [[header]] names and returns it (go-toml's anyArrayTableParts).
func arrayTableParts(m map[string]any, parts [][]byte, first bool, names names) map[string]any {
	for _, p := range parts[:len(parts)-1] {
		m = childTable(m, names.of(p))
	}
	name := names.of(parts[len(parts)-1])
	s, _ := m[name].([]any)
	if first {
		s = s[:0]
	}
	elem := map[string]any{}
	m[name] = append(s, elem)
	return elem
}

// The kinds of what the tracker has seen, as go-toml's tracker has them.
type seenKind uint8

const (
	valueKind      seenKind = iota + 1 // a scalar, array or inline table: cannot be extended
	kvTableKind                        // a table made by a dotted key
	tableKind                          // a table made by a [header], or on the way to one
	arrayTableKind                     // an array of tables
	anonymousKind                      // an element of an array, never looked up by name
)

type seen struct {
	kind     seenKind
	explicit bool    // a tableKind made by its own header
	name     string  // "" for anonymousKind
	children []int32 // an arrayTableKind's: what was made under it, for clear
}

type seenKey struct {
	parent int32
	name   string
}

// tracker is go-toml v2.4.3's SeenTracker (internal/tracker/seen.go) with
// its rules unchanged and one difference: a key is looked up in a map of
// (parent, name), not among all the entries seen before. clear removes the
// children of an array table from that map instead of from the entries;
// their own children can no longer be reached, as there.
type tracker struct {
	entries []seen
	index   map[seenKey]int32
	current int32
	names   names
}

// reset starts the tracker with room for about n keys.
func (t *tracker) reset(n int) {
	t.entries = append(make([]seen, 0, n+1), seen{kind: tableKind})
	t.index = make(map[seenKey]int32, n)
	t.current = 0
}

func (t *tracker) find(parent int32, name []byte) int32 {
	if i, ok := t.index[seenKey{parent, string(name)}]; ok {
		return i
	}
	return -1
}

func (t *tracker) create(parent int32, name []byte, kind seenKind, explicit bool) int32 {
	id := int32(len(t.entries))
	e := seen{kind: kind, explicit: explicit}
	if kind != anonymousKind {
		e.name = t.names.of(name)
		t.index[seenKey{parent, e.name}] = id
	}
	t.entries = append(t.entries, e)
	if t.entries[parent].kind == arrayTableKind { // only an array table's are cleared
		t.entries[parent].children = append(t.entries[parent].children, id)
	}
	return id
}

// clear makes the descendants of id unreachable: a new element of an
// array of tables starts empty.
func (t *tracker) clear(id int32) {
	for _, c := range t.entries[id].children {
		if e := &t.entries[c]; e.kind != anonymousKind {
			delete(t.index, seenKey{id, e.name})
		}
	}
	t.entries[id].children = t.entries[id].children[:0]
}

// parentTables walks the parts of a header but the last, as checkTable
// and checkArrayTable do; ok is false when one is a value.
func (t *tracker) parentTables(parts [][]byte) (int32, bool) {
	parent := int32(0)
	for _, name := range parts[:len(parts)-1] {
		i := t.find(parent, name)
		if i < 0 {
			i = t.create(parent, name, tableKind, false)
		} else {
			switch t.entries[i].kind {
			case tableKind, arrayTableKind, kvTableKind:
			default:
				return 0, false // "key %s already exists as a value"
			}
		}
		parent = i
	}
	return parent, true
}

// checkTable is the tracker's check of a [table] header.
func (t *tracker) checkTable(parts [][]byte) bool {
	parent, ok := t.parentTables(parts)
	if !ok {
		return false
	}
	name := parts[len(parts)-1]
	i := t.find(parent, name)
	if i < 0 {
		t.current = t.create(parent, name, tableKind, true)
		return true
	}
	e := &t.entries[i]
	if e.kind != tableKind || e.explicit {
		return false // already exists (as a table, a dotted key's, an array of tables), or a value
	}
	e.explicit = true
	t.current = i
	return true
}

// checkArrayTable is the tracker's check of a [[table]] header; first tells
// that it is the first.
func (t *tracker) checkArrayTable(parts [][]byte) (first, ok bool) {
	parent, ok := t.parentTables(parts)
	if !ok {
		return false, false
	}
	name := parts[len(parts)-1]
	i := t.find(parent, name)
	if i < 0 {
		t.current = t.create(parent, name, arrayTableKind, true)
		return true, true
	}
	if t.entries[i].kind != arrayTableKind {
		return false, false
	}
	t.clear(i)
	t.current = i
	return false, true
}

// checkKeyValue is the tracker's check of a (dotted) key under parent; it
// returns the leaf's id.
func (t *tracker) checkKeyValue(parent int32, parts [][]byte) (int32, bool) {
	for _, name := range parts[:len(parts)-1] {
		i := t.find(parent, name)
		if i < 0 {
			i = t.create(parent, name, kvTableKind, false)
		} else if t.entries[i].kind != kvTableKind {
			return -1, false // "key %s is already defined"
		}
		parent = i
	}
	name := parts[len(parts)-1]
	if t.find(parent, name) >= 0 {
		return -1, false
	}
	return t.create(parent, name, valueKind, false), true
}

// checkValue checks the keys of inline tables in a value, in arrays too.
func (t *tracker) checkValue(id int32, v *unstable.Node) bool {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			var parts [][]byte
			parts = keyParts(kv, parts)
			leaf, ok := t.checkKeyValue(id, parts)
			if !ok || !t.checkValue(leaf, kv.Value()) {
				return false
			}
		}
	case unstable.Array:
		it := v.Children()
		for it.Next() {
			e := it.Node()
			if e.Kind == unstable.InlineTable || e.Kind == unstable.Array {
				if !t.checkValue(t.create(id, nil, anonymousKind, false), e) {
					return false
				}
			}
		}
	}
	return true
}

// names holds one string for each key name of a document: its values,
// its layout and the tracker share them instead of making one each.
type names map[string]string

// of is b as a string, made once for the document; nil names make a new
// one each time.
func (n names) of(b []byte) string {
	if s, ok := n[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	if n != nil {
		n[s] = s
	}
	return s
}
