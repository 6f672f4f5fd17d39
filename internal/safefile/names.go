package safefile

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"
)

// nameMax is the longest file name most file systems take (NAME_MAX).
const nameMax = 255

// randomLen is the most digits CreateTemp adds to a prefix (a uint32).
const randomLen = 10

// backupInfix follows the temporary prefix in the name a backup is written
// under before it is renamed to NAME.bak.
const backupInfix = "bak-"

// tempPrefix is the start of the names of the temporary files made for
// the file name, ".NAME.apim-offset-", which removeStale looks for. For a
// name so long that a temporary name would not fit in NAME_MAX, NAME is
// cut and followed by "~" and a hash of the whole name, which keeps
// prefixes of two long names apart.
func tempPrefix(name string) string {
	p := "." + name + tempInfix
	if len(p)+len(backupInfix)+randomLen <= nameMax {
		return p
	}
	return "." + shorten(name, nameMax-1-len(tempInfix)-len(backupInfix)-randomLen) + tempInfix
}

// maxBackupSuffix is the longest suffix backupName adds:
// ".bak.20060102T150405.99999".
const maxBackupSuffix = len(".bak.20060102T150405.") + 5

// backupName is the name of the i-th try at a backup of the file name:
// NAME.bak, then NAME.bak.TIMESTAMP, then NAME.bak.TIMESTAMP.1 and on;
// NAME shortened as tempPrefix does when that would not fit NAME_MAX.
func backupName(name string, now func() time.Time, i int) string {
	if len(name)+maxBackupSuffix > nameMax {
		name = shorten(name, nameMax-maxBackupSuffix)
	}
	name += ".bak"
	if i > 0 {
		name += "." + now().Format("20060102T150405")
	}
	if i > 1 {
		name += "." + strconv.Itoa(i-1)
	}
	return name
}

// shorten cuts name to at most n bytes, ending in "~" and 8 hex digits of
// its hash, not in the middle of a UTF-8 sequence.
func shorten(name string, n int) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	tail := fmt.Sprintf("~%08x", h.Sum32())
	cut := n - len(tail)
	for cut > 0 && cut < len(name) && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + tail
}

// baseOf is the name of the file at path in its folder.
func baseOf(path string) string { return filepath.Base(path) }
