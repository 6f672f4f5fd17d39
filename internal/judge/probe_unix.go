//go:build unix

package judge

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// listenFails reports whether port is in use at 127.0.0.1 or, with
// wildcard, at the wildcard address. It makes the system calls that
// net.Listen("tcp", host:port) makes, without package net: for 127.0.0.1
// an IPv4 socket; for the wildcard a dual-stack IPv6 socket on [::]
// (IPV6_V6ONLY off, so that IPv4 listeners count too), or 0.0.0.0 where
// the system has no IPv6 or no dual stack. Only EADDRINUSE means in use:
// any other failure (a privileged port, say) tells nothing.
func listenFails(wildcard bool, port int) bool {
	if !wildcard {
		return errors.Is(tryListen(unix.AF_INET, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}), unix.EADDRINUSE)
	}
	err := tryListen(unix.AF_INET6, &unix.SockaddrInet6{Port: port})
	if err == nil || errors.Is(err, unix.EADDRINUSE) {
		return err != nil
	}
	return errors.Is(tryListen(unix.AF_INET, &unix.SockaddrInet4{Port: port}), unix.EADDRINUSE)
}

// tryListen opens a TCP socket, binds it to sa and listens, then closes
// it. SO_REUSEADDR is set as net sets it on listeners, so a port left in
// TIME_WAIT is free; and as with net, a socket that only binds the port
// with SO_REUSEADDR lets bind through and makes listen fail.
func tryListen(family int, sa unix.Sockaddr) error {
	// Not every unix has SOCK_CLOEXEC: set it under the fork lock, as
	// package syscall asks of descriptors created without it.
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if family == unix.AF_INET6 {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0); err != nil {
			return err // no dual stack (OpenBSD): the caller falls back to IPv4
		}
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return err
	}
	if err := unix.Bind(fd, sa); err != nil {
		return err
	}
	return unix.Listen(fd, 1)
}
