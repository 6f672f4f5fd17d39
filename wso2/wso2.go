// Package wso2 holds what apim-offset knows about WSO2 servers: which ports
// move with the offset and how far they can move. The facts, with their
// sources, are gathered in shared/WSO2.md.
package wso2

// HighestShiftingPort is the highest default port of API Manager that moves
// with the offset: the JMX RMI server, 11111 (carbon.xml
// ${Ports.JMX.RMIServerPort}, on by default).
const HighestShiftingPort = 11111

// MaxOffset is the largest offset that keeps every shifting default port at
// or below 65535: 65535 - 11111 = 54424.
const MaxOffset = 65535 - HighestShiftingPort
