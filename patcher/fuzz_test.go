package patcher_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/patcher"
	"github.com/apim-offset/apim-offset/tomlutil"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// plain reads a file as plain TOML, whatever markup it holds.
var plain = &patcher.Options{Format: patcher.Plain}

// FuzzSet checks Set's promises on any plain TOML input: it never panics or modifies
// its input; what it accepts comes out decoding to the same values with
// server.offset = n, keeping the BOM, line-ending style and final newline;
// and setting n again changes nothing.
func FuzzSet(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte("server.offset.x = 1\n"), uint16(3))
	f.Add([]byte("[[server]]\n"), uint16(3))
	f.Fuzz(func(t *testing.T, in []byte, n16 uint16) {
		n := int(n16)
		keep := bytes.Clone(in)
		res, err := patcher.Set(in, n, plain)
		if !bytes.Equal(in, keep) {
			t.Fatal("Set modified its input")
		}
		// Auto reads it as plain TOML or as a template, as one of the
		// two formats does.
		auto, aerr := patcher.Set(in, n, nil)
		tmpl, terr := patcher.Set(in, n, &patcher.Options{Format: patcher.Template})
		if !(fmt.Sprint(aerr) == fmt.Sprint(err) && bytes.Equal(auto.Output, res.Output) ||
			fmt.Sprint(aerr) == fmt.Sprint(terr) && bytes.Equal(auto.Output, tmpl.Output)) {
			t.Fatalf("Auto gives %v, Plain %v, Template %v", aerr, err, terr)
		}
		if errors.Is(err, patcher.ErrVerify) {
			t.Fatalf("Set's check of its own result failed: %v\n%q", err, in)
		}
		if err != nil {
			return
		}
		out := res.Output
		_, inBody := tomlutil.SplitBOM(in)
		_, outBody := tomlutil.SplitBOM(out)
		vin, err := tomlutil.Decode(inBody)
		if err != nil {
			t.Fatalf("Set accepted input that does not decode: %v", err)
		}
		vout, err := tomlutil.Decode(outBody)
		if err != nil {
			t.Fatalf("output does not decode: %v\n%q", err, out)
		}
		// The server runs at n: the file sets it, or sets none and n is the
		// default, 0 here (already so: nothing added).
		if cur, err := offsetOf(out, plain); err != nil || cur.Offset != n || cur.Source != patcher.SourceSet && (n != 0 || res.Changed) {
			t.Fatalf("Get(output) = %+v, %v; want %d set\n%q", cur, err, n, out)
		}
		if d := cmp.Diff(withoutOffset(vin), withoutOffset(vout), cmpopts.EquateNaNs()); d != "" {
			t.Fatalf("other values changed (-in +out):\n%s", d)
		}
		if res.Changed == bytes.Equal(in, out) {
			t.Fatalf("Changed = %v but input and output equal = %v", res.Changed, bytes.Equal(in, out))
		}
		if bytes.HasPrefix(out, []byte("\ufeff")) != bytes.HasPrefix(in, []byte("\ufeff")) ||
			len(inBody) > 0 && bytes.HasSuffix(out, []byte("\n")) != bytes.HasSuffix(in, []byte("\n")) {
			t.Fatalf("BOM or final newline changed:\n%q\n%q", in, out)
		}
		// A bare CR (in a comment, which WSO2's parser reads; not TOML
		// 1.0) is the comment's: a line added after it pairs it with the
		// LF, as any text would.
		bareCR := bytes.Count(in, []byte("\r")) != bytes.Count(in, []byte("\r\n"))
		if !bareCR && (!bytes.Contains(in, []byte("\n")) || bytes.Count(in, []byte("\r\n")) == bytes.Count(in, []byte("\n"))) {
			// A file with one line-ending style keeps it.
			if bytes.Count(out, []byte("\r\n")) != 0 && bytes.Count(out, []byte("\r\n")) != bytes.Count(out, []byte("\n")) {
				t.Fatalf("mixed line endings in the output:\n%q\n%q", in, out)
			}
		}
		// Nothing but the old value or the '#' goes: the bytes the output
		// drops from the input (between their common prefix and suffix)
		// hold no line break, so no line or comment is lost, unless they
		// are part of a multi-line value that was replaced.
		dropped := droppedBytes(in, out)
		if bytes.ContainsAny(dropped, "\r\n") && !(res.Action == patcher.Replaced && strings.Contains(res.From.Raw, string(dropped))) {
			t.Fatalf("the edit removed a line break: dropped %q\n%q\n%q", dropped, in, out)
		}
		again, err := patcher.Set(out, n, plain)
		if err != nil || again.Changed {
			t.Fatalf("second Set: changed %v, error %v\n%q", again.Changed, err, out)
		}
	})
}

