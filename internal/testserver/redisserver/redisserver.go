// Package redisserver starts real redis-server processes for tests: plain,
// with requirepass and ACL users, on a unix socket, with TLS, a Sentinel
// watching a master, and a Cluster of masters built with
// redis-cli --cluster create.
//
// Every server listens on loopback only, on a free port (or a socket in a
// short temporary directory), keeps its files in a temporary directory, saves
// nothing to disk (save "", appendonly no) and is killed and waited for by
// t.Cleanup. When redis-server (or redis-cli, for a cluster) is not
// installed, the test is skipped with a visible message, or fails when
// CACHEURL_REQUIRE_SERVERS=1 (see [testserver.Binary]).
//
// The package talks to the servers it starts with its own minimal RESP
// client ([Conn]), not with the client library under test.
package redisserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/testserver"
)

// startTimeout bounds how long a server may take to accept connections.
const startTimeout = 10 * time.Second

// startAttempts is how often Start retries when the free port it picked was
// taken by someone else before redis-server could bind it.
const startAttempts = 3

// Config says which kind of redis-server Start runs. The zero value is a
// plain server on a TCP port with no authentication.
type Config struct {
	// Password sets requirepass: the password of the default user.
	Password string
	// Users are ACL rules, one user each, written as "user <rule>" lines,
	// for example "alice on >secret ~* +@all".
	Users []string
	// Socket makes the server listen on a unix socket only (port 0,
	// unixsocketperm 700) in a short temporary directory.
	Socket bool
	// TLS makes the server listen with TLS only (port 0, tls-port) using
	// these certificates (see [NewCerts]).
	TLS *Certs
	// TLSAuthClients is tls-auth-clients: "optional" (the default when TLS
	// is set: a client certificate is checked when one is presented), "yes"
	// (required) or "no".
	TLSAuthClients string
	// Extra are more redis.conf lines.
	Extra []string
}

// Server is a running redis-server.
type Server struct {
	// Network is "tcp" or "unix".
	Network string
	// Addr is "127.0.0.1:port" for TCP, or the socket path.
	Addr string
	// Port is the TCP (or TLS) port; 0 for a socket-only server.
	Port int
	// Socket is the unix socket path ("" for a TCP server).
	Socket string
	// Password is the requirepass password ("" when none).
	Password string
	// Certs are the TLS certificates (nil for a server without TLS).
	Certs *Certs
	// Dir is the server's working directory.
	Dir string

	log  *testserver.LogBuffer
	proc *os.Process
}

// Process is the redis-server process, for a test that freezes it
// (SIGSTOP) or kills it; the cleanup still kills and waits for it.
func (s *Server) Process() *os.Process { return s.proc }

// Start starts a redis-server for the test and stops it (kill and wait)
// when the test and its subtests are done.
func Start(t testing.TB, c Config) *Server {
	t.Helper()
	bin := testserver.Binary(t, "redis-server")
	var last error
	for range startAttempts {
		s, err := startOnce(t, bin, c)
		if err == nil {
			return s
		}
		last = err
		if !errors.Is(err, errAddrInUse) {
			break
		}
	}
	t.Fatalf("redis-server: %v", last)
	return nil
}

var errAddrInUse = errors.New("address already in use")

func startOnce(t testing.TB, bin string, c Config) (*Server, error) {
	t.Helper()
	s := &Server{Password: c.Password, Certs: c.TLS, Dir: t.TempDir(), log: &testserver.LogBuffer{}}
	conf := baseConf(s.Dir)
	if c.Password != "" {
		conf = append(conf, "requirepass "+quote(c.Password))
	}
	for _, u := range c.Users {
		conf = append(conf, "user "+u)
	}
	switch {
	case c.Socket:
		dir, err := os.MkdirTemp("", "r")
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		s.Network, s.Socket = "unix", filepath.Join(dir, "redis.sock")
		s.Addr = s.Socket
		conf = append(conf, "port 0", "unixsocket "+s.Socket, "unixsocketperm 700")
	case c.TLS != nil:
		s.Network, s.Port = "tcp", testserver.FreePort(t)
		s.Addr = "127.0.0.1:" + strconv.Itoa(s.Port)
		auth := c.TLSAuthClients
		if auth == "" {
			auth = "optional"
		}
		conf = append(conf, "port 0", "tls-port "+strconv.Itoa(s.Port),
			"tls-cert-file "+c.TLS.ServerCertFile, "tls-key-file "+c.TLS.ServerKeyFile,
			"tls-ca-cert-file "+c.TLS.CAFile, "tls-auth-clients "+auth)
	default:
		s.Network, s.Port = "tcp", testserver.FreePort(t)
		s.Addr = "127.0.0.1:" + strconv.Itoa(s.Port)
		conf = append(conf, "port "+strconv.Itoa(s.Port))
	}
	conf = append(conf, c.Extra...)
	proc, err := run(t, bin, s.Dir, "redis.conf", conf, nil, s.Network, s.Addr, s.log)
	if err != nil {
		if out := s.log.String(); c.TLS != nil && strings.Contains(out, "Bad directive") && strings.Contains(out, "tls-") {
			skipOrFail(t, "redis-server was built without TLS support: "+lastLines(out, 3))
		}
		return nil, err
	}
	s.proc = proc
	return s, nil
}

