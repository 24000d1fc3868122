package memcachedserver_test

import (
	"bufio"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
)

// roundTrip stores and reads back a key with the text protocol, by hand, so
// this package's test does not depend on the client under test.
func roundTrip(t *testing.T, network, addr string) {
	t.Helper()
	c, err := net.DialTimeout(network, addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s %s: %v", network, addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(c)
	if _, err := c.Write([]byte("set k 0 0 5\r\nhello\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, _ := r.ReadString('\n'); line != "STORED\r\n" {
		t.Fatalf("set: got %q, want STORED", line)
	}
	if _, err := c.Write([]byte("get k\r\n")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("get: %v after %q", err, got)
		}
		got = append(got, line)
		if line == "END\r\n" {
			break
		}
	}
	want := []string{"VALUE k 0 5\r\n", "hello\r\n", "END\r\n"}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("get: got %q, want %q", got, want)
	}
}

func TestStartTCP(t *testing.T) {
	s := memcachedserver.Start(t)
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("Addr = %q, want 127.0.0.1:PORT (%v)", s.Addr, err)
	}
	if s.Socket != "" || s.Network() != "tcp" || s.Address() != s.Addr {
		t.Errorf("Socket %q Network %q Address %q", s.Socket, s.Network(), s.Address())
	}
	if want := "memcached://" + s.Addr; s.URL() != want {
		t.Errorf("URL() = %q, want %q", s.URL(), want)
	}
	if s.Version == "" || !strings.Contains(s.Version, ".") {
		t.Errorf("Version = %q, want a dotted version", s.Version)
	}
	roundTrip(t, "tcp", s.Addr)

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after Close", s.Addr)
	}
}

func TestStartUnix(t *testing.T) {
	s := memcachedserver.StartUnix(t)
	if s.Addr != "" || s.Network() != "unix" || s.Address() != s.Socket {
		t.Errorf("Addr %q Network %q Address %q", s.Addr, s.Network(), s.Address())
	}
	if len(s.Socket) >= 104 { // sun_path is 104 bytes on macOS, 108 on Linux
		t.Errorf("socket path %q is too long for sun_path", s.Socket)
	}
	if want := "memcached://" + s.Socket; s.URL() != want {
		t.Errorf("URL() = %q, want %q", s.URL(), want)
	}
	roundTrip(t, "unix", s.Socket)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(s.Socket); !os.IsNotExist(err) {
		t.Errorf("socket %s still exists after Close: %v", s.Socket, err)
	}
}

func TestLaunchTwoServers(t *testing.T) {
	bin := testserver.Binary(t, "memcached")
	a, err := memcachedserver.Launch(bin, memcachedserver.Opt{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := memcachedserver.Launch(bin, memcachedserver.Opt{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Addr == b.Addr {
		t.Fatalf("two servers on one address %s", a.Addr)
	}
	roundTrip(t, "tcp", a.Addr)
	roundTrip(t, "tcp", b.Addr)
}

func TestLaunchBadArgs(t *testing.T) {
	bin := testserver.Binary(t, "memcached")
	_, err := memcachedserver.Launch(bin, memcachedserver.Opt{Unix: true, Args: []string{"--no-such-flag"}})
	if err == nil {
		t.Fatal("Launch with a bad flag: want an error")
	}
	if !strings.Contains(err.Error(), "exited") {
		t.Errorf("error %q does not say the server exited", err)
	}
}
