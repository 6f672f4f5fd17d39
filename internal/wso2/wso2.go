// Package wso2 holds what apim-offset knows about WSO2 servers: the products
// and where their deployment.toml is, which default ports move with the
// offset, how far they can move, and how to tell a product from its home
// folder. The facts come from WSO2's public sources: the product docs'
// default-ports pages named on each table, and the code in the github.com/wso2
// repositories that each row names.
package wso2

import (
	"io/fs"
	"slices"
)

// Port is a default port of a product.
type Port struct {
	Port     int    // the port at offset 0 (for Micro Integrator, the base before its offset)
	Purpose  string // what listens there
	Shifts   bool   // whether it moves with the offset
	Enabled  bool   // whether it is open in a default installation
	Inferred bool   // the evidence that it shifts is inferred, not verified
}

// Product is a WSO2 server product.
type Product struct {
	ID   string // "apim-4", as --product takes it
	Name string // "API Manager 4.x"

	// Config is where deployment.toml stands under the home, slash-separated.
	Config string

	// DefaultOffset is the offset the server uses when deployment.toml sets
	// none: 0, except Micro Integrator's 10.
	DefaultOffset int

	Ports []Port
}

// MaxOffset is the largest offset that keeps every shifting port that is on
// by default at or below 65535.
func (p Product) MaxOffset() int {
	return 65535 - p.HighestShifting().Port
}

// HighestShifting is the highest port that moves with the offset and is on
// by default.
func (p Product) HighestShifting() Port {
	var top Port
	for _, port := range p.Ports {
		if port.Shifts && port.Enabled && port.Port > top.Port {
			top = port
		}
	}
	return top
}

// ShiftingPorts lists the numbers of p's ports that move with the offset.
func (p Product) ShiftingPorts() []int {
	var out []int
	for _, port := range p.Ports {
		if port.Shifts {
			out = append(out, port.Port)
		}
	}
	return out
}

// Effective is the port at offset: moved by it when the port shifts.
func (p Port) Effective(offset int) int {
	if p.Shifts {
		return p.Port + offset
	}
	return p.Port
}

// apimPorts are API Manager's default ports; 3.2 has the same core list as
// 4.x: https://apim.docs.wso2.com/en/3.2.0/install-and-setup/setup/reference/default-product-ports/
// and https://apim.docs.wso2.com/en/4.7.0/reference/default-product-ports/.
var apimPorts = []Port{
	{9443, "management console and servlet HTTPS", true, true, false},        // carbon-kernel ServletTransportManager
	{9763, "servlet HTTP", true, true, false},                                // carbon-kernel ServletTransportManager
	{8243, "gateway passthrough HTTPS", true, true, false},                   // kernel portOffset for NIO; logs show 8245 at offset 2
	{8280, "gateway passthrough HTTP", true, true, false},                    // kernel portOffset for NIO; logs show 8282 at offset 2
	{5672, "internal JMS broker (AMQP)", true, true, false},                  // carbon-apimgt jms.port = 5672+offset
	{9611, "throttling event receiver TCP", true, true, false},               // carbon-apimgt
	{9711, "throttling event receiver SSL", true, true, false},               // carbon-apimgt
	{7611, "Thrift receiver TCP", true, false, false},                        // off by default; logs show 7613 at offset 2
	{7711, "Thrift receiver SSL", true, false, false},                        // off by default; logs show 7713 at offset 2
	{9099, "WebSocket", true, true, false},                                   // inbound endpoint ws.use.port.offset=true
	{8099, "secure WebSocket", true, true, false},                            // inbound endpoint ws.use.port.offset=true
	{9021, "WebSub HTTP", true, true, true},                                  // carbon-mediation default for HTTP inbounds (inferred)
	{8021, "WebSub HTTPS", true, true, true},                                 // carbon-mediation default for HTTP inbounds (inferred)
	{10389, "embedded LDAP", true, true, false},                              // ${Ports.EmbeddedLDAP...}
	{8000, "Kerberos KDC", true, true, true},                                 // kernel carbon.xml Ports (inferred)
	{9999, "JMX RMI registry", true, true, false},                            // ${Ports.JMX.RMIRegistryPort}; JMX on by default
	{11111, "JMX RMI server", true, true, false},                             // ${Ports.JMX.RMIServerPort}; JMX on by default
	{45564, "Hazelcast multicast (clustering)", false, false, false},         // HazelcastClusteringAgent uses the port as given
	{4000, "Hazelcast well-known address (clustering)", false, false, false}, // HazelcastClusteringAgent uses the port as given
}

// isPorts are Identity Server 6.x/7.x's: the kernel's servlet ports; the
// embedded LDAP of Identity Server 5.x (wso2/product-is up to v5.11.0); the
// Thrift entitlement service, off while EnableThriftService is false.
var isPorts = []Port{
	{9443, "management console and servlet HTTPS", true, true, false}, // shifts, as in the kernel
	{9763, "servlet HTTP", true, true, false},                         // shifts, as in the kernel
	{8000, "Kerberos KDC", true, true, true},                          // presumably shifts
	{10500, "Thrift entitlement service", true, true, true},           // presumably shifts
	{10389, "embedded LDAP", true, true, false},                       // ${Ports.EmbeddedLDAP...}
	{9999, "JMX RMI registry", true, false, false},                    // JMX off by default in IS
	{11111, "JMX RMI server", true, false, false},                     // JMX off by default in IS
	{45564, "Hazelcast multicast (clustering)", false, false, false},  // Hazelcast ports do not shift
	{4000, "Hazelcast well-known address (clustering)", false, false, false},
}

