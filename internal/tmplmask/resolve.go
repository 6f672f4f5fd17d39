package tmplmask

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/apim-offset/apim-offset/internal/lazyregexp"
)

// Resolution is what a placeholder resolves to, and where that was read.
type Resolution struct {
	Value  string // the value as written there, quotes removed
	Source string // the file and line: "chart/values.yaml:512"
}

var (
	helmValuesRE = lazyregexp.New(`^\{\{-?\s*\.Values\.([\w.]+)\s*(\|[^}]*)?-?\}\}$`)
	jinjaVarRE   = lazyregexp.New(`^\{\{-?\s*(\w+)\s*(\|[^}]*)?-?\}\}$`)
	erbVarRE     = lazyregexp.New(`^<%=\s*@(\w+)\s*-?%>$`)
)

// Resolve looks up what placeholder, found in the template at path, resolves
// to where the usual layouts keep the defaults:
//   - Helm: {{ .Values.a.b }} in values.yaml at the chart's root, the
//     nearest folder above path that holds Chart.yaml;
//   - Ansible: {{ name }} in the role's defaults/main.yml or vars/main.yml,
//     the role being the folder above templates/;
//   - Puppet: <%= @name %> as $name = … in the module's manifests/params.pp,
//     the module being the folder above templates/.
//
// It reads plain block mappings and scalars, not YAML's every form; it
// returns false when it finds nothing, which is no proof that nothing sets
// the value (--set, group_vars and Hiera do too). read reads a file: the
// caller bounds it.
func Resolve(path, placeholder string, read func(file string) ([]byte, error)) (Resolution, bool) {
	text := strings.TrimSpace(placeholder)
	text = strings.Trim(text, `"'`)
	if m := helmValuesRE().FindStringSubmatch(text); m != nil {
		if root, ok := above(path, "Chart.yaml"); ok {
			return yamlLookup(read, filepath.Join(root, "values.yaml"), strings.Split(m[1], "."))
		}
		return Resolution{}, false
	}
	if m := jinjaVarRE().FindStringSubmatch(text); m != nil {
		if role, ok := above(path, "templates"); ok {
			for _, f := range []string{filepath.Join("vars", "main.yml"), filepath.Join("defaults", "main.yml")} {
				if r, ok := yamlLookup(read, filepath.Join(role, f), []string{m[1]}); ok {
					return r, true
				}
			}
		}
		return Resolution{}, false
	}
	if m := erbVarRE().FindStringSubmatch(text); m != nil {
		if module, ok := above(path, "templates"); ok {
			return puppetLookup(read, filepath.Join(module, "manifests", "params.pp"), m[1])
		}
	}
	return Resolution{}, false
}

// above returns the nearest folder above path that holds name.
func above(path, name string) (string, bool) {
	dir := filepath.Dir(path)
	for {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// yamlLookup finds the scalar at keys in a YAML file of block mappings.
func yamlLookup(read func(string) ([]byte, error), file string, keys []string) (Resolution, bool) {
	data, err := read(file)
	if err != nil {
		return Resolution{}, false
	}
	type level struct {
		indent int
		key    string
	}
	var stack []level
	blockIndent := -1 // inside a | or > block scalar deeper than this
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if blockIndent >= 0 {
			if trimmed == "" || indent > blockIndent {
				continue
			}
			blockIndent = -1
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "- ") || trimmed == "---" {
			continue
		}
		key, value, ok := strings.Cut(trimmed, ":")
		if !ok {
			continue
		}
		key = strings.Trim(strings.TrimSpace(key), `"'`)
		value = strings.TrimSpace(value)
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, level{indent, key})
		if strings.HasPrefix(value, "|") || strings.HasPrefix(value, ">") {
			blockIndent = indent
			continue
		}
		if len(stack) != len(keys) {
			continue
		}
		match := true
		for i, l := range stack {
			if l.key != keys[i] {
				match = false
				break
			}
		}
		if match && value != "" {
			return Resolution{Value: scalar(value), Source: file + ":" + strconv.Itoa(n)}, true
		}
	}
	return Resolution{}, false
}

// puppetLookup finds "$name = value" in a Puppet manifest.
func puppetLookup(read func(string) ([]byte, error), file, name string) (Resolution, bool) {
	data, err := read(file)
	if err != nil {
		return Resolution{}, false
	}
	re := regexp.MustCompile(`^\s*\$` + regexp.QuoteMeta(name) + `\s*=\s*(.+?)\s*$`)
	for n, line := range strings.Split(string(data), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			return Resolution{Value: scalar(m[1]), Source: file + ":" + strconv.Itoa(n+1)}, true
		}
	}
	return Resolution{}, false
}

// scalar drops the quotes around a value, or a trailing comment after an
// unquoted one.
func scalar(v string) string {
	if v != "" && (v[0] == '"' || v[0] == '\'') {
		if i := strings.IndexByte(v[1:], v[0]); i >= 0 {
			return v[1 : 1+i]
		}
		return v
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
