package safefile_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// TestWaitingForHolder: WaitingFor is told who holds the lock before
// Open waits for it, so that the caller can say whom it waits for; and
// the Error carries the Holder.
func TestWaitingForHolder(t *testing.T) {
	path := readableByNobody(t)
	pid, command := holdLockAsNobody(t, path)
	var got []safefile.Holder
	_, err := safefile.Open(path, safefile.Options{LockTimeout: 100 * time.Millisecond, WaitingFor: func(h safefile.Holder) { got = append(got, h) }})
	want := safefile.Holder{PID: pid, UID: nobody, User: "nobody", Command: command}
	if len(got) != 1 || got[0] != want {
		t.Errorf("WaitingFor got %+v, want once %+v", got, want)
	}
	var e *safefile.Error
	if !errors.As(err, &e) || e.Holder != want || e.PID != pid {
		t.Errorf("error %#v, want one with Holder %+v", err, want)
	}
	if s := want.String(); !strings.HasPrefix(s, fmt.Sprintf("process %d (", pid)) {
		t.Errorf("Holder.String() = %q", s)
	}
}
