// Package wso2 holds what apim-offset knows about WSO2 servers: the products
// and where their deployment.toml is, which ports each package and version
// opens and which move with the offset, the deployment.toml settings that
// change their base ports, how far the offset can go, and how to tell a
// product and its version from its home folder. Each port row names its
// public source: the code in the github.com/wso2 repositories (repository,
// path, tag).
//
// # Effective ports
//
// A port's effective number is its base plus the offset when it shifts.
// The base is the table's default unless deployment.toml sets it
// ([transport.https] properties.port and the other keys in the table):
// WSO2 adds the offset to the file's base as it does to the default.
// [Product.WithFile] applies a decoded file; [Product.MaxOffset] and the
// rest then work on the ports the server really opens.
package wso2

import (
	"io/fs"
	"slices"
)

// Port is a port of a product.
type Port struct {
	Port     int    // the base port, before the offset: the table's default or the file's (for Micro Integrator, the base before its offset of 10)
	Purpose  string // what listens there
	Shifts   bool   // whether it moves with the offset
	Enabled  bool   // whether it is open in a default installation (or as the file switches it)
	Inferred bool   // the evidence that it shifts is inferred, not verified
	// Unverified: listed somewhere, but that the server opens it is not
	// verified; it is never counted as on.
	Unverified bool
	Source     string // the public source of the row

	// Key is the deployment.toml setting of the base port, as a path of
	// keys ("transport", "https", "properties", "port"); nil when fixed.
	Key []string
	// AltKeys are other settings of the base port, which config-mapper
	// maps onto Key (Micro Integrator's key-mappings.json): Key, when set,
	// comes first.
	AltKeys [][]string
	// EnableKey is the setting that switches it on or off; nil when none.
	EnableKey []string
	// Default is the table's base; Port differs when the file sets Key.
	Default int
	// FromFile tells that Port comes from the file's Key.
	FromFile bool

	// Role names a port other facts refer to ("" for most): the servlet
	// HTTPS port a console URL uses, the WebSocket inbound a gateway
	// environment falls back to.
	Role Role
	// Pin is the system property that fixes the port whatever the offset
	// ("tomcat.https.port"), or "".
	Pin string
	// Scheme is the URL scheme clients reach the port with ("https"), or
	// "": it tells which default a URL on an unknown port may stand for.
	Scheme string
}

// Role is what a port is to the facts that refer to it.
type Role string

const (
	ServletHTTPS Role = "servlet-https" // the management console's port
	ServletHTTP  Role = "servlet-http"
	WebSocket    Role = "websocket" // the WebSocket inbound endpoint
	// The traffic manager's ports that the gateway and the control plane
	// publish throttling events to and take decisions from.
	EventReceiver    Role = "event-receiver"     // binary event receiver, TCP (receiver.url.port)
	EventReceiverSSL Role = "event-receiver-ssl" // binary event receiver, SSL (auth.url.port)
	BrokerAMQP       Role = "broker-amqp"        // the broker's AMQP port (jms.port)
)

// Schemes are the URL schemes of p's ports, by port.
func (p Product) Schemes() map[int]string {
	out := map[int]string{}
	for _, port := range p.Ports {
		if port.Scheme != "" {
			out[port.Port] = port.Scheme
		}
	}
	return out
}

// Name is how messages name a port of role r: "servlet HTTPS".
func (r Role) Name() string {
	return map[Role]string{ServletHTTPS: "servlet HTTPS", ServletHTTP: "servlet HTTP", WebSocket: "WebSocket inbound",
		EventReceiver: "event receiver TCP", EventReceiverSSL: "event receiver SSL", BrokerAMQP: "broker AMQP"}[r]
}

// ByRole is p's port with role r, and whether there is one that is on.
func (p Product) ByRole(r Role) (Port, bool) {
	for _, port := range p.Ports {
		if port.Role == r && port.Enabled {
			return port, true
		}
	}
	return Port{}, false
}

