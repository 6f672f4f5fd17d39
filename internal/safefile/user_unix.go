//go:build unix

package safefile

import (
	"os/user"
	"strconv"
)

// lookupUser is the name of user uid, or "" when it has none.
func lookupUser(uid int) string {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return ""
	}
	return u.Username
}
