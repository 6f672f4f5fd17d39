package judge

import (
	"errors"

	"golang.org/x/sys/windows"
)

// listenFails reports whether port is in use at 127.0.0.1 or, with
// wildcard, at the wildcard address. It makes the calls that
// net.Listen("tcp", host:port) makes, without package net: for 127.0.0.1
// an IPv4 socket; for the wildcard a dual-stack IPv6 socket on [::]
// (IPV6_V6ONLY off), or 0.0.0.0 without IPv6. As net does on Windows, it
// sets no SO_REUSEADDR (there it would let the bind take a port in use).
// Only WSAEADDRINUSE means in use: any other failure tells nothing.
func listenFails(wildcard bool, port int) bool {
	if !wildcard {
		return errors.Is(tryListen(windows.AF_INET, &windows.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}), windows.WSAEADDRINUSE)
	}
	err := tryListen(windows.AF_INET6, &windows.SockaddrInet6{Port: port})
	if err == nil || errors.Is(err, windows.WSAEADDRINUSE) {
		return err != nil
	}
	return errors.Is(tryListen(windows.AF_INET, &windows.SockaddrInet4{Port: port}), windows.WSAEADDRINUSE)
}

// tryListen opens a TCP socket that child processes do not inherit, binds
// it to sa and listens, then closes it.
func tryListen(family int32, sa windows.Sockaddr) error {
	var data windows.WSAData
	if err := windows.WSAStartup(uint32(0x202), &data); err != nil {
		return err
	}
	defer windows.WSACleanup()
	s, err := windows.WSASocket(family, windows.SOCK_STREAM, windows.IPPROTO_TCP, nil, 0, windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		return err
	}
	defer windows.Closesocket(s)
	if family == windows.AF_INET6 {
		if err := windows.SetsockoptInt(s, windows.IPPROTO_IPV6, windows.IPV6_V6ONLY, 0); err != nil {
			return err
		}
	}
	if err := windows.Bind(s, sa); err != nil {
		return err
	}
	return windows.Listen(s, 1)
}