// Product is a WSO2 server product: one package, with the port table of one
// version.
type Product struct {
	ID   string // "apim-4", as --product takes it
	Name string // "API Manager 4.x"

	// Config is where deployment.toml stands under the home, slash-separated.
	Config string

	// DefaultOffset is the offset the server uses when deployment.toml sets
	// none: 0, except Micro Integrator's 10.
	DefaultOffset int

	Ports []Port

	// Table names the port table in Ports: "API Manager 4.5+ control plane".
	Table string

	// AliasOf: this ID is kept for an earlier release and names that
	// product; Lookup returns it.
	AliasOf string

	// StoresCallbackURLs: once the server has run, its database keeps the
	// Console and My Account callback URLs with the port it had then
	// (Identity Server: wso2/product-is#10514, #7588).
	StoresCallbackURLs bool
	// InboundEndpoints: the server listens on the ports of inbound
	// endpoints defined under its home, which the offset moves only with
	// inbound.port.offset.enable (Micro Integrator).
	InboundEndpoints bool
	// OtherKeys are the deployment.toml keys (each a prefix) whose URLs
	// name another package's server, never this one's.
	OtherKeys [][]string

	// PropertiesFirst: this version's kernel loads carbon.properties in
	// Bootstrap, before Main reads the command line, so a -DportOffset
	// argument wins over it (wso2/carbon-kernel v4.6.0
	// core/org.wso2.carbon.bootstrap/.../Bootstrap.java addSystemProperties,
	// then core/org.wso2.carbon.server/.../Main.java processCmdLineArgs;
	// kernels 4.5.1 and 4.6.0: API Manager 3.0-3.2, Identity Server 5.9-5.10;
	// wso2/micro-integrator v4.3.0
	// components/org.wso2.micro.integrator.bootstrap/.../Bootstrap.java).
	// Otherwise (kernel 4.6.1 and later) Main.addSystemProperties applies
	// it after the command line, and config-mapper renders it from
	// [system.parameter] (kernel carbon.properties.j2): a hand edit is
	// rendered over at the next start unless -DavoidConfigUpdate.
	PropertiesFirst bool
	// Launchers are the product's own start scripts in bin/, without
	// their extension: what the operator runs (WSO2.md "Where the file is,
	// per product"). Only these, in this system's form (.sh, or .bat on
	// Windows), and the scripts they source, set system properties.
	Launchers []string
	// CarbonXML is where the rendered carbon.xml is, whose <Ports><Offset>
	// the server reads when -DavoidConfigUpdate skips config-mapper; ""
	// when the product turns avoidConfigUpdate into configParseOnly and
	// renders anyway (wso2/micro-integrator v4.3.0
	// components/org.wso2.micro.integrator.server/.../Main.java
	// handleConfiguration).
	CarbonXML string
	// CallbackURLConfig: the stored Console and My Account callback URLs
	// follow [console] callback_url and [myaccount] callback_url in
	// deployment.toml (Identity Server 7.0 and later: wso2/identity-apps
	// PR #5162, wso2/carbon-identity-framework PR #5304; wso2/product-is#25948).
	CallbackURLConfig bool
	// Throttling is the part the package plays in API Manager's
	// throttling when its packages run apart (4.5+).
	Throttling Throttling
	// EventHub is the part the package plays in API Manager's event hub
	// when its packages run apart (4.5+).
	EventHub EventHub

	// older are the tables of earlier versions, oldest first; Ports and
	// Table are the current version's, the one shown when the version is
	// not known.
	older []versionTable
}

// versionTable is the port table of the versions up to upTo, and what
// else differs in them.
type versionTable struct {
	upTo              Version
	table             string
	ports             []Port
	propertiesFirst   bool
	callbackURLConfig bool
}

// Throttling is the part a package plays in API Manager's throttling.
type Throttling string

const (
	// ThrottleClient publishes throttling events to a traffic manager and
	// takes its decisions: by default at 9611, 9711 and 5672 plus its OWN
	// offset (wso2/carbon-apimgt APIManagerConfiguration.load sets
	// receiver.url.port, auth.url.port and jms.port so, and api-manager.xml
	// uses them unless [apim.throttling] is set: product-apim v4.5.0
	// gateway/.../conf/deployment.toml, commented out).
	ThrottleClient Throttling = "client"
	// TrafficManager is the traffic manager that listens there.
	TrafficManager Throttling = "traffic-manager"
)

