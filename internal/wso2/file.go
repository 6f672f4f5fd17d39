package wso2

import (
	"strconv"
	"strings"
)

// WithFile is p with the base ports and switches that the decoded
// deployment.toml values set (Port.Key, Port.EnableKey): WSO2 adds the
// offset to the file's base as to the default. A value that is not a whole
// number from 1 to 65535 (a placeholder such as $env{PORT}, resolved only
// at start-up) leaves the default. MaxOffset and the rest then count the
// ports the server really opens.
func (p Product) WithFile(values map[string]any) Product {
	p.Ports = p.PortsIn(values)
	return p
}

// PortsIn is p's ports with the bases and switches values set.
func (p Product) PortsIn(values map[string]any) []Port {
	out := make([]Port, len(p.Ports))
	for i, port := range p.Ports {
		if port.Default == 0 {
			port.Default = port.Port
		}
		for _, key := range append([][]string{port.Key}, port.AltKeys...) {
			if n, ok := intAt(values, key); ok && n > 0 && n <= 65535 {
				port.Port, port.FromFile = n, n != port.Default
				break
			}
		}
		if on, ok := boolAt(values, port.EnableKey); ok && !port.Unverified {
			port.Enabled = on
		}
		out[i] = port
	}
	return out
}

// KeyName is how deployment.toml writes port's key: "[transport.https]
// properties.port", or "" when the port has none.
func (p Port) KeyName() string { return keyName(p.Key) }

func keyName(path []string) string {
	if len(path) == 0 {
		return ""
	}
	quote := func(k string) string {
		if strings.ContainsAny(k, ". ") {
			return "'" + k + "'"
		}
		return k
	}
	// The table is the first two keys, as WSO2's docs write them
	// ([transport.https], [monitoring.jmx], [synapse_properties]).
	n := min(2, len(path)-1)
	var table, key []string
	for _, k := range path[:n] {
		table = append(table, quote(k))
	}
	for _, k := range path[n:] {
		key = append(key, quote(k))
	}
	return "[" + strings.Join(table, ".") + "] " + strings.Join(key, ".")
}

// at follows path through nested tables.
func at(values map[string]any, path []string) (any, bool) {
	if len(path) == 0 || values == nil {
		return nil, false
	}
	var cur any = values
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// intAt reads a whole number, as a TOML integer or a string of digits
// ("9543": WSO2's defaults and many files quote ports).
func intAt(values map[string]any, path []string) (int, bool) {
	v, ok := at(values, path)
	if !ok {
		return 0, false
	}
	switch v := v.(type) {
	case int64:
		return int(v), true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

// boolAt reads a switch, as a TOML boolean or "true"/"false".
func boolAt(values map[string]any, path []string) (bool, bool) {
	v, ok := at(values, path)
	if !ok {
		return false, false
	}
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		b, err := strconv.ParseBool(v)
		return b, err == nil
	}
	return false, false
}
