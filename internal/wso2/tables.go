package wso2

import "slices"

// The port tables. Each row names the public source that shows the port,
// whether it is on, and whether it moves with the offset; Key is the
// deployment.toml setting that changes its base port, from the product's
// default.json (the config-mapper's defaults) or the template that reads it.
//
// Sources, by short name:
//   - kernel: wso2/carbon-kernel (ServletTransportManager adds the offset to
//     the servlet ports; carbon.xml.j2 Ports, KDC off)
//   - apim-default: wso2/product-apim v4.5.0
//     all-in-one-apim/modules/distribution/product/src/main/resources/conf/default.json
//     (the same keys and values in api-control-plane/, gateway/ and
//     traffic-manager/ at v4.5.0, and at v4.0.0 and v4.4.0 under
//     modules/distribution/product/...; v3.2.0 has them without the
//     webhooks port)
//   - catalina-server.xml.j2: product-apim v4.5.0
//     .../templates/repository/conf/tomcat/catalina-server.xml.j2 writes
//     every [transport.http] / [transport.https] property, port included,
//     into the Tomcat connectors

var (
	servletHTTPS = Port{Port: 9443, Purpose: "management console and servlet HTTPS", Shifts: true, Enabled: true,
		Key: []string{"transport", "https", "properties", "port"}, Source: "kernel ServletTransportManager; catalina-server.xml.j2",
		Role: ServletHTTPS, Pin: "tomcat.https.port", Scheme: "https"}
	servletHTTP = Port{Port: 9763, Purpose: "servlet HTTP", Shifts: true, Enabled: true,
		Key: []string{"transport", "http", "properties", "port"}, Source: "kernel ServletTransportManager; catalina-server.xml.j2",
		Role: ServletHTTP, Pin: "tomcat.http.port", Scheme: "http"}
	passthruHTTPS = Port{Port: 8243, Purpose: "gateway passthrough HTTPS", Shifts: true, Enabled: true,
		Key:       []string{"transport", "passthru_https", "listener", "parameters", "port"},
		EnableKey: []string{"transport", "passthru_https", "listener", "enable"},
		Source:    "apim-default transport.passthru_https.listener.*; gateway/ axis2.xml.j2 PassThroughHttpMultiSSLListener", Scheme: "https"}
	passthruHTTP = Port{Port: 8280, Purpose: "gateway passthrough HTTP", Shifts: true, Enabled: true,
		Key:       []string{"transport", "passthru_http", "listener", "parameters", "port"},
		EnableKey: []string{"transport", "passthru_http", "listener", "enable"},
		Source:    "apim-default transport.passthru_http.listener.*; gateway/ axis2.xml.j2 PassThroughHttpListener", Scheme: "http"}
	brokerAMQP = Port{Port: 5672, Purpose: "internal broker (AMQP)", Shifts: true, Enabled: true,
		Key:       []string{"broker", "transport", "amqp", "default_connection", "port"},
		EnableKey: []string{"broker", "transport", "amqp", "default_connection", "enabled"},
		Source:    "apim-default broker.transport.amqp.default_connection; broker.xml.j2; andes AndesConfigurationManager.readPortValue adds the offset",
		Role:      BrokerAMQP, Scheme: "amqp"}
	brokerAMQPS = Port{Port: 8672, Purpose: "internal broker (AMQP over SSL)", Shifts: true, Enabled: true,
		Key:       []string{"broker", "transport", "amqp", "ssl_connection", "port"},
		EnableKey: []string{"broker", "transport", "amqp", "ssl_connection", "enabled"},
		Source:    "apim-default broker.transport.amqp.ssl_connection (enabled: true, also in v3.2.0); broker.xml.j2 sslConnection", Scheme: "amqps"}
	receiverTCP = Port{Port: 9611, Purpose: "throttling event receiver TCP", Shifts: true, Enabled: true,
		Key:    []string{"transport", "binary", "receiver", "tcpPort"},
		Source: "apim-default transport.binary.receiver.tcpPort; carbon-analytics-common BinaryDataReceiverConfiguration",
		Role:   EventReceiver, Scheme: "tcp"}
	receiverSSL = Port{Port: 9711, Purpose: "throttling event receiver SSL", Shifts: true, Enabled: true,
		Key:    []string{"transport", "binary", "receiver", "sslPort"},
		Source: "apim-default transport.binary.receiver.sslPort; carbon-analytics-common BinaryDataReceiverConfiguration",
		Role:   EventReceiverSSL, Scheme: "ssl"}
	thriftTCP = Port{Port: 7611, Purpose: "Thrift receiver TCP", Shifts: true,
		Key: []string{"transport", "thrift", "receiver", "tcpPort"}, EnableKey: []string{"transport", "thrift", "receiver", "enable"},
		Source: "apim-default transport.thrift.receiver.enable: false"}
	thriftSSL = Port{Port: 7711, Purpose: "Thrift receiver SSL", Shifts: true,
		Key: []string{"transport", "thrift", "receiver", "sslPort"}, EnableKey: []string{"transport", "thrift", "receiver", "enable"},
		Source: "apim-default transport.thrift.receiver.enable: false"}
	webSocket = Port{Port: 9099, Purpose: "WebSocket inbound", Shifts: true, Enabled: true,
		Key: []string{"apim", "ws", "port"}, Source: "apim-default apim.ws.port; WebSocketInboundEndpoint.xml.j2 ws.use.port.offset=true",
		Role: WebSocket, Scheme: "ws"}
	webSocketSecure = Port{Port: 8099, Purpose: "secure WebSocket inbound", Shifts: true, Enabled: true,
		Key: []string{"apim", "wss", "port"}, Source: "apim-default apim.wss.port; SecureWebSocketInboundEndpoint.xml.j2", Scheme: "wss"}
	webSubHTTP = Port{Port: 9021, Purpose: "WebSub inbound HTTP", Shifts: true, Enabled: true,
		Source: "product-apim v4.0.0+ conf/synapse-configs/default/inbound-endpoints/WebhookServer.xml (inbound.http.port 9021, fixed); apim-default inbound.port.offset.enable=true", Scheme: "http"}
	webSubHTTPS = Port{Port: 8021, Purpose: "WebSub inbound HTTPS", Shifts: true, Enabled: true,
		Key: []string{"apim", "webhooks", "https", "port"}, Source: "apim-default apim.webhooks.https.port; SecureWebhookServer.xml.j2; inbound.port.offset.enable=true", Scheme: "https"}
	jmxRegistry = Port{Port: 9999, Purpose: "JMX RMI registry", Shifts: true, Enabled: true,
		Key: []string{"monitoring", "jmx", "rmi_registry_port"}, EnableKey: []string{"monitoring", "jmx", "rmi_server_start"},
		Source: "apim-default monitoring.jmx.rmi_server_start: true; kernel carbon.xml Ports.JMX"}
	jmxServer = Port{Port: 11111, Purpose: "JMX RMI server", Shifts: true, Enabled: true,
		Key: []string{"monitoring", "jmx", "rmi_server_port"}, EnableKey: []string{"monitoring", "jmx", "rmi_server_start"},
		Source: "apim-default monitoring.jmx.rmi_server_start: true; kernel carbon.xml Ports.JMX"}
	ldapUnverified = Port{Port: 10389, Purpose: "embedded LDAP", Shifts: true, Unverified: true,
		Source: "listed by the APIM docs' default-ports page only: no p2 profile of product-apim 3.2-4.5 (modules/p2-profile/product/pom.xml) installs an LDAP server feature"}
	kdc = Port{Port: 8000, Purpose: "Kerberos KDC", Shifts: true, Inferred: true,
		Source: "kernel carbon.xml.j2 Ports.KDCServerPort; off unless the KDC is enabled"}
	hazelcastMulticast = Port{Port: 45564, Purpose: "Hazelcast multicast (clustering)",
		Source: "axis2.xml.j2 mcastPort; HazelcastClusteringAgent uses the port as given; on only with clustering"}
	hazelcastMember = Port{Port: 4000, Purpose: "Hazelcast member (clustering)",
		Key:    []string{"clustering", "local_member_port"},
		Source: "axis2.xml.j2 localMemberPort default('4000'); HazelcastClusteringAgent uses the port as given; on only with clustering"}
)

