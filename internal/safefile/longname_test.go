package safefile_test

import (
	"strings"
	"testing"

	"github.com/apim-offset/apim-offset/internal/safefile"
)

// TestLongName: a file whose name is as long as a name may be (255
// bytes, NAME_MAX) is replaced, with a backup, by a rename and checked
// first: the temporary and backup names are cut to fit, and named after
// it still.
func TestLongName(t *testing.T) {
	for _, name := range []string{
		strings.Repeat("d", 255-len(".toml")) + ".toml",
		strings.Repeat("é", 125) + ".toml", // 255 bytes, two to a letter: cut between letters
		strings.Repeat("d", 200) + ".toml",
	} {
		dir := t.TempDir()
		path := write(t, dir, name, oldBytes, 0o644)
		f, err := safefile.Open(path, safefile.Options{})
		if err != nil {
			t.Fatalf("%d bytes: %v", len(name), err)
		}
		if err := f.Prepare([]byte(newBytes)); err != nil {
			t.Errorf("%d bytes: Prepare: %v", len(name), err)
		}
		res, err := f.Replace([]byte(newBytes), safefile.ReplaceOptions{Backup: true})
		f.Close()
		if err != nil {
			t.Fatalf("%d bytes: Replace: %v", len(name), err)
		}
		if got := readFile(t, path); got != newBytes {
			t.Errorf("%d bytes: not replaced", len(name))
		}
		if got := readFile(t, res.Backup); got != oldBytes {
			t.Errorf("%d bytes: the backup does not hold the old bytes", len(name))
		}
		n := names(t, dir)
		if len(n) != 2 {
			t.Errorf("%d bytes: the folder holds %q", len(name), n)
		}
		t.Logf("%d bytes: backup %d bytes", len(name), len(res.Backup)-len(dir)-1)
	}
}
