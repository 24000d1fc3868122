package check

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

const secret = "c4ch3-s3cret-pw"

func run(t *testing.T, url string, timeout time.Duration) (Result, error) {
	t.Helper()
	cfg, err := core.Parse(url)
	if err != nil {
		t.Fatalf("Parse(%q): %v", url, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return Run(ctx, cfg)
}

func noSecret(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestMain(m *testing.M) {
	// go-redis logs failed dials to stderr; the tests check the errors.
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func TestRedis(t *testing.T) {
	plain := redisserver.Start(t, redisserver.Config{})
	auth := redisserver.Start(t, redisserver.Config{Password: secret})
	certs := redisserver.NewCerts(t)
	tlsSrv := redisserver.Start(t, redisserver.Config{TLS: certs})

	res, err := run(t, fmt.Sprintf("redis://%s/2", plain.Addr), 5*time.Second)
	if err != nil {
		t.Fatalf("plain: %v", err)
	}
	if !strings.HasPrefix(res.Server, "redis ") || res.Target != plain.Addr+" db 2" || res.RoundTrip <= 0 || res.Connect <= 0 {
		t.Errorf("plain result: %+v", res)
	}
	if _, err := run(t, fmt.Sprintf("redis://:%s@%s/0", secret, auth.Addr), 5*time.Second); err != nil {
		t.Errorf("password: %v", err)
	}
	if _, err := run(t, fmt.Sprintf("rediss://%s/0?ssl_ca_certs=%s", tlsSrv.Addr, certs.CAFile), 5*time.Second); err != nil {
		t.Errorf("tls: %v", err)
	}

	failures := []struct {
		name, url string
		kind      error
		part      string
	}{
		{"wrong password", fmt.Sprintf("redis://:%sx@%s/0", secret, auth.Addr), clients.ErrAuth, "check the username and password"},
		{"no password", fmt.Sprintf("redis://%s/0", auth.Addr), clients.ErrAuth, "credentials"},
		{"refused", fmt.Sprintf("redis://:%s@%s/0", secret, testserver.RefusedAddr(t)), clients.ErrRefused, "is redis running"},
		{"bad CA", fmt.Sprintf("rediss://%s/0?ssl_ca_certs=%s", tlsSrv.Addr, certs.OtherCAFile), clients.ErrTLS, "not trusted"},
		// A plain server waits for the end of the "command" a TLS hello
		// starts; a plain-text PING tells (TestTLSToPlainPort).
		{"TLS to a plain port", fmt.Sprintf("rediss://%s/0?ssl_cert_reqs=none", plain.Addr), clients.ErrTLS, "plain redis port"},
		{"plain to a TLS port", fmt.Sprintf("redis://%s/0", tlsSrv.Addr), clients.ErrClosed, "rediss://"},
		{"unknown option", fmt.Sprintf("redis://%s/0?pool_sise=3", plain.Addr), ErrConfig, "pool_sise"},
		{"socket missing", "redis:///nonexistent/redis.sock", clients.ErrRefused, "no unix socket"},
	}
	for _, tt := range failures {
		_, err := run(t, tt.url, 1500*time.Millisecond)
		if !errors.Is(err, tt.kind) {
			t.Errorf("%s: error %v, want kind %v", tt.name, err, tt.kind)
		}
		if err != nil && !strings.Contains(err.Error(), tt.part) {
			t.Errorf("%s: %q lacks %q", tt.name, err, tt.part)
		}
		noSecret(t, err)
	}
}

func TestTimeout(t *testing.T) {
	silent := scripted.Silent(t)
	start := time.Now()
	_, err := run(t, fmt.Sprintf("redis://:%s@%s/0?read_timeout=5s&dial_timeout=10s", secret, silent), 300*time.Millisecond)
	if !errors.Is(err, clients.ErrTimeout) {
		t.Errorf("silent server: %v, want clients.ErrTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v; the context deadline was 300ms", d)
	}
	noSecret(t, err)
}

// TestTLSToPlainPort: rediss:// (and valkeys://, and a Sentinel over TLS)
// at a port that speaks plain text fails as tls within a fraction of the
// timeout, not as timeout when it runs out: a real plain redis-server (with
// and without a password) and a memcached.
func TestTLSToPlainPort(t *testing.T) {
	plain := redisserver.Start(t, redisserver.Config{})
	auth := redisserver.Start(t, redisserver.Config{Password: secret})
	mc := memcachedserver.Start(t)
	const timeout = 4 * time.Second
	for _, tt := range []struct{ url, part string }{
		{"rediss://" + plain.Addr + "/0", "plain redis port"},
		{"valkeys://" + plain.Addr + "/0", "plain redis port"},
		{fmt.Sprintf("rediss://:%s@%s/0", secret, auth.Addr), "plain redis port"},
		{"rediss://" + mc.Addr + "/0", "use redis://"}, // memcached answers the ClientHello at once
		{"rediss+sentinel://" + plain.Addr + "/mymaster", "plain redis port"},
	} {
		start := time.Now()
		_, err := run(t, tt.url, timeout)
		took := time.Since(start)
		if !errors.Is(err, clients.ErrTLS) || !strings.Contains(fmt.Sprint(err), tt.part) {
			t.Errorf("%s: %v after %v, want clients.ErrTLS (%s)", tt.url, err, took, tt.part)
		}
		if took > timeout/2 {
			t.Errorf("%s: took %v of the %v timeout", tt.url, took, timeout)
		}
		noSecret(t, err)
	}
}

func TestMemcached(t *testing.T) {
	a := memcachedserver.Start(t)
	b := memcachedserver.Start(t)
	sock := memcachedserver.StartUnix(t)
	res, err := run(t, fmt.Sprintf("pymemcache://%s,%s", a.Addr, b.Addr), 5*time.Second)
	if err != nil {
		t.Fatalf("memcached: %v", err)
	}
	if !strings.HasPrefix(res.Server, "memcached 1.") || res.Target != a.Addr+", "+b.Addr {
		t.Errorf("result %+v", res)
	}
	if _, err := run(t, "memcached://"+sock.Socket, 5*time.Second); err != nil {
		t.Errorf("socket: %v", err)
	}
	_, err = run(t, "memcached://"+testserver.RefusedAddr(t), 3*time.Second)
	if !errors.Is(err, clients.ErrRefused) {
		t.Errorf("refused: %v", err)
	}
	_, err = run(t, "memcached://no-such-host.invalid:11211", 3*time.Second)
	if !errors.Is(err, clients.ErrResolve) {
		t.Errorf("resolve: %v", err)
	}
}

func TestLocal(t *testing.T) {
	res, err := run(t, "locmem://x?max_entries=10", time.Second)
	if err != nil || res.Target != "in-process" || res.Server != "in-process LRU (10 entries, TTL 5m0s)" {
		t.Errorf("locmem: %+v %v", res, err)
	}
	// The round trip goes through the portable cache, whose key making a
	// Python key_function would replace: the check uses Django's default.
	if _, err := run(t, "locmem://?key_function=myapp.cache.make_key", time.Second); err != nil {
		t.Errorf("locmem with key_function: %v", err)
	}
	res, err = run(t, "locmem://?timeout=0", time.Second)
	if err != nil || res.Server != "no-op cache" || res.Note == "" {
		t.Errorf("locmem timeout=0: %+v %v", res, err)
	}
	res, err = run(t, "dummy://", time.Second)
	if err != nil || res.Note == "" {
		t.Errorf("dummy: %+v %v", res, err)
	}
	for _, u := range []string{"file:///tmp/x", "db://t", "uwsgicache://"} {
		if _, err := run(t, u, time.Second); !errors.Is(err, clients.ErrNoGoClient) || !strings.Contains(err.Error(), "which no Go client serves") {
			t.Errorf("%s: %v, want clients.ErrNoGoClient", u, err)
		}
	}
	if _, err := run(t, "locmem://?pool_size=3", time.Second); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown option: %v", err)
	}
	cfg, _ := core.Parse("locmem://?pool_size=3")
	if _, err := Run(context.Background(), cfg, AllowUnknownOptions()); err != nil {
		t.Errorf("AllowUnknownOptions: %v", err)
	}
}

func TestRedisVersion(t *testing.T) {
	tests := map[string]string{
		"# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n":                     "redis 7.0.15",
		"# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n": "valkey 8.0.1",
		"": "redis",
	}
	for in, want := range tests {
		if got := redisVersion(in); got != want {
			t.Errorf("redisVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
