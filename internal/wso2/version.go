package wso2

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
)

// Version is a product version such as 4.5.0; the zero Version is unknown.
type Version struct{ Major, Minor, Patch int }

func (v Version) IsZero() bool { return v == Version{} }

func (v Version) String() string {
	if v.IsZero() {
		return "unknown"
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Less tells whether v comes before w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// ParseVersion reads "4.5.0" (or "4.5").
func ParseVersion(s string) (Version, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, false
		}
		n[i] = v
	}
	v := Version{n[0], n[1], n[2]}
	return v, !v.IsZero()
}

// packRE is a distribution's name, as its zip and its top folder are
// named: wso2am-4.5.0, wso2am-acp-4.5.0, wso2am-universal-gw-4.5.0 and
// wso2am-tm-4.5.0 (wso2/product-apim v4.5.0: each package's
// modules/distribution/product/src/main/assembly/bin.xml puts the files
// under wso2am[-acp|-universal-gw|-tm]-${pom.version}/), wso2is-7.0.0,
// wso2mi-4.3.0. A suffix such as -SNAPSHOT or -rc1 is allowed.
var packRE = lazyregexp.New(`^wso2(am|is|mi|ei)(?:-(acp|universal-gw|gw|tm))?-(\d+\.\d+(?:\.\d+)?)(?:[-.][A-Za-z0-9.-]*)?$`)

// versionTextRE is a version line of bin/version.txt, which the start
// scripts print for "version" (product-apim v4.5.0 api-cp.sh: cat
// "$CARBON_HOME"/bin/version.txt): "WSO2 ... v4.5.0". A line that names
// Carbon is the kernel's version, not the product's, and is not taken.
var versionTextRE = lazyregexp.New(`^\s*WSO2\b.*?\bv?(\d+\.\d+\.\d+)\b`)

// DetectVersion tells the version of the product installed in home (a file
// system rooted there), whose folder is named dir (filepath.Base of the
// home; "" if not known). It reads, in order: bin/version.txt, when a line
// names a WSO2 product other than the Carbon kernel and a version;
// updates/product.txt, when it holds a pack name such as wso2am-acp-4.5.0
// (product-apim's resources/updates/product.txt, copied into
// <pack>/updates/, is "${product.wum.name}-${product.version}"); the
// folder's own name, as the distribution unpacks (wso2am-4.5.0). It
// returns the version, where it was read ("bin/version.txt",
// "updates/product.txt", or the folder name), and false when none told.
func DetectVersion(home fs.FS, dir string) (Version, string, bool) {
	if home != nil {
		if b, err := fs.ReadFile(home, "bin/version.txt"); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(b))
			for sc.Scan() {
				line := sc.Text()
				if strings.Contains(line, "Carbon") {
					continue
				}
				if m := versionTextRE().FindStringSubmatch(line); m != nil {
					if v, ok := ParseVersion(m[1]); ok {
						return v, "bin/version.txt", true
					}
				}
			}
		}
		if b, err := fs.ReadFile(home, "updates/product.txt"); err == nil {
			if v, ok := packVersion(strings.TrimSpace(string(b))); ok {
				return v, "updates/product.txt", true
			}
		}
	}
	if v, ok := packVersion(dir); ok {
		return v, dir + " (the folder's name)", true
	}
	return Version{}, "", false
}

// packVersion is the version in a pack name such as wso2am-4.5.0.
func packVersion(name string) (Version, bool) {
	m := packRE().FindStringSubmatch(name)
	if m == nil {
		return Version{}, false
	}
	return ParseVersion(m[3])
}

// Found is what [Product.ForHome] found of the version.
type Found struct {
	Version Version // zero when not found
	From    string  // where it was read
	// Fallback: the version was not found and the product has a table for
	// each range of versions: the table shown is the current one.
	Fallback bool
}

// Installed is p as it runs from a home (a file system rooted there, whose
// folder is named dir) with a deployment.toml whose decoded values are
// values: the port table of the version installed there (ForHome) and the
// base ports the file sets (WithFile). A nil home gives the default table;
// nil values, the table's bases.
func (p Product) Installed(home fs.FS, dir string, values map[string]any) (Product, Found) {
	var found Found
	if home != nil {
		p, found = p.ForHome(home, dir)
	}
	return p.WithFile(values), found
}

// ForHome is p with the port table of the version installed in home (a
// file system rooted there, whose folder is named dir).
func (p Product) ForHome(home fs.FS, dir string) (Product, Found) {
	v, from, _ := DetectVersion(home, dir)
	q, ok := p.ForVersion(v)
	return q, Found{Version: v, From: from, Fallback: !ok}
}
