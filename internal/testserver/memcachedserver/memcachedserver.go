// Package memcachedserver starts real memcached processes for tests: on a
// free loopback TCP port or on a unix socket, stopped (killed and waited
// for) when the test, or the caller, is done.
//
// [Start] and [StartUnix] are for a single test: they skip or fail through
// [testserver.Binary] when memcached is missing and stop the server with
// t.Cleanup. [Launch] is the same without a testing.TB, for servers shared by
// a whole package (started once, closed in TestMain).
package memcachedserver

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/testserver"
)

// StartTimeout is how long Launch waits for memcached to answer.
const StartTimeout = 10 * time.Second

// Server is a running memcached.
type Server struct {
	// Addr is the TCP address ("127.0.0.1:PORT"), or "" for a socket server.
	Addr string
	// Socket is the unix socket path, or "" for a TCP server.
	Socket string
	// Version is the server's answer to the "version" command ("1.6.18").
	Version string

	cmd    *exec.Cmd
	exited chan struct{}
	dir    string
	stderr *testserver.LogBuffer
	once   sync.Once
	err    error
}

// Opt selects how Launch starts memcached.
type Opt struct {
	// Unix listens on a unix socket in a fresh short temporary directory
	// (os.MkdirTemp("", "m"), so the path stays under the 108-byte limit)
	// instead of a loopback TCP port. memcached -s disables TCP.
	Unix bool
	// Args are extra memcached arguments.
	Args []string
}

// Start starts memcached on a free 127.0.0.1 TCP port and stops it when the
// test ends. It skips the test when memcached is not installed, or fails it
// when CACHEURL_REQUIRE_SERVERS=1.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, Opt{})
}

// StartUnix is [Start] on a unix socket.
func StartUnix(t testing.TB) *Server {
	t.Helper()
	return start(t, Opt{Unix: true})
}

func start(t testing.TB, opt Opt) *Server {
	t.Helper()
	bin := testserver.Binary(t, "memcached")
	s, err := Launch(bin, opt)
	if err != nil {
		t.Fatalf("memcachedserver: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("memcachedserver: %v", err)
		}
	})
	return s
}

// Launch starts the memcached binary at bin and waits until it answers the
// "stats" command as the process it started (its pid). A TCP server listens on 127.0.0.1 only, with UDP off;
// when the free port is taken in the meantime, Launch retries with another.
// The caller must call Close.
func Launch(bin string, opt Opt) (*Server, error) {
	if opt.Unix {
		dir, err := os.MkdirTemp("", "m")
		if err != nil {
			return nil, err
		}
		sock := filepath.Join(dir, "mc.sock")
		s, err := launch(bin, append([]string{"-s", sock}, opt.Args...), "unix", sock)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.Socket, s.dir = sock, dir
		return s, nil
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		args := append([]string{"-l", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "0"}, opt.Args...)
		s, err := launch(bin, args, "tcp", addr)
		if err == nil {
			s.Addr = addr
			return s, nil
		}
		lastErr = err
		if !errors.Is(err, errExited) {
			break
		}
	}
	return nil, lastErr
}

var errExited = errors.New("memcached exited")

func launch(bin string, args []string, network, addr string) (*Server, error) {
	// memcached refuses to run as root without -u.
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "root"}, args...)
	}
	// Small and quiet: 16 MB, two threads.
	args = append([]string{"-m", "16", "-t", "2"}, args...)
	cmd := exec.Command(bin, args...)
	stderr := &testserver.LogBuffer{}
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{cmd: cmd, exited: make(chan struct{}), stderr: stderr}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	deadline := time.Now().Add(StartTimeout)
	for {
		v, err := ready(network, addr, cmd.Process.Pid)
		if err == nil {
			s.Version = v
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("%w (%v) before listening on %s %s: %s", errExited, s.err, network, addr, strings.TrimSpace(stderr.String()))
		default:
		}
		if time.Now().After(deadline) {
			s.Close()
			return nil, fmt.Errorf("memcached did not answer on %s %s within %v: %v; output: %s", network, addr, StartTimeout, err, strings.TrimSpace(stderr.String()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// errNotOurs is a memcached at the address that is not the process Launch
// started.
var errNotOurs = errors.New("another memcached answers at the address")

// ready asks the server at network/addr for its stats and returns its
// version, when its pid is pid: the process Launch started. On a TCP port,
// another test's process can take the free port between freePort and
// memcached's bind (memcached then exits); without the pid a test could be
// handed that other server.
func ready(network, addr string, pid int) (version string, err error) {
	c, err := net.DialTimeout(network, addr, 200*time.Millisecond)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return "", err
	}
	if _, err := c.Write([]byte("stats\r\n")); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	got := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimSpace(line)
		if line == "END" {
			break
		}
		f := strings.Fields(line)
		if len(f) != 3 || f[0] != "STAT" {
			return "", fmt.Errorf("unexpected answer to stats: %q", line)
		}
		switch f[1] {
		case "pid":
			got, _ = strconv.Atoi(f[2])
		case "version":
			version = f[2]
		}
	}
	if got != pid {
		return "", fmt.Errorf("%w (pid %d, not %d)", errNotOurs, got, pid)
	}
	return version, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL returns a memcached:// URL for the server: "memcached://127.0.0.1:PORT"
// or "memcached:///path/to/mc.sock".
func (s *Server) URL() string {
	if s.Socket != "" {
		return "memcached://" + s.Socket
	}
	return "memcached://" + s.Addr
}

// Network returns "tcp" or "unix", and Address the address to dial.
func (s *Server) Network() string {
	if s.Socket != "" {
		return "unix"
	}
	return "tcp"
}

// Address is the address to dial on [Server.Network].
func (s *Server) Address() string {
	if s.Socket != "" {
		return s.Socket
	}
	return s.Addr
}

// Output returns what memcached printed so far.
func (s *Server) Output() string { return s.stderr.String() }

// Close kills the server, waits for it to exit and removes its socket
// directory. It is safe to call more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		select {
		case <-s.exited:
		default:
			if kerr := s.cmd.Process.Kill(); kerr != nil && !errors.Is(kerr, os.ErrProcessDone) {
				err = fmt.Errorf("kill memcached: %w", kerr)
			}
			select {
			case <-s.exited:
			case <-time.After(StartTimeout):
				err = errors.New("memcached did not exit after SIGKILL")
			}
		}
		if s.dir != "" {
			if rerr := os.RemoveAll(s.dir); rerr != nil && err == nil {
				err = rerr
			}
		}
	})
	return err
}
