package patcher_test

import (
	"errors"
	"fmt"

	"github.com/apim-offset/apim-offset/patcher"
)

// Set uncomments API Manager's "#offset=0" and changes nothing else.
func ExampleSet() {
	src := []byte("[server]\nhostname = \"localhost\"\n#offset=0\n\n[super_admin]\nusername = \"admin\"\n")
	res, err := patcher.Set(src, 2, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Action, res.Changed, "line", res.Line)
	fmt.Print(string(res.Output))
	// Output:
	// uncommented true line 3
	// [server]
	// hostname = "localhost"
	// offset=2
	//
	// [super_admin]
	// username = "admin"
}

// Setting the offset a file already has changes nothing: the output is the
// input itself.
func ExampleSet_unchanged() {
	src := []byte("[server]\noffset = 2\n")
	res, _ := patcher.Set(src, 2, nil)
	fmt.Println(res.Action, res.Changed)
	// Output: unchanged false
}

// A Helm template is patched with its placeholders kept; the offset's own
// placeholder gives way to the number, with a warning.
func ExampleSet_template() {
	src := []byte("[server]\nhostname = \"{{ .Values.host }}\"\noffset = {{ .Values.portOffset }}\n")
	res, err := patcher.Set(src, 3, &patcher.Options{Format: patcher.Template})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(res.Output))
	for _, w := range res.Warnings {
		fmt.Printf("%d:%d: %s\n", w.Line, w.Column, w.Msg)
	}
	// Output:
	// [server]
	// hostname = "{{ .Values.host }}"
	// offset = 3
	// 3:10: server.offset was {{ .Values.portOffset }}, which the template fills in when it is rendered; the number 3 replaces it
}

// Errors carry their place and a sentinel to test with errors.Is.
func ExampleSet_error() {
	_, err := patcher.Set([]byte("[server]\noffset = 1\noffset = 2\n"), 2, nil)
	var pe *patcher.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Line, pe.Column, pe.Msg)
	}
	fmt.Println(errors.Is(err, patcher.ErrDuplicate), errors.Is(err, patcher.ErrSyntax))
	// Output:
	// 3 1 key offset is already defined
	// true true
}

// A file is parsed once; its offset, what WSO2's parser refuses in it and
// its literal ports are questions asked of that one reading. A file that
// sets no offset leaves the server at its product's default.
func ExampleFile_Offset() {
	f, _ := patcher.Parse([]byte("[server]\n#offset=0\n"), patcher.Auto)
	cur, _ := f.Offset()
	fmt.Println(cur.Offset, cur.Source, "line", cur.Line)
	f, _ = patcher.Parse([]byte("[server]\noffset = \"7\"\n"), patcher.Auto)
	cur, _ = f.Offset()
	fmt.Println(cur.Offset, cur.Source, cur.Raw)
	// Output:
	// 0 commented line 2
	// 7 set "7"
}
