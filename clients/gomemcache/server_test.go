package gomemcache_test

// Tests against real memcached processes (internal/testserver/memcachedserver):
// two TCP servers and one unix socket server, started once for the package
// and stopped in TestMain. Each test uses its own keys.

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
)

var shared struct {
	once       sync.Once
	a, b, unix *memcachedserver.Server
	err        error
}

// servers returns the shared servers, starting them on first use. It skips
// (or fails, with CACHEURL_REQUIRE_SERVERS=1) when memcached is missing.
func servers(t *testing.T) (a, b, unix *memcachedserver.Server) {
	t.Helper()
	bin := testserver.Binary(t, "memcached")
	shared.once.Do(func() {
		if shared.a, shared.err = memcachedserver.Launch(bin, memcachedserver.Opt{}); shared.err != nil {
			return
		}
		if shared.b, shared.err = memcachedserver.Launch(bin, memcachedserver.Opt{}); shared.err != nil {
			return
		}
		shared.unix, shared.err = memcachedserver.Launch(bin, memcachedserver.Opt{Unix: true})
	})
	if shared.err != nil {
		t.Fatalf("start memcached: %v", shared.err)
	}
	return shared.a, shared.b, shared.unix
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range []*memcachedserver.Server{shared.a, shared.b, shared.unix} {
		if s != nil {
			if err := s.Close(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// fromURL builds a client from nothing but a URL string.
func fromURL(t *testing.T, u string) *memcache.Client {
	t.Helper()
	c, err := gomemcache.New(context.Background(), mustParse(t, u))
	if err != nil {
		t.Fatalf("New(%q): %v", u, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// setGetDelete is the round trip: set, get back, delete, miss.
func setGetDelete(t *testing.T, c *memcache.Client, key string) {
	t.Helper()
	val := []byte("value of " + key)
	if err := c.Set(&memcache.Item{Key: key, Value: val, Expiration: 60}); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
	it, err := c.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if string(it.Value) != string(val) {
		t.Fatalf("Get(%q) = %q, want %q", key, it.Value, val)
	}
	if err := c.Delete(key); err != nil {
		t.Fatalf("Delete(%q): %v", key, err)
	}
	if _, err := c.Get(key); !errors.Is(err, memcache.ErrCacheMiss) {
		t.Fatalf("Get(%q) after Delete: %v, want ErrCacheMiss", key, err)
	}
}

func TestRoundTripTCP(t *testing.T) {
	a, _, _ := servers(t)
	// Every memcached scheme gives the same Go client.
	for _, scheme := range []string{"memcached", "pymemcache", "pymemcached", "djangopylibmc", "elasticache", "memcache", "pylibmc"} {
		t.Run(scheme, func(t *testing.T) {
			u := scheme + "://" + a.Addr + "?socket_timeout=2s&connect_timeout=1&max_idle_conns=4&timeout=60&key_prefix=x&binary=1"
			c := fromURL(t, u)
			if c.Timeout != 2*time.Second || c.MaxIdleConns != 4 || c.DialContext == nil {
				t.Errorf("client Timeout %v MaxIdleConns %d DialContext set %v; want 2s, 4, true",
					c.Timeout, c.MaxIdleConns, c.DialContext != nil)
			}
			if err := c.Ping(); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			setGetDelete(t, c, "rt-tcp-"+scheme)
		})
	}
}

func TestRoundTripUnixSocket(t *testing.T) {
	_, _, s := servers(t)
	u := "memcached://" + s.Socket // memcached:///tmp/mNNN/mc.sock
	if !strings.HasPrefix(u, "memcached:///") {
		t.Fatalf("socket URL %q", u)
	}
	c := fromURL(t, u)
	if err := c.Ping(); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	setGetDelete(t, c, "rt-unix")
	// The data really went through the socket server.
	if err := c.Set(&memcache.Item{Key: "rt-unix-2", Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	direct := memcache.New(s.Socket)
	defer direct.Close()
	if it, err := direct.Get("rt-unix-2"); err != nil || string(it.Value) != "v" {
		t.Fatalf("direct Get on the socket: %v", err)
	}
}

// Two servers in one URL: the keys are spread over both, each on the server
// gomemcache's ServerList picks (crc32(key) mod 2, in URL order), so the
// URL's order is the client's order.
func TestTwoServers(t *testing.T) {
	a, b, _ := servers(t)
	c := fromURL(t, "memcached://"+a.Addr+","+b.Addr)
	ordered := []*memcachedserver.Server{a, b}
	direct := []*memcache.Client{memcache.New(a.Addr), memcache.New(b.Addr)}
	for _, d := range direct {
		defer d.Close()
	}
	const n = 40
	perServer := [2]int{}
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("two-servers-%d", i)
		if err := c.Set(&memcache.Item{Key: key, Value: []byte(key)}); err != nil {
			t.Fatalf("Set(%q): %v", key, err)
		}
		want := int(crc32.ChecksumIEEE([]byte(key)) % 2)
		for j, d := range direct {
			_, err := d.Get(key)
			switch {
			case j == want && err != nil:
				t.Errorf("key %q: not on %s (server %d of the URL): %v", key, ordered[j].Addr, j, err)
			case j != want && !errors.Is(err, memcache.ErrCacheMiss):
				t.Errorf("key %q: also on %s (server %d), want only on server %d (err %v)", key, ordered[j].Addr, j, want, err)
			}
		}
		perServer[want]++
		if err := c.Delete(key); err != nil {
			t.Errorf("Delete(%q): %v", key, err)
		}
	}
	if perServer[0] == 0 || perServer[1] == 0 {
		t.Fatalf("keys not spread over both servers: %v", perServer)
	}
	t.Logf("%d keys: %d on %s, %d on %s", n, perServer[0], a.Addr, perServer[1], b.Addr)
}

// The TTL from the URL, through Expiration, on a real server: 0 is never
// stored, none and a long TTL are kept. A TTL over 30 days only works
// because Expiration turns it into an absolute time.
func TestTTLOnServer(t *testing.T) {
	a, _, _ := servers(t)
	tests := []struct {
		query string
		hit   bool
	}{
		{"timeout=0", false},
		{"timeout=none", true},
		{"timeout=60", true},
		{"", true},                // Django's default 300 s
		{"timeout=3000000", true}, // 34.7 days: sent as now + 3000000
		{"timeout=2592000", true}, // exactly 30 days: still relative
		{"ttl=31536000", true},    // a year
		{"timeout=10&x=", true},   // an empty option is dropped by core
		{"timeout=1h30m", true},   // a Go duration
		{"ttl=0&key_prefix=", false},
	}
	for i, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			cfg := mustParse(t, "memcached://"+a.Addr+"?"+tt.query)
			c, err := gomemcache.New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := gomemcache.Expiration(cfg.TTL, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			key := fmt.Sprintf("ttl-%d", i)
			if err := c.Set(&memcache.Item{Key: key, Value: []byte("v"), Expiration: exp}); err != nil {
				t.Fatalf("Set with Expiration %d: %v", exp, err)
			}
			_, err = c.Get(key)
			if tt.hit && err != nil {
				t.Errorf("Expiration %d: Get: %v, want a hit", exp, err)
			}
			if !tt.hit && !errors.Is(err, memcache.ErrCacheMiss) {
				t.Errorf("Expiration %d: Get: %v, want ErrCacheMiss", exp, err)
			}
		})
	}
	// The naive conversion (seconds as they are) loses a 34.7-day entry:
	// memcached reads 3000000 as a Unix time in 1970.
	c := memcache.New(a.Addr)
	defer c.Close()
	if err := c.Set(&memcache.Item{Key: "ttl-naive", Value: []byte("v"), Expiration: 3000000}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get("ttl-naive"); !errors.Is(err, memcache.ErrCacheMiss) {
		t.Errorf("naive Expiration 3000000: Get: %v, want ErrCacheMiss (this test's premise)", err)
	}
}

// Nothing listens on the port: the first call fails with connection refused.
func TestWrongPort(t *testing.T) {
	testserver.Binary(t, "memcached") // keep the server suite's skip rule
	port := testserver.FreePort(t)
	c := fromURL(t, fmt.Sprintf("memcached://127.0.0.1:%d?socket_timeout=1", port))
	err := c.Set(&memcache.Item{Key: "k", Value: []byte("v")})
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Set on a closed port: %v, want connection refused", err)
	}
	if err := c.Ping(); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Ping on a closed port: %v, want connection refused", err)
	}
}

// memcache.New drops every server when one name does not resolve (it
// ignores SetServers' error); New reports the name at construction.
func TestUnresolvableHost(t *testing.T) {
	a, _, _ := servers(t)
	const bad = "no-such-host.invalid" // RFC 6761: never resolves

	for _, u := range []string{
		"memcached://" + bad + ":11211",
		"memcached://" + bad,
		"memcached://" + a.Addr + "," + bad + ":11211",
	} {
		_, err := gomemcache.New(context.Background(), mustParse(t, u))
		if !errors.Is(err, gomemcache.ErrResolve) {
			t.Fatalf("New(%q) error = %v, want ErrResolve", u, err)
		}
		if !strings.Contains(err.Error(), bad+":11211") {
			t.Errorf("error %q does not name the server", err)
		}
	}

	// What memcache.New does with the same list: no error, and a client
	// that has lost even the good server.
	legacy := memcache.New(a.Addr, bad+":11211")
	defer legacy.Close()
	if err := legacy.Set(&memcache.Item{Key: "k", Value: []byte("v")}); !errors.Is(err, memcache.ErrNoServers) {
		t.Fatalf("memcache.New(good, bad).Set: %v, want ErrNoServers (the premise of this test)", err)
	}
}

func TestCredentialsRefused(t *testing.T) {
	a, _, _ := servers(t)
	for _, u := range []string{
		"memcached://app:s3cret@" + a.Addr,
		"djangopylibmc://" + a.Addr + "?username=app&password=s3cret",
	} {
		c, err := gomemcache.New(context.Background(), mustParse(t, u))
		if c != nil || !errors.Is(err, gomemcache.ErrCredentials) {
			t.Fatalf("New(%q) = %v, %v; want nil, ErrCredentials", "(redacted)", c, err)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
}

// connect_timeout is the dialer's timeout alone: gomemcache's own dial
// deadline (Client.Timeout) is dropped, so a connect_timeout longer than
// socket_timeout is honoured.
func TestConnectTimeoutDialer(t *testing.T) {
	a, _, _ := servers(t)
	c := fromURL(t, "memcached://"+a.Addr+"?connect_timeout=2&socket_timeout=1ms")
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	conn, err := c.DialContext(ctx, "tcp", a.Addr)
	if err != nil {
		t.Fatalf("DialContext with gomemcache's expired context: %v", err)
	}
	conn.Close()

	// Without connect_timeout gomemcache dials with its default dialer.
	if c := fromURL(t, "memcached://"+a.Addr); c.DialContext != nil || c.Timeout != 0 || c.MaxIdleConns != 0 {
		t.Errorf("defaults: DialContext set %v, Timeout %v, MaxIdleConns %d; want unset (gomemcache's defaults)",
			c.DialContext != nil, c.Timeout, c.MaxIdleConns)
	}
}
