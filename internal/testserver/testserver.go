// Package testserver holds what the real-server tests share: finding a
// server binary (skipping with a visible message when it is missing, or
// failing when CACHEURL_REQUIRE_SERVERS=1), free loopback ports, an address
// that refuses connections for the whole test ([RefusedAddr]), and waiting
// for a port to accept connections. The servers themselves live in the
// sub-packages redisserver and memcachedserver; each checks that what
// answers at its port is the process it started, since another test
// process can take a free port before the server binds it.
package testserver

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing server binary
// from a skip into a failure. .ci/run sets it.
const RequireEnv = "CACHEURL_REQUIRE_SERVERS"

// Required reports whether CACHEURL_REQUIRE_SERVERS=1.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Binary returns the path of a server binary. When it is not installed the
// test is skipped with a message saying how to install it, or fails when
// CACHEURL_REQUIRE_SERVERS=1.
func Binary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found in PATH (apt-get install -y redis-server memcached): %v", name, err)
	if Required() {
		t.Fatalf("%s; %s=1 requires the real servers", msg, RequireEnv)
	}
	t.Skipf("SKIP (no server): %s", msg)
	return ""
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitDial waits until network/address accepts a connection, or fails the
// test after timeout.
func WaitDial(t testing.TB, network, address string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout(network, address, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s did not accept connections within %v: %v", network, address, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// LogBuffer collects a server process's output: written by the exec
// goroutines, read by the test (for failure messages).
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
