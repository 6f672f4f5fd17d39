package safefile_test

import (
	"errors"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// linkErr is the link, target and owner an ErrForeignLink names.
func linkErr(err error) (link, target string, uid int) {
	var e *safefile.Error
	if !errors.As(err, &e) {
		return "", "", -1
	}
	return e.Link, e.Target, e.UID
}
