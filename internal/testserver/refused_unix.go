//go:build unix

package testserver

import (
	"net"
	"strconv"
	"syscall"
	"testing"
)

// RefusedAddr returns "127.0.0.1:port" where a connection is refused for as
// long as the test runs: the port is bound by a TCP socket that never
// listens, so no other process (another test's server or scripted
// listener) can take it in the meantime, as it could a [FreePort].
func RefusedAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("refused address: socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("refused address: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("refused address: getsockname: %v", err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}