// miPorts are Micro Integrator 4.x's bases: the server adds its offset, 10
// when none is set, so 8280 listens on 8290 (wso2/micro-integrator
// config-tool default.json and carbon.xml.j2's default('10');
// https://apim.docs.wso2.com/en/4.1.0/install-and-setup/setup/mi-setup/changing_default_ports).
var miPorts = []Port{
	{8280, "HTTP passthrough", true, true, false},  // 8290 at the default offset 10
	{8243, "HTTPS passthrough", true, true, false}, // 8253 at the default offset 10
	{9191, "management API", true, true, false},    // 9201 at the default offset 10
	{9154, "internal HTTP API", true, true, false}, // 9164 at the default offset 10
}

const (
	carbonConfig = "repository/conf/deployment.toml"
	miConfig     = "conf/deployment.toml"
)

// Products are the products apim-offset knows, API Manager 4.x first: it is
// what an unknown home is taken for. The 4.5+ split packages get the whole
// API Manager table: WSO2's docs list no ports per package, and each
// package opens a part of them (wso2/product-apim v4.5.0: the control plane's
// api-control-plane/.../axis2/axis2.xml.j2 has only 9763 and 9443).
var Products = []Product{
	{ID: "apim-4", Name: "API Manager 4.x", Config: carbonConfig, Ports: apimPorts},
	{ID: "apim-4-control-plane", Name: "API Manager 4.5+ control plane", Config: carbonConfig, Ports: apimPorts},
	{ID: "apim-4-gateway", Name: "API Manager 4.5+ universal gateway", Config: carbonConfig, Ports: apimPorts},
	{ID: "apim-4-traffic-manager", Name: "API Manager 4.5+ traffic manager", Config: carbonConfig, Ports: apimPorts},
	{ID: "apim-4-key-manager", Name: "API Manager 4.5+ key manager", Config: carbonConfig, Ports: apimPorts},
	{ID: "apim-3", Name: "API Manager 3.x", Config: carbonConfig, Ports: apimPorts},
	{ID: "is", Name: "Identity Server", Config: carbonConfig, Ports: isPorts},
	{ID: "mi", Name: "Micro Integrator", Config: miConfig, DefaultOffset: 10, Ports: miPorts},
}

// Default is the product assumed when nothing tells which it is.
var Default = Products[0]

// MaxOffset is the default product's largest offset, 54424 (11111, JMX, is
// API Manager's highest port that moves): the bound for a file whose product
// is not known, and the lowest of all the products'.
var MaxOffset = Default.MaxOffset()

// Lookup returns the product with the given ID.
func Lookup(id string) (Product, bool) {
	i := slices.IndexFunc(Products, func(p Product) bool { return p.ID == id })
	if i < 0 {
		return Product{}, false
	}
	return Products[i], true
}

// IDs lists the product IDs, for usage messages.
func IDs() []string {
	var ids []string
	for _, p := range Products {
		ids = append(ids, p.ID)
	}
	return ids
}

// detection is a rule: the product whose start script (and, for Identity
// Server, one of the markers) is in the home: the start scripts of the
// distributions in wso2/product-apim (all-in-one-apim, api-control-plane,
// gateway, traffic-manager at v4.5.0; modules/distribution before 4.5),
// wso2/product-is and wso2/micro-integrator.
var detection = []struct {
	id      string
	script  string
	markers []string // any one must exist too; none needed when empty
}{
	{"mi", "bin/micro-integrator.sh", nil},
	{"apim-4-control-plane", "bin/api-cp.sh", nil},
	{"apim-4-gateway", "bin/gateway.sh", nil},
	{"apim-4-traffic-manager", "bin/traffic-manager.sh", nil},
	{"apim-4-key-manager", "bin/key-manager.sh", nil},
	{"apim-4", "bin/api-manager.sh", nil},
	// Identity Server and API Manager 3.x share wso2server.sh; the IS
	// console and My Account apps tell them apart.
	{"is", "bin/wso2server.sh", []string{
		"repository/deployment/server/webapps/console", "repository/deployment/server/webapps/console.war",
		"repository/deployment/server/webapps/myaccount", "repository/deployment/server/webapps/myaccount.war",
	}},
	{"apim-3", "bin/wso2server.sh", []string{"repository/conf"}},
}

// Detect tells the product installed in home, given as a file system rooted
// there (os.DirFS(home)). It returns the product, the path that told, and
// false when nothing did.
func Detect(home fs.FS) (Product, string, bool) {
	exists := func(name string) bool {
		_, err := fs.Stat(home, name)
		return err == nil
	}
	for _, d := range detection {
		if !exists(d.script) {
			continue
		}
		if len(d.markers) == 0 {
			p, _ := Lookup(d.id)
			return p, d.script, true
		}
		for _, m := range d.markers {
			if exists(m) {
				p, _ := Lookup(d.id)
				return p, d.script + " and " + m, true
			}
		}
	}
	return Default, "", false
}