// apim4Ports are API Manager 4.0-4.4's and the 4.5+ all-in-one pack's.
var apim4Ports = []Port{
	servletHTTPS, servletHTTP, passthruHTTPS, passthruHTTP, brokerAMQP, brokerAMQPS, receiverTCP, receiverSSL,
	thriftTCP, thriftSSL, webSocket, webSocketSecure, webSubHTTP, webSubHTTPS, ldapUnverified, kdc,
	jmxRegistry, jmxServer, hazelcastMulticast, hazelcastMember,
}

// webSocketFixed is the WebSocket inbound of API Manager 3.x and 4.0: no
// apim.ws.port in their default.json, so [apim.ws] port changes nothing
// (product-apim v3.2.0 and v4.0.0
// modules/distribution/product/src/main/resources/conf/default.json have
// apim.wss.port only; conf/synapse-configs/default/inbound-endpoints/
// WebSocketInboundEndpoint.xml is a plain file with ws.port 9099;
// apim.ws.port first appears in v4.1.0).
var webSocketFixed = Port{Port: 9099, Purpose: "WebSocket inbound", Shifts: true, Enabled: true,
	Source: "product-apim v3.2.0/v4.0.0 WebSocketInboundEndpoint.xml (9099, fixed: no apim.ws.port before v4.1.0); ws.use.port.offset=true", Scheme: "ws",
	Role: WebSocket}

