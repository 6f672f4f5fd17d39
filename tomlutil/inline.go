package tomlutil

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// extendedInline finds the inline tables of src that a later [table]
// header or dotted key adds to (see NotTOML10InlineExtended), and returns
// src with each top-level key/value pair that holds one written as dotted
// keys instead, which TOML 1.0 lets later headers and keys add to, and a
// Substitution for each header or key that adds to one. It returns nil
// when there is none, or when src does not parse.
//
// Only the values are meant to be read from the text it returns: its
// lines differ from src's.
func extendedInline(src []byte) ([]byte, []Substitution) {
	var p unstable.Parser
	p.Reset(src)
	root := &pathNode{}
	cur := root               // the current table
	flatten := map[int]bool{} // the offsets of the pairs to write as dotted keys
	var notes []Substitution
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			cur = root
			var extended *pathNode
			it := e.Key()
			var start, end int
			first := true
			for it.Next() {
				k := it.Node()
				if first {
					start, first = int(k.Raw.Offset), false
				}
				end = int(k.Raw.Offset + k.Raw.Length)
				if cur.inline != nil && extended == nil {
					extended = cur
				}
				cur = cur.child(string(k.Data))
			}
			if e.Kind == unstable.ArrayTable {
				cur.sub, cur.inline = nil, nil // a new element
			}
			if extended != nil {
				flatten[extended.inline.pair] = true
				notes = append(notes, extendedNote(Span{start, end}, extended, "["+string(src[start:end])+"]"))
			}
		case unstable.KeyValue:
			v := e.Value()
			pair := int(e.Raw.Offset)
			n, span, extended := walkKey(cur, v.Next())
			if extended != nil {
				flatten[extended.inline.pair] = true
				notes = append(notes, extendedNote(span, extended, "dotted key "+string(src[span.Start:span.End])))
			}
			if v.Kind == unstable.InlineTable {
				markInline(n, v, &inlineAt{pair: pair, line: lineOf(src, pair)})
			}
		}
	}
	if p.Error() != nil || len(notes) == 0 {
		return nil, nil
	}
	return writeFlat(src, flatten), notes
}

// pathNode is a table or key path seen so far, with its sub-paths.
type pathNode struct {
	sub    map[string]*pathNode
	inline *inlineAt // the inline table it is, or is inside of; nil when neither
}

// inlineAt is a top-level key/value pair whose value is an inline table.
type inlineAt struct {
	pair int // the offset of the pair
	line int // its line, for messages
}

func (n *pathNode) child(key string) *pathNode {
	if c, ok := n.sub[key]; ok {
		return c
	}
	if n.sub == nil {
		n.sub = map[string]*pathNode{}
	}
	c := &pathNode{}
	n.sub[key] = c
	return c
}

// walkKey follows the key that starts at k from n and returns the node
// of the whole key, the span of the key, and the first node before the
// last part that is an inline table, or nil.
func walkKey(n *pathNode, k *unstable.Node) (*pathNode, Span, *pathNode) {
	var extended *pathNode
	span := Span{-1, -1}
	for ; k != nil && k.Valid() && k.Kind == unstable.Key; k = k.Next() {
		if span.Start < 0 {
			span.Start = int(k.Raw.Offset)
		}
		span.End = int(k.Raw.Offset + k.Raw.Length)
		if n.inline != nil && extended == nil {
			extended = n
		}
		n = n.child(string(k.Data))
	}
	return n, span, extended
}

// markInline marks n, the path of the inline table v, and the paths of
// the inline tables nested in it, as inside the pair at.
func markInline(n *pathNode, v *unstable.Node, at *inlineAt) {
	n.inline = at
	it := v.Children()
	for it.Next() {
		kv := it.Node()
		if kv.Kind != unstable.KeyValue {
			continue
		}
		cv := kv.Value()
		c, _, _ := walkKey(n, cv.Next())
		if cv.Kind == unstable.InlineTable {
			markInline(c, cv, at)
		} else {
			c.inline = at
		}
	}
}

// extendedNote is the Substitution for by, the header or key what, which
// adds to the inline table n is in.
func extendedNote(by Span, n *pathNode, what string) Substitution {
	return Substitution{Span: by, Construct: NotTOML10InlineExtended,
		Msg: fmt.Sprintf("%s adds keys to the inline table of line %d", what, n.inline.line)}
}

func lineOf(src []byte, off int) int {
	line, _ := Position(src, off)
	return line
}

// writeFlat returns src with each top-level pair whose offset is in
// flatten, an inline table, written as one dotted key per value.
func writeFlat(src []byte, flatten map[int]bool) []byte {
	var out bytes.Buffer
	var p unstable.Parser
	p.Reset(src)
	prev := 0
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.KeyValue || !flatten[int(e.Raw.Offset)] {
			continue
		}
		out.Write(src[prev:e.Raw.Offset])
		var lines []string
		flatPairs(src, "", e, &lines)
		out.WriteString(strings.Join(lines, "\n"))
		prev = int(e.Raw.Offset + e.Raw.Length)
	}
	out.Write(src[prev:])
	return out.Bytes()
}

// flatPairs appends to lines the pair kv, under the dotted key prefix, as
// "key = value" lines: one per value of a non-empty inline table. An empty
// inline table at the top gives no line: the header or key that adds to it
// creates the table.
func flatPairs(src []byte, prefix string, kv *unstable.Node, lines *[]string) {
	v := kv.Value()
	span := Span{-1, -1}
	for k := v.Next(); k != nil && k.Valid() && k.Kind == unstable.Key; k = k.Next() {
		if span.Start < 0 {
			span.Start = int(k.Raw.Offset)
		}
		span.End = int(k.Raw.Offset + k.Raw.Length)
	}
	key := prefix + string(src[span.Start:span.End])
	if v.Kind == unstable.InlineTable {
		it := v.Children()
		some := false
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				some = true
				flatPairs(src, key+".", c, lines)
			}
		}
		if some || prefix == "" {
			return
		}
	}
	value := valueSpan(src, span.End, int(kv.Raw.Offset+kv.Raw.Length))
	*lines = append(*lines, key+" = "+string(src[value.Start:value.End]))
}