// baseConf is what every server shares: loopback only, foreground, no
// persistence, logs on stdout.
func baseConf(dir string) []string {
	return []string{
		"bind 127.0.0.1",
		"daemonize no",
		"dir " + dir,
		`save ""`,
		"appendonly no",
		`logfile ""`,
		"protected-mode no",
	}
}

// run writes the config file, starts the process, waits until network/addr
// accepts connections and registers the cleanup that kills it.
func run(t testing.TB, bin, dir, confName string, conf, extraArgs []string, network, addr string, log *testserver.LogBuffer) (*os.Process, error) {
	t.Helper()
	confPath := filepath.Join(dir, confName)
	if err := os.WriteFile(confPath, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{confPath}, extraArgs...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Process.Signal(syscall.SIGCONT) // a frozen process dies at once too
		<-exited
	}
	if err := waitReady(network, addr, exited, log); err != nil {
		stop()
		out := log.String()
		if strings.Contains(out, "Address already in use") {
			return nil, fmt.Errorf("%w: %s", errAddrInUse, addr)
		}
		return nil, fmt.Errorf("%s %s: %v; log:\n%s", filepath.Base(bin), addr, err, lastLines(out, 20))
	}
	t.Cleanup(stop)
	return cmd.Process, nil
}

// readyLines are what redis-server logs once its listening sockets are
// open: "Ready to accept connections" (followed by "tcp", "tls" or "unix"
// since redis 7.2), and a Sentinel's "Sentinel ID is", which it logs after
// its listeners are up.
var readyLines = []string{"ready to accept connections", "sentinel id is"}

// waitReady waits until the server started with log accepts connections at
// network/addr, the process exits, or startTimeout passes. On a TCP port
// the connection alone proves nothing: between FreePort and the server's
// bind, another test's process (a server, a scripted listener) can take the
// free port, and redis-server then exits while the other process answers.
// So the server's own log must also say its listeners are up.
func waitReady(network, addr string, exited <-chan struct{}, log *testserver.LogBuffer) error {
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := dialRaw(network, addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			if network == "unix" || logsReady(log.String()) {
				return nil
			}
			err = errors.New("the port accepts connections, but the server has not logged that it is ready")
		}
		select {
		case <-exited:
			return errors.New("exited before accepting connections")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not accepting connections after %v: %v", startTimeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func logsReady(log string) bool {
	log = strings.ToLower(log)
	for _, l := range readyLines {
		if strings.Contains(log, l) {
			return true
		}
	}
	return false
}

// Dial connects to the server (with TLS and a client certificate when the
// server has TLS) and authenticates as the default user when the server has
// a password. The connection is closed when the test ends.
func (s *Server) Dial(t testing.TB) *Conn {
	t.Helper()
	var c *Conn
	var err error
	if s.Certs != nil {
		c, err = DialTLS(s.Addr, s.Certs.ClientTLSConfig(t))
	} else {
		c, err = Dial(s.Network, s.Addr)
	}
	if err != nil {
		t.Fatalf("dial %s: %v", s.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if s.Password != "" {
		c.Must(t, "AUTH", s.Password)
	}
	return c
}

// Log returns what the server has printed so far.
func (s *Server) Log() string { return s.log.String() }

// skipOrFail skips the test, or fails it when CACHEURL_REQUIRE_SERVERS=1.
func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if testserver.Required() {
		t.Fatalf("%s; %s=1 requires it", msg, testserver.RequireEnv)
	}
	t.Skipf("SKIP (no server): %s", msg)
}

// quote writes a redis.conf string argument.
func quote(s string) string { return strconv.Quote(s) }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