// apim40Ports are API Manager 4.0's: 4.1's but for the fixed WebSocket port.
var apim40Ports = replace(apim4Ports, webSocketFixed)

// apim3Ports are API Manager 3.x's: no WebSub inbounds (WebhookServer.xml
// and apim.webhooks.* first appear in product-apim v4.0.0), and the
// WebSocket port fixed as in 4.0.
var apim3Ports = without(apim40Ports, webSubHTTP.Port, webSubHTTPS.Port)

// apimControlPlanePorts are the 4.5+ control plane's: product-apim v4.5.0
// api-control-plane/.../templates/repository/conf/axis2/axis2.xml.j2 has
// only the servlet receivers (9763, 9443): no passthrough listener; its
// p2 profile (api-control-plane/modules/p2-profile/product/pom.xml) has no
// inbound-endpoint or websocket feature, so no WebSocket or WebSub
// inbound; it has org.wso2.carbon.andes.server (the broker) and
// org.wso2.carbon.databridge.datareceiver (the event receivers).
var apimControlPlanePorts = without(apim4Ports, passthruHTTPS.Port, passthruHTTP.Port,
	webSocket.Port, webSocketSecure.Port, webSubHTTP.Port, webSubHTTPS.Port)

// apimTrafficManagerPorts are the 4.5+ traffic manager's: its axis2.xml.j2
// keeps the NIO receivers commented out, and its p2 profile has the broker
// and the event receivers but no inbound endpoints (product-apim v4.5.0
// traffic-manager/...).
var apimTrafficManagerPorts = apimControlPlanePorts

// apimGatewayPorts are the 4.5+ universal gateway's: passthrough,
// WebSocket and WebSub inbounds (gateway/ axis2.xml.j2 and
// synapse-configs/default/inbound-endpoints at v4.5.0). Its p2 profile
// also installs the broker and data-receiver features, but a gateway
// connects to the traffic manager's: that it listens on them is not
// verified.
var apimGatewayPorts = unverified(apim4Ports,
	"product-apim v4.5.0 gateway/modules/p2-profile/product/pom.xml installs the feature; that a gateway listens here is not verified",
	brokerAMQP.Port, brokerAMQPS.Port, receiverTCP.Port, receiverSSL.Port)

// isPorts are Identity Server 6.x/7.x's: the kernel's servlet ports; no
// embedded LDAP since 6.0; the Thrift entitlement service off
// (EnableThriftService false); no KDC; JMX off.
var isPorts = []Port{
	{Port: 9443, Purpose: "management console and servlet HTTPS", Shifts: true, Enabled: true,
		Key: servletHTTPS.Key, Source: "kernel ServletTransportManager", Role: ServletHTTPS, Pin: servletHTTPS.Pin, Scheme: "https"},
	{Port: 9763, Purpose: "servlet HTTP", Shifts: true, Enabled: true,
		Key: servletHTTP.Key, Source: "kernel ServletTransportManager", Role: ServletHTTP, Pin: servletHTTP.Pin, Scheme: "http"},
	{Port: 10500, Purpose: "Thrift entitlement service", Shifts: true, Inferred: true,
		Source: "product-is identity.xml EnableThriftService false"},
	{Port: 8000, Purpose: "Kerberos KDC", Shifts: true, Inferred: true, Source: "kernel carbon.xml.j2; no KDC in Identity Server 6+"},
	{Port: 9999, Purpose: "JMX RMI registry", Shifts: true, Key: jmxRegistry.Key, EnableKey: jmxRegistry.EnableKey,
		Source: "JMX off by default in Identity Server"},
	{Port: 11111, Purpose: "JMX RMI server", Shifts: true, Key: jmxServer.Key, EnableKey: jmxServer.EnableKey,
		Source: "JMX off by default in Identity Server"},
	hazelcastMulticast, hazelcastMember,
}