// FuzzSetShiftLiterals checks Set with API Manager's literal ports: it
// never panics or modifies its input, what it accepts decodes with
// server.offset = n, every moved port is its default plus n, and a second
// run changes nothing.
func FuzzSetShiftLiterals(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte, n16 uint16) {
		n := int(n16)
		keep := bytes.Clone(in)
		res, err := patcher.Set(in, n, &patcher.Options{ShiftLiterals: apimPorts})
		if !bytes.Equal(in, keep) {
			t.Fatal("Set modified its input")
		}
		if errors.Is(err, patcher.ErrVerify) {
			t.Fatalf("Set's check of its own result failed: %v\n%q", err, in)
		}
		if err != nil {
			return
		}
		if cur, err := offsetOf(res.Output, nil); err != nil || cur.Offset != n {
			t.Fatalf("Get(output) = %+v, %v; want %d\n%q", cur, err, n, res.Output)
		}
		for _, s := range res.Shifted {
			if s.To != s.Default+n {
				t.Fatalf("%s moved to %d, want %d + %d", s.URL, s.To, s.Default, n)
			}
		}
		again, err := patcher.Set(res.Output, n, &patcher.Options{ShiftLiterals: apimPorts})
		if err != nil || again.Changed {
			t.Fatalf("second Set: changed %v, error %v\n%q", again.Changed, err, res.Output)
		}
	})
}

// droppedBytes returns what of a is not in b's common prefix and suffix
// with it: the bytes an edit from a to b removed.
func droppedBytes(a, b []byte) []byte {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	q := 0
	for q < len(a)-p && q < len(b)-p && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	return a[p : len(a)-q]
}

// addGoldenSeeds seeds f with every golden case's input and offset.
func addGoldenSeeds(f *testing.F) {
	for _, c := range readGoldens(f) {
		f.Add(c.input, uint16(c.n))
	}
}

// FuzzSetTemplate checks template mode: it never panics or modifies its
// input; masking always restores the input byte for byte; what it accepts
// reads back with offset n, keeps the input's line breaks, and a second run
// changes nothing.
func FuzzSetTemplate(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte("[server]\n{{- if .x }}\noffset = {{ .o }}\n{{- else }}\nhostname = \"h\"\n{{- end }}\n"), uint16(4))
	f.Add([]byte("a =[{% for u in l %}\"{{ u }}\"{% if not loop.last %},{% endif %}{% endfor %}]\n[server]\n"), uint16(1))
	f.Fuzz(func(t *testing.T, in []byte, n16 uint16) {
		n := int(n16)
		keep := bytes.Clone(in)
		if m, err := tmplmask.Mask(in); err == nil && !bytes.Equal(m.Restore(m.Text), in) {
			t.Fatalf("Restore(Mask(in)) != in:\n%q\n%q", in, m.Restore(m.Text))
		}
		opt := patcher.Options{Format: patcher.Template}
		res, err := patcher.Set(in, n, &opt)
		if !bytes.Equal(in, keep) {
			t.Fatal("Set modified its input")
		}
		if errors.Is(err, patcher.ErrVerify) {
			t.Fatalf("Set's check of its own result failed: %v\n%q", err, in)
		}
		if err != nil {
			return
		}
		if cur, err := offsetOf(res.Output, &opt); err != nil || cur.Offset != n {
			t.Fatalf("Offset(output) = %+v, %v; want %d\n%q\n%q", cur, err, n, in, res.Output)
		}
		if dropped := droppedBytes(in, res.Output); bytes.ContainsAny(dropped, "\r\n") && !(res.Action == patcher.Replaced && strings.Contains(res.From.Raw, string(dropped))) {
			t.Fatalf("the edit removed a line break: dropped %q\n%q\n%q", dropped, in, res.Output)
		}
		again, err := patcher.Set(res.Output, n, &opt)
		if err != nil || again.Changed {
			t.Fatalf("second Set: changed %v, error %v\n%q", again.Changed, err, res.Output)
		}
	})
}
