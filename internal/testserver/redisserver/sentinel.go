package redisserver

import (
	"strconv"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/testserver"
)

// DefaultMasterName is the master name a Sentinel monitors when
// SentinelConfig.MasterName is empty.
const DefaultMasterName = "mymaster"

// SentinelConfig says how StartSentinel runs a Sentinel.
type SentinelConfig struct {
	// MasterName is the name the master is monitored under
	// (DefaultMasterName when empty).
	MasterName string
	// Password is the Sentinel's own requirepass ("" for none): clients
	// must send it to talk to the Sentinel.
	Password string
}

// Sentinel is a running redis-server --sentinel.
type Sentinel struct {
	// Addr is "127.0.0.1:port".
	Addr string
	// Port is the Sentinel's port.
	Port int
	// MasterName is the name of the monitored master.
	MasterName string
	// Password is the Sentinel's requirepass ("" for none).
	Password string
	// Master is the monitored data node.
	Master *Server
	// Dir is the Sentinel's working directory (it rewrites its config there).
	Dir string

	log *testserver.LogBuffer
}

// StartSentinel starts a Sentinel monitoring master (a TCP server without
// TLS) with quorum 1, and waits until it reports the master's address. The
// Sentinel authenticates to the master with master.Password. It is stopped
// when the test ends.
func StartSentinel(t testing.TB, master *Server, c SentinelConfig) *Sentinel {
	t.Helper()
	bin := testserver.Binary(t, "redis-server")
	if master.Network != "tcp" || master.Certs != nil {
		t.Fatalf("StartSentinel: the master must be a plain TCP server, got %s %s", master.Network, master.Addr)
	}
	name := c.MasterName
	if name == "" {
		name = DefaultMasterName
	}
	var s *Sentinel
	var last error
	for range startAttempts {
		s = &Sentinel{MasterName: name, Password: c.Password, Master: master, Dir: t.TempDir(), log: &testserver.LogBuffer{}}
		s.Port = testserver.FreePort(t)
		s.Addr = "127.0.0.1:" + strconv.Itoa(s.Port)
		conf := []string{
			"bind 127.0.0.1",
			"port " + strconv.Itoa(s.Port),
			"daemonize no",
			"dir " + s.Dir,
			`logfile ""`,
			"sentinel monitor " + name + " 127.0.0.1 " + strconv.Itoa(master.Port) + " 1",
			"sentinel down-after-milliseconds " + name + " 60000",
		}
		if master.Password != "" {
			conf = append(conf, "sentinel auth-pass "+name+" "+quote(master.Password))
		}
		if c.Password != "" {
			conf = append(conf, "requirepass "+quote(c.Password))
		}
		_, last = run(t, bin, s.Dir, "sentinel.conf", conf, []string{"--sentinel"}, "tcp", s.Addr, s.log)
		if last == nil {
			break
		}
	}
	if last != nil {
		t.Fatalf("redis sentinel: %v", last)
	}
	s.waitMaster(t)
	return s
}

// Dial connects to the Sentinel and authenticates when it has a password.
func (s *Sentinel) Dial(t testing.TB) *Conn {
	t.Helper()
	c, err := Dial("tcp", s.Addr)
	if err != nil {
		t.Fatalf("dial sentinel %s: %v", s.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if s.Password != "" {
		c.Must(t, "AUTH", s.Password)
	}
	return c
}

// Log returns what the Sentinel has printed so far.
func (s *Sentinel) Log() string { return s.log.String() }

// waitMaster waits until SENTINEL GET-MASTER-ADDR-BY-NAME answers with the
// master's address.
func (s *Sentinel) waitMaster(t testing.TB) {
	t.Helper()
	c := s.Dial(t)
	want := []any{"127.0.0.1", strconv.Itoa(s.Master.Port)}
	deadline := time.Now().Add(startTimeout)
	for {
		v, err := c.Do("SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.MasterName)
		if got, ok := v.([]any); err == nil && ok && len(got) == 2 && got[0] == want[0] && got[1] == want[1] {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sentinel %s does not report master %s at %v: %v, %v; log:\n%s",
				s.Addr, s.MasterName, want, v, err, lastLines(s.Log(), 20))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
