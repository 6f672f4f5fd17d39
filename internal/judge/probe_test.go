package judge

import (
	"net"
	"runtime"
	"strconv"
	"testing"
)

// TestListenFails holds real listeners, on 127.0.0.1 and on the wildcard
// address, and checks that the probe at the same address finds the port in
// use (on Linux the probe at the other address too: a listener on either
// keeps the other from listening there), and that both probes find the
// port free once nothing holds it.
func TestListenFails(t *testing.T) {
	probes := []struct {
		name     string
		wildcard bool
	}{{"127.0.0.1", false}, {"wildcard", true}}
	for _, held := range []struct {
		name     string
		host     string // where the listener is
		wildcard bool   // the probe at the same address
	}{
		{"listener on 127.0.0.1", "127.0.0.1", false},
		{"listener on the wildcard", "", true},
	} {
		t.Run(held.name, func(t *testing.T) {
			l, err := net.Listen("tcp", net.JoinHostPort(held.host, "0"))
			if err != nil {
				t.Fatal(err)
			}
			port := l.Addr().(*net.TCPAddr).Port
			for _, p := range probes {
				if p.wildcard != held.wildcard && runtime.GOOS != "linux" {
					continue // BSD and Windows let a socket share a port at another address
				}
				if !listenFails(p.wildcard, port) {
					t.Errorf("probe at %s: port %d free with a %s", p.name, port, held.name)
				}
			}
			l.Close()
			for _, p := range probes {
				if listenFails(p.wildcard, port) {
					t.Errorf("probe at %s: port %d in use after the listener closed", p.name, port)
				}
			}
		})
	}
}

// TestListenFailsKeepsNoPort checks that a probe lets the port go: a
// server can listen on it right after.
func TestListenFailsKeepsNoPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	for _, wildcard := range []bool{false, true} {
		listenFails(wildcard, port)
		l, err := net.Listen("tcp", ":"+strconv.Itoa(port))
		if err != nil {
			t.Fatalf("after a probe (wildcard %v): %v", wildcard, err)
		}
		l.Close()
	}
}
