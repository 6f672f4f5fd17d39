package tomlutil

import "fmt"

// The bounds of [CheckLimits]. go-toml (v2.4.3) checks duplicate keys by
// searching, for each key or table it meets, every name recorded after the
// parent table, so its cost grows with the product of the number of names
// and the number of headers or keys that search them; the layout here and
// go-toml's parser recurse into nested values. These bounds keep that cost
// a small multiple of the document's size. They are 8 to 17 times the most
// found in the 143 real WSO2 files of the test corpus (deployment.toml
// files and Helm, Jinja and ERB templates of them, read as apim-offset reads
// them): 177 table headers, 1928 names, 61 keys under one header, and
// arrays and inline tables nested 1 deep (go run ./bench/limits FILE...).
//
// The bound on nesting is not from the corpus: WSO2 itself starts with
// values nested 300 deep (its parser, recursive, overflows its stack
// somewhere between 300 and 2000 in the probes run on config-mapper with
// cava-toml 0.5.0), so a tool that refused less deep would refuse files
// WSO2 starts with. The cost stays linear: MaxNames bounds the number of
// arrays, inline tables and keys, and each costs at most MaxDepth.
const (
	MaxHeaders      = 2048  // [table] and [[array table]] headers; 11.6 times 177
	MaxNames        = 16384 // keys, key parts, headers, arrays and inline tables; 8.5 times 1928
	MaxKeysPerTable = 1024  // key/value pairs after one header, those in inline tables included; 16.8 times 61
	MaxDepth        = 300   // nesting of arrays and inline tables in a value: as deep as WSO2 was seen to start with
)

// Counts are the numbers CheckLimits bounds, as a cheap scan of the bytes
// finds them. The scan errs towards counting more than a parser would: a
// '.' in a float counts as a name, like one in a dotted key.
type Counts struct {
	Headers      int // [table] and [[array table]] headers
	Names        int // each '=', '.' (outside strings and comments), header, array and inline table
	KeysPerTable int // the most '=' between two headers (or before the first)
	Depth        int // the deepest nesting of arrays and inline tables
}

// LimitError is a document whose structure crosses one of the bounds of
// CheckLimits, with the place where it did.
type LimitError struct {
	Line, Column int // 1-based; Column counts bytes
	Msg          string
}

func (e *LimitError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// CheckLimits returns a *LimitError when src has more table headers, names,
// keys under one header or nesting than the bounds above allow, or nil. It
// reads src once, without parsing it, so that a document too complex to
// parse in time linear in its size is refused at that cost. It reads
// strings (multi-line ones included) and comments as such, so that what
// they hold counts for nothing; in invalid TOML it counts what it can.
func CheckLimits(src []byte) error {
	_, err := scan(src, true)
	return err
}

// Count returns the numbers CheckLimits bounds.
func Count(src []byte) Counts {
	c, _ := scan(src, false)
	return c
}

// scan counts src's structure; with check, it stops at the first bound
// crossed and returns it.
func scan(src []byte, check bool) (Counts, error) {
	s := scanner{src: src, check: check}
	lineStart := true // only blanks since the last newline, outside any value
	for i := 0; i < len(src); {
		var err error
		switch b := src[i]; {
		case b == '\n':
			lineStart = s.depth == 0
			i++
			continue
		case b == ' ', b == '\t', b == '\r':
			i++
			continue
		case b == '#':
			i = skipComment(src, i)
			continue
		case b == '"', b == '\'':
			i = skipString(src, i)
		case b == '[' && lineStart:
			i, err = s.header(i)
		case b == '[', b == '{':
			err = s.open(i)
			i++
		case b == ']', b == '}':
			s.depth = max(s.depth-1, 0)
			i++
		case b == '=':
			err = s.key(i)
			i++
		case b == '.':
			s.c.Names++
			err = s.checkNames(i)
			i++
		default:
			i++
		}
		if err != nil {
			return s.c, err
		}
		lineStart = false
	}
	return s.c, nil
}

// scanner is what scan has counted so far.
type scanner struct {
	src   []byte
	check bool // stop at the first bound crossed
	c     Counts
	keys  int // '=' since the last header
	depth int // open arrays and inline tables
}

// over is the *LimitError at off when n crosses bound, with check; nil
// otherwise.
func (s *scanner) over(off int, n, bound int, what string) error {
	if !s.check || n <= bound {
		return nil
	}
	line, col := Position(s.src, off)
	return &LimitError{Line: line, Column: col, Msg: fmt.Sprintf("more than %d %s", bound, what)}
}

// checkNames checks the names counted so far, at off.
func (s *scanner) checkNames(off int) error {
	return s.over(off, s.c.Names, MaxNames, "names (keys, tables, arrays) in the file")
}

// overWithNames is over for n, then for the names counted so far.
func (s *scanner) overWithNames(off, n, bound int, what string) error {
	if err := s.over(off, n, bound, what); err != nil {
		return err
	}
	return s.checkNames(off)
}

// header counts the table header that starts at i and returns the offset
// just past it.
func (s *scanner) header(i int) (int, error) {
	s.c.Headers++
	s.c.Names++
	s.keys = 0
	if err := s.overWithNames(i, s.c.Headers, MaxHeaders, "table headers in the file"); err != nil {
		return i, err
	}
	i = skipHeader(s.src, i, &s.c.Names)
	return i, s.checkNames(i - 1)
}

// open counts the array or inline table opened at i.
func (s *scanner) open(i int) error {
	s.depth++
	s.c.Names++
	s.c.Depth = max(s.c.Depth, s.depth)
	return s.overWithNames(i, s.depth, MaxDepth, "arrays and inline tables nested in one another")
}

// key counts the '=' at i.
func (s *scanner) key(i int) error {
	s.keys++
	s.c.Names++
	s.c.KeysPerTable = max(s.c.KeysPerTable, s.keys)
	return s.overWithNames(i, s.keys, MaxKeysPerTable, "keys in one table")
}

// skipComment returns the offset of the newline that ends the comment at i,
// or the end of src.
func skipComment(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	return i
}

// skipString returns the offset just past the string that starts at i, with
// its quote. A one-line string ends at its line's end if it does not close
// before.
func skipString(src []byte, i int) int {
	q := src[i]
	basic := q == '"'
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q { // multi-line
		for j := i + 3; j < len(src); j++ {
			switch {
			case basic && src[j] == '\\':
				j++
			case src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q:
				j += 3
				for k := 0; k < 2 && j < len(src) && src[j] == q; k++ {
					j++ // up to two quotes may end the content
				}
				return j
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if basic {
				j++
			}
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

// skipHeader returns the offset just past the header that starts at i: its
// closing bracket, or the end of its line. Each '.' between its brackets,
// outside quoted parts, adds a name to *names.
func skipHeader(src []byte, i int, names *int) int {
	for j := i + 1; j < len(src); {
		switch src[j] {
		case '"', '\'':
			j = skipString(src, j)
			continue
		case '.':
			*names++
		case ']':
			if j+1 < len(src) && src[j+1] == ']' && j > i+1 && src[i+1] == '[' {
				return j + 2
			}
			return j + 1
		case '\n':
			return j
		}
		j++
	}
	return len(src)
}