// EventHub is the part a package plays in API Manager's event hub: the
// control plane is the event hub (product-apim v4.5.0
// api-control-plane/modules/distribution/product/src/main/resources/conf/deployment-templates/key-manager.toml
// points [apim.event_hub] at the control plane's 9443 and 5672); the
// gateway and the traffic manager subscribe to it (their v4.5.0
// modules/distribution/product/src/main/conf/deployment.toml carry an
// [apim.event_hub] block with service_url and event_listening_endpoints,
// commented out).
type EventHub string

const (
	// EventHubClient subscribes to the event hub: by default at
	// EventHubDefaults plus its OWN offset.
	EventHubClient EventHub = "client"
	// EventHubServer is the control plane, the event hub.
	EventHubServer EventHub = "event-hub"
)

// MaxOffset is the largest offset that keeps every shifting port that is on
// at or below 65535.
func (p Product) MaxOffset() int {
	return 65535 - p.HighestShifting().Port
}

// HighestShifting is the highest port that moves with the offset and is on.
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

// Listening are the ports p's server listens on at offset: the ones on,
// moved by it when they shift.
func (p Product) Listening(offset int) []int {
	var out []int
	for _, port := range p.Ports {
		if port.Enabled {
			out = append(out, port.Effective(offset))
		}
	}
	return out
}

