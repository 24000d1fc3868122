package redisserver_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

func TestPlain(t *testing.T) {
	t.Parallel()
	s := redisserver.Start(t, redisserver.Config{})
	if s.Network != "tcp" || !strings.HasPrefix(s.Addr, "127.0.0.1:") || s.Port == 0 {
		t.Fatalf("server = %s %s port %d", s.Network, s.Addr, s.Port)
	}
	c := s.Dial(t)
	if got := c.Must(t, "PING"); got != "PONG" {
		t.Errorf("PING = %v, want PONG", got)
	}
	c.Must(t, "SET", "k", "v")
	if got := c.Must(t, "GET", "k"); got != "v" {
		t.Errorf("GET = %v, want v", got)
	}
	if got := c.Must(t, "GET", "missing"); got != nil {
		t.Errorf("GET missing = %v, want nil", got)
	}
	if got := c.Must(t, "CONFIG", "GET", "save"); !equal(got, []any{"save", ""}) {
		t.Errorf("CONFIG GET save = %v, want [save \"\"]", got)
	}
}

func TestPasswordAndACL(t *testing.T) {
	t.Parallel()
	s := redisserver.Start(t, redisserver.Config{Password: "pw", Users: []string{"alice on >secret ~* +@all"}})
	c, err := redisserver.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var se redisserver.ServerError
	if _, err := c.Do("GET", "k"); !errors.As(err, &se) || !strings.HasPrefix(string(se), "NOAUTH") {
		t.Errorf("GET without AUTH: err = %v, want NOAUTH", err)
	}
	if _, err := c.Do("AUTH", "wrong"); !errors.As(err, &se) || !strings.HasPrefix(string(se), "WRONGPASS") {
		t.Errorf("AUTH wrong: err = %v, want WRONGPASS", err)
	}
	if got := c.Must(t, "AUTH", "alice", "secret"); got != "OK" {
		t.Errorf("AUTH alice = %v", got)
	}
	if got := c.Must(t, "ACL", "WHOAMI"); got != "alice" {
		t.Errorf("ACL WHOAMI = %v, want alice", got)
	}
	if got := s.Dial(t).Must(t, "ACL", "WHOAMI"); got != "default" {
		t.Errorf("Dial: ACL WHOAMI = %v, want default", got)
	}
}

func TestSocket(t *testing.T) {
	t.Parallel()
	s := redisserver.Start(t, redisserver.Config{Socket: true})
	if s.Network != "unix" || s.Addr != s.Socket || s.Port != 0 {
		t.Fatalf("server = %s %s port %d", s.Network, s.Addr, s.Port)
	}
	if len(s.Socket) > 100 {
		t.Errorf("socket path is %d bytes, want a short one: %s", len(s.Socket), s.Socket)
	}
	fi, err := os.Stat(s.Socket)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket mode = %v, want a socket with perm 0700", fi.Mode())
	}
	if got := s.Dial(t).Must(t, "PING"); got != "PONG" {
		t.Errorf("PING = %v", got)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	certs := redisserver.NewCerts(t)
	optional := redisserver.Start(t, redisserver.Config{TLS: certs})
	required := redisserver.Start(t, redisserver.Config{TLS: certs, TLSAuthClients: "yes"})

	// With the client certificate: both servers answer.
	for _, s := range []*redisserver.Server{optional, required} {
		if got := s.Dial(t).Must(t, "PING"); got != "PONG" {
			t.Errorf("%s: PING = %v", s.Addr, got)
		}
	}
	// Without one: only the optional server does.
	noCert := certs.ClientTLSConfig(t)
	noCert.Certificates = nil
	c, err := redisserver.DialTLS(optional.Addr, noCert)
	if err != nil {
		t.Fatalf("optional server, no client cert: %v", err)
	}
	if got := c.Must(t, "PING"); got != "PONG" {
		t.Errorf("PING = %v", got)
	}
	c.Close()
	if c, err := redisserver.DialTLS(required.Addr, noCert); err == nil {
		// TLS 1.3 reports the missing certificate on the first read.
		_, err = c.Do("PING")
		c.Close()
		if err == nil {
			t.Error("required server accepted a client without a certificate")
		}
	}
	// A client trusting another CA fails verification.
	other := &tls.Config{ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12, RootCAs: loadPool(t, certs.OtherCAFile)}
	var verr *tls.CertificateVerificationError
	if _, err := redisserver.DialTLS(optional.Addr, other); !errors.As(err, &verr) {
		t.Errorf("a client trusting the other CA: err = %v, want a certificate verification error", err)
	}
}

func TestSentinel(t *testing.T) {
	t.Parallel()
	master := redisserver.Start(t, redisserver.Config{Password: "masterpw"})
	s := redisserver.StartSentinel(t, master, redisserver.SentinelConfig{Password: "sentpw"})
	if s.MasterName != redisserver.DefaultMasterName {
		t.Errorf("MasterName = %q", s.MasterName)
	}
	got := s.Dial(t).Must(t, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.MasterName)
	if want := []any{"127.0.0.1", strconv.Itoa(master.Port)}; !equal(got, want) {
		t.Errorf("master addr = %v, want %v", got, want)
	}
}

func TestCluster(t *testing.T) {
	t.Parallel()
	cl := redisserver.StartCluster(t, 3)
	if len(cl.Nodes) != 3 || len(cl.Addrs) != 3 {
		t.Fatalf("cluster has %d nodes, %d addrs", len(cl.Nodes), len(cl.Addrs))
	}
	for _, n := range cl.Nodes {
		info, _ := n.Dial(t).Must(t, "CLUSTER", "INFO").(string)
		if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:3") {
			t.Errorf("%s: CLUSTER INFO =\n%s", n.Addr, info)
		}
	}
}

func loadPool(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("no certificate in %s", file)
	}
	return pool
}

func equal(a any, b []any) bool {
	s, ok := a.([]any)
	if !ok || len(s) != len(b) {
		return false
	}
	for i := range s {
		if s[i] != b[i] {
			return false
		}
	}
	return true
}
