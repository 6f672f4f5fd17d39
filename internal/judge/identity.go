package judge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apim-offset/apim-offset/internal/wso2"
)

// packFiles are files of an Identity Server pack that no start touches
// and an operator seldom edits: their time is the pack's, as unzipped.
var packFiles = []string{"bin/version.txt", "bin/wso2server.sh"}

// startSlack is how much later than the pack's files a database file must
// have been written to tell that a server opened it: the pack's own
// database files are built before the pack is assembled.
const startSlack = time.Minute

// HasRun tells whether the Identity Server in home has started before, by
// what only a start leaves: wso2carbon.pid, which kernel Main writes at
// each start (wso2/carbon-kernel v4.10.0
// core/org.wso2.carbon.server/src/main/java/org/wso2/carbon/server/Main.java);
// a log with content under repository/logs; or a file under
// repository/database written after the pack's own files. The pack itself
// ships H2 databases (product-is v7.1.0
// modules/distribution/src/assembly/bin.xml and pom.xml; v5.9.0-v5.11.0
// also jpadb.mv.db and WSO2METRICS_DB.mv.db), so that a database file
// exists tells nothing. It returns the path, relative to home, that tells.
func HasRun(home string) (string, bool) {
	if info, err := os.Lstat(filepath.Join(home, "wso2carbon.pid")); err == nil && info.Mode().IsRegular() {
		return "wso2carbon.pid", true
	}
	if entries, err := os.ReadDir(filepath.Join(home, "repository", "logs")); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Size() > 0 && strings.Contains(e.Name(), ".log") {
				return "repository/logs/" + e.Name(), true
			}
		}
	}
	var pack time.Time
	for _, f := range packFiles {
		if info, err := os.Lstat(filepath.Join(home, filepath.FromSlash(f))); err == nil {
			pack = info.ModTime()
			break
		}
	}
	if pack.IsZero() {
		return "", false // nothing tells the pack's time
	}
	entries, _ := os.ReadDir(filepath.Join(home, "repository", "database"))
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().After(pack.Add(startSlack)) {
			return "repository/database/" + e.Name(), true
		}
	}
	return "", false
}

// storedCallbackURLs warns that an Identity Server that has run keeps the
// callback URLs of its Console and My Account apps, and its resident
// identity provider's issuer, with the port it had then: after a change of
// offset, login fails with "Registered callback does not match"
// (wso2/product-is#10514, #7588, #12961, #14602, #16887, #13233). The fix
// depends on the version (storedURLsFix).
func (c *checker) storedCallbackURLs() {
	if !c.srv.Product.StoresCallbackURLs || c.srv.Home == "" {
		return
	}
	if was := c.srv.Was; was != nil && *was == c.fileOffset {
		return // set left the offset as it was: no port changed
	}
	evidence, ran := HasRun(c.srv.Home)
	if !ran {
		return
	}
	https, _ := c.srv.Product.ByRole(wso2.ServletHTTPS)
	port := https.Effective(c.runOffset)
	fix := storedURLsFix(c.srv.Product.CallbackURLConfig, port)
	if c.srv.Version.Fallback && c.srv.Product.CallbackURLConfig {
		// The version is not known: the current table's fix, and the
		// older one.
		fix += "; before Identity Server 7.0: " + storedURLsFix(false, port)
	}
	c.add(Finding{Severity: Warning, Check: "identity-server-state", Code: ISStoredURLs, File: filepath.Join(c.srv.Home, filepath.FromSlash(evidence)),
		Message: "this Identity Server has run before: its database keeps the Console and My Account callback URLs and the resident identity provider's issuer with the port it had then; if the offset changed since, login to the Console fails with \"Registered callback does not match\"",
		Fix:     fix})
}

// storedURLsFix is what to do once an Identity Server that has run gets
// another port, on a version with wso2.Product.CallbackURLConfig or not. From 7.0 the callback URLs follow [console] callback_url
// and [myaccount] callback_url in deployment.toml (wso2/identity-apps PR
// #5162; wso2/product-is#25948: the management console is no longer the
// way). Before, WSO2's advice is to make the system apps editable and
// change them in the management console (wso2/product-is#7588, #10514);
// read_only_apps = [] leaves every system app editable until it is taken
// out again (wso2/product-is#17431).
func storedURLsFix(callbackURLConfig bool, port int) string {
	if callbackURLConfig {
		url := func(app string) string {
			return fmt.Sprintf(`"regexp=(https://localhost:%[1]d/%[2]s|https://localhost:%[1]d/t/(.*)/%[2]s|https://localhost:%[1]d/%[2]s/login|https://localhost:%[1]d/t/(.*)/%[2]s/login)"`, port, app)
		}
		return fmt.Sprintf("add to deployment.toml [console] callback_url = %s and [myaccount] callback_url = %s, and restart; or start from a fresh database", url("console"), url("myaccount"))
	}
	return fmt.Sprintf("make the system apps editable ([system_applications] read_only_apps = [] in deployment.toml), restart, "+
		"and in the management console (https://localhost:%d/carbon) change the Console and My Account service providers' callback URLs "+
		"and the resident identity provider's issuer (OAuth2/OpenID Connect) to port %d; then take read_only_apps = [] out again, as it leaves every system app editable; or start from a fresh database", port, port)
}