// LiteralDefaults are the ports a literal port of p's server can stand
// for: the ones on that move with the offset. A port that is off (the
// Thrift receiver, the KDC) is taken for another server's.
func (p Product) LiteralDefaults() []int {
	var out []int
	for _, port := range p.Ports {
		if port.Shifts && port.Enabled {
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

// Versioned tells whether p has several tables, one for each range of
// versions: then the version decides which one applies.
func (p Product) Versioned() bool { return len(p.older) > 0 }

// ForVersion is p with the port table of version v; with v unknown (the
// zero Version), p's current table. ok tells whether v chose the table
// (false when v is unknown and p has several).
func (p Product) ForVersion(v Version) (_ Product, ok bool) {
	if !p.Versioned() {
		return p, true
	}
	if v.IsZero() {
		return p, false
	}
	for _, t := range p.older {
		if !t.upTo.Less(v) {
			p.Ports, p.Table = t.ports, t.table
			p.PropertiesFirst, p.CallbackURLConfig = t.propertiesFirst, t.callbackURLConfig
			break
		}
	}
	p.older = nil
	return p, true
}

const (
	carbonConfig = "repository/conf/deployment.toml"
	miConfig     = "conf/deployment.toml"
	carbonXML    = "repository/conf/carbon.xml"
)

// Products are the products apim-offset knows, API Manager 4.x first: it is
// what an unknown home is taken for. Each 4.5+ package has its own table
// (package tables.go).
var Products = []Product{
	{ID: "apim-4", Name: "API Manager 4.x", Config: carbonConfig, Ports: apim4Ports, Table: "API Manager 4.5+ all-in-one",
		Launchers: []string{"api-manager"}, CarbonXML: carbonXML,
		older: []versionTable{
			{upTo: Version{Major: 4, Minor: 0, Patch: 999}, table: "API Manager 4.0", ports: apim40Ports},
			{upTo: Version{Major: 4, Minor: 4, Patch: 999}, table: "API Manager 4.1-4.4", ports: apim4Ports},
		}},
	// A control plane's [[apim.gateway.environment]] endpoints are the
	// gateways' (product-apim v4.7.0
	// api-control-plane/modules/distribution/product/src/main/resources/conf/deployment.toml
	// lists https://localhost:9443/services/ and wss://localhost:8099 there
	// for a gateway at its default offset): never this server's.
	{ID: "apim-4-control-plane", Name: "API Manager 4.5+ control plane", Config: carbonConfig, Ports: apimControlPlanePorts, Table: "API Manager 4.5+ control plane",
		OtherKeys: [][]string{{"apim", "gateway", "environment"}},
		Launchers: []string{"api-cp", "key-manager"}, CarbonXML: carbonXML, Throttling: ThrottleClient, EventHub: EventHubServer},
	{ID: "apim-4-gateway", Name: "API Manager 4.5+ universal gateway", Config: carbonConfig, Ports: apimGatewayPorts, Table: "API Manager 4.5+ universal gateway",
		Launchers: []string{"gateway"}, CarbonXML: carbonXML, Throttling: ThrottleClient, EventHub: EventHubClient},
	{ID: "apim-4-traffic-manager", Name: "API Manager 4.5+ traffic manager", Config: carbonConfig, Ports: apimTrafficManagerPorts, Table: "API Manager 4.5+ traffic manager",
		Launchers: []string{"traffic-manager"}, CarbonXML: carbonXML, Throttling: TrafficManager, EventHub: EventHubClient},
	// bin/key-manager.sh is a second launcher of the 4.5+ control-plane
	// package (product-apim v4.5.0
	// api-control-plane/modules/distribution/product/src/main/assembly/bin.xml
	// puts api-cp.sh and key-manager.sh in the same wso2am-acp pack), not a
	// package of its own: the ID is kept so that --product
	// apim-4-key-manager still works, and names the control plane.
	{ID: "apim-4-key-manager", AliasOf: "apim-4-control-plane"},
	// API Manager 3.0 runs on kernel 4.5.1, 3.1 and 3.2 on 4.6.0
	// (product-apim v3.0.0, v3.2.0 pom.xml carbon.kernel.version).
	{ID: "apim-3", Name: "API Manager 3.x", Config: carbonConfig, Ports: apim3Ports, Table: "API Manager 3.x",
		PropertiesFirst: true, Launchers: []string{"wso2server"}, CarbonXML: carbonXML},
	// Identity Server 5.9 runs on kernel 4.5.1, 5.10 on 4.6.0, 5.11 on
	// 4.6.1 (product-is v5.9.0, v5.10.0, v5.11.0 pom.xml
	// carbon.kernel.version).
	{ID: "is", Name: "Identity Server", Config: carbonConfig, Ports: isPorts, Table: "Identity Server 6.x/7.x", StoresCallbackURLs: true,
		Launchers: []string{"wso2server"}, CarbonXML: carbonXML, CallbackURLConfig: true,
		older: []versionTable{
			{upTo: Version{Major: 5, Minor: 9, Patch: 999}, table: "Identity Server 5.9", ports: is59Ports, propertiesFirst: true},
			{upTo: Version{Major: 5, Minor: 10, Patch: 999}, table: "Identity Server 5.x", ports: is5Ports, propertiesFirst: true},
			{upTo: Version{Major: 5, Minor: 999, Patch: 999}, table: "Identity Server 5.x", ports: is5Ports},
			{upTo: Version{Major: 6, Minor: 999, Patch: 999}, table: "Identity Server 6.x/7.x", ports: isPorts},
		}},
	{ID: "mi", Name: "Micro Integrator", Config: miConfig, DefaultOffset: 10, Ports: miPorts, Table: "Micro Integrator 4.x", InboundEndpoints: true,
		PropertiesFirst: true, Launchers: []string{"micro-integrator"}},
}

// Default is the product assumed when nothing tells which it is.
var Default = Products[0]

// MaxOffset is the default product's largest offset, 54424 (11111, JMX, is
// API Manager's highest port that moves): the bound for a file whose product
// is not known, and the lowest of all the products' default tables.
var MaxOffset = Default.MaxOffset()

func init() {
	for i := range Products {
		Products[i].Ports = withDefaults(Products[i].Ports)
		for j := range Products[i].older {
			Products[i].older[j].ports = withDefaults(Products[i].older[j].ports)
		}
	}
	Default = Products[0]
}

// withDefaults records each port's table default.
func withDefaults(ports []Port) []Port {
	out := slices.Clone(ports)
	for i := range out {
		out[i].Default = out[i].Port
	}
	return out
}

// Lookup returns the product with the given ID; for an alias (AliasOf),
// the product it names.
func Lookup(id string) (Product, bool) {
	i := slices.IndexFunc(Products, func(p Product) bool { return p.ID == id })
	if i < 0 {
		return Product{}, false
	}
	if to := Products[i].AliasOf; to != "" {
		return Lookup(to)
	}
	return Products[i], true
}

// Packages are the products less the aliases: each WSO2 package once.
func Packages() []Product {
	var out []Product
	for _, p := range Products {
		if p.AliasOf == "" {
			out = append(out, p)
		}
	}
	return out
}

// IDs lists the product IDs, aliases included, for usage messages.
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
// wso2/product-is and wso2/micro-integrator. bin/key-manager.sh ships in
// the control-plane pack beside api-cp.sh (Aliases).
var detection = []struct {
	id      string
	script  string
	markers []string // any one must exist too; none needed when empty
}{
	{"mi", "bin/micro-integrator.sh", nil},
	{"apim-4-control-plane", "bin/api-cp.sh", nil},
	{"apim-4-gateway", "bin/gateway.sh", nil},
	{"apim-4-traffic-manager", "bin/traffic-manager.sh", nil},
	{"apim-4-control-plane", "bin/key-manager.sh", nil},
	{"apim-4", "bin/api-manager.sh", nil},
	// Identity Server and API Manager 3.x share wso2server.sh; the IS
	// console and My Account apps tell them apart, and before 5.11 the
	// user portal, the only one 5.9 and 5.10 ship (product-is v5.9.0 and
	// v5.10.0 modules/distribution/src/assembly/bin.xml: user-portal/;
	// console/ and myaccount/ from v5.11.0).
	{"is", "bin/wso2server.sh", []string{
		"repository/deployment/server/webapps/console", "repository/deployment/server/webapps/console.war",
		"repository/deployment/server/webapps/myaccount", "repository/deployment/server/webapps/myaccount.war",
		"repository/deployment/server/webapps/user-portal", "repository/deployment/server/webapps/user-portal.war",
	}},
	{"apim-3", "bin/wso2server.sh", []string{"repository/conf"}},
}

// Detect tells the product installed in home, given as a file system rooted
// there (os.DirFS(home)). It returns the product, the path that told, and
// false when nothing did. The product has its current table: see
// [DetectVersion] and [Product.ForVersion].
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

// ThrottleDefaults are the ports a gateway or control plane publishes
// throttling events to and takes decisions from when [apim.throttling]
// does not say: these numbers plus its OWN offset, whatever the traffic
// manager's table or offset (wso2/carbon-apimgt
// components/apimgt/org.wso2.carbon.apimgt.impl/.../APIManagerConfiguration.java
// load: receiver.url.port = 9611 + offset, auth.url.port = 9711 + offset,
// jms.port = 5672 + offset, read by api-manager.xml's ReceiverUrlGroup,
// AuthUrlGroup and the throttling JMS broker list).
var ThrottleDefaults = []struct {
	Role Role
	Port int
}{{EventReceiver, 9611}, {EventReceiverSSL, 9711}, {BrokerAMQP, 5672}}

// EventHubDefaults are the ports a gateway or traffic manager takes the
// event hub at when [apim.event_hub] does not say: these numbers plus its
// OWN offset, whatever the control plane's offset. wso2/carbon-apimgt
// features/apimgt/org.wso2.carbon.apimgt.core.feature/src/main/resources/conf_templates/templates/repository/conf/api-manager.xml.j2
// (EventHubConfigurations; read at a recent master, commit 2a869ee6 of a
// fork; product-apim v4.5.0 pins carbon-apimgt 9.31.86, whose copy was not
// read): ServiceURL is apim.event_hub.service_url,
// else apim.throttling.service_url, whose default
// (org.wso2.carbon.apimgt.core.default.json) is
// https://localhost:${mgt.transport.https.port}${carbon.context}services/,
// and wso2/carbon-kernel ServletTransportManager.init sets
// mgt.transport.https.port to 9443 plus the offset; the JMS broker list is
// apim.event_hub.event_listening_endpoints, else
// apim.throttling.throttle_decision_endpoints, else
// tcp://${carbon.local.ip}:${jms.port}, and APIManagerConfiguration.load
// sets jms.port to 5672 plus the offset.
var EventHubDefaults = []struct {
	Role Role
	Port int
}{{ServletHTTPS, 9443}, {BrokerAMQP, 5672}}
