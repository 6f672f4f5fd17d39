package judge

import (
	"fmt"
	"strings"

	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
)

// throttlingKeys are the settings of deployment.toml that point a gateway
// or control plane at the traffic manager (product-apim v4.5.0
// gateway/modules/distribution/product/src/main/conf/deployment.toml and
// api-control-plane/..., commented out there): without them, its defaults
// are wso2.ThrottleDefaults plus its own offset.
var throttlingKeys = [][]string{
	{"apim", "throttling", "throttle_decision_endpoints"},
	{"apim", "throttling", "url_group"},
}

// SplitPackages judges API Manager 4.5+ packages that run apart on this
// host: a gateway's or control plane's throttling defaults are 9611, 9711
// and 5672 plus its OWN offset (wso2.ThrottleDefaults); with the traffic
// manager at another offset they point at ports where it does not listen,
// unless [apim.throttling] says where it is. offset is the offset each
// server runs at, or will (plan's); the fix is the TOML to add.
func SplitPackages(servers []*server.Server, offset func(*server.Server) int) []Finding {
	var tms, clients []*server.Server
	for _, s := range servers {
		switch s.Product.Throttling {
		case wso2.TrafficManager:
			tms = append(tms, s)
		case wso2.ThrottleClient:
			clients = append(clients, s)
		}
	}
	if len(tms) != 1 {
		return nil // none, or several: which one a client means is not for us to guess
	}
	tm := tms[0]
	var out []Finding
	for _, c := range clients {
		if offset(c) == offset(tm) || c.File == nil || throttlingSet(c) {
			continue
		}
		var now, need []string
		var ports []int
		for _, d := range wso2.ThrottleDefaults {
			p := tmPort(tm, d.Role, d.Port)
			now = append(now, fmt.Sprintf("%d", d.Port+offset(c)))
			need = append(need, fmt.Sprintf("%d", p.Effective(offset(tm))))
			ports = append(ports, p.Effective(offset(tm)))
		}
		f := Finding{Severity: Warning, Check: "split-packages", Code: ThrottlingDefaults, Home: c.Home, File: c.Path, With: tm.Home,
			Offset: offset(c), WithOffset: offset(tm), Ports: ports,
			Message: fmt.Sprintf("%s publishes throttling events to and takes throttle decisions from ports %s (9611, 9711 and 5672 plus its own offset %d), but the traffic manager %s runs at offset %d and listens on %s: [apim.throttling] does not say where it is",
				c.Product.Name, strings.Join(now, ", "), offset(c), tm.Name(), offset(tm), strings.Join(need, ", ")),
			Fix: fmt.Sprintf("add to deployment.toml: [apim.throttling] with throttle_decision_endpoints = [\"tcp://localhost:%d\"], and [[apim.throttling.url_group]] with traffic_manager_urls = [\"tcp://localhost:%d\"] and traffic_manager_auth_urls = [\"ssl://localhost:%d\"]", ports[2], ports[0], ports[1]),
			Add: fmt.Sprintf("[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:%d\"]\n\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://localhost:%d\"]\ntraffic_manager_auth_urls = [\"ssl://localhost:%d\"]\n", ports[2], ports[0], ports[1]),
		}
		if lines := c.File.TableLines("apim", "throttling"); len(lines) > 0 {
			f.Line = lines[0]
		}
		out = append(out, f)
	}
	return out
}

// throttlingSet tells whether s's file says where the traffic manager is.
func throttlingSet(s *server.Server) bool {
	values := s.File.Values()
	for _, key := range throttlingKeys {
		if valueAt(values, key) == nil {
			return false
		}
	}
	return true
}

// tmPort is the traffic manager's port of role r: its table's, with the
// base its file sets; the default number when its table has none.
func tmPort(tm *server.Server, r wso2.Role, def int) wso2.Port {
	for _, p := range tm.Product.Ports {
		if p.Role == r {
			return p
		}
	}
	return wso2.Port{Port: def, Shifts: true}
}
