package judge

import (
	"fmt"
	"strings"

	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
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
// host: a gateway's or control plane's throttling defaults, and a
// gateway's or traffic manager's event-hub defaults, are ports plus its
// OWN offset (wso2.ThrottleDefaults, wso2.EventHubDefaults); with the
// traffic manager or the control plane at another offset they point at
// ports where it does not listen, unless [apim.throttling] or
// [apim.event_hub] says where it is. offset is the offset each server runs
// at, or will (plan's); the fix is the TOML to add.
func SplitPackages(servers []*server.Server, offset func(*server.Server) int) []Finding {
	return append(throttlingDefaults(servers, offset), eventHubDefaults(servers, offset)...)
}

// throttlingDefaults judges gateways and control planes against the one
// traffic manager given (wso2.ThrottleDefaults).
func throttlingDefaults(servers []*server.Server, offset func(*server.Server) int) []Finding {
	tm, clients := oneServing(servers, func(s *server.Server) wso2.Throttling { return s.Product.Throttling }, wso2.TrafficManager, wso2.ThrottleClient)
	if tm == nil {
		return nil
	}
	var out []Finding
	for _, c := range clients {
		if offset(c) == offset(tm) || c.File == nil || throttlingSet(c) {
			continue
		}
		var now, need []string
		var ports []int
		for _, d := range wso2.ThrottleDefaults {
			p := rolePort(tm, d.Role, d.Port)
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
			// The table is there: the fix adds what it lacks at its end,
			// not a second [apim.throttling], which WSO2 refuses.
			f.Line = lines[0]
			f.Fix = fmt.Sprintf("add at the end of [apim.throttling] (line %d) what it lacks: ", f.Line) + strings.TrimPrefix(f.Fix, "add to deployment.toml: [apim.throttling] with ")
			var add []string
			if _, set := c.File.Value(throttlingKeys[0]...); !set {
				add = append(add, fmt.Sprintf("throttle_decision_endpoints = [\"tcp://localhost:%d\"]\n", ports[2]))
			}
			if _, set := c.File.Value(throttlingKeys[1]...); !set {
				add = append(add, fmt.Sprintf("[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://localhost:%d\"]\ntraffic_manager_auth_urls = [\"ssl://localhost:%d\"]\n", ports[0], ports[1]))
			}
			f.Add = strings.Join(add, "\n")
		}
		out = append(out, f)
	}
	return out
}

// throttlingSet tells whether s's file says where the traffic manager is.
func throttlingSet(s *server.Server) bool {
	for _, key := range throttlingKeys {
		if _, set := s.File.Value(key...); !set {
			return false
		}
	}
	return true
}

// rolePort is s's port of role r (the traffic manager's or the control
// plane's): its table's, with the base its file sets; the default number
// when its table has none.
func rolePort(s *server.Server, r wso2.Role, def int) wso2.Port {
	for _, p := range s.Product.Ports {
		if p.Role == r {
			return p
		}
	}
	return wso2.Port{Port: def, Shifts: true}
}

// EventHubDefaults is the code of check "split-packages" for a gateway or
// traffic manager whose event-hub defaults point at its own offset, not
// the control plane's.
const EventHubDefaults Code = "event-hub-defaults"

// eventHubKeys are the settings that say where the event hub is, each with
// the ones WSO2 falls back to that count as saying so, in the order of
// wso2.EventHubDefaults, which has the default of each.
// apim.throttling.throttle_decision_endpoints is a fallback of the broker
// list too, but it names the traffic manager's broker, not the event hub's:
// it does not count (wso2/carbon-apimgt api-manager.xml.j2
// EventHubConfigurations; wso2.EventHubDefaults).
var eventHubKeys = [][][]string{
	{{"apim", "event_hub", "service_url"}, {"apim", "throttling", "service_url"}},
	{{"apim", "event_hub", "event_listening_endpoints"}},
}

// eventHubDefaults judges 4.5+ gateways and traffic managers against the
// one control plane given: without [apim.event_hub] they take the event
// hub at 9443 and 5672 plus their OWN offset (wso2.EventHubDefaults), where
// a control plane at another offset does not listen.
func eventHubDefaults(servers []*server.Server, offset func(*server.Server) int) []Finding {
	cp, clients := oneServing(servers, func(s *server.Server) wso2.EventHub { return s.Product.EventHub }, wso2.EventHubServer, wso2.EventHubClient)
	if cp == nil {
		return nil
	}
	var out []Finding
	for _, c := range clients {
		if offset(c) == offset(cp) || c.File == nil {
			continue
		}
		var bases, now, need, lines []string
		var ports []int
		for i, d := range wso2.EventHubDefaults {
			if eventHubSet(c.File, eventHubKeys[i]) {
				continue
			}
			p := rolePort(cp, d.Role, d.Port).Effective(offset(cp))
			bases = append(bases, fmt.Sprintf("%d", d.Port))
			now = append(now, fmt.Sprintf("%d", d.Port+offset(c)))
			need = append(need, fmt.Sprintf("%d", p))
			ports = append(ports, p)
			lines = append(lines, eventHubLine(d.Role, p))
		}
		if len(ports) == 0 {
			continue
		}
		f := Finding{Severity: Warning, Check: "split-packages", Code: EventHubDefaults, Home: c.Home, File: c.Path, With: cp.Home,
			Offset: offset(c), WithOffset: offset(cp), Ports: ports,
			Message: fmt.Sprintf("%s takes the event hub at ports %s (%s plus its own offset %d), but the control plane %s runs at offset %d and listens on %s: [apim.event_hub] does not say where it is",
				c.Product.Name, strings.Join(now, ", "), strings.Join(bases, " and "), offset(c), cp.Name(), offset(cp), strings.Join(need, ", ")),
		}
		body := strings.Join(lines, "\n") + "\n"
		if tl := c.File.TableLines("apim", "event_hub"); len(tl) > 0 {
			f.Line = tl[0]
			f.Fix = fmt.Sprintf("add to [apim.event_hub] in deployment.toml (line %d): %s", tl[0], strings.Join(lines, ", "))
			f.Add = body
		} else {
			f.Fix = "add to deployment.toml: [apim.event_hub] with " + strings.Join(lines, " and ")
			f.Add = "[apim.event_hub]\n" + body
		}
		out = append(out, f)
	}
	return out
}

// eventHubSet tells whether file sets one of keys.
func eventHubSet(file *patcher.File, keys [][]string) bool {
	for _, k := range keys {
		if _, set := file.Value(k...); set {
			return true
		}
	}
	return false
}

// eventHubLine is the [apim.event_hub] setting for the control plane's
// port p of role r.
func eventHubLine(r wso2.Role, p int) string {
	if r == wso2.ServletHTTPS {
		return fmt.Sprintf("service_url = \"https://localhost:%d/services/\"", p)
	}
	return fmt.Sprintf("event_listening_endpoints = [\"tcp://localhost:%d\"]", p)
}

// oneServing is, among servers, the one whose role is serves, and those
// whose role is uses; nil when none or several serve: which one a client
// means is not for us to guess.
func oneServing[R comparable](servers []*server.Server, role func(*server.Server) R, serves, uses R) (*server.Server, []*server.Server) {
	var served, clients []*server.Server
	for _, s := range servers {
		switch role(s) {
		case serves:
			served = append(served, s)
		case uses:
			clients = append(clients, s)
		}
	}
	if len(served) != 1 {
		return nil, nil
	}
	return served[0], clients
}