// is5Ports are Identity Server 5.x's (up to 5.11): the same, with the
// embedded LDAP user store on.
var is5Ports = append([]Port{
	{Port: 10389, Purpose: "embedded LDAP", Shifts: true, Enabled: true,
		Source: "product-is up to v5.11.0: embedded-ldap.xml, Ports.EmbeddedLDAP.LDAPServerPort; gone since 6.0"},
}, isPorts...)

// is59Ports are Identity Server 5.9's: 5.x's with JMX on, as kernel 4.5.1's
// default.json has it; product-is turns it off from v5.10.0
// (modules/distribution/src/repository/resources/conf/default.json
// "monitoring.jmx.rmi_server_start": false, absent at v5.9.0). 11111 is
// then the highest port that moves: the largest offset is 54424.
var is59Ports = jmxOn(is5Ports, "kernel 4.5.1 default.json monitoring.jmx.rmi_server_start: true; product-is v5.9.0 default.json leaves it (v5.10.0 sets false)")

// miPorts are Micro Integrator 4.x's bases: the server adds its offset, 10
// when none is set, so 8280 listens on 8290 (wso2/micro-integrator
// distribution/src/resources/config-tool/default.json; carbon.xml.j2's
// default('10')). 9191 and 9154 are the Management API's HTTP and HTTPS
// ports, 9201 and 9164 at the offset of 10 (docs "Changing the Default
// Ports", Micro Integrator: "The HTTP port of the Management API"). The
// documented keys ([mediation] internal_http_api_port, [transport.http]
// listener.port, ...), Key, are mapped by config-mapper onto the keys the
// templates read (micro-integrator v4.3.0
// distribution/src/resources/config-tool/key-mappings.json), AltKeys.
var miPorts = []Port{
	{Port: 8280, Purpose: "HTTP passthrough", Shifts: true, Enabled: true,
		Key:     []string{"transport", "http", "listener", "port"},
		AltKeys: [][]string{{"transport", "http", "listener", "parameter", "port"}},
		Source:  "micro-integrator config-tool default.json transport.http.listener.parameter.port; key-mappings.json transport.http.listener.port", Scheme: "http"},
	{Port: 8243, Purpose: "HTTPS passthrough", Shifts: true, Enabled: true,
		Key:     []string{"transport", "http", "listener", "secured_port"},
		AltKeys: [][]string{{"transport", "https", "listener", "parameter", "port"}},
		Source:  "micro-integrator config-tool default.json transport.https.listener.parameter.port; key-mappings.json transport.http.listener.secured_port", Scheme: "https"},
	{Port: 9191, Purpose: "Management API (HTTP)", Shifts: true, Enabled: true,
		Key:     []string{"mediation", "internal_http_api_port"},
		AltKeys: [][]string{{"synapse_properties", "internal.http.api.port"}},
		Source:  "micro-integrator config-tool default.json synapse_properties.'internal.http.api.port'; key-mappings.json mediation.internal_http_api_port; docs-mi default ports (9201)", Scheme: "http"},
	{Port: 9154, Purpose: "Management API (HTTPS)", Shifts: true, Enabled: true,
		Key:     []string{"mediation", "internal_https_api_port"},
		AltKeys: [][]string{{"synapse_properties", "internal.https.api.port"}},
		Source:  "micro-integrator config-tool default.json synapse_properties.'internal.https.api.port'; key-mappings.json mediation.internal_https_api_port; docs-mi default ports (9164)", Scheme: "https"},
}

// replace is ports with the port of p's number replaced by p.
func replace(ports []Port, p Port) []Port {
	out := slices.Clone(ports)
	for i := range out {
		if out[i].Port == p.Port {
			out[i] = p
		}
	}
	return out
}

// jmxOn is ports with the JMX ports on, for the reason why.
func jmxOn(ports []Port, why string) []Port {
	out := slices.Clone(ports)
	for i, p := range out {
		if p.Port == jmxRegistry.Port || p.Port == jmxServer.Port {
			out[i].Enabled, out[i].Source = true, why
		}
	}
	return out
}

// without is ports less the given ones.
func without(ports []Port, drop ...int) []Port {
	var out []Port
	for _, p := range ports {
		if !contains(drop, p.Port) {
			out = append(out, p)
		}
	}
	return out
}

// unverified is ports with the given ones marked unverified, for the
// reason why: never counted as on.
func unverified(ports []Port, why string, mark ...int) []Port {
	out := make([]Port, len(ports))
	for i, p := range ports {
		if contains(mark, p.Port) {
			p.Enabled, p.Unverified, p.Source = false, true, why
		}
		out[i] = p
	}
	return out
}

func contains(list []int, n int) bool {
	for _, m := range list {
		if m == n {
			return true
		}
	}
	return false
}
