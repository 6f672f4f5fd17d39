// Package lazyregexp compiles a package-level regular expression the first
// time it is used, not when the program starts: most runs of apim-offset
// never need most of them, and compiling them all costs start-up time.
package lazyregexp

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr on its first call and returns
// the same *regexp.Regexp on every call; it panics, as regexp.MustCompile
// does, if expr does not compile. Declare it at package level:
//
//	var keyRE = lazyregexp.New(`^\w+`)
//	...
//	keyRE().MatchString(s)
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
