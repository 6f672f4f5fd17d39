package lazyregexp_test

import (
	"testing"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
)

func TestNew(t *testing.T) {
	re := lazyregexp.New(`^a+b$`)
	first := re()
	if !first.MatchString("aab") || first.MatchString("ba") {
		t.Errorf("%v matches wrongly", first)
	}
	if re() != first {
		t.Errorf("a second call compiled again")
	}
}

func TestNewPanicsOnUse(t *testing.T) {
	re := lazyregexp.New(`(`) // declaring it does not compile it
	defer func() {
		if recover() == nil {
			t.Errorf("no panic for an expression that does not compile")
		}
	}()
	re()
}
